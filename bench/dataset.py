"""The benchmark's data set, written straight through the ORM with bulk inserts.

Everything the benchmark creates is recognisable (emails under `BENCH_DOMAIN`,
organization slugs starting with `bench-`), so a rerun removes exactly its own rows and
builds them again; nothing else in the database is touched.
"""

import itertools
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from audit.actions import AuditAction
from audit.models import AuditEvent
from organizations.models import Membership, Organization, Role
from sessions_api.models import Session
from sessions_api.services import create_session
from sessions_api.tokens import hash_token, new_token

BENCH_DOMAIN = "bench.example.com"
SMALL_SLUG = "bench-small"
LARGE_SLUG = "bench-large"
CALLER_EMAIL = f"caller@{BENCH_DOMAIN}"
LOGIN_EMAIL = f"login@{BENCH_DOMAIN}"
BATCH = 500
# Roles of the non-caller members, cycled: mostly members, some admins and guests.
_ROLE_CYCLE = [Role.MEMBER] * 7 + [Role.ADMIN, Role.GUEST, Role.MEMBER]
_AUDIT_ACTIONS = [
    AuditAction.MEMBER_ADDED,
    AuditAction.MEMBER_ROLE_CHANGED,
    AuditAction.MEMBER_REMOVED,
    AuditAction.ORG_UPDATED,
]


@dataclass
class Dataset:
    """What the scenarios need to know about the rows just created."""

    password: str
    caller_email: str
    caller_token: str
    login_email: str
    small_org_id: str
    large_org_id: str
    counts: dict = field(default_factory=dict)


def remove_previous():
    """Delete the rows an earlier benchmark run created (and only those)."""
    orgs = Organization.objects.filter(slug__startswith="bench-")
    org_ids = list(orgs.values_list("id", flat=True))
    users = User.objects.filter(email__endswith="@" + BENCH_DOMAIN)
    user_ids = list(users.values_list("id", flat=True))
    # Audit rows are append-only for the product; the benchmark's own rows go the
    # way prune_audit removes rows, without the model's guard.
    for column, values in (
        ("organization_id__in", org_ids),
        ("actor_id__in", user_ids),
    ):
        if values:
            stale = AuditEvent.objects.filter(**{column: values})
            stale._raw_delete(stale.db)
    Membership.objects.filter(organization_id__in=org_ids).delete()
    orgs.delete()
    Session.objects.filter(user_id__in=user_ids).delete()
    users.delete()


def _users(prefix, count, password_hash):
    return [
        User(
            email=f"{prefix}{number:05d}@{BENCH_DOMAIN}",
            full_name=f"Bench {prefix.title()} {number}",
            password=password_hash,
            email_verified=True,
        )
        for number in range(count)
    ]


def _organization(slug, name, caller):
    org = Organization.objects.create(name=name, slug=slug, created_by=caller)
    Membership.objects.create(organization=org, user=caller, role=Role.OWNER)
    return org


def _add_members(org, users, invited_by):
    roles = itertools.cycle(_ROLE_CYCLE)
    Membership.objects.bulk_create(
        [
            Membership(
                organization=org, user=user, role=next(roles), invited_by=invited_by
            )
            for user in users
        ],
        batch_size=BATCH,
    )


def _sessions_for(users):
    """One live session per user, so the session table is not trivially small."""
    now = timezone.now()
    Session.objects.bulk_create(
        [
            Session(
                user=user,
                token_hash=hash_token(new_token()),
                created_at=now,
                last_activity_at=now,
                expires_at=now + timedelta(days=1),
                ip_address="127.0.0.1",
                user_agent="bench",
            )
            for user in users
        ],
        batch_size=BATCH,
    )


def _audit_events(org, actors, count):
    actions = itertools.cycle(_AUDIT_ACTIONS)
    actor_cycle = itertools.cycle(actors)
    events = []
    for number in range(count):
        actor = next(actor_cycle)
        events.append(
            AuditEvent(
                action=next(actions),
                actor_id=actor.id,
                actor_email=actor.email,
                organization_id=org.id,
                target_type="membership",
                target_id=str(number),
                ip_address="127.0.0.1",
                user_agent="bench",
                request_id=f"bench-{number}",
                metadata={"role": "member"},
            )
        )
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)


def _analyze(models):
    """Give the planner statistics for the tables just loaded.

    Bulk inserts leave PostgreSQL without column statistics until autovacuum
    analyzes the tables, and never where autovacuum is off. The planner then
    guesses a handful of rows per organization and sorts a whole organization
    for every page, where an analyzed production database reads the page from
    an index; the benchmark would measure a plan production does not run.
    """
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def build(
    *,
    small_members=10,
    large_members=1000,
    audit_events=10_000,
    small_audit_events=10,
    caller_sessions=5,
):
    """Create the data set and return a `Dataset`; each call starts from scratch.

    The caller owns both organizations (so every read scenario is allowed), holds
    `caller_sessions` sessions and authenticates with the first one. The login
    scenario signs in as a separate user, so the sessions it opens never grow the
    caller's session list. Every user shares one bcrypt hash computed once: hashing
    a thousand passwords at cost 12 would take minutes and measure nothing.
    """
    password = "bench-" + secrets.token_urlsafe(12)
    password_hash = make_password(password)
    with transaction.atomic():
        remove_previous()
        caller, login_user = User.objects.bulk_create(
            [
                User(
                    email=CALLER_EMAIL, full_name="Bench Caller", password=password_hash
                ),
                User(
                    email=LOGIN_EMAIL, full_name="Bench Login", password=password_hash
                ),
            ]
        )
        small_users = User.objects.bulk_create(
            _users("small", small_members - 1, password_hash), batch_size=BATCH
        )
        large_users = User.objects.bulk_create(
            _users("large", large_members - 1, password_hash), batch_size=BATCH
        )
        small = _organization(SMALL_SLUG, "Bench Small", caller)
        large = _organization(LARGE_SLUG, "Bench Large", caller)
        _add_members(small, small_users, caller)
        _add_members(large, large_users, caller)
        _sessions_for([login_user, *small_users, *large_users])
        _audit_events(small, [caller, *small_users], small_audit_events)
        _audit_events(large, [caller, *large_users], audit_events)
        tokens = [create_session(caller)[1] for _ in range(caller_sessions)]
        _analyze([User, Organization, Membership, Session, AuditEvent])
    return Dataset(
        password=password,
        caller_email=CALLER_EMAIL,
        caller_token=tokens[0],
        login_email=LOGIN_EMAIL,
        small_org_id=str(small.id),
        large_org_id=str(large.id),
        counts={
            "users": 2 + len(small_users) + len(large_users),
            "small_members": small_members,
            "large_members": large_members,
            "small_audit_events": small_audit_events,
            "large_audit_events": audit_events,
            "caller_sessions": caller_sessions,
        },
    )
