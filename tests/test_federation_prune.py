"""`prune_federation` removes expired codes and tickets and keeps live ones."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from federation.codes import issue_login_code
from federation.models import LinkTicket, LoginCode

pytestmark = pytest.mark.django_db


def test_prune_deletes_only_expired_codes_and_tickets(user):
    # given
    issue_login_code(user, "google")
    issue_login_code(user, "github")
    LoginCode.objects.filter(auth_method="github").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    now = timezone.now()
    for offset in (-1, 60):
        LinkTicket.objects.create(
            user=user,
            provider="google",
            redirect_uri="https://app.example.com/auth/callback",
            expires_at=now + timedelta(seconds=offset),
        )

    # when
    output = StringIO()
    call_command("prune_federation", stdout=output)

    # then
    assert list(LoginCode.objects.values_list("auth_method", flat=True)) == ["google"]
    assert LinkTicket.objects.get().expires_at > now
    assert output.getvalue() == "Deleted 1 login codes and 1 link tickets.\n"
