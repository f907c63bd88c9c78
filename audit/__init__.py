"""The audit trail: append-only records of every security-relevant act."""
