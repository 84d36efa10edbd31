"""Inputs kept in remote storage reach a job as a presigned link (fetch.json) that the runtime downloads."""
import hashlib
import http.server
import json
import os
import threading

import numpy as np
import pytest

from deepforge import runtime, serialization


@pytest.fixture
def server(tmp_path):
    files = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = files.get(self.path)
            if body is None:
                self.send_response(403)
                self.end_headers()
                self.wfile.write(b"<Error><Code>AccessDenied</Code></Error>")
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield files, "http://127.0.0.1:%d" % httpd.server_address[1]
    httpd.shutdown()


def remote_input(tmp_path, name, url, sha256):
    source = tmp_path / "source"
    serialization.save(np.arange(6.0), str(source))
    directory = tmp_path / "bundle" / "inputs" / name
    directory.mkdir(parents=True)
    meta = json.loads((source / "meta.json").read_text())
    (directory / "meta.json").write_text(json.dumps(meta))
    (directory / "fetch.json").write_text(json.dumps({"url": url, "sha256": sha256}))
    return (source / "data").read_bytes(), directory


def test_a_remote_input_is_downloaded_checked_and_loaded(server, tmp_path, monkeypatch):
    files, base = server
    data, directory = remote_input(tmp_path, "x", base + "/obj?X-Amz-Signature=abc", None)
    files["/obj?X-Amz-Signature=abc"] = data
    fetch = json.loads((directory / "fetch.json").read_text())
    fetch["sha256"] = hashlib.sha256(data).hexdigest()
    (directory / "fetch.json").write_text(json.dumps(fetch))
    monkeypatch.setattr(runtime, "bundle_root", lambda: str(tmp_path / "bundle"))
    value = runtime.load_input("x")
    assert value.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert (directory / "data").read_bytes() == data
    assert not (directory / "data.part").exists()


def test_changed_remote_data_fails_with_both_hashes_and_leaves_nothing(server, tmp_path, monkeypatch):
    files, base = server
    data, directory = remote_input(tmp_path, "x", base + "/obj", "0" * 64)
    files["/obj"] = data
    monkeypatch.setattr(runtime, "bundle_root", lambda: str(tmp_path / "bundle"))
    with pytest.raises(IOError, match="changed in storage.*expected 0000"):
        runtime.load_input("x")
    assert not (directory / "data").exists() and not (directory / "data.part").exists()


def test_an_expired_link_says_so(server, tmp_path, monkeypatch):
    _, base = server
    _, directory = remote_input(tmp_path, "x", base + "/gone", None)
    monkeypatch.setattr(runtime, "bundle_root", lambda: str(tmp_path / "bundle"))
    with pytest.raises(IOError, match="HTTP 403.*expired"):
        runtime.load_input("x")
    assert not os.path.exists(directory / "data")
