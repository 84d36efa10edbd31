"""Projects: pipelines, runs, executions, artifacts and model edits as change sets."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from datetime import date, datetime, timezone
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from ._http import Transport
from .artifacts import Artifact, PathLike, Progress, ProgressReader, _stream_to_partial
from .errors import BadRequest, IntegrityError, NotFound
from .executions import Execution

_PAGE = 500
"""Executions asked for per request (the server's most)."""

Choice = Union[str, Mapping[str, Any]]
"""A compute or storage choice: an adapter name (``"local"``) or ``{"adapter": "slurm", ...options}``."""


@dataclass(frozen=True)
class Pipeline:
    """A pipeline of the model view: its id (the map key), name, nodes and connections."""

    id: str
    name: str
    nodes: Dict[str, Any]
    connections: Dict[str, Any]


@dataclass(frozen=True)
class ModelView:
    """The project's model view (docs/api.md "Model view") at ``ref``, which resolved to ``commit``."""

    ref: str
    commit: str
    model: Dict[str, Any]
    project: "Project" = field(repr=False, compare=False)

    def pipelines(self) -> List[Pipeline]:
        """The pipelines in this view, in id order."""
        return [Pipeline(pid, p.get("name", pid), p.get("nodes", {}), p.get("connections", {}))
                for pid, p in sorted(self.model.get("pipelines", {}).items())]

    def change(self, patch: Sequence[Mapping[str, Any]], message: str = "") -> "ChangeResult":
        """Applies ``patch`` to this view's branch with this view's commit as base (see :meth:`Project.change`)."""
        return self.project.change(patch, branch=self.ref, base=self.commit, message=message)


@dataclass(frozen=True)
class ChangeResult:
    """An accepted change set: the new ``commit``; ``rebased`` when others had committed since the base."""

    commit: str
    rebased: bool
    changed: bool


@dataclass
class Project:
    """A DeepForge project (``GET /projects/{p}``)."""

    id: str
    name: str
    description: str
    default_branch: str
    created: Optional[str]
    role: Optional[str]
    _http: Transport = field(repr=False, compare=False)

    @staticmethod
    def of(http: Transport, json: Mapping[str, Any]) -> "Project":
        return Project(json["id"], json["name"], json.get("description") or "", json.get("defaultBranch") or "main",
                       json.get("created"), json.get("role"), http)

    def _p(self, **more: str) -> Dict[str, str]:
        return dict(project=self.id, **more)

    def model(self, ref: Optional[str] = None) -> ModelView:
        """The model view at ``ref`` (a branch, tag or commit; default: the default branch)."""
        json = self._http.call("model", self._p(), {"ref": ref})
        return ModelView(json["ref"], json["commit"], json["model"], self)

    def pipelines(self, ref: Optional[str] = None) -> List[Pipeline]:
        """The pipelines at ``ref`` (default: the default branch)."""
        return self.model(ref).pipelines()

    def pipeline(self, pipeline: Union[str, Pipeline], ref: Optional[str] = None) -> Pipeline:
        """The pipeline whose id or name is ``pipeline`` at ``ref``."""
        if isinstance(pipeline, Pipeline):
            return pipeline
        found = self.pipelines(ref)
        for p in found:
            if p.id == pipeline:
                return p
        named = [p for p in found if p.name == pipeline]
        if len(named) == 1:
            return named[0]
        listing = ", ".join("%s (%s)" % (p.id, p.name) for p in found) or "none"
        if named:
            raise BadRequest(400, "several pipelines are named %r; pass an id: %s" % (pipeline, listing))
        raise NotFound(404, "project %s has no pipeline %r; its pipelines: %s" % (self.name, pipeline, listing))

    def change(self, patch: Sequence[Mapping[str, Any]], branch: Optional[str] = None, base: Optional[str] = None,
               message: str = "") -> ChangeResult:
        """Applies a change set: ``patch`` is a list of RFC 6902 operations against the model view
        (``{"op": "replace", "path": "/pipelines/p1/nodes/n2/attributes/epochs", "value": 2}``).

        ``base`` is the commit the patch was written against (e.g. :attr:`ModelView.commit`); when
        someone changed the same field since, the server refuses with :class:`~deepforge_client.errors.Conflict`
        (its ``body`` holds ``path`` and ``current``). Without ``base`` the patch applies to the head.
        """
        body: Dict[str, Any] = {"message": message or "Edit from the Python client", "patch": [dict(op) for op in patch]}
        if base is not None:
            body["base"] = base
        json = self._http.call("change", self._p(branch=branch or self.default_branch), body=body)
        return ChangeResult(json["commit"], bool(json.get("rebased")), bool(json.get("changed", True)))

    def run(self, pipeline: Union[str, Pipeline], branch: Optional[str] = None, compute: Optional[Choice] = None,
            storage: Optional[Choice] = None, name: Optional[str] = None, ignore_cache: bool = False,
            seed: Optional[int] = None) -> Execution:
        """Starts an execution of ``pipeline`` (id, name or :class:`Pipeline`) at the head of ``branch``
        (default: the default branch) and returns it; :meth:`Execution.wait` follows it."""
        pipeline_id = self.pipeline(pipeline, branch).id
        body: Dict[str, Any] = {"ignoreCache": ignore_cache}
        for key, value in (("branch", branch), ("name", name), ("seed", seed)):
            if value is not None:
                body[key] = value
        for key, choice in (("compute", compute), ("storage", storage)):
            if choice is not None:
                body[key] = {"adapter": choice} if isinstance(choice, str) else dict(choice)
        return Execution.of(self._http, self._http.call("run", self._p(pipeline=pipeline_id), body=body))

    def executions(self, pipeline: Optional[str] = None, status: Union[str, Sequence[str], None] = None,
                   user: Optional[str] = None, since: Union[str, date, None] = None, until: Union[str, date, None] = None,
                   limit: Optional[int] = None) -> List[Execution]:
        """The project's executions that match, newest first (without jobs; :meth:`Execution.refresh` reads them):
        at most ``limit`` of them, or all. See :meth:`iter_executions` for the filters."""
        return list(self.iter_executions(pipeline, status, user, since, until, limit))

    def delete_executions(self, ids: Optional[List[str]] = None, filter: Optional[Dict[str, Any]] = None,
                          dry_run: bool = False) -> Dict[str, Any]:
        """Deletes finished executions named by ``ids`` or picked by ``filter`` (``{"pipeline", "status":
        [...], "before": "<ISO instant>"}``); running ones are skipped and reported. Returns what was freed,
        kept and skipped; ``dry_run=True`` only says so."""
        body: Dict[str, Any] = {"dryRun": dry_run}
        if ids is not None:
            body["ids"] = list(ids)
        if filter is not None:
            body["filter"] = dict(filter)
        result: Dict[str, Any] = self._http.call("delete_executions", self._p(), body=body)
        return result

    def iter_executions(self, pipeline: Optional[str] = None, status: Union[str, Sequence[str], None] = None,
                        user: Optional[str] = None, since: Union[str, date, None] = None,
                        until: Union[str, date, None] = None, limit: Optional[int] = None) -> Iterator[Execution]:
        """The project's executions, newest first, read a page at a time as the caller goes on. Filters: a pipeline
        id, one status or several (``"failed"``, ``["success", "failed"]``), the user who started them, and the
        time they were created (``since`` inclusive, ``until`` exclusive; ISO-8601 text, a ``datetime`` or a ``date``,
        a date meaning the whole day in UTC)."""
        if limit is not None and limit < 1:
            raise ValueError("limit is 1 or more (or None for every execution), not %r" % (limit,))
        query: Dict[str, Any] = {"pipeline": pipeline, "user": user, "since": _time(since), "until": _time(until),
                                 "status": status if status is None or isinstance(status, str) else ",".join(status)}
        left = limit
        while True:
            query["limit"] = _PAGE if left is None else min(_PAGE, left)
            page = self._http.call("list_executions", self._p(), query)
            for e in page["items"]:
                yield Execution.of(self._http, e)
            if left is not None:
                left -= len(page["items"])
            if page.get("next") is None or (left is not None and left <= 0):
                return
            query["cursor"] = page["next"]

    def artifacts(self, ref: Optional[str] = None, search: Optional[str] = None) -> List[Artifact]:
        """The artifacts at ``ref`` (default: the default branch), newest first; with ``search`` only those whose
        name or type contains it (any case). Read from the server a page at a time."""
        out: List[Artifact] = []
        query: Dict[str, Any] = {"ref": ref, "q": search, "limit": 1000}
        while True:
            page = self._http.call("list_artifacts", self._p(), query)
            out.extend(Artifact.of(self._http, self.id, a) for a in page["items"])
            if page.get("next") is None:
                return out
            query["cursor"] = page["next"]

    def artifact(self, artifact: str, ref: Optional[str] = None) -> Artifact:
        """The artifact whose id is ``artifact``, else the newest one with that name."""
        found = self.artifacts(ref)
        for a in found:
            if a.id == artifact:
                return a
        named = sorted((a for a in found if a.name == artifact), key=lambda a: a.created or "")
        if not named:
            listing = ", ".join(sorted({a.name for a in found})) or "none"
            raise NotFound(404, "project %s has no artifact %r; its artifacts: %s" % (self.name, artifact, listing))
        return named[-1]

    def upload_artifact(self, path: PathLike, name: Optional[str] = None, type: str = "file", branch: Optional[str] = None,
                        progress: Optional[Progress] = None) -> Artifact:
        """Streams the file at ``path`` to the server as a new artifact ``name`` (default: the file's name)
        of ``type`` (a serializer: ``file``, ``numpy.ndarray``, ``pickle``, …) on ``branch``. The sha256
        the server stored is checked against the bytes sent."""
        source = Path(path)
        size = source.stat().st_size
        with source.open("rb") as stream:
            reader = ProgressReader(stream, size, progress)
            json = self._http.call("upload_artifact", self._p(branch=branch or self.default_branch),
                                   {"name": name or source.name, "type": type}, body=reader,
                                   headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)})
        if json.get("sha256") != reader.digest.hexdigest() or reader.done != size:
            raise IntegrityError("upload of %s: sent %d bytes with sha256 %s but the server stored %s bytes with sha256 %s"
                                 % (source, reader.done, reader.digest.hexdigest(), json.get("size"), json.get("sha256")))
        return Artifact(json["id"], json["name"], type, json.get("size"), None, None, None, self.id, json["sha256"],
                        json.get("commit"), self._http)

    def export_pipeline(self, pipeline: Union[str, Pipeline], path: PathLike, ref: Optional[str] = None,
                        inputs: bool = False, seed: Optional[int] = None) -> Path:
        """Streams the pipeline as a zip of plain Python (``main.py``, operations, runtime) to ``path``;
        ``inputs=True`` includes the Input nodes' data."""
        pipeline_id = self.pipeline(pipeline, ref).id
        target = Path(path)
        query = {"ref": ref, "inputs": True if inputs else None, "seed": seed}
        with self._http.open("export_pipeline", self._p(pipeline=pipeline_id), query) as response:
            partial, _, _ = _stream_to_partial(target, response, None, None, self._http.url)
        os.replace(partial, target)
        return target

    def delete(self) -> None:
        """Deletes the project (owners only)."""
        self._http.call("delete_project", self._p())


def _time(value: Union[str, date, None]) -> Optional[str]:
    """A ``since``/``until`` filter as the server reads it: ISO-8601 text (a naive ``datetime`` is taken as UTC)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
