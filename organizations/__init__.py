"""Organizations, memberships and the role permission table."""
