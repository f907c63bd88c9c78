"""`manage.py prune_audit --older-than DAYS`: the only way audit events leave."""

from django.core.management.base import BaseCommand, CommandError

from audit.services import prune


class Command(BaseCommand):
    help = (
        "Delete audit events older than DAYS days and record an audit.pruned event "
        "saying how many went. This is the only removal path for audit events."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help="Delete events recorded more than DAYS days ago (at least 1).",
        )

    def handle(self, *args, older_than, **options):
        if older_than < 1:
            raise CommandError("--older-than must be at least 1 day.")
        count = prune(older_than)
        self.stdout.write(
            f"Pruned {count} audit event(s) older than {older_than} days."
        )
