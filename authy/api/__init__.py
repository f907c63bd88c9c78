"""The API envelope, errors, request context and pagination every app shares."""
