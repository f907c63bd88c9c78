"""Staff actions on users in the admin: each one works, ends sessions where it must,
and writes one audit event naming the staff user and the request.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User, UserStatus
from accounts.signals import user_deleting
from audit.actions import AuditAction
from audit.models import AuditEvent
from authy.api.errors import Conflict
from sessions_api.models import Session
from sessions_api.services import create_session

CHANGELIST = "/admin/authy_accounts/user/"
REQUEST_ID = "admin-req-42"


def run_action(client, action, *users):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [str(user.pk) for user in users]},
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )


def only_event(action):
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1
    return events[0]


def assert_by_staff(event, staff, target):
    assert event.actor_id == staff.pk
    assert event.actor_email == staff.email
    assert event.target_id == str(target.pk)
    assert event.request_id == REQUEST_ID
    assert event.ip_address == "127.0.0.1"
    assert event.metadata["via"] == "admin"


def change_form_data(user, **changes):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "avatar_url": user.avatar_url,
        "email_verified": "on" if user.email_verified else "",
        "status": user.status,
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_suspend_action_suspends_ends_sessions_and_audits(staff_client, staff, user):
    # given
    session, _ = create_session(user)

    # when
    response = run_action(staff_client, "suspend", user)

    # then
    assert response.status_code == 302
    user.refresh_from_db()
    session.refresh_from_db()
    assert user.status == UserStatus.SUSPENDED
    assert session.revoked_at is not None
    event = only_event(AuditAction.USER_STATUS_CHANGED)
    assert_by_staff(event, staff, user)
    assert event.metadata["status"] == {"from": "active", "to": "suspended"}


def test_suspend_action_leaves_an_already_suspended_user_unaudited(
    staff_client, user_factory
):
    # given
    suspended = user_factory(status=UserStatus.SUSPENDED)

    # when
    run_action(staff_client, "suspend", suspended)

    # then
    assert not AuditEvent.objects.filter(action=AuditAction.USER_STATUS_CHANGED)


def test_reactivate_action_reactivates_and_audits(staff_client, staff, user_factory):
    # given
    suspended = user_factory(status=UserStatus.SUSPENDED)

    # when
    run_action(staff_client, "reactivate", suspended)

    # then
    suspended.refresh_from_db()
    assert suspended.status == UserStatus.ACTIVE
    event = only_event(AuditAction.USER_STATUS_CHANGED)
    assert_by_staff(event, staff, suspended)
    assert event.metadata["status"] == {"from": "suspended", "to": "active"}


def test_unlock_action_clears_the_lockout_and_audits(staff_client, staff, user_factory):
    # given
    locked = user_factory(
        failed_login_count=12,
        lockout_level=3,
        locked_until=timezone.now() + timedelta(minutes=10),
    )

    # when
    run_action(staff_client, "unlock", locked)

    # then
    locked.refresh_from_db()
    assert (locked.failed_login_count, locked.locked_until, locked.lockout_level) == (
        0,
        None,
        0,
    )
    event = only_event(AuditAction.ACCOUNT_UNLOCKED)
    assert_by_staff(event, staff, locked)
    assert event.metadata["failed_logins"] == 12


def test_end_sessions_action_revokes_every_active_session_and_audits(
    staff_client, staff, user, user_factory
):
    # given
    first, _ = create_session(user)
    second, _ = create_session(user, remember_me=True)
    bystander_session, _ = create_session(user_factory())

    # when
    run_action(staff_client, "end_sessions", user)

    # then
    assert Session.objects.active().filter(user=user).count() == 0
    assert Session.objects.get(pk=bystander_session.pk).revoked_at is None
    event = only_event(AuditAction.SESSIONS_REVOKED)
    assert_by_staff(event, staff, user)
    assert event.metadata["count"] == 2
    assert User.objects.get(pk=user.pk).status == UserStatus.ACTIVE


def test_bulk_delete_is_not_offered_for_users(staff_client, user):
    # when
    page = staff_client.get(CHANGELIST)

    # then
    assert b'value="delete_selected"' not in page.content
    assert b'value="end_sessions"' in page.content


def test_status_change_in_the_change_form_ends_sessions_and_is_audited(
    staff_client, staff, user
):
    # given
    session, _ = create_session(user)
    url = f"{CHANGELIST}{user.pk}/change/"

    # when
    response = staff_client.post(
        url,
        change_form_data(user, status=UserStatus.INACTIVE),
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )

    # then
    assert response.status_code == 302
    user.refresh_from_db()
    session.refresh_from_db()
    assert user.status == UserStatus.INACTIVE
    assert session.revoked_at is not None
    event = only_event(AuditAction.USER_STATUS_CHANGED)
    assert_by_staff(event, staff, user)
    assert event.metadata["status"] == {"from": "active", "to": "inactive"}
    assert not AuditEvent.objects.filter(action=AuditAction.PROFILE_UPDATED)


def test_granting_staff_and_renaming_are_audited_separately(staff_client, staff, user):
    # when
    staff_client.post(
        f"{CHANGELIST}{user.pk}/change/",
        change_form_data(user, is_staff="on", full_name="Ada King"),
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )

    # then
    access = only_event(AuditAction.USER_STATUS_CHANGED)
    profile = only_event(AuditAction.PROFILE_UPDATED)
    assert access.metadata["is_staff"] == {"from": False, "to": True}
    assert profile.metadata["fields"] == ["full_name"]
    assert_by_staff(access, staff, user)


def test_password_set_through_django_form_ends_sessions_and_is_audited(
    staff_client, staff, user
):
    # given
    session, _ = create_session(user)

    # when
    response = staff_client.post(
        f"{CHANGELIST}{user.pk}/password/",
        {"password1": "A-brand-new-Secret-77", "password2": "A-brand-new-Secret-77"},
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )

    # then
    assert response.status_code == 302
    user.refresh_from_db()
    session.refresh_from_db()
    assert user.check_password("A-brand-new-Secret-77")
    assert session.revoked_at is not None
    event = only_event(AuditAction.PASSWORD_CHANGED)
    assert_by_staff(event, staff, user)
    assert "A-brand-new" not in str(event.metadata)


def test_a_refused_password_changes_nothing_and_is_not_audited(staff_client, user):
    # given
    session, _ = create_session(user)

    # when
    response = staff_client.post(
        f"{CHANGELIST}{user.pk}/password/",
        {"password1": "short", "password2": "short"},
    )

    # then
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.revoked_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED)


def test_staff_creates_a_user_by_email_and_it_is_audited(staff_client, staff):
    # when
    response = staff_client.post(
        f"{CHANGELIST}add/",
        {
            "email": "  New.Person@Example.COM ",
            "full_name": "New Person",
            "usable_password": "true",
            "password1": "Another-Decent-Secret-5",
            "password2": "Another-Decent-Secret-5",
        },
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )

    # then
    assert response.status_code == 302
    created = User.objects.get(email="new.person@example.com")
    assert created.check_password("Another-Decent-Secret-5")
    assert_by_staff(only_event(AuditAction.USER_REGISTERED), staff, created)


def test_a_duplicate_email_differing_in_case_is_refused(staff_client, user):
    # when
    response = staff_client.post(
        f"{CHANGELIST}add/",
        {
            "email": user.email.upper(),
            "usable_password": "true",
            "password1": "Another-Decent-Secret-5",
            "password2": "Another-Decent-Secret-5",
        },
    )

    # then
    assert response.status_code == 200
    assert User.objects.filter(email__iexact=user.email).count() == 1


def test_deleting_a_user_is_audited(staff_client, staff, user):
    # given
    create_session(user)
    user_id = user.pk

    # when
    response = staff_client.post(
        f"{CHANGELIST}{user_id}/delete/", {"post": "yes"}, HTTP_X_REQUEST_ID=REQUEST_ID
    )

    # then
    assert response.status_code == 302
    assert not User.objects.filter(pk=user_id).exists()
    event = only_event(AuditAction.USER_DELETED)
    assert event.target_id == str(user_id)
    assert event.actor_id == staff.pk


def test_actions_are_refused_to_a_staff_user_without_change_permission(
    client, user_factory, user
):
    # given
    viewer = user_factory("viewer@example.com", is_staff=True)
    client.force_login(viewer)

    # when
    response = run_action(client, "suspend", user)

    # then
    user.refresh_from_db()
    assert response.status_code == 403
    assert user.status == UserStatus.ACTIVE
    assert not AuditEvent.objects.exists()


def test_user_search_finds_by_email_and_name(staff_client, user_factory):
    # given
    user_factory("zed@example.com", full_name="Zed Zimmer")
    user_factory("yan@example.com", full_name="Yan Young")

    # when
    by_name = staff_client.get(CHANGELIST, {"q": "zimmer"})
    by_email = staff_client.get(CHANGELIST, {"q": "yan@"})

    # then
    assert b"zed@example.com" in by_name.content
    assert b"yan@example.com" not in by_name.content
    assert b"yan@example.com" in by_email.content


def test_a_refused_deletion_keeps_the_user_and_says_why(staff_client, user):
    # given
    def refuse(sender, user, **kwargs):
        raise Conflict("This user is the last owner of Acme.")

    user_deleting.connect(refuse, dispatch_uid="test_refuse_deletion")

    # when
    try:
        response = staff_client.post(
            f"{CHANGELIST}{user.pk}/delete/", {"post": "yes"}, follow=True
        )
    finally:
        user_deleting.disconnect(dispatch_uid="test_refuse_deletion")

    # then
    assert response.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()
    assert "last owner of Acme" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.USER_DELETED).exists()
