"""The port's declared target: `@tinker_sdk_version` in its `mix.exs`, shown beside the compared release, and the
sync range ends `declared` and `latest` (the newest final release on the package index, served here on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_files
from paritydocs.config import load_settings
from paritydocs.elixir import declared_sdk_versions
from paritydocs.errors import SourceError
from paritydocs.pipeline import build_report, load_elixir
from paritydocs.render import Renderer
from paritydocs.sources.registries import latest_pypi_release
from paritydocs.sync import build_sync_report
from paritydocs.sync.revisions import range_spec
from source_helpers import build_wheel

MIX = """
defmodule Acme.MixProject do
  use Mix.Project

  @version "0.4.0"
  @tinker_sdk_version "0.7.0"

  def project, do: [app: :acme, version: @version, tinker_sdk_version: @tinker_sdk_version]
end
"""

PORT = {
    "mix.exs": MIX,
    "lib/acme/uploads.ex": 'defmodule Acme.Uploads do\n  @moduledoc "Uploads."\n  @max_chunk_len 128\nend\n',
}


def settings_for(tmp_path: Path, elixir: Path, **extra: object):
    raw = {
        "python": "pypi:tinker==0.7.0",
        "elixir": str(elixir),
        "python_modules": ["tinker.types"],
        "python_clients": [],
        "type_prefixes": {"tinker.types": "Acme.Types"},
        "cache_dir": str(tmp_path / "cache"),
        "python_api": False,
        **extra,
    }
    return load_settings(raw, base_dir=tmp_path, environ={})


def test_the_port_declares_the_python_release_it_mirrors(tmp_path):
    root = write_files(tmp_path / "port", PORT)
    assert declared_sdk_versions(root) == {"tinker": "0.7.0"}
    assert declared_sdk_versions(tmp_path / "nowhere") == {}
    settings = settings_for(tmp_path, root)
    assert load_elixir(settings).source.mirrors == "0.7.0"


def test_the_dashboard_and_parity_json_show_the_declared_target(tmp_path):
    port = write_files(tmp_path / "port", PORT)
    python = write_files(
        tmp_path / "py",
        {
            "pyproject.toml": '[project]\nname = "tinker"\nversion = "0.8.0"\n',
            "tinker/__init__.py": "",
            "tinker/types/__init__.py": "",
        },
    )
    settings = settings_for(tmp_path, port, python=str(python))
    report = build_report(settings)
    assert report.to_json()["elixir"]["mirrors"] == "0.7.0"
    assert report.python_model.source.version == "0.8.0"  # read from pyproject.toml
    dashboard = next(p for p in Renderer(settings).pages(report) if p.path == "index.md").content
    assert "mirrors Python release `0.7.0`; the Python side compared here is `0.8.0`" in dashboard


def test_latest_is_the_newest_final_release(sources_registry):
    sources_registry.add_pep691_project("tinker", [], versions=["0.7.0", "0.10.0", "0.9.1", "0.11.0rc1", "0.12.0.dev1"])
    assert latest_pypi_release("latest", "tinker") == "0.10.0"
    sources_registry.add_pep691_project("empty", [], versions=["1.0b1"])
    with pytest.raises(SourceError) as err:
        latest_pypi_release("latest", "empty")
    assert str(err.value).startswith("latest: no final release of 'empty' on http://127.0.0.1:")


def test_the_newest_release_is_asked_once_in_a_while(sources_registry, monkeypatch):
    """A `serve` session's rebuilds do not ask the index on every save: its answer is kept `LATEST_TTL` seconds,
    then asked again; a failed lookup is not kept."""
    from paritydocs.sources import registries

    clock = [1000.0]
    monkeypatch.setattr(registries.time, "monotonic", lambda: clock[0])
    sources_registry.add_pep691_project("tinker", [], versions=["0.7.0"])
    assert latest_pypi_release("latest", "tinker") == "0.7.0"
    sources_registry.add_pep691_project("tinker", [], versions=["0.7.0", "0.8.0"])
    clock[0] += registries.LATEST_TTL - 1
    assert latest_pypi_release("latest", "tinker") == "0.7.0"
    clock[0] += 2
    assert latest_pypi_release("latest", "tinker") == "0.8.0"
    with pytest.raises(SourceError):
        latest_pypi_release("latest", "absent")
    sources_registry.add_pep691_project("absent", [], versions=["1.0.0"])
    assert latest_pypi_release("latest", "absent") == "1.0.0"


def test_the_newest_release_is_kept_on_disk_for_the_builds_that_follow(sources_registry, tmp_path, monkeypatch):
    """Each build is a process of its own: with the cache folder, the index's answer is kept there `LATEST_TTL`
    seconds with the time it was given, so the next build does not ask. An answer too old, from the future, of
    another index, or damaged is asked again; a failed lookup is not kept; `PARITYDOCS_NO_CACHE` keeps nothing."""
    from paritydocs.sources import registries

    clock = [1_000_000.0]
    monkeypatch.setattr(registries.time, "time", lambda: clock[0])
    cache = tmp_path / "cache"
    route = "/simple/tinker/"

    def next_build() -> None:  # a new process: nothing in memory
        monkeypatch.setattr(registries, "_latest", {})

    sources_registry.add_pep691_project("tinker", [], versions=["0.7.0"])
    assert latest_pypi_release("latest", "tinker", cache=cache) == "0.7.0"
    assert sources_registry.hits[route] == 1
    (kept,) = (cache / "pypi-latest").iterdir()
    sources_registry.add_pep691_project("tinker", [], versions=["0.7.0", "0.8.0"])
    next_build()
    clock[0] += registries.LATEST_TTL - 1
    assert latest_pypi_release("latest", "tinker", cache=cache) == "0.7.0"
    assert sources_registry.hits[route] == 1  # from the disk
    next_build()
    clock[0] += 2
    assert latest_pypi_release("latest", "tinker", cache=cache) == "0.8.0"  # too old: asked again
    assert sources_registry.hits[route] == 2
    for damage in ("{", '{"index": "http://elsewhere/simple", "project": "tinker", "version": "9.9.9", "at": 0}'):
        kept.write_text(damage)
        next_build()
        assert latest_pypi_release("latest", "tinker", cache=cache) == "0.8.0"
    assert sources_registry.hits[route] == 4
    clock[0] -= 10 * registries.LATEST_TTL  # the clock went back: an answer from the future is not trusted
    next_build()
    assert latest_pypi_release("latest", "tinker", cache=cache) == "0.8.0"
    assert sources_registry.hits[route] == 5
    next_build()
    with pytest.raises(SourceError):
        latest_pypi_release("latest", "absent", cache=cache)
    assert sorted(p.name.split("-")[0] for p in (cache / "pypi-latest").iterdir()) == ["tinker"]
    monkeypatch.setenv("PARITYDOCS_NO_CACHE", "1")
    kept.unlink()
    next_build()
    assert latest_pypi_release("latest", "tinker", cache=cache) == "0.8.0"
    assert not kept.exists()


def test_range_ends_declared_and_latest(tmp_path, sources_registry):
    sources_registry.add_pep691_project("tinker", [], versions=["0.7.0", "0.8.0"])
    settings = settings_for(tmp_path, tmp_path)
    assert range_spec(settings, "declared", "0.7.0") == "pypi:tinker==0.7.0"
    assert range_spec(settings, "latest", "0.7.0") == "pypi:tinker==0.8.0"
    assert range_spec(settings, "git:/x@v1", None) == "git:/x@v1"
    with pytest.raises(SourceError) as err:
        range_spec(settings, "declared", None)
    assert str(err.value) == (
        "declared: the Elixir port declares no Python release (no `@<package>_sdk_version` in its mix.exs) "
        "(give a release instead: from: pypi:tinker==VERSION)"
    )
    with pytest.raises(SourceError) as unread:
        range_spec(settings, "declared", None, port_read=False)
    assert str(unread.value).startswith(
        "declared: the Elixir port could not be read, so the Python release it declares is unknown"
    )


def test_declared_to_latest_is_what_to_port_now(tmp_path, sources_registry):
    """The port declares 0.7.0; the index's newest is 0.8.0, which raised a limit the port still has at 128."""
    wheels = []
    for version, limit in (("0.7.0", 128), ("0.8.0", 1024)):
        files = {
            "tinker/__init__.py": b"",
            "tinker/types/__init__.py": b"",
            "tinker/lib/uploads.py": f"MAX_CHUNK_LEN = {limit}\n".encode(),
        }
        wheels.append(build_wheel("tinker", version, files))
    sources_registry.add_pep691_project("tinker", wheels, versions=["0.7.0", "0.8.0"])
    port = write_files(tmp_path / "port", PORT)
    settings = settings_for(tmp_path, port)
    elixir = load_elixir(settings)
    report = build_sync_report(settings, "declared", "latest", elixir=elixir)
    assert (report.old.spec, report.new.spec) == ("pypi:tinker==0.7.0", "pypi:tinker==0.8.0")
    (change,) = [c for c in report.changes if c.kind == "constant_changed"]
    assert (change.old, change.new) == ("128", "1024")
    assert (change.elixir.module, change.elixir.field, change.elixir.matches) == (
        "Acme.Uploads",
        "@max_chunk_len",
        False,
    )


