"""The Python client reads the executions list a page at a time, sending the filters and cursors the server expects."""
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "client"))

from clientfake import Answer, FakeServer  # noqa: E402
from deepforge_client import Client  # noqa: E402

PROJECT = {"id": "pr1", "name": "Digits", "description": "", "defaultBranch": "main", "created": "2026-01-01T00:00:00Z",
           "role": "owner"}
LIST = "/api/v1/projects/pr1/executions"


def execution(n):
    return {"id": "e%d" % n, "project": "pr1", "pipeline": "p1", "commit": "c", "status": "success",
            "created": "2026-01-01T00:00:%02dZ" % n}


@pytest.fixture
def fake():
    server = FakeServer()
    server.json("GET", "/api/v1/projects", [PROJECT])
    newest_first = [execution(n) for n in range(12, 0, -1)]

    def pages(request):
        start = int(request.query.get("cursor", "0"))
        end = start + int(request.query["limit"])
        return Answer(200, {"items": newest_first[start:end], "next": str(end) if end < len(newest_first) else None})

    server.on("GET", LIST, pages)
    yield server
    server.close()


def listed(fake):
    return [r for r in fake.requests if r.path == LIST]


def test_every_page_is_read_in_turn_following_the_servers_cursor(fake):
    project = Client(fake.url).project("pr1")
    ids = [e.id for e in project.executions()]
    assert ids == ["e%d" % n for n in range(12, 0, -1)]
    assert [r.query.get("cursor") for r in listed(fake)] == [None]
    assert listed(fake)[0].query["limit"] == "500"


def test_a_limit_stops_after_that_many_and_asks_for_no_more(fake, monkeypatch):
    monkeypatch.setattr("deepforge_client.projects._PAGE", 5)
    project = Client(fake.url).project("pr1")
    assert [e.id for e in project.executions(limit=7)] == ["e12", "e11", "e10", "e9", "e8", "e7", "e6"]
    assert [(r.query["limit"], r.query.get("cursor")) for r in listed(fake)] == [("5", None), ("2", "5")]


def test_iterating_reads_the_next_page_only_when_the_caller_gets_there(fake, monkeypatch):
    monkeypatch.setattr("deepforge_client.projects._PAGE", 5)
    executions = Client(fake.url).project("pr1").iter_executions()
    assert [next(executions).id for _ in range(5)] == ["e12", "e11", "e10", "e9", "e8"]
    assert len(listed(fake)) == 1
    assert next(executions).id == "e7"
    assert len(listed(fake)) == 2


def test_filters_travel_as_query_parameters(fake):
    project = Client(fake.url).project("pr1")
    project.executions(pipeline="p1", status=["failed", "cancelled"], user="ada", since=date(2026, 1, 2),
                       until=datetime(2026, 1, 3, 12, 0))
    query = listed(fake)[-1].query
    assert query["pipeline"] == "p1"
    assert query["status"] == "failed,cancelled"
    assert query["user"] == "ada"
    assert query["since"] == "2026-01-02"
    assert query["until"] == "2026-01-03T12:00:00+00:00"


def test_a_limit_below_one_is_refused_before_any_request(fake):
    with pytest.raises(ValueError, match="limit"):
        Client(fake.url).project("pr1").executions(limit=0)
    assert listed(fake) == []


def test_artifacts_are_read_page_by_page_with_the_search_text(fake):
    def pages(request):
        first = "cursor" not in request.query
        item = {"id": "a1" if first else "a2", "name": "digits", "type": "file", "size": 1, "created": None, "adapter": "local"}
        return Answer(200, {"items": [item], "next": "c1" if first else None})

    fake.on("GET", "/api/v1/projects/pr1/artifacts", pages)
    found = Client(fake.url).project("pr1").artifacts(search="dig")
    assert [a.id for a in found] == ["a1", "a2"]
    asked = [r.query for r in fake.requests if r.path.endswith("/artifacts")]
    assert [(q["q"], q.get("cursor")) for q in asked] == [("dig", None), ("dig", "c1")]
