"""Account endpoints under /api/v1/users/."""

from django.urls import path

from accounts.views import PasswordChangeView, UserMeView

urlpatterns = [
    path("users/me", UserMeView.as_view(), name="users-me"),
    path("users/me/password", PasswordChangeView.as_view(), name="users-me-password"),
]
