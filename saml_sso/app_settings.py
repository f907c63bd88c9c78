"""SAML settings with their defaults, read in one place (`SAML_*` in settings)."""

from django.conf import settings


def _get(name, default):
    return getattr(settings, f"SAML_{name}", default)


class _AppSettings:
    @property
    def XMLSEC_BINARY(self):
        return _get("XMLSEC_BINARY", "xmlsec1")

    @property
    def CLOCK_SKEW(self):
        return _get("CLOCK_SKEW", 120)

    @property
    def REQUEST_TTL(self):
        return _get("REQUEST_TTL", 600)

    @property
    def METADATA_FETCH_TIMEOUT(self):
        return _get("METADATA_FETCH_TIMEOUT", 10)

    @property
    def METADATA_MAX_BYTES(self):
        return _get("METADATA_MAX_BYTES", 1024 * 1024)

    @property
    def DNS_RESOLVER(self):
        return _get("DNS_RESOLVER", "saml_sso.domains.DnsPythonResolver")

    @property
    def MAX_DOMAINS(self):
        return _get("MAX_DOMAINS", 50)


app_settings = _AppSettings()
