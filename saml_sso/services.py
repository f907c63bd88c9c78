"""Save or delete an organization's SAML set-up and verify its domains."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.actions import AuditAction
from audit.services import record
from authy.api.errors import Conflict, NotFound, ValidationFailed
from organizations.models import Organization
from saml_sso.domains import has_verification_record, normalize_domain
from saml_sso.models import SamlConfig, SamlDomain

DOMAIN_TAKEN_MESSAGE = "This domain is already verified by another organization."


def get_config(organization):
    config = (
        SamlConfig.objects.filter(organization=organization)
        .prefetch_related("domains")
        .first()
    )
    if config is None:
        raise NotFound("This organization has no SAML configuration.")
    return config


def _sync_domains(config, domains):
    """Keep the rows of domains that stay (token, verification); add or drop others."""
    config.domains.exclude(domain__in=domains).delete()
    existing = set(config.domains.values_list("domain", flat=True))
    SamlDomain.objects.bulk_create(
        SamlDomain(
            config=config, domain=domain, verification_token=secrets.token_urlsafe(24)
        )
        for domain in domains
        if domain not in existing
    )


def _settings_of(config):
    """The settings an administrator sets, to tell which ones a save changed."""
    if config is None:
        return {
            "idp_metadata_xml": "",
            "idp_metadata_url": "",
            "domains": [],
            "enforce": False,
            "allow_idp_initiated": False,
        }
    return {
        "idp_metadata_xml": config.idp_metadata_xml,
        "idp_metadata_url": config.idp_metadata_url,
        "domains": sorted(config.domains.values_list("domain", flat=True)),
        "enforce": config.enforce,
        "allow_idp_initiated": config.allow_idp_initiated,
    }


@transaction.atomic
def save_config(organization, actor, *, metadata, metadata_url, domains, options):
    """Create or replace the SAML configuration; `options` holds the two flags."""
    # Locking the organization row serializes concurrent saves, including the first.
    Organization.objects.select_for_update().filter(pk=organization.pk).exists()
    config = SamlConfig.objects.filter(organization=organization).first()
    before = _settings_of(config)
    config = config or SamlConfig(organization=organization)
    config.idp_entity_id = metadata.entity_id
    config.idp_metadata_xml = metadata.xml
    config.idp_metadata_url = metadata_url or ""
    config.enforce = options["enforce"]
    config.allow_idp_initiated = options["allow_idp_initiated"]
    config.save()
    _sync_domains(config, domains)
    after = _settings_of(config)
    record(
        AuditAction.SAML_CONFIG_UPDATED,
        actor=actor,
        organization_id=organization.id,
        target=organization,
        metadata={"fields": [name for name in after if after[name] != before[name]]},
    )
    return get_config(organization)


@transaction.atomic
def delete_config(organization, actor):
    config = get_config(organization)
    record(
        AuditAction.SAML_CONFIG_DELETED,
        actor=actor,
        organization_id=organization.id,
        target=organization,
    )
    config.delete()


def _claimed_domain(organization, domain):
    normalized = normalize_domain(domain)
    claimed = (
        SamlDomain.objects.select_related("config")
        .filter(config__organization=organization, domain=normalized)
        .first()
        if normalized
        else None
    )
    if claimed is None:
        raise NotFound("This domain is not part of the organization's SAML set-up.")
    return claimed


@transaction.atomic
def mark_verified(claimed, actor, method):
    """Record `claimed` as owned by its organization; 409 if another owns it."""
    if claimed.is_verified:
        return claimed
    if (
        SamlDomain.objects.filter(domain=claimed.domain, verified_at__isnull=False)
        .exclude(pk=claimed.pk)
        .exists()
    ):
        raise Conflict(DOMAIN_TAKEN_MESSAGE)
    claimed.verified_at = timezone.now()
    claimed.verified_by = actor
    try:
        with transaction.atomic():
            claimed.save(update_fields=["verified_at", "verified_by"])
    except IntegrityError as exc:
        # Another organization verified the same domain at the same moment.
        raise Conflict(DOMAIN_TAKEN_MESSAGE) from exc
    organization = claimed.config.organization
    record(
        AuditAction.SAML_DOMAIN_VERIFIED,
        actor=actor,
        organization_id=organization.id,
        target=organization,
        metadata={"domain": claimed.domain, "method": method},
    )
    return claimed


def verify_domain(organization, domain, actor, resolver=None):
    """Check the DNS TXT record of a claimed domain and mark it verified.

    The DNS lookup runs outside any transaction so a slow resolver holds no locks.
    """
    claimed = _claimed_domain(organization, domain)
    if claimed.is_verified:
        return claimed
    if not has_verification_record(
        claimed.domain, claimed.verification_token, resolver
    ):
        raise ValidationFailed.on_field(
            "domain",
            "No TXT record gatehouse-verification=<token> was found for this domain.",
        )
    return mark_verified(claimed, actor, method="dns")
