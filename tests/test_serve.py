"""`paritydocs serve`: edits to an SDK source directory, the notes file and templates rebuild the site, seen by
the system's file events or, with `--poll`, by polling."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from site_helpers import copy_demo


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # a server this test started on 127.0.0.1
        return response.read().decode()


def _wait_for(url: str, needle: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            last = _get(url)
            if needle in last:
                return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{needle!r} never appeared at {url}")


@pytest.fixture(params=["incremental", "full", "polling"])
def served_demo(tmp_path: Path, request):
    demo = copy_demo(tmp_path)
    (demo / "overrides").mkdir()
    config = demo / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "nav_title: Orbit parity", "nav_title: Orbit parity\n      custom_templates: overrides"
        )
    )
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PARITYDOCS_CACHE": str(tmp_path / "cache")}
    env.pop("PARITYDOCS_PYTHON", None)
    env.pop("PARITYDOCS_ELIXIR", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "paritydocs.cli",
            "serve",
            "--config",
            str(demo / "mkdocs.yml"),
            "--dev-addr",
            f"127.0.0.1:{port}",
            *(["--full"] if request.param == "full" else []),
            *(["--poll"] if request.param == "polling" else []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=demo,
    )
    try:
        yield demo, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()


def test_serve_rebuilds_on_sdk_notes_and_template_edits(served_demo):
    demo, url = served_demo
    page = f"{url}/types/NodeInfo/"
    _wait_for(page, "A machine a job runs on.")

    elixir_file = demo / "elixir" / "lib" / "orbit" / "types" / "node_info.ex"
    elixir_file.write_text(elixir_file.read_text().replace("A machine a job runs on.", "A host that runs jobs."))
    _wait_for(page, "A host that runs jobs.")

    notes = demo / "notes.yml"
    notes.write_text(notes.read_text() + "- python: NodeInfo\n  note: Checked by the serve test.\n")
    _wait_for(page, "Checked by the serve test.")

    (demo / "overrides" / "pair.md.jinja").write_text(
        '{% extends "_base/pair.md.jinja" %}{% block title %}# Custom {{ py.name | text }}{% endblock %}'
    )
    _wait_for(page, "Custom NodeInfo")
