"""Delete expired one-time login codes and link tickets."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from federation.models import LinkTicket, LoginCode


class Command(BaseCommand):
    help = "Delete login codes and link tickets that have expired."

    def handle(self, *args, **options):
        now = timezone.now()
        codes, _ = LoginCode.objects.filter(expires_at__lte=now).delete()
        tickets, _ = LinkTicket.objects.filter(expires_at__lte=now).delete()
        self.stdout.write(f"Deleted {codes} login codes and {tickets} link tickets.")
