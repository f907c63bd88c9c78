"""`manage.py seed_data`: idempotent demo data, refused outside DEBUG unless forced."""

import secrets
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User, UserStatus
from organizations.management.commands.seed_data import DEMO_PASSWORD
from organizations.models import Membership, Organization
from organizations.selectors import organizations_of
from tests.conftest import run_django

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def seed(*args):
    out = StringIO()
    call_command("seed_data", *args, stdout=out)
    return out.getvalue()


def test_seeding_twice_creates_the_data_once(debug):
    # when
    first = seed()
    counts = (User.objects.count(), Organization.objects.count())
    second = seed()

    # then
    assert counts == (9, 3)
    assert (User.objects.count(), Organization.objects.count()) == counts
    assert Membership.objects.count() == 11
    assert "Seeded: 23 created, 0 updated, 0 already existed." in first
    assert "Seeded: 0 created, 0 updated, 23 already existed." in second


def test_admin_of_acme_owns_acme_and_data_systems(debug):
    # when
    seed()

    # then
    admin = User.objects.get(email="admin@acme-corp.com")
    assert [(org["slug"], org["role"]) for org in organizations_of(admin)] == [
        ("acme-corp", "owner"),
        ("data-systems", "owner"),
    ]
    assert admin.check_password(DEMO_PASSWORD)
    assert admin.is_staff


def test_the_issue_roles_are_seeded(debug):
    # when
    seed()

    # then
    def roles(email):
        user = User.objects.get(email=email)
        return {org["slug"]: org["role"] for org in organizations_of(user)}

    assert roles("carol@acme-corp.com") == {"acme-corp": "admin"}
    assert roles("bob@acme-corp.com") == {"acme-corp": "member"}
    assert roles("charlie@cross-org.com") == {
        "acme-corp": "guest",
        "tech-startup": "member",
    }
    assert roles("frank@tech-startup.com") == {"tech-startup": "admin"}
    assert User.objects.get(email="grace@acme-corp.com").status == UserStatus.SUSPENDED
    assert not User.objects.filter(email_verified=False).exists()
    assert Organization.objects.get(slug="acme-corp").name == "Acme Corporation"


def test_the_default_password_is_printed(debug):
    output = seed()

    assert f"Demo users' password: {DEMO_PASSWORD}" in output


def test_a_given_password_is_used_and_not_printed(debug):
    # when
    output = seed("--password", "Another-Demo-Secret-8")

    # then
    assert "Another-Demo-Secret-8" not in output
    assert User.objects.get(email="bob@acme-corp.com").check_password(
        "Another-Demo-Secret-8"
    )


def test_reseeding_repairs_drifted_demo_data(debug):
    # given
    seed()
    bob = User.objects.get(email="bob@acme-corp.com")
    bob.set_password("Drifted-Password-1")
    bob.full_name = "Robert"
    bob.save()

    # when
    output = seed()

    # then
    bob.refresh_from_db()
    assert bob.check_password(DEMO_PASSWORD)
    assert bob.full_name == "Bob Baker"
    assert "Seeded: 0 created, 1 updated, 22 already existed." in output


def test_refused_without_debug_unless_forced(settings):
    # given
    settings.DEBUG = False

    # when
    with pytest.raises(CommandError) as refused:
        seed()

    # then
    assert "--force" in str(refused.value)
    assert not User.objects.exists()


def test_forced_without_debug_seeds(settings):
    # given
    settings.DEBUG = False

    # when
    seed("--force")

    # then
    assert User.objects.count() == 9


def test_the_real_command_exits_non_zero_without_debug():
    # when
    result = run_django(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'seed_data'])",
        env={"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64)},
    )

    # then
    assert result.returncode == 1
    assert "--force" in result.stderr
