"""Every REST route the client calls, in one table.

A test checks each ``(method, path)`` against the server's OpenAPI document
(``GET /api/v1/openapi.json``), so the client cannot drift from the contract. Path templates use the
OpenAPI/server ``{param}`` syntax; :func:`path` fills them in, percent-encoding each value.
"""
from __future__ import annotations

import re
from typing import Dict, Mapping, Optional, Tuple
from urllib.parse import quote, urlencode

_P = "/api/v1/projects/{project}"

ROUTES: Dict[str, Tuple[str, str]] = {
    "me": ("GET", "/api/v1/me"),
    "list_projects": ("GET", "/api/v1/projects"),
    "create_project": ("POST", "/api/v1/projects"),
    "get_project": ("GET", _P),
    "delete_project": ("DELETE", _P),
    "create_example": ("POST", "/api/v1/examples/{example}"),
    "list_examples": ("GET", "/api/v1/examples"),
    "branches": ("GET", _P + "/branches"),
    "model": ("GET", _P + "/model"),
    "change": ("POST", _P + "/branches/{branch}/changes"),
    "pipeline_problems": ("GET", _P + "/pipelines/{pipeline}/problems"),
    "export_pipeline": ("GET", _P + "/pipelines/{pipeline}/export"),
    "run": ("POST", _P + "/pipelines/{pipeline}/executions"),
    "list_executions": ("GET", _P + "/executions"),
    "get_execution": ("GET", "/api/v1/executions/{execution}"),
    "job_log": ("GET", "/api/v1/executions/{execution}/jobs/{job}/log"),
    "job_metrics": ("GET", "/api/v1/executions/{execution}/jobs/{job}/metrics"),
    "cancel": ("POST", "/api/v1/executions/{execution}/cancel"),
    "rerun": ("POST", "/api/v1/executions/{execution}/rerun"),
    "delete_execution": ("DELETE", "/api/v1/executions/{execution}"),
    "delete_executions": ("POST", _P + "/executions/delete"),
    "list_artifacts": ("GET", _P + "/artifacts"),
    "upload_artifact": ("POST", _P + "/branches/{branch}/artifacts"),
    "download_artifact": ("GET", _P + "/artifacts/{artifact}/data"),
}

_PARAM = re.compile(r"\{([a-z]+)\}")


def path(route: str, params: Optional[Mapping[str, str]] = None, query: Optional[Mapping[str, object]] = None) -> str:
    """The request path of ``route`` with its ``{param}`` holes filled (each value percent-encoded,
    ``/`` included) and ``query`` appended, leaving out ``None`` values."""
    values = dict(params or {})

    def fill(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError("route %s needs the parameter %r" % (route, name))
        return quote(str(values[name]), safe="")

    filled = _PARAM.sub(fill, ROUTES[route][1])
    pairs = [(k, str(v).lower() if isinstance(v, bool) else str(v)) for k, v in (query or {}).items() if v is not None]
    return filled + ("?" + urlencode(pairs) if pairs else "")


def method(route: str) -> str:
    """The HTTP method of ``route``."""
    return ROUTES[route][0]