def test_a_broken_mix_exs_is_a_warning_not_a_silent_nothing(tmp_path):
    root = write_files(
        tmp_path / "port", {**PORT, "mix.exs": 'defmodule Acme.MixProject do\n  @tinker_sdk_version "0.7.0"\n'}
    )
    warnings: list = []
    declared_sdk_versions(root, warnings)
    assert warnings and warnings[0].file == "mix.exs"
    model = load_elixir(settings_for(tmp_path, root))
    assert any(w.file == "mix.exs" for w in model.warnings)


def test_a_release_two_ranges_compare_is_loaded_once_in_a_build(tmp_path, sources_registry, monkeypatch):
    """Inside `shared_trees()` (a site's ranges) the release both ranges start from is loaded once; the reports
    are those each range gives alone. Outside it, each comparison loads its own trees."""
    import paritydocs.sync as sync
    from paritydocs.sync import shared_trees

    wheels = []
    for version, limit in (("0.7.0", 128), ("0.8.0", 1024), ("0.9.0", 2048)):
        files = {
            "tinker/__init__.py": b"",
            "tinker/types/__init__.py": b"",
            "tinker/lib/uploads.py": f"MAX_CHUNK_LEN = {limit}\n".encode(),
        }
        wheels.append(build_wheel("tinker", version, files))
    sources_registry.add_pep691_project("tinker", wheels, versions=["0.7.0", "0.8.0", "0.9.0"])
    port = write_files(tmp_path / "port", PORT)
    monkeypatch.setenv("PARITYDOCS_NO_CACHE", "1")  # every range compared, none read from the cache
    settings = settings_for(tmp_path, port)
    elixir = load_elixir(settings)
    loaded: list[str] = []
    original = sync.load_tree

    def counting(settings, rev, root):
        loaded.append(rev.spec)
        return original(settings, rev, root)

    monkeypatch.setattr(sync, "load_tree", counting)
    ranges = [("declared", "latest"), ("pypi:tinker==0.7.0", "pypi:tinker==0.8.0")]

    def reports() -> list[str]:
        sync._DIFF_CACHE.clear()  # a new process: nothing compared yet
        return [build_sync_report(settings, a, b, elixir=elixir).dumps() for a, b in ranges]

    alone = reports()
    assert sorted(loaded) == ["pypi:tinker==0.7.0"] * 2 + ["pypi:tinker==0.8.0", "pypi:tinker==0.9.0"]
    loaded.clear()
    with shared_trees():
        together = reports()
        with shared_trees():  # nested: the same trees
            assert build_sync_report(settings, "pypi:tinker==0.8.0", "latest", elixir=elixir).old.spec
    assert together == alone
    assert sorted(loaded) == ["pypi:tinker==0.7.0", "pypi:tinker==0.8.0", "pypi:tinker==0.9.0"]
    assert '"1024"' in together[1] and '"2048"' in together[0]
    loaded.clear()
    reports()
    assert len(loaded) == 4  # outside: nothing kept
