"""One-time login codes: random, stored hashed, short-lived and single use."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.actions import AuditAction
from audit.services import record
from authy.api.errors import ValidationFailed
from federation.models import LoginCode
from federation.redirects import with_params
from sessions_api.services import create_session
from sessions_api.tokens import hash_token

INVALID_CODE_MESSAGE = "The code is invalid or has expired."


def issue_login_code(user, auth_method):
    """Create a code for `user`; return the plain code (stored only as a hash)."""
    code = secrets.token_urlsafe(32)
    LoginCode.objects.create(
        code_hash=hash_token(code),
        user=user,
        auth_method=auth_method,
        expires_at=timezone.now() + timedelta(seconds=settings.LOGIN_CODE_TTL),
    )
    return code


def redirect_with_code(redirect_uri, user, auth_method):
    return with_params(redirect_uri, code=issue_login_code(user, auth_method))


def redirect_with_error(redirect_uri, error):
    return with_params(redirect_uri, error=error)


def _invalid_code():
    return ValidationFailed(
        INVALID_CODE_MESSAGE, details={"code": [INVALID_CODE_MESSAGE]}
    )


@transaction.atomic
def redeem_login_code(code):
    """Trade a code for a new session; return (user, session, token).

    The code is burnt by a conditional UPDATE, so two concurrent redemptions cannot
    both succeed. Every failure is the same error, whatever its cause.
    """
    if not isinstance(code, str) or not code or len(code) > 256:
        raise _invalid_code()
    now = timezone.now()
    code_hash = hash_token(code)
    burnt = LoginCode.objects.filter(
        code_hash=code_hash, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not burnt:
        raise _invalid_code()
    login_code = LoginCode.objects.select_related("user").get(code_hash=code_hash)
    user = login_code.user
    if not user.is_active:
        raise _invalid_code()
    session, token = create_session(user, auth_method=login_code.auth_method)
    type(user).objects.filter(pk=user.pk).update(last_login_at=now)
    record(
        AuditAction.LOGIN_SUCCEEDED,
        actor=user,
        target=session,
        metadata={"auth_method": login_code.auth_method},
    )
    return user, session, token
