"""What we read from a verified assertion: the email address and a display name."""

from accounts.emails import normalize_email

# Attribute names IdPs use for the email address, compared lower-cased: the
# friendly names pysaml2 maps to, Azure AD's claim URI and the LDAP OID.
_EMAIL_ATTRIBUTES = (
    "email",
    "mail",
    "emailaddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "urn:oid:0.9.2342.19200300.100.1.3",
)
_NAME_ATTRIBUTES = (
    "displayname",
    "name",
    "http://schemas.microsoft.com/identity/claims/displayname",
    "urn:oid:2.16.840.1.113730.3.1.241",
)
_GIVEN_NAME_ATTRIBUTES = (
    "givenname",
    "firstname",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    "urn:oid:2.5.4.42",
)
_SURNAME_ATTRIBUTES = (
    "sn",
    "surname",
    "lastname",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    "urn:oid:2.5.4.4",
)


def _first(attributes, names):
    for name in names:
        for value in attributes.get(name, []):
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def _attributes(response):
    return {str(key).lower(): value for key, value in (response.ava or {}).items()}


def _looks_like_email(value):
    local, _, domain = value.rpartition("@")
    return bool(local) and "." in domain


def asserted_email(response):
    """The normalised email of the assertion: an email attribute, else the NameID."""
    email = _first(_attributes(response), _EMAIL_ATTRIBUTES)
    name_id = getattr(response, "name_id", None)
    if not email and name_id is not None and name_id.text:
        email = name_id.text.strip()
    if not email or len(email) > 254 or not _looks_like_email(email):
        return ""
    return normalize_email(email)


def asserted_full_name(response):
    attributes = _attributes(response)
    name = _first(attributes, _NAME_ATTRIBUTES)
    if name:
        return name
    given = _first(attributes, _GIVEN_NAME_ATTRIBUTES)
    surname = _first(attributes, _SURNAME_ATTRIBUTES)
    return " ".join(part for part in (given, surname) if part)
