"""`manage.py clear_expired_sessions` deletes expired and long-revoked rows only."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sessions_api.models import Session
from sessions_api.services import create_session


@pytest.fixture
def sessions(user):
    now = timezone.now()

    def make(expires_in, revoked_days_ago=None):
        session, _ = create_session(user)
        revoked_at = (
            None if revoked_days_ago is None else now - timedelta(days=revoked_days_ago)
        )
        Session.objects.filter(pk=session.pk).update(
            expires_at=now + expires_in, revoked_at=revoked_at
        )
        return session.pk

    return {
        "active": make(timedelta(hours=1)),
        "expired": make(timedelta(seconds=-1)),
        "expired_and_revoked": make(timedelta(days=-2), revoked_days_ago=3),
        "revoked_recently": make(timedelta(days=20), revoked_days_ago=5),
        "revoked_long_ago": make(timedelta(days=20), revoked_days_ago=40),
    }


def clear(*args):
    out = StringIO()
    call_command("clear_expired_sessions", *args, stdout=out)
    return out.getvalue()


def remaining(sessions):
    left = set(Session.objects.values_list("pk", flat=True))
    return {name for name, pk in sessions.items() if pk in left}


def test_deletes_expired_and_long_revoked_sessions(sessions):
    # when
    output = clear()

    # then
    assert remaining(sessions) == {"active", "revoked_recently"}
    assert output.strip() == (
        "Deleted 2 expired sessions and 1 session revoked more than 30 days ago."
    )


def test_a_shorter_retention_deletes_recent_revocations_too(sessions):
    # when
    clear("--revoked-older-than", "3")

    # then
    assert remaining(sessions) == {"active"}


def test_zero_days_never_touches_an_active_session(sessions):
    # when
    clear("--revoked-older-than", "0")

    # then
    assert remaining(sessions) == {"active"}


def test_a_negative_retention_is_refused(sessions):
    with pytest.raises(CommandError):
        clear("--revoked-older-than", "-1")

    assert len(remaining(sessions)) == 5
