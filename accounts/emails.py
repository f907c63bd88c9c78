"""Email normalisation shared by registration, login and lookups."""

import unicodedata


def normalize_email(value):
    """Trim, apply NFKC and lower-case, so look-alike spellings meet one account."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().lower()
