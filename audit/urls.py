"""Audit read endpoints."""

urlpatterns = []
