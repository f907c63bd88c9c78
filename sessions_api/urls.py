"""Session endpoints under /api/v1/auth/."""

from django.urls import path

from sessions_api import views

urlpatterns = [
    path("auth/register", views.RegisterView.as_view(), name="auth-register"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("auth/sessions", views.SessionListView.as_view(), name="auth-sessions"),
    path(
        "auth/sessions/<str:session_id>",
        views.SessionDetailView.as_view(),
        name="auth-session-detail",
    ),
]
