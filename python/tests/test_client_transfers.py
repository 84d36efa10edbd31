"""Artifact transfers: streamed downloads checked by sha256 (a bad one leaves no file), streamed uploads, progress."""
import hashlib
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "client"))

from clientfake import Answer, FakeServer  # noqa: E402
from deepforge_client import BadRequest, Client, IntegrityError  # noqa: E402
from deepforge_client._http import CHUNK  # noqa: E402

PROJECT = {"id": "pr1", "name": "Digits", "description": "", "defaultBranch": "main", "created": None, "role": "owner"}
DATA = os.urandom(3 * CHUNK + 123)
SHA = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def fake():
    server = FakeServer()
    server.json("GET", "/api/v1/projects", [PROJECT])
    server.json("GET", "/api/v1/projects/pr1/artifacts", {"items": [
        {"id": "a1", "name": "myModel", "type": "file", "size": len(DATA), "created": "2026-01-01T00:00:00Z", "adapter": "local",
         "execution": "e1"}], "next": None})
    yield server
    server.close()


def serve(fake, data, sha, headers=None):
    fake.on("GET", "/api/v1/projects/pr1/artifacts/a1/data", lambda _: Answer(200, data, dict({
        "X-Content-SHA256": sha, "Content-Disposition": 'attachment; filename="myModel.bin"'}, **(headers or {}))))


def test_a_download_streams_to_the_servers_file_name_with_progress_and_verified_sha256(fake, tmp_path):
    serve(fake, DATA, SHA)
    seen = []
    done = Client(fake.url).project("Digits").artifact("myModel").download(tmp_path, progress=lambda n, total: seen.append((n, total)))
    assert done.path == tmp_path / "myModel.bin"
    assert done.path.read_bytes() == DATA
    assert (done.sha256, done.size, done.verified) == (SHA, len(DATA), True)
    assert len(seen) >= 4 and seen[-1] == (len(DATA), len(DATA))
    assert [n for n, _ in seen] == sorted(n for n, _ in seen)
    assert os.listdir(tmp_path) == ["myModel.bin"]


def test_a_sha256_mismatch_raises_and_leaves_neither_a_partial_file_nor_a_clobbered_one(fake, tmp_path):
    serve(fake, DATA, "0" * 64)
    target = tmp_path / "model.bin"
    target.write_bytes(b"what was here before")
    with pytest.raises(IntegrityError, match="sha256 is %s but the server says 0000" % SHA):
        Client(fake.url).project("pr1").artifact("a1").download(target)
    assert target.read_bytes() == b"what was here before"
    assert os.listdir(tmp_path) == ["model.bin"]


def test_a_download_cut_short_raises_and_leaves_no_file(fake, tmp_path):
    # the answer claims more bytes than it sends (the fake closes after the body)
    serve(fake, DATA, SHA, {"Content-Length": str(len(DATA) + 10), "Connection": "close"})
    with pytest.raises(Exception, match="of %d bytes|broke" % (len(DATA) + 10)):
        Client(fake.url, timeout=10).project("pr1").artifact("a1").download(tmp_path / "m.bin")
    assert os.listdir(tmp_path) == []


def test_an_upload_streams_the_file_with_its_length_and_checks_the_stored_sha256(fake, tmp_path):
    received = {}

    def store(request):
        received["body"] = request.body
        received["headers"] = request.headers
        received["query"] = request.query
        return Answer(201, {"id": "a2", "commit": "c2", "name": request.query["name"], "sha256": hashlib.sha256(request.body).hexdigest(),
                            "size": len(request.body)})
    fake.on("POST", "/api/v1/projects/pr1/branches/main/artifacts", store)
    source = tmp_path / "weights.bin"
    source.write_bytes(DATA)
    seen = []
    artifact = Client(fake.url).project("pr1").upload_artifact(source, "weights", progress=lambda n, total: seen.append((n, total)))
    assert received["body"] == DATA
    assert received["headers"]["Content-Length"] == str(len(DATA))
    assert received["headers"]["Content-Type"] == "application/octet-stream"
    assert received["query"] == {"name": "weights", "type": "file"}
    assert (artifact.id, artifact.name, artifact.sha256, artifact.size) == ("a2", "weights", SHA, len(DATA))
    assert len(seen) >= 4 and seen[-1] == (len(DATA), len(DATA))


def test_an_upload_the_server_stored_differently_raises(fake, tmp_path):
    fake.json("POST", "/api/v1/projects/pr1/branches/main/artifacts", {"id": "a2", "name": "w", "sha256": "f" * 64, "size": 1}, 201)
    source = tmp_path / "w.bin"
    source.write_bytes(b"abc")
    with pytest.raises(IntegrityError, match="server stored 1 bytes"):
        Client(fake.url).project("pr1").upload_artifact(source)


def test_an_upload_refused_by_name_says_why(fake, tmp_path):
    fake.json("POST", "/api/v1/projects/pr1/branches/main/artifacts", {"error": "an artifact name has no control characters"}, 400)
    source = tmp_path / "w.bin"
    source.write_bytes(b"abc")
    with pytest.raises(BadRequest, match="control characters"):
        Client(fake.url).project("pr1").upload_artifact(source, "bad\u0007name")
