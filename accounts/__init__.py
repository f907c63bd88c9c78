"""Accounts: the user model, credentials, password policy, lockout and profile."""
