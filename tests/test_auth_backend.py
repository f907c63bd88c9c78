"""The admin's authentication backend applies the API's login rules and lockout."""

import pytest
from django.contrib.auth import authenticate

from audit.actions import AuditAction
from audit.models import AuditEvent
from tests.conftest import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_right_password_authenticates_with_any_spelling_of_the_email(user):
    # when
    found = authenticate(None, username=user.email.upper(), password=DEFAULT_PASSWORD)

    # then
    assert found == user


def test_failures_count_towards_the_lockout_and_are_audited(user, settings):
    # given
    settings.LOGIN_LOCKOUT_THRESHOLD = 2
    for _ in range(2):
        assert authenticate(None, username=user.email, password="Wrong-1234") is None

    # when
    found = authenticate(None, username=user.email, password=DEFAULT_PASSWORD)

    # then
    assert found is None
    user.refresh_from_db()
    assert user.lockout_level == 1
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_LOCKED).count() == 1


@pytest.mark.parametrize("status", ["suspended", "inactive"])
def test_an_inactive_account_is_not_authenticated(user_factory, status):
    # given
    account = user_factory(status=status)

    # when
    found = authenticate(None, username=account.email, password=DEFAULT_PASSWORD)

    # then
    assert found is None


def test_an_unknown_email_is_not_authenticated(db):
    assert authenticate(None, username="ghost@example.com", password="x") is None
