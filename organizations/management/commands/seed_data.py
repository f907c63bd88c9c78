"""`manage.py seed_data`: idempotent demo organizations, users and memberships."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User, UserStatus
from organizations.models import Membership, Organization, Role

DEMO_PASSWORD = "Gatehouse-demo-2026"

ORGANIZATIONS = [
    ("acme-corp", "Acme Corporation", "Makers of everything, demo tenant one."),
    ("tech-startup", "Tech Startup Inc", "A small team that moves fast."),
    ("data-systems", "Data Systems Inc", "Databases, pipelines and reports."),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    roles: dict = field(default_factory=dict)
    status: str = UserStatus.ACTIVE
    is_staff: bool = False


USERS = [
    DemoUser(
        "admin@acme-corp.com",
        "Alice Admin",
        {"acme-corp": Role.OWNER, "data-systems": Role.OWNER},
        is_staff=True,
    ),
    DemoUser("carol@acme-corp.com", "Carol Chen", {"acme-corp": Role.ADMIN}),
    DemoUser("bob@acme-corp.com", "Bob Baker", {"acme-corp": Role.MEMBER}),
    DemoUser(
        "charlie@cross-org.com",
        "Charlie Cross",
        {"acme-corp": Role.GUEST, "tech-startup": Role.MEMBER},
    ),
    DemoUser("heidi@tech-startup.com", "Heidi Hart", {"tech-startup": Role.OWNER}),
    DemoUser("frank@tech-startup.com", "Frank Fisher", {"tech-startup": Role.ADMIN}),
    DemoUser("dave@tech-startup.com", "Dave Diaz", {"tech-startup": Role.MEMBER}),
    DemoUser("erin@data-systems.com", "Erin Evans", {"data-systems": Role.ADMIN}),
    DemoUser(
        "grace@acme-corp.com",
        "Grace Gray (suspended)",
        {"acme-corp": Role.MEMBER},
        status=UserStatus.SUSPENDED,
    ),
]


class Command(BaseCommand):
    help = (
        "Create or update the demo organizations and users (idempotent). "
        "Refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=f"password for every demo user (default: {DEMO_PASSWORD})",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even though DEBUG is off (never on a real deployment)",
        )

    def handle(self, *args, password=None, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_data creates demo accounts with a known password and runs only "
                "with DEBUG=1; pass --force to seed anyway."
            )
        self.tally = {"created": 0, "updated": 0, "unchanged": 0}
        with transaction.atomic():
            organizations = {
                slug: self._organization(slug, name, description)
                for slug, name, description in ORGANIZATIONS
            }
            for demo in USERS:
                user = self._user(demo, password or DEMO_PASSWORD)
                for slug, role in demo.roles.items():
                    self._membership(organizations[slug], user, role)
        self._summary(password)

    def _organization(self, slug, name, description):
        organization, created = Organization.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        changed = not created and (
            organization.name != name or organization.description != description
        )
        if changed:
            organization.name, organization.description = name, description
            organization.save(update_fields=["name", "description", "updated_at"])
        self._note(created, changed, f"organization {slug}")
        return organization

    def _user(self, demo, password):
        wanted = {
            "full_name": demo.full_name,
            "status": demo.status,
            "email_verified": True,
            "is_staff": demo.is_staff,
            "is_superuser": demo.is_staff,
        }
        user = User.objects.filter(email=demo.email).first()
        if user is None:
            user = User.objects.create_user(demo.email, password, **wanted)
            self._note(True, False, f"user {demo.email}")
            return user
        changed = [
            name for name, value in wanted.items() if getattr(user, name) != value
        ]
        for name in changed:
            setattr(user, name, wanted[name])
        if not user.check_password(password):
            user.set_password(password)
            changed.append("password")
        if changed:
            user.save()
        self._note(False, bool(changed), f"user {demo.email}")
        return user

    def _membership(self, organization, user, role):
        membership, created = Membership.objects.get_or_create(
            organization=organization, user=user, defaults={"role": role}
        )
        changed = not created and membership.role != role
        if changed:
            membership.role = role
            membership.save(update_fields=["role"])
        self._note(
            created,
            changed,
            f"membership {user.email} as {role} of {organization.slug}",
        )
        if created and role == Role.OWNER and organization.created_by_id is None:
            organization.created_by = user
            organization.save(update_fields=["created_by", "updated_at"])

    def _note(self, created, changed, label):
        state = "created" if created else "updated" if changed else "unchanged"
        self.tally[state] += 1
        style = (
            self.style.SUCCESS if created else self.style.WARNING if changed else str
        )
        self.stdout.write(style(f"{state:>9}  {label}"))

    def _summary(self, password):
        self.stdout.write(
            "Seeded: {created} created, {updated} updated, {unchanged} already "
            "existed.".format(**self.tally)
        )
        if password:
            self.stdout.write("Demo users' password: the one given with --password.")
        else:
            self.stdout.write(f"Demo users' password: {DEMO_PASSWORD}")
        self.stdout.write(
            "Staff login at /admin/: admin@acme-corp.com (owner of acme-corp and "
            "data-systems)."
        )
