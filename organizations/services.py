"""Organization and membership writes: role rules, the last-owner rule, audit events.

Every write to an organization's memberships runs in one transaction that first locks
the organization row, then re-reads the caller's membership, so a decision is never
taken on a role that changed a moment ago. Whatever may remove an owner also locks
the organization's owner rows (`select_for_update`) before counting them. On SQLite,
`select_for_update` is a no-op but the settings open every transaction with
`BEGIN IMMEDIATE`, which serializes writers the same way.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from accounts.emails import normalize_email
from accounts.models import User, UserStatus
from audit.actions import AuditAction
from audit.services import record
from authy.api.errors import Conflict, Forbidden, NotFound
from organizations.models import Membership, Organization, Role
from organizations.permissions import OrgAction, as_uuid, can, require

logger = logging.getLogger(__name__)

SLUG_MAX_LENGTH = 50
# How often a generated slug is retried when a concurrent request took it first.
_SLUG_ATTEMPTS = 5
_LAST_OWNER_MESSAGE = "An organization must keep at least one owner."


def _check(membership, action):
    if not can(membership.role, action):
        raise Forbidden("Your role in this organization does not allow this.")


def _lock_organization(organization_id):
    """Lock and return the organization row, or raise the non-member 404."""
    org_uuid = as_uuid(organization_id)
    organization = None
    if org_uuid is not None:
        organization = (
            Organization.objects.select_for_update().filter(pk=org_uuid).first()
        )
    if organization is None:
        raise NotFound("Organization not found.")
    return organization


def _locked_owner_ids(organization_id):
    return list(
        Membership.objects.select_for_update()
        .filter(organization_id=organization_id, role=Role.OWNER)
        .order_by("id")
        .values_list("user_id", flat=True)
    )


def _ensure_owner_remains(organization_id, leaving_user_id):
    """Refuse (409) when `leaving_user_id` is the organization's only owner."""
    owners = _locked_owner_ids(organization_id)
    if not [owner for owner in owners if owner != leaving_user_id]:
        raise Conflict(_LAST_OWNER_MESSAGE)


def _member(organization, user_id):
    user_uuid = as_uuid(user_id)
    membership = None
    if user_uuid is not None:
        membership = (
            Membership.objects.select_related("user")
            .filter(organization=organization, user_id=user_uuid)
            .first()
        )
    if membership is None:
        raise NotFound("Member not found.")
    return membership


# Slugs ---------------------------------------------------------------------------


def slug_from_name(name):
    """Turn a display name into a slug base that matches the slug pattern."""
    base = slugify(name).replace("_", "-")
    base = "-".join(part for part in base.split("-") if part)
    return base[:SLUG_MAX_LENGTH].strip("-") or "org"


def _with_suffix(base, number):
    suffix = f"-{number}"
    return base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix


def _free_slug(base, also_taken=()):
    """Return `base`, or `base-N` with the smallest free N."""
    stem = base[: SLUG_MAX_LENGTH - 11].rstrip("-")
    taken = set(
        Organization.objects.filter(slug__startswith=stem).values_list(
            "slug", flat=True
        )
    )
    taken.update(also_taken)
    if base not in taken:
        return base
    number = 2
    while _with_suffix(base, number) in taken:
        number += 1
    return _with_suffix(base, number)


def _insert_organization(fields, slug):
    try:
        with transaction.atomic():
            return Organization.objects.create(slug=slug, **fields)
    except IntegrityError:
        return None


# Organizations -------------------------------------------------------------------


def create_organization(user, *, name, slug=None, description="", logo_url=""):
    """Create an organization owned by `user`; a given slug must be free (409)."""
    fields = {
        "name": name,
        "description": description,
        "logo_url": logo_url,
        "created_by": user,
    }
    with transaction.atomic():
        if slug is not None:
            organization = _insert_organization(fields, slug)
            if organization is None:
                raise Conflict(
                    "This slug is already taken.",
                    details={"slug": ["This slug is already taken."]},
                )
        else:
            organization = _create_with_generated_slug(fields, slug_from_name(name))
        Membership.objects.create(organization=organization, user=user, role=Role.OWNER)
        record(
            AuditAction.ORG_CREATED,
            actor=user,
            organization_id=organization.pk,
            target=organization,
            metadata={"name": organization.name, "slug": organization.slug},
        )
    organization.caller_role = Role.OWNER
    return organization


def _create_with_generated_slug(fields, base):
    lost = set()
    for _ in range(_SLUG_ATTEMPTS):
        candidate = _free_slug(base, lost)
        organization = _insert_organization(fields, candidate)
        if organization is not None:
            return organization
        # A concurrent request took the candidate between our read and our insert.
        lost.add(candidate)
    logger.warning("Could not find a free organization slug after retries")
    raise Conflict("Could not generate a free slug; give one explicitly.")


def update_organization(organization_id, actor, changes):
    """Apply `changes` (name, description, logo_url); record the changed fields."""
    with transaction.atomic():
        organization = _lock_organization(organization_id)
        caller = require(organization.pk, actor, OrgAction.UPDATE)
        changed = sorted(
            field
            for field, value in changes.items()
            if getattr(organization, field) != value
        )
        if changed:
            for field in changed:
                setattr(organization, field, changes[field])
            organization.save(update_fields=[*changed, "updated_at"])
            record(
                AuditAction.ORG_UPDATED,
                actor=actor,
                organization_id=organization.pk,
                target=organization,
                metadata={"fields": changed},
            )
    organization.caller_role = caller.role
    return organization


