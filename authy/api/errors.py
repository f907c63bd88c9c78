"""API error classes: each one carries the `error.type` of the envelope."""

from rest_framework import status
from rest_framework.exceptions import APIException


class ApiError(APIException):
    """An error answered with the envelope; `details` becomes `error.details`."""

    status_code = status.HTTP_400_BAD_REQUEST
    error_type = "BAD_REQUEST"
    default_detail = "The request is malformed."

    def __init__(self, message=None, details=None):
        super().__init__(message or self.default_detail)
        self.message = str(message or self.default_detail)
        self.details = details or {}


class ValidationFailed(ApiError):
    error_type = "VALIDATION_ERROR"
    default_detail = "Validation failed"

    @classmethod
    def on_field(cls, field, message):
        return cls(details={field: [message]})


class BadRequest(ApiError):
    pass


class AuthenticationFailed(ApiError):
    status_code = status.HTTP_401_UNAUTHORIZED
    error_type = "AUTHENTICATION_ERROR"
    default_detail = "Authentication credentials were not provided or are not valid."


class Forbidden(ApiError):
    status_code = status.HTTP_403_FORBIDDEN
    error_type = "AUTHORIZATION_ERROR"
    default_detail = "You are not allowed to do this."


class NotFound(ApiError):
    status_code = status.HTTP_404_NOT_FOUND
    error_type = "NOT_FOUND"
    default_detail = "Not found."


class Conflict(ApiError):
    status_code = status.HTTP_409_CONFLICT
    error_type = "CONFLICT"
    default_detail = "The request conflicts with the current state."


class RateLimited(ApiError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    error_type = "RATE_LIMIT_EXCEEDED"
    default_detail = "Too many requests. Try again later."

    def __init__(self, message=None, retry_after=60):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class ServiceUnavailable(ApiError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    error_type = "SERVICE_UNAVAILABLE"
    default_detail = "The service is temporarily unavailable."
