"""A suite-wide guard: no audit event written by any test holds a secret of that test.

Every test runs with the guard on. It notes the secrets the test brings into play
(the fixtures' default password, every password set on or checked against a user,
every password-, token- or code-like value the test client sends, every long
random token drawn from `secrets`, which covers bearer tokens and login codes),
snapshots every audit event as it is written, even one later rolled back, and fails
the test when any snapshot contains any of those secrets. `@pytest.mark.audit_guard_off`
turns it off for a test that writes such an event on purpose.
"""

import json
import re
import secrets
import uuid

import pytest
from django.db.models.signals import post_save

# Shorter strings ("short", "abc") are what validation tests send, and they occur
# naturally inside ordinary words; they are not secrets worth scanning for.
MIN_SECRET_LENGTH = 8
# Random draws shorter than this (about 120 bits) are identifiers, such as a slug
# suffix, that may rightly appear in an event; our tokens and codes are 43 long.
MIN_RANDOM_SECRET_LENGTH = 20
_SECRET_FIELD = re.compile(r"pass(word)?|token|secret|code|otp", re.IGNORECASE)
# `action` is a catalogue constant ("user.password.changed"), never caller data.
_UNSCANNED_FIELDS = {"action"}


class AuditGuard:
    """The secrets one test used and the audit events it wrote."""

    def __init__(self):
        self.secrets = set()
        self.events = []

    def add_secret(self, value):
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            self.secrets.add(value)

    def add_request_body(self, data):
        if isinstance(data, bytes):
            data = data.decode("utf-8", "replace")
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except (ValueError, RecursionError):
                # Hostile-input tests send bodies no JSON decoder accepts; they carry
                # no secret worth watching for.
                return
        self._add_secret_fields(data)

    def _add_secret_fields(self, data):
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(value, str) and _SECRET_FIELD.search(str(key)):
                    self.add_secret(value)
                else:
                    self._add_secret_fields(value)
        elif isinstance(data, list):
            for item in data:
                self._add_secret_fields(item)

    def snapshot(self, event):
        strings = []
        for field in event._meta.concrete_fields:
            if field.name not in _UNSCANNED_FIELDS:
                _collect_strings(getattr(event, field.attname), field.name, strings)
        self.events.append((event.action, strings))

    def leaks(self):
        """Return one line per (event, field) that holds a secret of this test."""
        found = []
        for action, strings in self.events:
            for where, text in strings:
                for secret in self.secrets:
                    if secret in text:
                        found.append(
                            f"{action}: {where} holds a secret of this test "
                            f"({secret[:3]}…, {len(secret)} characters)"
                        )
        return found


def _collect_strings(value, where, into):
    if isinstance(value, dict):
        for key, item in value.items():
            into.append((f"{where} key", str(key)))
            _collect_strings(item, f"{where}.{key}", into)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _collect_strings(item, f"{where}[{index}]", into)
    elif isinstance(value, (str, uuid.UUID)):
        into.append((where, str(value)))


def _recording(guard, function):
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        if len(result) >= MIN_RANDOM_SECRET_LENGTH:
            guard.add_secret(result)
        return result

    return wrapper


def _install(guard, monkeypatch):
    from django.test.client import RequestFactory

    from accounts.models import User
    from audit.models import AuditEvent, AuditEventQuerySet
    from tests.conftest import DEFAULT_PASSWORD

    guard.add_secret(DEFAULT_PASSWORD)
    for name in ("token_urlsafe", "token_hex"):
        monkeypatch.setattr(secrets, name, _recording(guard, getattr(secrets, name)))

    def password_spy(original):
        def spy(self, raw_password, *args, **kwargs):
            guard.add_secret(raw_password)
            return original(self, raw_password, *args, **kwargs)

        return spy

    for name in ("set_password", "check_password"):
        monkeypatch.setattr(User, name, password_spy(getattr(User, name)))

    generic = RequestFactory.generic

    def request_spy(self, method, path, data="", *args, **kwargs):
        guard.add_request_body(data)
        return generic(self, method, path, data, *args, **kwargs)

    monkeypatch.setattr(RequestFactory, "generic", request_spy)

    bulk_create = AuditEventQuerySet.bulk_create

    def bulk_spy(self, objs, *args, **kwargs):
        created = bulk_create(self, objs, *args, **kwargs)
        for event in created:
            guard.snapshot(event)
        return created

    monkeypatch.setattr(AuditEventQuerySet, "bulk_create", bulk_spy)

    def on_save(sender, instance, created, **kwargs):
        guard.snapshot(instance)

    post_save.connect(on_save, sender=AuditEvent, weak=False)
    return lambda: post_save.disconnect(on_save, sender=AuditEvent)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "audit_guard_off: do not scan this test's audit events for its secrets",
    )


@pytest.fixture(autouse=True)
def _audit_guard(request, monkeypatch):
    if request.node.get_closest_marker("audit_guard_off"):
        yield None
        return
    guard = AuditGuard()
    uninstall = _install(guard, monkeypatch)
    request.node.audit_guard = guard
    yield guard
    uninstall()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    guard = getattr(item, "audit_guard", None)
    leaks = guard.leaks() if guard is not None else []
    if leaks:
        pytest.fail("Audit events hold secrets:\n" + "\n".join(leaks), pytrace=False)
    return result
