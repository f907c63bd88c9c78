"""`manage.py clear_expired_sessions`: delete expired and long-revoked session rows."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sessions_api.models import Session


class Command(BaseCommand):
    help = (
        "Delete sessions that have expired and sessions revoked more than "
        "--revoked-older-than days ago. Active sessions are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--revoked-older-than",
            type=int,
            default=30,
            metavar="DAYS",
            help="keep revoked sessions this many days for users' history (default 30)",
        )

    def handle(self, *args, revoked_older_than, **options):
        if revoked_older_than < 0:
            raise CommandError(
                "--revoked-older-than takes a number of days, 0 or more."
            )
        now = timezone.now()
        cutoff = now - timedelta(days=revoked_older_than)
        expired, _ = Session.objects.filter(expires_at__lte=now).delete()
        revoked, _ = Session.objects.filter(revoked_at__lt=cutoff).delete()
        self.stdout.write(
            f"Deleted {expired} expired session{'s' if expired != 1 else ''} and "
            f"{revoked} session{'s' if revoked != 1 else ''} revoked more than "
            f"{revoked_older_than} day{'s' if revoked_older_than != 1 else ''} ago."
        )
