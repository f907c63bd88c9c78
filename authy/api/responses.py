"""The response type views return: plain data plus the envelope's message and meta."""

from rest_framework.response import Response


class ApiResponse(Response):
    """A DRF response whose `data` the envelope renderer wraps."""

    def __init__(self, data=None, *, message=None, status=200, meta=None, headers=None):
        super().__init__({} if data is None else data, status=status, headers=headers)
        self.message = message
        self.meta = meta
