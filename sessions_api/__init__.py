"""Login sessions: opening and ending them, bearer tokens and their cache."""
