"""Audit records for organization changes staff make in the back office.

The admin saves the rows itself; these helpers run inside its transaction.
"""

from audit.actions import AuditAction
from audit.services import record

VIA_ADMIN = "admin"


def record_organization_saved(organization, changed, *, created, actor):
    if created:
        action, metadata = AuditAction.ORG_CREATED, {"slug": organization.slug}
    else:
        action, metadata = AuditAction.ORG_UPDATED, {"fields": list(changed)}
    metadata["via"] = VIA_ADMIN
    record(
        action,
        actor=actor,
        organization_id=organization.pk,
        target=organization,
        metadata=metadata,
    )


def record_organization_deleted(organization, *, actor):
    record(
        AuditAction.ORG_DELETED,
        actor=actor,
        organization_id=organization.pk,
        target=organization,
        metadata={"slug": organization.slug, "via": VIA_ADMIN},
    )


def record_member_added(membership, *, actor):
    _record_member(
        AuditAction.MEMBER_ADDED, membership, actor, {"role": membership.role}
    )


def record_member_removed(membership, *, actor):
    _record_member(
        AuditAction.MEMBER_REMOVED, membership, actor, {"role": membership.role}
    )


def record_role_changed(membership, previous_role, *, actor):
    _record_member(
        AuditAction.MEMBER_ROLE_CHANGED,
        membership,
        actor,
        {"from": previous_role, "to": membership.role},
    )


def _record_member(action, membership, actor, metadata):
    record(
        action,
        actor=actor,
        organization_id=membership.organization_id,
        target=membership.user,
        metadata={**metadata, "via": VIA_ADMIN},
    )
