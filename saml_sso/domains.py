"""Email domains: normalising them and proving ownership with a DNS TXT record."""

import re

from django.utils.module_loading import import_string

from authy.api.errors import ValidationFailed
from saml_sso.app_settings import app_settings

TXT_PREFIX = "gatehouse-verification="
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_domain(value):
    """Lower-case, IDNA-encode and check a domain name; return None if invalid."""
    if not isinstance(value, str):
        return None
    domain = value.strip().rstrip(".").lower()
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2:
        return None
    if not all(_LABEL.match(label) for label in labels):
        return None
    return domain


def normalize_domains(values):
    """Validate the `domains` list of a configuration; duplicates collapse."""
    if not isinstance(values, list):
        raise ValidationFailed.on_field("domains", "Expected a list of domains.")
    if len(values) > app_settings.MAX_DOMAINS:
        raise ValidationFailed.on_field(
            "domains", f"At most {app_settings.MAX_DOMAINS} domains are allowed."
        )
    domains = []
    for value in values:
        domain = normalize_domain(value)
        if domain is None:
            raise ValidationFailed.on_field(
                "domains", f"{str(value)[:100]!r} is not a valid domain name."
            )
        if domain not in domains:
            domains.append(domain)
    return domains


def email_domain(email):
    return normalize_domain(email.rpartition("@")[2]) if "@" in email else None


def txt_record_value(token):
    return f"{TXT_PREFIX}{token}"


class DnsPythonResolver:
    """Reads TXT records through dnspython; any DNS failure reads as no records."""

    def txt_records(self, name):
        import dns.exception
        import dns.resolver

        try:
            answer = dns.resolver.resolve(name, "TXT", lifetime=5)
        except dns.exception.DNSException:
            return []
        return [
            b"".join(record.strings).decode("utf-8", errors="replace")
            for record in answer
        ]


def get_resolver():
    """The configured resolver (`SAML_DNS_RESOLVER`), so tests can inject a fake."""
    return import_string(app_settings.DNS_RESOLVER)()


def has_verification_record(domain, token, resolver=None):
    resolver = resolver or get_resolver()
    expected = txt_record_value(token)
    return any(value.strip() == expected for value in resolver.txt_records(domain))
