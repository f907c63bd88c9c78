"""Session, admin-auth and message middleware run only where browsers are served."""

import pytest

from authy.middleware import serves_browsers


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/admin/login/", True),
        ("/static/admin/css/base.css", True),
        ("/api/v1/auth/google/login", True),
        ("/api/v1/auth/oidc/callback", True),
        ("/api/v1/auth/me", False),
        ("/api/v1/auth/login", False),
        ("/api/v1/organizations", False),
        ("/api/v1/auth/saml/acme/login", False),
        ("/api/health", False),
    ],
)
def test_browser_paths_are_told_apart_from_bearer_paths(path, expected):
    assert serves_browsers(path) is expected


@pytest.mark.django_db
def test_the_admin_still_has_sessions(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert "csrftoken" in response.cookies
