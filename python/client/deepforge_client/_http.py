"""The HTTP transport: JSON requests, streamed downloads and uploads, and error mapping.

Built on :mod:`http.client` so bodies stream in both directions without reading a file whole.
One connection per request keeps the transport free of shared state (a client may be used from
several threads); DeepForge answers on loopback or a LAN, where connecting is cheap.
"""
from __future__ import annotations

import http.client
import json
import socket
from typing import Any, BinaryIO, Dict, Iterator, Mapping, Optional
from contextlib import contextmanager
from urllib.parse import urlsplit

from . import routes
from .errors import DeepForgeError, ServerUnreachable, error_for

USER_AGENT = "deepforge-client/0.1.0"
CHUNK = 1 << 16


class Transport:
    """Sends the client's requests to one server, with ``Authorization: Bearer`` when a token is set."""

    def __init__(self, url: str, token: Optional[str], timeout: float) -> None:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the server URL is http(s)://host[:port], e.g. http://127.0.0.1:8888, not %r" % url)
        if parts.query or parts.fragment or parts.username:
            raise ValueError("the server URL has no query, fragment or user name (pass a token with token=): %r" % url)
        self.url = "%s://%s" % (parts.scheme, parts.netloc)
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")  # a server behind a reverse proxy at a sub-path
        self._token = token.strip() if token else None
        self.timeout = timeout

    def _connection(self) -> http.client.HTTPConnection:
        if self._https:
            return http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout)
        return http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)

    def _headers(self, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if self._token:
            headers["Authorization"] = "Bearer " + self._token
        headers.update(extra or {})
        return headers

    @contextmanager
    def open(self, route: str, params: Optional[Mapping[str, str]] = None, query: Optional[Mapping[str, object]] = None,
             body: Any = None, headers: Optional[Mapping[str, str]] = None) -> Iterator[http.client.HTTPResponse]:
        """Sends one request and yields the successful response unread (for streaming); an error
        status raises the matching :class:`DeepForgeError` with the server's message.

        ``body`` is JSON-encoded unless it is ``bytes`` or a binary file (sent as it is, in chunks;
        give its ``Content-Length`` in ``headers``).
        """
        method = routes.method(route)
        target = self._prefix + routes.path(route, params, query)
        extra = dict(headers or {})
        data: Any = body
        if body is not None and not isinstance(body, (bytes, bytearray)) and not hasattr(body, "read"):
            data = json.dumps(body).encode("utf-8")
            extra["Content-Type"] = "application/json"
        elif body is None and method in ("POST", "PUT", "PATCH"):
            extra["Content-Length"] = "0"
        connection = self._connection()
        try:
            try:
                if hasattr(data, "read"):
                    connection.putrequest(method, target, skip_accept_encoding=True)
                    for name, value in self._headers(extra).items():
                        connection.putheader(name, value)
                    connection.endheaders()
                    try:
                        _send_file(connection, data)
                    except OSError:
                        pass  # the server may refuse early (bad name, too large) and close: its answer says why
                else:
                    connection.request(method, target, body=data, headers=self._headers(extra))
                response = connection.getresponse()
            except (OSError, http.client.HTTPException) as e:
                raise ServerUnreachable("cannot reach DeepForge at %s (%s %s): %s; is the server running and the URL "
                                        "right? (Client(url) or DEEPFORGE_SERVER)" % (self.url, method, target, _reason(e))) from e
            if response.status >= 400:
                raise _error(response, method, target)
            yield response
        finally:
            connection.close()

    def call(self, route: str, params: Optional[Mapping[str, str]] = None, query: Optional[Mapping[str, object]] = None,
             body: Any = None, headers: Optional[Mapping[str, str]] = None) -> Any:
        """Sends one request and returns its JSON answer (``None`` for an empty one, e.g. 204)."""
        with self.open(route, params, query, body, headers) as response:
            raw = _read_all(response, self.url)
        if not raw:
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError as e:
            raise DeepForgeError(response.status, "the server's answer to %s is not JSON: %r" % (route, raw[:200])) from e


def _send_file(connection: http.client.HTTPConnection, stream: BinaryIO) -> None:
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        connection.send(chunk)


def _read_all(response: http.client.HTTPResponse, url: str) -> bytes:
    try:
        return response.read()
    except (OSError, http.client.HTTPException) as e:
        raise ServerUnreachable("the connection to %s broke mid-answer: %s" % (url, _reason(e))) from e


def _error(response: http.client.HTTPResponse, method: str, target: str) -> DeepForgeError:
    try:
        raw = response.read(1 << 20)
    except (OSError, http.client.HTTPException):
        raw = b""
    body: Optional[Dict[str, Any]] = None
    try:
        parsed = json.loads(raw.decode("utf-8")) if raw else None
        if isinstance(parsed, dict):
            body = parsed
    except ValueError:
        pass
    fallback = "%s %s answered %d %s" % (method, target.split("?")[0], response.status, response.reason)
    return error_for(response.status, body, fallback)


def _reason(e: BaseException) -> str:
    if isinstance(e, socket.timeout):
        return "timed out"
    return str(e) or type(e).__name__
