"""`manage.py init_db`: migrate, then make sure the first staff superuser exists."""

import getpass
import os
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.emails import normalize_email
from accounts.models import User
from audit.actions import AuditAction
from audit.services import record

PASSWORD_VARIABLE = "GATEHOUSE_ADMIN_PASSWORD"
EMAIL_VARIABLE = "GATEHOUSE_ADMIN_EMAIL"


class Command(BaseCommand):
    help = (
        "Apply migrations, then create the first staff superuser (idempotent: an "
        "existing account is promoted, its password left alone)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--email", help=f"the staff user's email (or set {EMAIL_VARIABLE})"
        )
        parser.add_argument(
            "--password",
            help=f"the staff user's password; prefer {PASSWORD_VARIABLE} or the "
            "prompt, which keep it out of the process list and shell history",
        )
        parser.add_argument(
            "--skip-migrate", action="store_true", help="do not run migrate first"
        )

    def handle(self, *args, email=None, password=None, skip_migrate=False, **options):
        if not skip_migrate:
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
        email = normalize_email(email or os.environ.get(EMAIL_VARIABLE) or "")
        email = email or self._ask("Staff email: ", secret=False)
        user = User.objects.filter(email=email).first()
        if user is not None:
            self._promote(user)
            return
        password = password or os.environ.get(PASSWORD_VARIABLE) or self._ask_password()
        try:
            validate_password(password, User(email=email))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        with transaction.atomic():
            user = User.objects.create_superuser(email, password, email_verified=True)
            record(
                AuditAction.USER_REGISTERED,
                target=user,
                metadata={"via": "init_db", "is_staff": True},
            )
        self.stdout.write(self.style.SUCCESS(f"Created staff superuser {email}."))

    def _promote(self, user):
        if user.is_staff and user.is_superuser:
            self.stdout.write(
                f"Staff superuser {user.email} already exists; unchanged."
            )
            return
        with transaction.atomic():
            previous = {"is_staff": user.is_staff, "is_superuser": user.is_superuser}
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser", "updated_at"])
            record(
                AuditAction.USER_STATUS_CHANGED,
                target=user,
                metadata={
                    "fields": ["is_staff", "is_superuser"],
                    "is_staff": {"from": previous["is_staff"], "to": True},
                    "is_superuser": {"from": previous["is_superuser"], "to": True},
                    "via": "init_db",
                },
            )
        self.stdout.write(
            self.style.SUCCESS(f"Promoted {user.email} to staff superuser.")
        )

    def _ask(self, prompt, secret):
        if not sys.stdin.isatty():
            raise CommandError(
                f"No TTY to ask on: pass --email and set {PASSWORD_VARIABLE} "
                "(or --password)."
            )
        value = getpass.getpass(prompt) if secret else input(prompt)
        value = value.strip() if not secret else value
        if not value:
            raise CommandError("Nothing entered; nothing created.")
        return normalize_email(value) if not secret else value

    def _ask_password(self):
        password = self._ask("Password: ", secret=True)
        if password != self._ask("Password (again): ", secret=True):
            raise CommandError("The two passwords differ; nothing created.")
        return password
