"""Every admin page loads for staff, is refused to everyone else, and is branded."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission

from audit.actions import AuditAction
from audit.models import AuditEvent
from audit.services import record
from organizations.models import Organization
from sessions_api.services import create_session

CHANGELISTS = [
    "/admin/authy_accounts/user/",
    "/admin/authy_organizations/organization/",
    "/admin/authy_sessions/session/",
    "/admin/authy_audit/auditevent/",
]


@pytest.fixture
def populated(user, staff):
    create_session(user)
    Organization.objects.create(name="Acme", slug="acme")
    record(AuditAction.LOGIN_SUCCEEDED, actor=user)


@pytest.mark.parametrize("url", CHANGELISTS)
def test_changelist_loads_for_staff(staff_client, populated, url):
    # when
    response = staff_client.get(url)

    # then
    assert response.status_code == 200


@pytest.mark.parametrize("url", CHANGELISTS)
def test_changelist_redirects_a_non_staff_user_to_the_login(client, user, url):
    # given
    client.force_login(user)

    # when
    response = client.get(url)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", CHANGELISTS)
def test_changelist_redirects_an_anonymous_visitor_to_the_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/authy_accounts/user/?q=ada",
        "/admin/authy_accounts/user/?status__exact=suspended&is_staff__exact=1",
        "/admin/authy_organizations/organization/?q=acme",
        "/admin/authy_sessions/session/?q=ada",
        "/admin/authy_sessions/session/?q=127.0.0.1",
        "/admin/authy_sessions/session/?state=active",
        "/admin/authy_sessions/session/?state=revoked",
        "/admin/authy_sessions/session/?state=expired",
        "/admin/authy_audit/auditevent/?q=staff@example.com",
        "/admin/authy_audit/auditevent/?action__exact=auth.login.succeeded",
        f"/admin/authy_audit/auditevent/?created_at__year={date.today().year}",
    ],
)
def test_search_and_filters_load(staff_client, populated, url):
    response = staff_client.get(url)

    assert response.status_code == 200


def test_user_pages_load_with_the_email_model(staff_client, user):
    # when
    add = staff_client.get("/admin/authy_accounts/user/add/")
    change = staff_client.get(f"/admin/authy_accounts/user/{user.pk}/change/")
    password = staff_client.get(f"/admin/authy_accounts/user/{user.pk}/password/")

    # then
    assert add.status_code == change.status_code == password.status_code == 200
    assert b'name="email"' in add.content
    assert b"username" not in change.content
    assert b'name="password1"' in password.content


def test_index_shows_the_gatehouse_branding(staff_client):
    # when
    response = staff_client.get("/admin/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Gatehouse administration" in html
    assert "Django administration" not in html


def test_login_page_shows_the_gatehouse_branding(client, db):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert "Gatehouse administration" in response.content.decode()


def test_sessions_cannot_be_added_changed_or_deleted(staff_client, user):
    # given
    session, _ = create_session(user)
    change_url = f"/admin/authy_sessions/session/{session.pk}/change/"

    # when
    add = staff_client.get("/admin/authy_sessions/session/add/")
    view = staff_client.get(change_url)
    edit = staff_client.post(change_url, {"auth_method": "saml"})
    delete = staff_client.post(
        f"/admin/authy_sessions/session/{session.pk}/delete/", {"post": "yes"}
    )

    # then
    assert add.status_code == 403
    assert view.status_code == 200
    assert b"Save" not in view.content
    assert edit.status_code == delete.status_code == 403
    session.refresh_from_db()
    assert session.auth_method == "password"


def test_audit_events_cannot_be_added_changed_or_deleted(staff_client, user):
    # given
    event = record(AuditAction.LOGIN_SUCCEEDED, actor=user, metadata={"a": 1})
    change_url = f"/admin/authy_audit/auditevent/{event.pk}/change/"

    # when
    add = staff_client.get("/admin/authy_audit/auditevent/add/")
    view = staff_client.get(change_url)
    edit = staff_client.post(change_url, {"action": "auth.logout", "success": ""})
    delete = staff_client.post(
        f"/admin/authy_audit/auditevent/{event.pk}/delete/", {"post": "yes"}
    )
    bulk = staff_client.post(
        "/admin/authy_audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [str(event.pk)]},
    )

    # then
    assert add.status_code == 403
    assert view.status_code == 200
    assert edit.status_code == delete.status_code == 403
    assert bulk.status_code in (200, 302)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.action == AuditAction.LOGIN_SUCCEEDED
    assert AuditEvent.objects.count() == 1


def test_a_view_only_staff_user_sees_no_revoke_action(client, user_factory, user):
    # given
    viewer = user_factory("viewer@example.com", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="authy_sessions", codename="view_session"
        )
    )
    session, _ = create_session(user)
    client.force_login(viewer)

    # when
    page = client.get("/admin/authy_sessions/session/")
    attempt = client.post(
        "/admin/authy_sessions/session/",
        {"action": "revoke", "_selected_action": [str(session.pk)]},
    )

    # then
    assert page.status_code == 200
    assert b'value="revoke"' not in page.content
    session.refresh_from_db()
    assert session.revoked_at is None
    assert attempt.status_code in (200, 302)


def test_audit_events_filter_by_organization(staff_client, user):
    # given
    acme = Organization.objects.create(name="Acme", slug="acme")
    record(AuditAction.ORG_UPDATED, actor=user, organization_id=acme.pk, target=acme)
    record(AuditAction.LOGIN_SUCCEEDED, actor=user)

    # when
    response = staff_client.get(
        "/admin/authy_audit/auditevent/", {"organization_id": str(acme.pk)}
    )

    # then
    assert response.status_code == 200
    assert list(
        response.context["cl"].result_list.values_list("action", flat=True)
    ) == [AuditAction.ORG_UPDATED]
