"""Gatehouse project package: settings, URLs, the API envelope and middleware."""

__version__ = "1.0.0"
