"""Executions: status, live console, metrics, cancel and rerun."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, TextIO, Union, overload

from ._http import Transport
from .errors import ExecutionFailed

if TYPE_CHECKING:  # pragma: no cover - typing only
    import numpy

FINISHED = ("success", "failed", "cancelled")
"""Statuses after which an execution changes no more."""

_NO_CONSOLE_YET = ("pending", "queued")
LOG_PAGE = 5000
"""Console lines asked for per request while following (the server allows 1–20000)."""


@dataclass(frozen=True)
class Job:
    """One job of an execution: a pipeline node (``id``) running its ``operation`` (``None`` for Input/Output nodes).

    ``status`` is one of pending, queued, running, success, failed, cancelled, skipped, cached; ``message``
    says why a job failed.
    """

    id: str
    operation: Optional[str]
    status: str
    message: Optional[str]
    started: Optional[str]
    finished: Optional[str]

    @property
    def label(self) -> str:
        """How the console shows the job: its operation, or its node id when it has none."""
        return self.operation or self.id

    @staticmethod
    def of(json: Mapping[str, Any]) -> "Job":
        return Job(json["id"], json.get("operation"), json["status"], json.get("message"), json.get("started"), json.get("finished"))


@dataclass(frozen=True)
class Series:
    """One metric of a job as parallel lists: ``steps`` (``None`` where the job gave none), ``values`` and
    ``times`` (seconds since the epoch), all numbers."""

    steps: List[Optional[int]]
    values: List[float]
    times: List[float]

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class ArraySeries:
    """A :class:`Series` as numpy arrays (``steps`` is float with NaN for missing steps when any is missing)."""

    steps: "numpy.ndarray"
    values: "numpy.ndarray"
    times: "numpy.ndarray"

    def __len__(self) -> int:
        return len(self.values)


@dataclass
class Execution:
    """A run of a pipeline. Fields mirror ``GET /executions/{e}``; :meth:`refresh` reads them again."""

    id: str
    project: str
    pipeline: str
    branch: Optional[str]
    commit: Optional[str]
    status: str
    name: Optional[str]
    seed: Optional[int]
    created: Optional[str]
    finished: Optional[str]
    jobs: List[Job]
    raw: Dict[str, Any] = field(repr=False)
    _http: Transport = field(repr=False, compare=False)

    @staticmethod
    def of(http: Transport, json: Mapping[str, Any]) -> "Execution":
        return Execution(json["id"], json["project"], json["pipeline"], json.get("branch"), json.get("commit"), json["status"],
                         json.get("name"), json.get("seed"), json.get("created"), json.get("finished"),
                         [Job.of(j) for j in json.get("jobs") or []], dict(json), http)

    @property
    def done(self) -> bool:
        """Whether the execution has finished (success, failed or cancelled) as of the last refresh."""
        return self.status in FINISHED

    def refresh(self) -> "Execution":
        """Reads the execution's status and jobs again and returns itself."""
        fresh = Execution.of(self._http, self._http.call("get_execution", {"execution": self.id}))
        for name in ("status", "finished", "jobs", "raw", "commit", "branch", "name", "seed"):
            setattr(self, name, getattr(fresh, name))
        return self

    def job(self, job: Union[str, Job]) -> Job:
        """The job whose node id or operation name is ``job`` (as of the last refresh)."""
        if isinstance(job, Job):
            return job
        for candidate in self.jobs:
            if candidate.id == job:
                return candidate
        matches = [j for j in self.jobs if j.operation == job]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join("%s (%s)" % (j.id, j.label) for j in self.jobs)
        reason = "several jobs run" if matches else "no job is or runs"
        raise KeyError("%s %r in execution %s; its jobs: %s" % (reason, job, self.id, known))

    def _job_id(self, job: Union[str, Job]) -> str:
        if not self.jobs:  # an execution from a listing carries no jobs
            self.refresh()
        return self.job(job).id

    def wait(self, follow: bool = False, out: Optional[TextIO] = None, timeout: Optional[float] = None,
             check: bool = True, poll: float = 0.5) -> str:
        """Waits until the execution finishes and returns its status.

        With ``follow=True`` every job's console is written to ``out`` (default ``sys.stdout``) as it
        arrives, each line as ``[<operation>] <line>``: every line once, none lost, the last ones
        included (the logs are read once more after the execution is seen finished). With
        ``check=True`` a failed or cancelled execution raises :class:`ExecutionFailed` naming the
        failed job and its message. ``timeout`` (seconds) raises :class:`TimeoutError`; the execution
        keeps running. ``poll`` is the pause between status reads.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        cursors: Dict[str, int] = {}
        stream = out if out is not None else sys.stdout
        while True:
            self.refresh()
            if follow:
                for job in self.jobs:
                    if job.status not in _NO_CONSOLE_YET:
                        self._print_new_lines(job, cursors, stream)
            if self.done:
                break
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError("execution %s is still %s after %s s" % (self.id, self.status, timeout))
            time.sleep(poll)
        if check and self.status != "success":
            failed = next((j for j in self.jobs if j.status == "failed"), None)
            if failed is None:
                raise ExecutionFailed(self, None, "execution %s was %s" % (self.id, self.status))
            raise ExecutionFailed(self, failed.id, "execution %s %s: job %s (%s) failed: %s"
                                  % (self.id, self.status, failed.id, failed.label, failed.message or "no message"))
        return self.status

    def _print_new_lines(self, job: Job, cursors: Dict[str, int], out: TextIO) -> None:
        while True:
            page = self._http.call("job_log", {"execution": self.id, "job": job.id},
                                   {"from": cursors.get(job.id, 0), "limit": LOG_PAGE})
            lines = page.get("lines") or []
            for line in lines:
                out.write("[%s] %s\n" % (job.label, line))
            if lines:
                out.flush()
                cursors[job.id] = int(page["next"])
            if len(lines) < LOG_PAGE and not page.get("more"):
                return

    def log(self, job: Union[str, Job], start: int = 0) -> List[str]:
        """The console lines of ``job`` (node id or operation name) from line ``start`` on, all pages."""
        job_id = self._job_id(job)
        lines: List[str] = []
        cursor = start
        while True:
            page = self._http.call("job_log", {"execution": self.id, "job": job_id}, {"from": cursor, "limit": LOG_PAGE})
            lines.extend(page.get("lines") or [])
            if len(page.get("lines") or []) < LOG_PAGE and not page.get("more"):
                return lines
            cursor = int(page["next"])

    @overload
    def metrics(self, job: Union[str, Job], as_numpy: Literal[False] = ..., points: Optional[int] = None,
                first: Optional[int] = None, last: Optional[int] = None) -> Dict[str, Series]: ...

    @overload
    def metrics(self, job: Union[str, Job], as_numpy: Literal[True], points: Optional[int] = None,
                first: Optional[int] = None, last: Optional[int] = None) -> Dict[str, ArraySeries]: ...

    def metrics(self, job: Union[str, Job], as_numpy: bool = False, points: Optional[int] = None,
                first: Optional[int] = None, last: Optional[int] = None) -> Union[Dict[str, Series], Dict[str, ArraySeries]]:
        """Every metric ``job`` (node id or operation name) logged, by name, as numbers; with
        ``as_numpy=True`` as numpy arrays (needs numpy). ``points`` asks the server for about that many
        points per series (per bucket of steps the lowest and highest, so extremes stay); ``first`` and
        ``last`` bound the steps (inclusive). A whole read of more than 200,000 points is refused by the
        server (:class:`BadRequest` 413): ask for ``points`` then."""
        job_id = self._job_id(job)
        query = {"points": points, "from": first, "to": last}
        raw = self._http.call("job_metrics", {"execution": self.id, "job": job_id}, query)
        series = {name: _series(points) for name, points in raw.items()}
        if not as_numpy:
            return series
        return {name: _to_numpy(s) for name, s in series.items()}

    def cancel(self) -> "Execution":
        """Cancels the execution (its jobs stop, their processes end) and returns it refreshed."""
        self._http.call("cancel", {"execution": self.id})
        return self.refresh()

    def rerun(self, code: str = "recorded", ignore_cache: bool = False) -> "Execution":
        """Runs the pipeline again with the same seed: ``code="recorded"`` exactly the commit this execution
        ran, ``"current"`` the head of its branch now. Returns the new execution."""
        if code not in ("recorded", "current"):
            raise ValueError('code is "recorded" or "current", not %r' % code)
        body = {"code": code, "ignoreCache": ignore_cache}
        return Execution.of(self._http, self._http.call("rerun", {"execution": self.id}, body=body))


def _series(points: List[List[Any]]) -> Series:
    steps: List[Optional[int]] = []
    values: List[float] = []
    times: List[float] = []
    for step, value, when in points:
        steps.append(None if step is None else int(step))
        values.append(float(value))
        times.append(float(when) if when is not None else float("nan"))
    return Series(steps, values, times)


def _to_numpy(series: Series) -> ArraySeries:
    try:
        import numpy as np
    except ImportError as e:
        raise ImportError("metrics(as_numpy=True) needs numpy (pip install numpy, or apt install python3-numpy)") from e
    if any(s is None for s in series.steps):
        steps = np.array([np.nan if s is None else s for s in series.steps], dtype=float)
    else:
        steps = np.array(series.steps, dtype=np.int64)
    return ArraySeries(steps, np.array(series.values, dtype=float), np.array(series.times, dtype=float))
