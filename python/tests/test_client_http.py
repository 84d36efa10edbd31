"""The Python client's transport: server URL and token, routes, and errors mapped from the server's answers."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "client"))

from clientfake import Answer, FakeServer  # noqa: E402
from deepforge_client import (BadRequest, Client, Conflict, DeepForgeError, NotFound, ServerError,  # noqa: E402
                              ServerUnreachable, Unauthorized)
from deepforge_client import routes  # noqa: E402

PROJECT = {"id": "pr1", "name": "Digits", "description": "", "defaultBranch": "main", "created": "2026-01-01T00:00:00Z",
           "role": "owner"}


@pytest.fixture
def fake():
    server = FakeServer()
    yield server
    server.close()


def test_the_token_travels_as_a_bearer_header_and_never_in_the_url(fake):
    fake.json("GET", "/api/v1/projects", [PROJECT])
    Client(fake.url, token="dft_secret").projects()
    request = fake.requests[-1]
    assert request.headers["Authorization"] == "Bearer dft_secret"
    assert "dft_secret" not in str(request.query)


def test_local_mode_sends_no_authorization(fake, monkeypatch):
    monkeypatch.delenv("DEEPFORGE_TOKEN", raising=False)
    fake.json("GET", "/api/v1/projects", [])
    Client(fake.url).projects()
    assert "Authorization" not in fake.requests[-1].headers


def test_server_and_token_come_from_the_environment(fake, monkeypatch):
    monkeypatch.setenv("DEEPFORGE_SERVER", fake.url)
    monkeypatch.setenv("DEEPFORGE_TOKEN", "dft_from_env")
    fake.json("GET", "/api/v1/projects", [PROJECT])
    projects = Client().projects()
    assert [p.name for p in projects] == ["Digits"]
    assert projects[0].default_branch == "main"
    assert fake.requests[-1].headers["Authorization"] == "Bearer dft_from_env"


def test_a_url_without_scheme_is_refused_with_what_to_write():
    with pytest.raises(ValueError, match="http"):
        Client("localhost:8888")
    with pytest.raises(ValueError, match="token="):
        Client("http://user:pw@localhost:8888")


def test_path_parameters_are_percent_encoded_and_empty_query_values_left_out():
    assert routes.path("job_log", {"execution": "e/../1", "job": "n 2"}, {"from": 3, "limit": None}) \
        == "/api/v1/executions/e%2F..%2F1/jobs/n%202/log?from=3"
    assert routes.path("export_pipeline", {"project": "p", "pipeline": "x"}, {"inputs": True}).endswith("?inputs=true")
    with pytest.raises(KeyError, match="project"):
        routes.path("get_project", {})


@pytest.mark.parametrize("status,cls", [(400, BadRequest), (401, Unauthorized), (404, NotFound), (409, Conflict), (503, ServerError)])
def test_each_refusal_becomes_its_exception_with_the_servers_message(fake, status, cls):
    fake.json("GET", "/api/v1/projects", {"error": "what to fix", "detail": {"path": "/x"}}, status)
    with pytest.raises(cls) as caught:
        Client(fake.url).projects()
    assert caught.value.status == status
    assert caught.value.message == "what to fix"
    assert caught.value.detail == {"path": "/x"}
    assert isinstance(caught.value, DeepForgeError)


def test_a_refusal_without_json_still_says_what_was_asked(fake):
    fake.on("GET", "/api/v1/projects", lambda _: Answer(502, b"<html>bad gateway</html>", {"Content-Type": "text/html"}))
    with pytest.raises(ServerError, match="GET /api/v1/projects answered 502"):
        Client(fake.url).projects()


def test_an_unreachable_server_says_how_to_point_at_one(fake):
    url = fake.url
    fake.close()
    with pytest.raises(ServerUnreachable, match="DEEPFORGE_SERVER") as caught:
        Client(url, timeout=5).projects()
    assert caught.value.status is None


def test_a_project_is_found_by_id_or_name_and_a_missing_one_lists_what_exists(fake):
    fake.json("GET", "/api/v1/projects", [PROJECT])
    client = Client(fake.url)
    assert client.project("pr1").name == "Digits"
    assert client.project("Digits").id == "pr1"
    with pytest.raises(NotFound, match=r"Digits \(pr1\)"):
        client.project("nope")


def test_a_stale_change_set_raises_conflict_with_the_current_value(fake):
    fake.json("GET", "/api/v1/projects", [PROJECT])
    fake.json("GET", "/api/v1/projects/pr1/model", {"ref": "main", "commit": "c1", "model": {"pipelines": {}}})
    fake.json("POST", "/api/v1/projects/pr1/branches/main/changes",
              {"error": "epochs was changed since c1", "path": "/pipelines/p/nodes/n/attributes/epochs", "current": 12}, 409)
    view = Client(fake.url).project("pr1").model()
    with pytest.raises(Conflict, match="changed since") as caught:
        view.change([{"op": "replace", "path": "/pipelines/p/nodes/n/attributes/epochs", "value": 3}])
    assert caught.value.body["current"] == 12
    sent = fake.requests[-1].json()
    assert sent["base"] == "c1"
    assert sent["patch"] == [{"op": "replace", "path": "/pipelines/p/nodes/n/attributes/epochs", "value": 3}]
    assert fake.requests[-1].headers["Content-Type"] == "application/json"


def test_the_client_is_python_3_9_code_and_typed():
    import ast
    package = Path(__file__).resolve().parents[1] / "client" / "deepforge_client"
    for source in sorted(package.glob("*.py")):
        ast.parse(source.read_text(encoding="utf-8"), str(source), feature_version=(3, 9))  # requires-python = ">=3.9"
    assert (package / "py.typed").exists()
