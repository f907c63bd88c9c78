"""Calling the WSGI application directly from a test, inside the test's transaction."""

from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@contextmanager
def keeping_test_transaction():
    """Keep Django from closing the connection that holds the test's transaction.

    The request signals close a connection they find inside a transaction; Django's
    test client disconnects them around each request for the same reason. Requests
    sent straight to `authy.wsgi.application` need the same care.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
