"""One error hierarchy for every surface; each surface maps it once (HTTP, tool message, Slack/CLI line)."""
from __future__ import annotations

from typing import Any


class TandemError(Exception):
    """Base error; `message` is safe to show to a user, `hint` says what to do about it."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, hint: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        if self.details:
            body["details"] = self.details
        return body


class NotFound(TandemError):
    code = "not_found"
    http_status = 404


class Ambiguous(TandemError):
    """A name matched several records; `candidates` lets the caller ask 'which one?'."""

    code = "ambiguous"
    http_status = 409

    def __init__(self, message: str, *, candidates: list[dict[str, Any]], hint: str | None = None):
        super().__init__(message, hint=hint or "Say which one (by code) and ask again.", details={"candidates": candidates})
        self.candidates = candidates


class PermissionDenied(TandemError):
    code = "permission_denied"
    http_status = 403


class BusinessRuleViolation(TandemError):
    code = "business_rule"
    http_status = 422


class ValidationFailed(TandemError):
    code = "validation_failed"
    http_status = 422


class ConfirmationError(TandemError):
    code = "confirmation_refused"
    http_status = 409


class RateLimited(TandemError):
    """Too many requests from one caller (sign-in attempts, assistant turns): try again after `retry_after` seconds."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None, details: dict[str, Any] | None = None):
        self.retry_after = max(1, int(retry_after))
        super().__init__(message, hint=hint, details={"retry_after": self.retry_after, **(details or {})})


class DatabaseUnavailable(TandemError):
    """The database refused or lost the connection: nothing was done, and the same request may succeed in a moment."""

    code = "unavailable"
    http_status = 503

    def __init__(self, message: str = "The database is unreachable right now; nothing was changed.", *,
                 retry_after: int = 5, hint: str | None = "Try again in a few seconds; if it lasts, tell an admin."):
        self.retry_after = retry_after
        super().__init__(message, hint=hint, details={"retry_after": retry_after})


class ToolFailed(TandemError):
    """Something unexpected broke inside a tool (a bug, the database went away). Raised by the guard in place of
    the original exception, after logging it, so every surface treats it like any other tool error: the tool's
    work is rolled back, the audit row saying it failed is kept, and the user sees no internals."""

    code = "internal"
    http_status = 500
