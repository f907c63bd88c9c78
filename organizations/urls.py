"""Organization endpoints under /api/v1/organizations/ and /api/v1/users/me/."""

from django.urls import path

from organizations import views

urlpatterns = [
    path(
        "organizations",
        views.OrganizationCreateView.as_view(),
        name="organization-create",
    ),
    path(
        "organizations/<str:organization_id>",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
    path(
        "organizations/<str:organization_id>/members",
        views.MemberListView.as_view(),
        name="organization-members",
    ),
    path(
        "organizations/<str:organization_id>/members/<str:user_id>",
        views.MemberDetailView.as_view(),
        name="organization-member",
    ),
    path(
        "organizations/<str:organization_id>/members/<str:user_id>/role",
        views.MemberRoleView.as_view(),
        name="organization-member-role",
    ),
    path(
        "users/me/organizations",
        views.MyOrganizationsView.as_view(),
        name="my-organizations",
    ),
]
