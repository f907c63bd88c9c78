"""Organization endpoints under /api/v1/organizations/."""

urlpatterns = []
