"""Following an execution: every console line once and in order, the last ones too; metrics as numbers."""
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "client"))

from clientfake import Answer, FakeServer  # noqa: E402
from deepforge_client import Client, ExecutionFailed  # noqa: E402
from deepforge_client import executions  # noqa: E402


class Run:
    """A scripted execution: each status read moves it one step (new lines appended, statuses changed)."""

    def __init__(self, fake, steps):
        self.steps = steps
        self.reads = 0
        self.logs = {"n1": [], "n2": []}
        self.status = "pending"
        self.jobs = {"n1": "pending", "n2": "pending"}
        self.messages = {}
        fake.on("GET", "/api/v1/executions/e1", self.execution)
        for job in self.logs:
            fake.on("GET", "/api/v1/executions/e1/jobs/%s/log" % job, self.log(job))

    def execution(self, _request):
        if self.reads < len(self.steps):
            self.steps[self.reads](self)
        self.reads += 1
        jobs = [{"id": j, "operation": {"n1": "GetData", "n2": "Train"}[j], "status": s, "message": self.messages.get(j),
                 "started": None, "finished": None} for j, s in self.jobs.items()]
        return Answer(200, {"id": "e1", "project": "pr1", "pipeline": "p", "branch": "main", "commit": "c", "status": self.status,
                            "name": None, "seed": 1, "created": "t", "finished": None, "jobs": jobs})

    def log(self, job):
        def answer(request):
            start, limit = int(request.query.get("from", 0)), int(request.query.get("limit", 5000))
            lines = self.logs[job][start:start + limit]
            return Answer(200, {"from": start, "next": start + len(lines), "lines": lines})
        return answer


@pytest.fixture
def fake():
    server = FakeServer()
    yield server
    server.close()


def step(status=None, jobs=None, lines=None, messages=None):
    def apply(run):
        if status:
            run.status = status
        run.jobs.update(jobs or {})
        run.messages.update(messages or {})
        for job, new in (lines or {}).items():
            run.logs[job].extend(new)
    return apply


def test_every_line_is_printed_once_in_order_including_those_written_as_it_ends(fake, monkeypatch):
    monkeypatch.setattr(executions, "LOG_PAGE", 3)  # several pages per poll
    Run(fake, [
        step("running", {"n1": "running"}, {"n1": ["loading"]}),
        step(jobs={"n1": "success", "n2": "queued"}, lines={"n1": ["a", "b", "c", "d", "e", "f", "g"]}),
        step(jobs={"n2": "running"}, lines={"n2": ["epoch 1: loss 2.3"]}),
        step(),  # nothing new
        # the job's last lines land in the same instant the execution finishes
        step("success", {"n2": "success"}, {"n2": ["epoch 2: loss 1.1", "saved"]}),
    ])
    out = io.StringIO()
    status = Client(fake.url).execution("e1").wait(follow=True, out=out, poll=0)
    assert status == "success"
    assert out.getvalue().splitlines() == [
        "[GetData] loading", "[GetData] a", "[GetData] b", "[GetData] c", "[GetData] d", "[GetData] e", "[GetData] f",
        "[GetData] g", "[Train] epoch 1: loss 2.3", "[Train] epoch 2: loss 1.1", "[Train] saved"]
    # each request starts where the previous answer ended (three pages, then the cursor stays at the end)
    starts = [int(r.query["from"]) for r in fake.requests if r.path.endswith("/n1/log")]
    assert starts[:3] == [0, 3, 6] and set(starts[3:]) == {8}


def test_a_failed_run_raises_with_the_failed_job_and_its_message(fake):
    Run(fake, [step("running", {"n1": "running"}, {"n1": ["Traceback ...", "ValueError: bad"]}),
               step("failed", {"n1": "failed", "n2": "skipped"}, messages={"n1": "ValueError: bad"})])
    out = io.StringIO()
    with pytest.raises(ExecutionFailed, match=r"job n1 \(GetData\) failed: ValueError: bad") as caught:
        Client(fake.url).execution("e1").wait(follow=True, out=out, poll=0)
    assert caught.value.job == "n1"
    assert caught.value.execution.status == "failed"
    assert "[GetData] ValueError: bad" in out.getvalue()


def test_without_check_the_final_status_is_returned(fake):
    Run(fake, [step("cancelled", {"n1": "cancelled", "n2": "cancelled"})])
    assert Client(fake.url).execution("e1").wait(check=False, poll=0) == "cancelled"


def test_a_timeout_leaves_the_execution_running(fake):
    Run(fake, [step("running", {"n1": "running"})])
    with pytest.raises(TimeoutError, match="still running"):
        Client(fake.url).execution("e1").wait(timeout=0, poll=0)


def test_metrics_are_numbers_and_numpy_arrays_on_request(fake):
    Run(fake, [])
    fake.json("GET", "/api/v1/executions/e1/jobs/n2/metrics",
              {"loss": [[1, 2.5, "1767225600.5"], [2, 1.25, "1767225601.0"]], "lr": [[None, 0.001, "1767225600.0"]]})
    execution = Client(fake.url).execution("e1")
    metrics = execution.metrics("Train")  # by operation name
    assert metrics["loss"].steps == [1, 2]
    assert metrics["loss"].values == [2.5, 1.25]
    assert metrics["loss"].times == [1767225600.5, 1767225601.0]
    assert metrics["lr"].steps == [None]
    np = pytest.importorskip("numpy")
    arrays = execution.metrics("n2", as_numpy=True)
    assert arrays["loss"].values.dtype == np.float64 and arrays["loss"].steps.dtype == np.int64
    assert np.isnan(arrays["lr"].steps[0])
    with pytest.raises(KeyError, match="n1 \\(GetData\\)"):
        execution.metrics("Nope")


def test_rerun_asks_for_the_recorded_or_current_code(fake):
    Run(fake, [])
    fake.on("POST", "/api/v1/executions/e1/rerun", lambda r: Answer(201, {
        "id": "e2", "project": "pr1", "pipeline": "p", "status": "pending", "jobs": []}))
    execution = Client(fake.url).execution("e1")
    assert execution.rerun(code="current").id == "e2"
    assert fake.requests[-1].json() == {"code": "current", "ignoreCache": False}
    with pytest.raises(ValueError, match="recorded"):
        execution.rerun(code="latest")


def test_a_page_cut_short_by_its_size_is_followed_by_the_next(fake):
    run = Run(fake, [step("success", {"n1": "success"}, {"n1": ["x" * 10 for _ in range(7)]})])

    def few_at_a_time(request):  # as the server cuts a page of long lines at its character budget
        start = int(request.query.get("from", 0))
        lines = run.logs["n1"][start:start + 2]
        return Answer(200, {"from": start, "next": start + len(lines), "lines": lines, "more": start + 2 < len(run.logs["n1"])})
    fake.on("GET", "/api/v1/executions/e1/jobs/n1/log", few_at_a_time)
    execution = Client(fake.url).execution("e1")
    assert execution.log("n1") == ["x" * 10] * 7
    assert [int(r.query["from"]) for r in fake.requests if r.path.endswith("/n1/log")] == [0, 2, 4, 6]
