"""Federated login glue: front-end redirect allow-list and one-time login codes."""
