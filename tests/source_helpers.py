"""Helpers for tests/test_sources.py: a local fake registry (PyPI simple index + Hex mirror) and
builders for wheels, sdists, Hex tarballs, hostile archives and small git repositories.

Everything here is offline: the server listens on 127.0.0.1, port 0.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import subprocess
import tarfile
import threading
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# --------------------------------------------------------------------------- HTTP


@dataclass
class Route:
    body: bytes
    content_type: str = "application/octet-stream"
    status: int = 200


@dataclass
class FakeRegistry:
    """Routes by path; records hits and request headers; can slow responses down to provoke races."""

    base_url: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, body: bytes, content_type: str = "application/octet-stream", status: int = 200) -> str:
        self.routes[path] = Route(body, content_type, status)
        return self.base_url + path

    def add_pep691_project(
        self,
        name: str,
        files: list[tuple[str, bytes]],
        *,
        sha256: dict[str, str] | None = None,
        versions: list[str] | None = None,
        relative_urls: bool = True,
    ) -> None:
        """Serve `/simple/<name>/` (PEP 691 JSON) and each file under `/files/`."""
        entries = []
        for filename, data in files:
            self.add(f"/files/{filename}", data)
            digest = (sha256 or {}).get(filename, hashlib.sha256(data).hexdigest())
            url = f"../../files/{filename}" if relative_urls else f"{self.base_url}/files/{filename}"
            entries.append({"filename": filename, "url": url, "hashes": {"sha256": digest}})
        page: dict[str, object] = {
            "meta": {"api-version": "1.1" if versions is not None else "1.0"},
            "name": name,
            "files": entries,
        }
        if versions is not None:
            page["versions"] = versions
        self.add(f"/simple/{name}/", json.dumps(page).encode(), "application/vnd.pypi.simple.v1+json")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        registry = self.server.registry  # type: ignore[attr-defined]
        with registry.lock:
            registry.hits[self.path] += 1
            registry.headers[self.path] = dict(self.headers.items())
        route = registry.routes.get(self.path)
        if registry.delay:
            time.sleep(registry.delay)
        if route is None:
            route = Route(b"not found", "text/plain", 404)
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        self.wfile.write(route.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class RegistryServer:
    def __init__(self) -> None:
        self.registry = FakeRegistry()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.registry = self.registry  # type: ignore[attr-defined]
        self.registry.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FakeRegistry:
        self.thread.start()
        return self.registry

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def closed_port_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --------------------------------------------------------------------------- archives


def zip_bytes(files: dict[str, bytes], *, symlinks: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = 0o120777 << 16
            zf.writestr(info, target)
    return buf.getvalue()


def build_wheel(name: str, version: str, files: dict[str, bytes], tag: str = "py3-none-any") -> tuple[str, bytes]:
    dist_info = f"{name}-{version}.dist-info"
    all_files = dict(files)
    all_files[f"{dist_info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    all_files[f"{dist_info}/WHEEL"] = f"Wheel-Version: 1.0\nTag: {tag}\n".encode()
    return f"{name}-{version}-{tag}.whl", zip_bytes(all_files)


@dataclass
class TarEntry:
    name: str
    data: bytes = b""
    type: bytes = tarfile.REGTYPE
    linkname: str = ""


def tar_bytes(entries: list[TarEntry], *, compression: str = "") -> bytes:
    buf = io.BytesIO()
    if compression not in ("", "gz"):
        raise ValueError(compression)
    with tarfile.open(fileobj=buf, mode="w:gz" if compression else "w") as tar:
        for entry in entries:
            info = tarfile.TarInfo(entry.name)
            info.type = entry.type
            info.linkname = entry.linkname
            info.mode = 0o755 if entry.type == tarfile.DIRTYPE else 0o644
            info.mtime = 1_700_000_000
            if entry.type == tarfile.REGTYPE:
                info.size = len(entry.data)
                tar.addfile(info, io.BytesIO(entry.data))
            else:
                tar.addfile(info)
    return buf.getvalue()


def build_sdist(name: str, version: str, files: dict[str, bytes]) -> tuple[str, bytes]:
    top = f"{name}-{version}"
    entries = [TarEntry(top, type=tarfile.DIRTYPE)]
    entries += [TarEntry(f"{top}/{path}", data) for path, data in files.items()]
    return f"{top}.tar.gz", tar_bytes(entries, compression="gz")


def build_hex_tarball(
    contents: list[TarEntry] | dict[str, bytes],
    *,
    metadata: bytes | None = None,
    checksum: str | None = None,
    version: bytes = b"3",
) -> bytes:
    """A Hex package tarball (format 3): VERSION, CHECKSUM, metadata.config, contents.tar.gz."""
    if isinstance(contents, dict):
        contents = [TarEntry(path, data) for path, data in contents.items()]
    inner = tar_bytes(contents, compression="gz")
    metadata = metadata if metadata is not None else b'{<<"name">>,<<"tinkex">>}.\n{<<"version">>,<<"0.3.1">>}.\n'
    if checksum is None:
        checksum = hashlib.sha256(version + metadata + inner).hexdigest().upper()
    return tar_bytes(
        [
            TarEntry("VERSION", version),
            TarEntry("CHECKSUM", checksum.encode()),
            TarEntry("metadata.config", metadata),
            TarEntry("contents.tar.gz", inner),
        ]
    )


# --------------------------------------------------------------------------- git


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(repo.parent)}
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True)
    return result.stdout.strip()


@dataclass
class GitRepo:
    path: Path
    first: str
    """Full hash of the first commit (tagged `v1`)."""
    second: str
    """Full hash of HEAD."""


def make_git_repo(path: Path) -> GitRepo:
    """Two commits, the first with an annotated tag `v1`, on branch `main`."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    (path / "a.txt").write_text("one\n")
    (path / "pkg").mkdir()
    (path / "pkg" / "mod.py").write_text("X = 1\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "first")
    git(path, "tag", "-a", "v1", "-m", "version 1")
    first = git(path, "rev-parse", "HEAD")
    (path / "a.txt").write_text("two\n")
    (path / "b.txt").write_text("new\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "second")
    second = git(path, "rev-parse", "HEAD")
    return GitRepo(path, first, second)


def tree_files(root: Path) -> dict[str, bytes]:
    """Relative path -> content of every regular file under root (the cache marker left out)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink() and p.name != ".paritydocs-complete"
    }
