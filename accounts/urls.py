"""Account endpoints under /api/v1/users/."""

urlpatterns = []
