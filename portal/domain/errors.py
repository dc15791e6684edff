"""Exceptions the domain raises; the web layer maps them to responses in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal with a message meant for the user (Chinese, translatable)."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    status_code = 400


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class TransitionNotAllowed(DomainError):
    status_code = 409


class Conflict(DomainError):
    """Someone else changed the item since it was read (optimistic locking)."""

    status_code = 409


class StepFinished(DomainError):
    """The step was already completed (a wizard page of a submitted document)."""

    status_code = 410
