"""Page-number pagination with `meta` for the envelope and strict parameter checks."""

import math

from authy.api.errors import ValidationFailed

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
# Far beyond any real page, but small enough that OFFSET arithmetic stays sane.
MAX_PAGE = 1_000_000


def _parse(params, name, default, maximum):
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed.on_field(name, "Must be a whole number.") from None
    if not 1 <= value <= maximum:
        raise ValidationFailed.on_field(name, f"Must be between 1 and {maximum}.")
    return value


def paginate(queryset, params, *, count_queryset=None):
    """Return (items, meta) for the page the query parameters ask for.

    `queryset` must be ordered. Two queries at most: a count and the page itself.
    `count_queryset`, when given, is counted instead of `queryset`: the same rows
    without the joins that only the page's columns need, since the database
    cannot drop those joins from the count by itself.
    """
    page = _parse(params, "page", 1, MAX_PAGE)
    per_page = _parse(params, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    total = (queryset if count_queryset is None else count_queryset).count()
    start = (page - 1) * per_page
    items = list(queryset[start : start + per_page]) if start < total else []
    meta = {
        "page": page,
        "per_page": per_page,
        "total": total,
        "total_pages": math.ceil(total / per_page) if total else 0,
    }
    return items, meta
