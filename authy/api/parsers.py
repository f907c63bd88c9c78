"""The JSON parser: DRF's, hardened against inputs that would crash the database."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from authy.api.errors import ValidationFailed

NUL_MESSAGE = "NUL characters are not allowed."


def _holds_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class StrictJSONParser(JSONParser):
    """Refuse NUL characters and absurd nesting before any view sees the data.

    PostgreSQL cannot store NUL in text, and Python's decoder raises RecursionError
    (not ValueError) on very deep nesting; both would otherwise surface as a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("The JSON document is nested too deeply.") from None
        if isinstance(data, dict):
            bad = sorted(
                str(k) for k, v in data.items() if _holds_nul(k) or _holds_nul(v)
            )
            if bad:
                raise ValidationFailed(details={key: [NUL_MESSAGE] for key in bad})
        elif _holds_nul(data):
            raise ValidationFailed(details={"non_field_errors": [NUL_MESSAGE]})
        return data
