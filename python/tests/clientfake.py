"""A tiny stand-in for the DeepForge server (stdlib http.server) for the Python client's unit tests.

Tests register answers per ``(method, path)``; every request is recorded with its headers and body.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit


class Request:
    def __init__(self, method: str, path: str, query: Dict[str, str], headers: Dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class Answer:
    """What the fake sends back: a status, headers and a body (a JSON value, or raw bytes)."""

    def __init__(self, status: int = 200, body: Any = None, headers: Optional[Dict[str, str]] = None) -> None:
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


Route = Callable[[Request], Answer]


class FakeServer:
    def __init__(self) -> None:
        self.routes: Dict[Tuple[str, str], Route] = {}
        self.requests: List[Request] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def handle_any(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                request = Request(self.command, parts.path, query, dict(self.headers.items()), body)
                fake.requests.append(request)
                route = fake.routes.get((self.command, parts.path))
                answer = route(request) if route else Answer(404, {"error": "no route %s %s" % (self.command, parts.path)})
                raw = answer.body if isinstance(answer.body, bytes) else (
                    b"" if answer.body is None else json.dumps(answer.body).encode("utf-8"))
                self.send_response(answer.status)
                headers = {"Content-Length": str(len(raw))}
                if not isinstance(answer.body, bytes):
                    headers["Content-Type"] = "application/json"
                headers.update(answer.headers)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def on(self, method: str, path: str, route: Route) -> None:
        self.routes[(method, path)] = route

    def json(self, method: str, path: str, body: Any, status: int = 200) -> None:
        self.on(method, path, lambda _: Answer(status, body))

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
