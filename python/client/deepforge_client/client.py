"""The entry point: a :class:`Client` for one DeepForge server."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional

from ._http import Transport
from .errors import BadRequest, NotFound
from .executions import Execution
from .projects import Project

DEFAULT_SERVER = "http://127.0.0.1:8888"


class Client:
    """Talks to one DeepForge server over its REST API (docs/api.md).

    ``url`` defaults to ``$DEEPFORGE_SERVER``, then ``http://127.0.0.1:8888``. In accounts mode give a
    personal access token (``token=`` or ``$DEEPFORGE_TOKEN``; create one in the UI or with
    ``POST /api/v1/me/tokens``); it travels as ``Authorization: Bearer``. Local mode needs none.
    ``timeout`` bounds each request's connect and every read, in seconds.
    """

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, timeout: float = 60.0) -> None:
        server = url or os.environ.get("DEEPFORGE_SERVER") or DEFAULT_SERVER
        secret = token if token is not None else os.environ.get("DEEPFORGE_TOKEN")
        self._http = Transport(server, secret or None, timeout)

    @property
    def url(self) -> str:
        """The server's base URL."""
        return self._http.url

    def __repr__(self) -> str:
        return "Client(%r)" % self.url

    def me(self) -> Dict[str, Any]:
        """The signed-in user: ``{"id", "name", "mode", "admin", "via", ...}``."""
        result: Dict[str, Any] = self._http.call("me")
        return result

    def projects(self) -> List[Project]:
        """Every project the caller can read."""
        return [Project.of(self._http, p) for p in self._http.call("list_projects")]

    def project(self, project: str) -> Project:
        """The project whose id or name is ``project``."""
        found = self.projects()
        for p in found:
            if p.id == project:
                return p
        named = [p for p in found if p.name == project]
        if len(named) > 1:
            raise BadRequest(400, "several projects are named %r; pass an id: %s" % (project, ", ".join(p.id for p in named)))
        if named:
            return named[0]
        try:  # a public project the caller is no member of is not listed
            return Project.of(self._http, self._http.call("get_project", {"project": project}))
        except NotFound:
            raise NotFound(404, "no project %r (by id or name); projects: %s"
                           % (project, ", ".join("%s (%s)" % (p.name, p.id) for p in found) or "none")) from None

    def create_project(self, name: str, description: Optional[str] = None, empty: bool = False) -> Project:
        """Creates a project (with the built-in operations unless ``empty``); the caller owns it."""
        body: Dict[str, Any] = {"name": name, "empty": empty}
        if description is not None:
            body["description"] = description
        return Project.of(self._http, self._http.call("create_project", body=body))

    def examples(self) -> List[Dict[str, Any]]:
        """The example projects this server offers: ``[{"id", "name", "description"}]``."""
        result: List[Dict[str, Any]] = self._http.call("list_examples")
        return result

    def create_example(self, example: str) -> Project:
        """Creates a new project holding the example ``example`` (e.g. ``"digits"``)."""
        return Project.of(self._http, self._http.call("create_example", {"example": example}))

    def execution(self, execution: str) -> Execution:
        """The execution with id ``execution``, with its jobs."""
        return Execution.of(self._http, self._http.call("get_execution", {"execution": execution}))

    def delete_execution(self, execution: str, dry_run: bool = False) -> Dict[str, Any]:
        """Deletes a finished execution (its run folder, console, metrics and run tag; the artifacts it made
        stay while a branch refers to them) and returns what was freed and kept; ``dry_run=True`` only says
        so. A running execution is refused (:class:`DeepForgeError` 409): cancel it first."""
        return self._http.call("delete_execution", {"execution": execution}, {"dryRun": "true" if dry_run else None})