def delete_organization(organization_id, actor):
    """Delete the organization and its memberships; its audit events stay."""
    with transaction.atomic():
        organization = _lock_organization(organization_id)
        require(organization.pk, actor, OrgAction.DELETE)
        record(
            AuditAction.ORG_DELETED,
            actor=actor,
            organization_id=organization.pk,
            target=organization,
            metadata={"name": organization.name, "slug": organization.slug},
        )
        organization.delete()


# Members -------------------------------------------------------------------------


def add_member(organization_id, actor, *, email, role):
    """Add the active user with `email`; owners alone may add owners."""
    with transaction.atomic():
        organization = _lock_organization(organization_id)
        caller = require(organization.pk, actor, OrgAction.MANAGE_MEMBERS)
        if role == Role.OWNER:
            _check(caller, OrgAction.MANAGE_OWNERS)
        # Unknown and inactive accounts get the same answer, so an admin learns no
        # more than the contract's 404 for "no such user" already tells.
        user = User.objects.filter(
            email=normalize_email(email), status=UserStatus.ACTIVE
        ).first()
        if user is None:
            raise NotFound("No user with this email address can be added.")
        if Membership.objects.filter(organization=organization, user=user).exists():
            raise Conflict("This user is already a member of the organization.")
        membership = Membership.objects.create(
            organization=organization, user=user, role=role, invited_by=actor
        )
        record(
            AuditAction.MEMBER_ADDED,
            actor=actor,
            organization_id=organization.pk,
            target=user,
            metadata={"email": user.email, "role": role},
        )
    return membership


def remove_member(organization_id, actor, user_id):
    """Remove a member: admins and owners per the table, or anyone themselves."""
    with transaction.atomic():
        organization = _lock_organization(organization_id)
        is_self = as_uuid(user_id) == actor.pk
        action = OrgAction.VIEW if is_self else OrgAction.MANAGE_MEMBERS
        caller = require(organization.pk, actor, action)
        target = _member(organization, user_id)
        if target.role == Role.OWNER:
            if not is_self:
                _check(caller, OrgAction.MANAGE_OWNERS)
            _ensure_owner_remains(organization.pk, target.user_id)
        record(
            AuditAction.MEMBER_REMOVED,
            actor=actor,
            organization_id=organization.pk,
            target=target.user,
            metadata={"email": target.user.email, "role": target.role, "self": is_self},
        )
        target.delete()


def change_role(organization_id, actor, user_id, role):
    """Re-role a member; touching an owner needs an owner; one owner must remain."""
    with transaction.atomic():
        organization = _lock_organization(organization_id)
        caller = require(organization.pk, actor, OrgAction.MANAGE_MEMBERS)
        target = _member(organization, user_id)
        if Role.OWNER in (target.role, role):
            _check(caller, OrgAction.MANAGE_OWNERS)
        if target.role == role:
            return target
        if target.role == Role.OWNER:
            _ensure_owner_remains(organization.pk, target.user_id)
        previous = target.role
        target.role = role
        target.save(update_fields=["role"])
        record(
            AuditAction.MEMBER_ROLE_CHANGED,
            actor=actor,
            organization_id=organization.pk,
            target=target.user,
            metadata={"email": target.user.email, "from": previous, "to": role},
        )
    return target


# Account deletion ----------------------------------------------------------------


def release_memberships_of(user):
    """Prepare `user`'s deletion: refuse while they are a needed last owner.

    Runs inside the account deletion transaction. An organization whose only member
    is `user` is deleted with the account; from every other organization `user`
    leaves (recorded in that organization's audit trail). While `user` is the only
    owner of an organization that has other members, the deletion is refused with a
    409 naming those organizations, and nothing changes.
    """
    # A savepoint when the caller already opened the deletion transaction (as it
    # should); a transaction of its own otherwise, so the row locks stay valid.
    with transaction.atomic():
        organization_ids = list(
            Membership.objects.filter(user=user)
            .order_by("organization_id")
            .values_list("organization_id", flat=True)
        )
        plan, blocked = [], []
        for organization_id in organization_ids:
            step = _plan_release(organization_id, user)
            if step == "blocked":
                blocked.append(str(organization_id))
            elif step is not None:
                plan.append(step)
        if blocked:
            raise Conflict(
                "You are the last owner of an organization that has other members. "
                "Make another member an owner, or delete the organization, first.",
                details={"organizations": blocked},
            )
        for step in plan:
            _release(step, user)


def _plan_release(organization_id, user):
    """Lock one organization and decide what `user`'s deletion does to it."""
    organization = (
        Organization.objects.select_for_update().filter(pk=organization_id).first()
    )
    if organization is None:
        return None
    membership = Membership.objects.filter(organization=organization, user=user).first()
    if membership is None:
        return None
    others = Membership.objects.filter(organization=organization).exclude(user=user)
    if not others.exists():
        return ("delete", organization, membership)
    if membership.role == Role.OWNER:
        if _locked_owner_ids(organization.pk) == [user.pk]:
            return "blocked"
    return ("leave", organization, membership)


def _release(step, user):
    kind, organization, membership = step
    if kind == "delete":
        record(
            AuditAction.ORG_DELETED,
            actor=user,
            organization_id=organization.pk,
            target=organization,
            metadata={
                "name": organization.name,
                "slug": organization.slug,
                "reason": "account_deleted",
            },
        )
        organization.delete()
        return
    record(
        AuditAction.MEMBER_REMOVED,
        actor=user,
        organization_id=organization.pk,
        target=user,
        metadata={
            "email": user.email,
            "role": membership.role,
            "self": True,
            "reason": "account_deleted",
        },
    )
    membership.delete()
