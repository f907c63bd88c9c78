"""`manage.py init_db` and `createsuperuser`: the first staff user, by email."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from audit.actions import AuditAction
from audit.models import AuditEvent
from tests.conftest import run_django

pytestmark = pytest.mark.django_db
PASSWORD = "Operator-Chosen-Secret-31"


def init_db(*args):
    out = StringIO()
    call_command("init_db", "--skip-migrate", *args, stdout=out)
    return out.getvalue()


def test_creates_a_staff_superuser_from_the_environment(monkeypatch):
    # given
    monkeypatch.setenv("GATEHOUSE_ADMIN_PASSWORD", PASSWORD)

    # when
    output = init_db("--email", " Root@Example.com ")

    # then
    user = User.objects.get()
    assert user.email == "root@example.com"
    assert (user.is_staff, user.is_superuser, user.email_verified) == (True,) * 3
    assert user.check_password(PASSWORD)
    assert "Created staff superuser root@example.com." in output
    event = AuditEvent.objects.get(action=AuditAction.USER_REGISTERED)
    assert event.metadata == {"via": "init_db", "is_staff": True}


def test_running_twice_changes_nothing(monkeypatch):
    # given
    init_db("--email", "root@example.com", "--password", PASSWORD)

    # when
    output = init_db("--email", "root@example.com", "--password", "Other-Secret-99")

    # then
    assert User.objects.count() == 1
    assert User.objects.get().check_password(PASSWORD)
    assert "already exists; unchanged" in output


def test_an_existing_account_is_promoted_with_its_password_kept(user):
    # when
    output = init_db("--email", user.email)

    # then
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (True, True)
    assert user.check_password("Correct-Horse-Battery-9")
    assert "Promoted" in output
    assert AuditEvent.objects.filter(action=AuditAction.USER_STATUS_CHANGED).exists()


def test_without_a_password_or_a_tty_it_refuses(monkeypatch):
    # given
    monkeypatch.delenv("GATEHOUSE_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)

    # when
    with pytest.raises(CommandError) as refused:
        init_db("--email", "root@example.com")

    # then
    assert "GATEHOUSE_ADMIN_PASSWORD" in str(refused.value)
    assert not User.objects.exists()


def test_asks_for_the_password_on_a_tty(monkeypatch):
    # given
    monkeypatch.delenv("GATEHOUSE_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: PASSWORD)

    # when
    init_db("--email", "root@example.com")

    # then
    assert User.objects.get().check_password(PASSWORD)


def test_a_weak_password_is_refused():
    with pytest.raises(CommandError):
        init_db("--email", "root@example.com", "--password", "password")

    assert not User.objects.exists()


def test_createsuperuser_works_with_the_email_model(monkeypatch):
    # given
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    # when
    call_command(
        "createsuperuser",
        interactive=False,
        email="Boss@Example.com",
        stdout=StringIO(),
    )

    # then
    user = User.objects.get()
    assert user.email == "boss@example.com"
    assert (user.is_staff, user.is_superuser) == (True, True)
    assert user.check_password(PASSWORD)


@pytest.mark.slow
def test_init_db_migrates_a_fresh_database_in_one_step(tmp_path):
    # given
    env = {
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "GATEHOUSE_ADMIN_PASSWORD": PASSWORD,
    }
    code = (
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'init_db', '--email', "
        "'root@example.com', '--verbosity', '0'])"
    )

    # when
    first = run_django(code, env=env, timeout=120)
    second = run_django(code, env=env, timeout=120)

    # then
    assert first.returncode == 0, first.stderr
    assert "Created staff superuser root@example.com." in first.stdout
    assert second.returncode == 0, second.stderr
    assert "already exists; unchanged" in second.stdout
