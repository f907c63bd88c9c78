"""Session endpoints under /api/v1/auth/."""

urlpatterns = []
