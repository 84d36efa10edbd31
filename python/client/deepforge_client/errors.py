"""Errors the client raises.

Every refusal from the server arrives as ``{"error": "<what is wrong and what to fix>", "detail": ...}``
with a 4xx (or 5xx) status; :func:`error_for` turns it into the matching :class:`DeepForgeError`
subclass, keeping the whole body for callers that need more (a merge's ``conflicts``, a run's
``problems``).
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Type


class DeepForgeError(Exception):
    """A request the server refused or could not answer.

    ``status`` is the HTTP status (``None`` when the server could not be reached), ``message`` the
    server's ``error`` text and ``body`` the whole JSON answer (empty when it was not JSON).
    """

    def __init__(self, status: Optional[int], message: str, body: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message if status is None else "%s (HTTP %d)" % (message, status))
        self.status = status
        self.message = message
        self.body: Dict[str, Any] = dict(body or {})

    @property
    def detail(self) -> Any:
        """The server's optional ``detail`` (e.g. the offending JSON Pointer), or ``None``."""
        return self.body.get("detail")


class BadRequest(DeepForgeError):
    """400: the request was malformed or named something unusable; ``message`` says what to fix."""


class Unauthorized(DeepForgeError):
    """401: not signed in (accounts mode needs ``token=`` or ``DEEPFORGE_TOKEN``) or the token is not valid."""


class Forbidden(DeepForgeError):
    """403: signed in, but without the right (e.g. a read-scoped token writing, a reader running)."""


class NotFound(DeepForgeError):
    """404: no such project, pipeline, execution, job or artifact (or one the caller may not see)."""


class Conflict(DeepForgeError):
    """409: the change collides with what happened since (``body`` holds ``path`` and ``current``)."""


class Gone(DeepForgeError):
    """410: the artifact's data was deleted."""


class Unprocessable(DeepForgeError):
    """422: the request was understood but its subject cannot be processed (e.g. an unreadable artifact)."""


class ServerError(DeepForgeError):
    """5xx: the server failed; ``body`` holds the incident ``id`` that appears in its log."""


class ServerUnreachable(DeepForgeError):
    """The server could not be reached or closed the connection mid-answer (``status`` is ``None``)."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class IntegrityError(DeepForgeError):
    """A download's bytes do not match the server's sha256 or length; the partial file was deleted."""

    def __init__(self, message: str) -> None:
        super().__init__(None, message)


class ExecutionFailed(DeepForgeError):
    """An execution ended ``failed`` or ``cancelled`` while the caller asked for success (``check=True``).

    ``execution`` is the finished :class:`~deepforge_client.executions.Execution`, ``job`` the first
    failed job's id (``None`` when none failed, e.g. cancelled before any started).
    """

    def __init__(self, execution: Any, job: Optional[str], message: str) -> None:
        super().__init__(None, message)
        self.execution = execution
        self.job = job


_BY_STATUS: Dict[int, Type[DeepForgeError]] = {
    400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict, 410: Gone,
    413: BadRequest, 414: BadRequest, 415: BadRequest, 422: Unprocessable,
}


def error_for(status: int, body: Optional[Mapping[str, Any]], fallback: str) -> DeepForgeError:
    """The exception for an HTTP error answer: the class by status, the message from ``body["error"]``."""
    message = body.get("error") if body else None
    if not isinstance(message, str) or not message:
        message = fallback
    if status >= 500:
        cls: Type[DeepForgeError] = ServerError
    else:
        cls = _BY_STATUS.get(status, DeepForgeError)
    return cls(status, message, body)
