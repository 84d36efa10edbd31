"""Artifacts: listing, streamed downloads verified by sha256, streamed uploads; with progress."""
from __future__ import annotations

import hashlib
import http.client
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Mapping, Optional, Union

from ._http import CHUNK, Transport
from .errors import IntegrityError, ServerUnreachable

Progress = Callable[[int, Optional[int]], None]
"""Called as ``progress(bytes_done, bytes_total)`` after every chunk (``bytes_total`` ``None`` when unknown)."""

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Artifact:
    """An artifact record of a project (``GET /projects/{p}/artifacts``). ``sha256`` and ``commit`` are
    known for an artifact this client just uploaded; a listing leaves them ``None``."""

    id: str
    name: str
    type: str
    size: Optional[int]
    created: Optional[str]
    adapter: Optional[str]
    execution: Optional[str]
    project: str
    sha256: Optional[str] = None
    commit: Optional[str] = None
    _http: Optional[Transport] = field(default=None, repr=False, compare=False)

    @staticmethod
    def of(http: Transport, project: str, json: Mapping[str, Any]) -> "Artifact":
        return Artifact(json["id"], json["name"], json.get("type") or "file", json.get("size"), json.get("created"),
                        json.get("adapter"), json.get("execution"), project, json.get("sha256"), json.get("commit"), http)

    def download(self, path: Optional[PathLike] = None, progress: Optional[Progress] = None,
                 format: Optional[str] = None, ref: Optional[str] = None) -> "Downloaded":
        """Streams the artifact's data to ``path`` (a file, or an existing folder to put the server's file
        name in; default: the current folder) and returns what was written.

        The bytes are hashed while they stream and checked against the server's ``X-Content-SHA256``
        (and length): a mismatch raises :class:`IntegrityError` and leaves no file behind. A model
        (``torch.nn.Module``) comes by default converted for plain PyTorch (the header then hashes the
        converted file); ``format="original"`` gets the bytes as stored. ``verified`` is ``False`` only
        when the server sent no hash.
        """
        assert self._http is not None, "an Artifact made by the client knows its server"
        query = {"ref": ref, "format": format}
        with self._http.open("download_artifact", {"project": self.project, "artifact": self.id}, query) as response:
            expected = response.getheader("X-Content-SHA256")
            length = response.getheader("Content-Length")
            total = int(length) if length and length.isdigit() else None
            target = _target(path, response.getheader("Content-Disposition"), self.name)
            partial, digest, size = _stream_to_partial(target, response, total, progress, self._http.url)
        try:
            if total is not None and size != total:
                raise IntegrityError("artifact %s: got %d of %d bytes; nothing was written to %s" % (self.name, size, total, target))
            if expected is not None and expected.strip().lower() != digest:
                raise IntegrityError("artifact %s: the download's sha256 is %s but the server says %s; nothing was written to %s"
                                     % (self.name, digest, expected, target))
            os.replace(partial, target)
        except BaseException:
            os.unlink(partial)
            raise
        return Downloaded(target, digest, size, expected is not None)


@dataclass(frozen=True)
class Downloaded:
    """A finished download: where it is, its sha256 and size, and whether the server's sha256 confirmed it."""

    path: Path
    sha256: str
    size: int
    verified: bool


def _target(path: Optional[PathLike], disposition: Optional[str], name: str) -> Path:
    if path is not None and not Path(path).is_dir():
        return Path(path)
    match = re.search(r'filename="([^"/\\]+)"', disposition or "")
    file_name = match.group(1) if match and match.group(1) not in (".", "..") else name
    return Path(path if path is not None else ".") / file_name


def _stream_to_partial(target: Path, source: BinaryIO, total: Optional[int], progress: Optional[Progress],
                       url: str) -> "tuple[Path, str, int]":
    """Writes ``source`` to a partial file next to ``target``, hashing it on the way; the partial file
    goes on any failure. Returns (partial file, sha256, size)."""
    digest = hashlib.sha256()
    size = 0
    handle, partial = tempfile.mkstemp(prefix="." + target.name + ".", suffix=".part", dir=str(target.parent))
    try:
        with os.fdopen(handle, "wb") as sink:
            while True:
                try:
                    chunk = source.read(CHUNK)
                except (OSError, http.client.HTTPException) as e:
                    raise ServerUnreachable("the download from %s broke after %d bytes: %s" % (url, size, e)) from e
                if not chunk:
                    break
                sink.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if progress is not None:
                    progress(size, total)
    except BaseException:
        os.unlink(partial)
        raise
    return Path(partial), digest.hexdigest(), size


class ProgressReader:
    """A binary file that reports progress and hashes what is read from it (an upload's body)."""

    def __init__(self, stream: BinaryIO, total: int, progress: Optional[Progress]) -> None:
        self._stream = stream
        self._total = total
        self._progress = progress
        self.done = 0
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        if chunk:
            self.done += len(chunk)
            self.digest.update(chunk)
            if self._progress is not None:
                self._progress(self.done, self._total)
        return chunk
