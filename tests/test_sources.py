"""paritydocs.sources: specs to local trees, the cache, and archive safety.

All offline (a git repository made here, an HTTP server on 127.0.0.1) except the `network`
tests at the end, which run only with PARITYDOCS_NETWORK_TESTS=1.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import pytest

from paritydocs.errors import SourceError
from paritydocs.model import Language
from paritydocs.sources import MARKER, ResolvedSource, archives, default_cache_dir, resolve, source_info
from source_helpers import (
    FakeRegistry,
    TarEntry,
    build_hex_tarball,
    build_sdist,
    build_wheel,
    closed_port_url,
    git,
    make_git_repo,
    tar_bytes,
    tree_files,
    zip_bytes,
)

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def one_line(err: pytest.ExceptionInfo[SourceError]) -> str:
    message = str(err.value)
    assert "\n" not in message and "\r" not in message
    return message


def entries(kind_dir: Path) -> list[str]:
    """Cache entries (hidden scratch and lock files left out)."""
    return sorted(p.name for p in kind_dir.iterdir() if not p.name.startswith(".")) if kind_dir.exists() else []


def leftovers(kind_dir: Path) -> list[str]:
    """Temporary or stale directories a resolution should never leave behind."""
    if not kind_dir.exists():
        return []
    return sorted(p.name for p in kind_dir.iterdir() if p.name.startswith((".tmp-", ".stale-")))


@pytest.fixture
def sources_tinker(sources_registry: FakeRegistry) -> FakeRegistry:
    """`tinker` 0.7.0 (sdist only) and 0.8.0 (pure wheel, platform wheel, sdist) on the fake index."""
    wheel = build_wheel("tinker", "0.8.0", {"tinker/__init__.py": b"FROM = 'wheel'\n"})
    platform_wheel = build_wheel(
        "tinker", "0.8.0", {"tinker/__init__.py": b"FROM = 'cp311'\n"}, "cp311-cp311-linux_x86_64"
    )
    sdist8 = build_sdist("tinker", "0.8.0", {"src/tinker/__init__.py": b"FROM = 'sdist'\n"})
    sdist7 = build_sdist("tinker", "0.7.0", {"pyproject.toml": b"[project]\n", "src/tinker/__init__.py": b"V = 7\n"})
    sources_registry.add_pep691_project("tinker", [sdist7, platform_wheel, sdist8, wheel])
    return sources_registry


# --------------------------------------------------------------------------- local directories and spec syntax


def test_local_directory_is_read_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sdk = tmp_path / "sdk"
    sdk.mkdir()
    resolved = resolve(str(sdk), cache_dir=tmp_path / "cache")
    assert resolved == ResolvedSource(spec=str(sdk), kind="path", root=sdk, version=None, ref=None)
    assert not (tmp_path / "cache").exists()

    monkeypatch.chdir(tmp_path)
    assert resolve("sdk", cache_dir=tmp_path / "cache").root == sdk
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve("~/sdk", cache_dir=tmp_path / "cache").root == sdk


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        resolve(str(tmp_path / "nope"), cache_dir=tmp_path)
    assert err.value.problem == "no such directory"
    assert err.value.fix == "check the path, or use git:/pypi:/hex: specs"
    assert one_line(err).startswith(str(tmp_path / "nope") + ": no such directory")

    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(SourceError, match="not a directory"):
        resolve(str(tmp_path / "file.txt"), cache_dir=tmp_path)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("npm:left-pad@1.0", "unknown source kind 'npm:'"),
        ("https://github.com/org/repo", "unknown source kind 'https:'"),
        ("", "empty source spec"),
        ("pypi:tinker", "expected pypi:NAME==VERSION"),
        ("pypi:tinker==", "expected pypi:NAME==VERSION"),
        ("pypi:-bad-==1.0", "not a valid PyPI project name"),
        ("hex:Tinkex==0.3.1", "not a valid Hex package name"),
        ("hex:tinkex==../../x", "expected hex:NAME==VERSION"),
        ("git:/some/repo", "expected git:REPO@REF"),
        ("git:/some/repo@--upload-pack=evil", "expected git:REPO@REF"),
    ],
)
def test_malformed_specs(tmp_path: Path, spec: str, expected: str) -> None:
    with pytest.raises(SourceError) as err:
        resolve(spec, cache_dir=tmp_path)
    assert expected in one_line(err)
    if "unknown source kind" in expected:
        assert "git:REPO@REF, pypi:NAME==VERSION or hex:NAME==VERSION" in str(err.value)
    assert not any(tmp_path.iterdir())


def test_directory_with_a_colon_is_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sdk:v2").mkdir()
    assert resolve("sdk:v2", cache_dir=tmp_path / "cache").root == tmp_path / "sdk:v2"


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PARITYDOCS_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "paritydocs"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "paritydocs"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "paritydocs"
    monkeypatch.setenv("PARITYDOCS_CACHE", "~/pdcache")
    assert default_cache_dir() == tmp_path / "home" / "pdcache"


def test_resolve_uses_default_cache_dir(
    sources_tinker: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "envcache"))
    resolved = resolve("pypi:tinker==0.8.0")
    assert resolved.root.parent == tmp_path / "envcache" / "pypi"


def test_source_info(tmp_path: Path) -> None:
    resolved = ResolvedSource(spec="git:x@v1", kind="git", root=tmp_path, version="v1", ref="a" * 40)
    info = source_info(resolved, Language.ELIXIR)
    assert info.to_json() == {
        "spec": "git:x@v1",
        "root": str(tmp_path),
        "language": "elixir",
        "version": "v1",
        "ref": "a" * 40,
    }


# --------------------------------------------------------------------------- git


@needs_git
def test_git_refs_for_one_commit_share_one_entry(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    short = repo.first[:7]
    specs = {
        f"git:{repo.path}@v1": "v1",
        f"git:{repo.path}@HEAD~1": "HEAD~1",
        f"git:{repo.path}@{short}": short,
        f"git:{repo.path}@main^": "main^",
        f"git:{repo.path}@{repo.first}": repo.first,
    }
    roots = set()
    for spec, ref in specs.items():
        resolved = resolve(spec, cache_dir=cache)
        assert (resolved.kind, resolved.version, resolved.ref) == ("git", ref, repo.first)
        roots.add(resolved.root)
    assert len(roots) == 1
    root = roots.pop()
    assert tree_files(root) == {"a.txt": b"one\n", "pkg/mod.py": b"X = 1\n"}
    assert (root / MARKER).is_file()
    assert entries(cache / "git") == [root.name]
    assert repo.first in root.name

    head = resolve(f"git:{repo.path}@HEAD", cache_dir=cache)
    assert head.ref == repo.second
    assert tree_files(head.root) == {"a.txt": b"two\n", "b.txt": b"new\n", "pkg/mod.py": b"X = 1\n"}
    assert len(entries(cache / "git")) == 2
    assert leftovers(cache / "git") == []


@needs_git
def test_git_leaves_working_tree_and_index_alone(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    (repo.path / "a.txt").write_text("modified, not staged\n")
    (repo.path / "b.txt").write_text("staged change\n")
    git(repo.path, "add", "b.txt")
    (repo.path / "untracked.txt").write_text("?\n")
    status = git(repo.path, "status", "--porcelain")
    index = (repo.path / ".git" / "index").read_bytes()
    refs = git(repo.path, "show-ref")

    resolve(f"git:{repo.path}@v1", cache_dir=tmp_path / "cache")
    resolve(f"git:{repo.path}@HEAD", cache_dir=tmp_path / "cache")

    assert (repo.path / ".git" / "index").read_bytes() == index
    assert (repo.path / "a.txt").read_text() == "modified, not staged\n"
    assert git(repo.path, "status", "--porcelain") == status
    assert git(repo.path, "show-ref") == refs
    assert git(repo.path, "rev-parse", "HEAD") == repo.second


@needs_git
def test_git_unknown_ref(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    with pytest.raises(SourceError) as err:
        resolve(f"git:{repo.path}@no-such-tag", cache_dir=tmp_path / "cache")
    message = one_line(err)
    assert "unknown ref 'no-such-tag'" in message
    assert f"git -C {repo.path} log --oneline" in message
    assert entries(tmp_path / "cache" / "git") == []


@needs_git
def test_git_bare_repository(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.path), str(tmp_path / "bare.git")], check=True)
    resolved = resolve(f"git:{tmp_path / 'bare.git'}@v1", cache_dir=tmp_path / "cache")
    assert resolved.ref == repo.first
    assert tree_files(resolved.root)["a.txt"] == b"one\n"
    assert resolved.root.name.startswith("bare-")


@needs_git
def test_git_repo_must_be_the_repository_itself(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    with pytest.raises(SourceError, match="is not a git repository"):
        resolve(f"git:{repo.path / 'pkg'}@HEAD", cache_dir=tmp_path / "cache")
    with pytest.raises(SourceError, match="no such repository directory"):
        resolve(f"git:{tmp_path / 'missing'}@HEAD", cache_dir=tmp_path / "cache")


@needs_git
def test_local_work_tree_reports_its_head(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    resolved = resolve(str(repo.path), cache_dir=tmp_path / "cache")
    assert (resolved.kind, resolved.root, resolved.ref) == ("path", repo.path, repo.second)
    # A plain directory inside a repository is not the repository: no ref claimed.
    assert resolve(str(repo.path / "pkg"), cache_dir=tmp_path / "cache").ref is None


@needs_git
def test_git_url_is_cloned_bare_then_fetched(tmp_path: Path) -> None:
    repo = make_git_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    url = f"file://{repo.path}"
    first = resolve(f"git:{url}@v1", cache_dir=cache)
    assert first.ref == repo.first
    assert tree_files(first.root)["a.txt"] == b"one\n"
    [clone] = entries(cache / "git-remotes")
    assert (cache / "git-remotes" / clone / "HEAD").is_file()

    (repo.path / "c.txt").write_text("third\n")
    git(repo.path, "add", "c.txt")
    git(repo.path, "commit", "-q", "-m", "third")
    third = git(repo.path, "rev-parse", "HEAD")
    latest = resolve(f"git:{url}@main", cache_dir=cache)
    assert latest.ref == third
    assert tree_files(latest.root)["c.txt"] == b"third\n"
    assert entries(cache / "git-remotes") == [clone]

    with pytest.raises(SourceError) as err:
        resolve(f"git:{url}@nope", cache_dir=cache)
    assert f"git ls-remote {url}" in one_line(err)


@needs_git
def test_git_unreachable_url(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        resolve(f"git:file://{tmp_path}/does-not-exist@main", cache_dir=tmp_path / "cache")
    assert "cannot clone" in one_line(err)
    assert entries(tmp_path / "cache" / "git-remotes") == []
    assert leftovers(tmp_path / "cache" / "git-remotes") == []


# --------------------------------------------------------------------------- PyPI


def test_pypi_pure_wheel_is_preferred_and_cached(sources_tinker: FakeRegistry, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    resolved = resolve("pypi:tinker==0.8.0", cache_dir=cache)
    assert (resolved.kind, resolved.version, resolved.ref) == ("pypi", "0.8.0", None)
    assert resolved.root.parent == cache / "pypi"
    assert resolved.root.name.startswith("tinker-0.8.0")
    assert (resolved.root / "tinker" / "__init__.py").read_bytes() == b"FROM = 'wheel'\n"
    assert (resolved.root / "tinker-0.8.0.dist-info" / "METADATA").is_file()
    assert sources_tinker.headers["/simple/tinker/"]["Accept"] == "application/vnd.pypi.simple.v1+json"
    assert sources_tinker.hits["/files/tinker-0.8.0-py3-none-any.whl"] == 1
    assert leftovers(cache / "pypi") == []

    # A complete entry is used without asking the index at all.
    sources_tinker.routes.clear()
    again = resolve("pypi:tinker==0.8.0", cache_dir=cache)
    assert again.root == resolved.root
    assert sources_tinker.hits["/simple/tinker/"] == 1


def test_pypi_sdist_top_directory_is_stripped(sources_tinker: FakeRegistry, tmp_path: Path) -> None:
    resolved = resolve("pypi:tinker==0.7.0", cache_dir=tmp_path)
    assert tree_files(resolved.root) == {"pyproject.toml": b"[project]\n", "src/tinker/__init__.py": b"V = 7\n"}


def test_pypi_name_is_normalized(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    sources_registry.add_pep691_project(
        "tinker-sdk", [build_wheel("tinker_sdk", "1.0", {"tinker_sdk/__init__.py": b""})], relative_urls=False
    )
    resolved = resolve("pypi:Tinker_SDK==1.0", cache_dir=tmp_path)
    assert (resolved.root / "tinker_sdk" / "__init__.py").is_file()
    assert resolved.root.name.startswith("tinker-sdk-1.0")


def test_pypi_html_index_still_works(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    filename, data = build_wheel("tinker", "0.8.0", {"tinker/__init__.py": b"html = True\n"})
    sources_registry.add(f"/files/{filename}", data)
    digest = hashlib.sha256(data).hexdigest()
    page = f'<html><body><a href="../../files/{filename}#sha256={digest}">{filename}</a></body></html>'
    sources_registry.add("/simple/tinker/", page.encode(), "text/html")
    resolved = resolve("pypi:tinker==0.8.0", cache_dir=tmp_path)
    assert (resolved.root / "tinker" / "__init__.py").read_bytes() == b"html = True\n"


def test_pypi_sha256_mismatch_is_refused(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    wheel = build_wheel("tinker", "0.8.0", {"tinker/__init__.py": b""})
    sources_registry.add_pep691_project("tinker", [wheel], sha256={wheel[0]: "0" * 64})
    with pytest.raises(SourceError) as err:
        resolve("pypi:tinker==0.8.0", cache_dir=tmp_path)
    assert "sha256 mismatch" in one_line(err)
    assert "refusing to use it" in str(err.value)
    assert entries(tmp_path / "pypi") == []
    assert leftovers(tmp_path / "pypi") == []


def test_pypi_unknown_version_lists_available_ones(sources_tinker: FakeRegistry, tmp_path: Path) -> None:
    index = sources_tinker.base_url + "/simple"
    with pytest.raises(SourceError) as err:
        resolve("pypi:tinker==9.9", cache_dir=tmp_path)
    assert one_line(err) == (
        f"pypi:tinker==9.9: version 9.9 not found on {index} (available: 0.7.0, 0.8.0)"
        " (point at a local checkout instead: --python /path/to/tinker or PARITYDOCS_PYTHON=/path/to/tinker)"
    )
    assert entries(tmp_path / "pypi") == []


def test_pypi_nearest_versions_come_from_the_versions_list(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    versions = [f"0.{minor}.0" for minor in range(20)]
    sources_registry.add_pep691_project("tinker", [], versions=versions)
    with pytest.raises(SourceError) as err:
        resolve("pypi:tinker==0.10.5", cache_dir=tmp_path)
    assert "(available: ..., 0.7.0, 0.8.0, 0.9.0, 0.10.0, 0.11.0, 0.12.0, 0.13.0, 0.14.0, ...)" in one_line(err)


def test_pypi_unknown_project(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        resolve("pypi:no-such-project==1.0", cache_dir=tmp_path)
    assert "project 'no-such-project' not found on" in one_line(err)
    assert "--python /path/to/no-such-project" in str(err.value)


def test_pypi_garbage_index_answer(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    sources_registry.add("/simple/tinker/", b"{not json", "application/vnd.pypi.simple.v1+json")
    with pytest.raises(SourceError) as err:
        resolve("pypi:tinker==0.8.0", cache_dir=tmp_path)
    assert "not a simple-index page" in one_line(err)


def test_pypi_unreachable_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    index = closed_port_url() + "/simple"
    monkeypatch.setenv("PARITYDOCS_PYPI_INDEX", index)
    with pytest.raises(SourceError) as err:
        resolve("pypi:tinker==0.8.0", cache_dir=tmp_path)
    message = one_line(err)
    assert message.startswith(f"pypi:tinker==0.8.0: cannot reach {index} (")
    assert message.endswith(
        "(point at a local checkout instead: --python /path/to/tinker or PARITYDOCS_PYTHON=/path/to/tinker)"
    )
    assert err.value.__cause__ is not None


def test_pypi_file_vanished_after_listing(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    wheel = build_wheel("tinker", "0.8.0", {"tinker/__init__.py": b""})
    sources_registry.add_pep691_project("tinker", [wheel])
    del sources_registry.routes[f"/files/{wheel[0]}"]
    with pytest.raises(SourceError) as err:
        resolve("pypi:tinker==0.8.0", cache_dir=tmp_path)
    assert "answered HTTP 404" in one_line(err)


# --------------------------------------------------------------------------- Hex


def test_hex_tarball(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    contents = {"mix.exs": b"defmodule Tinkex.MixProject do\nend\n", "lib/tinkex.ex": b"defmodule Tinkex do\nend\n"}
    sources_registry.add("/hex/tarballs/tinkex-0.3.1.tar", build_hex_tarball(contents))
    resolved = resolve("hex:tinkex==0.3.1", cache_dir=tmp_path)
    assert (resolved.kind, resolved.version, resolved.ref) == ("hex", "0.3.1", None)
    assert tree_files(resolved.root) == contents
    assert resolved.root.parent == tmp_path / "hex"


def test_hex_checksum_lowercase_is_accepted(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    contents = {"lib/a.ex": b""}
    good = build_hex_tarball(contents)
    with tarfile.open(fileobj=io.BytesIO(good)) as tar:
        checksum = tar.extractfile("CHECKSUM").read().decode()  # type: ignore[union-attr]
    sources_registry.add("/hex/tarballs/tinkex-0.3.1.tar", build_hex_tarball(contents, checksum=checksum.lower()))
    assert tree_files(resolve("hex:tinkex==0.3.1", cache_dir=tmp_path).root) == contents


def test_hex_bad_checksum_is_refused(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    sources_registry.add("/hex/tarballs/tinkex-0.3.1.tar", build_hex_tarball({"lib/a.ex": b""}, checksum="AB" * 32))
    with pytest.raises(SourceError) as err:
        resolve("hex:tinkex==0.3.1", cache_dir=tmp_path)
    assert err.value.problem == "checksum mismatch"
    one_line(err)
    assert entries(tmp_path / "hex") == []
    assert leftovers(tmp_path / "hex") == []


def test_hex_unsupported_format(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    sources_registry.add("/hex/tarballs/tinkex-0.3.1.tar", build_hex_tarball({"lib/a.ex": b""}, version=b"2"))
    with pytest.raises(SourceError, match="unsupported Hex tarball format '2'"):
        resolve("hex:tinkex==0.3.1", cache_dir=tmp_path)


def test_hex_not_a_tarball(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    sources_registry.add("/hex/tarballs/tinkex-0.3.1.tar", b"<html>maintenance</html>" * 40)
    with pytest.raises(SourceError, match="not a Hex package tarball"):
        resolve("hex:tinkex==0.3.1", cache_dir=tmp_path)


def test_hex_unknown_version(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        resolve("hex:tinkex==9.9.9", cache_dir=tmp_path)
    mirror = sources_registry.base_url + "/hex"
    assert one_line(err) == (
        f"hex:tinkex==9.9.9: version 9.9.9 of 'tinkex' not found on {mirror}"
        " (point at a local checkout instead: --elixir /path/to/tinkex or PARITYDOCS_ELIXIR=/path/to/tinkex)"
    )


def test_hex_unreachable_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setenv("HEX_MIRROR", closed_port_url())
    with pytest.raises(SourceError) as err:
        resolve("hex:tinkex==0.3.1", cache_dir=tmp_path)
    assert "cannot reach http://127.0.0.1:" in one_line(err)
    assert "--elixir /path/to/tinkex" in str(err.value)


# --------------------------------------------------------------------------- archive safety


def hostile_tars(outside: Path) -> dict[str, list[TarEntry]]:
    top = "tinker-0.9.0"
    return {
        "dotdot": [TarEntry(top, type=tarfile.DIRTYPE), TarEntry(f"{top}/../../../evil", b"x")],
        "dotdot-inside-top": [TarEntry(f"{top}/ok.py", b""), TarEntry(f"{top}/../evil", b"x")],
        "absolute": [TarEntry(f"{top}/ok.py", b""), TarEntry(str(outside / "abs-evil"), b"x")],
        "symlink-out": [
            TarEntry(f"{top}/ok.py", b""),
            TarEntry(f"{top}/link", type=tarfile.SYMTYPE, linkname="../../../.."),
        ],
        "symlink-absolute": [
            TarEntry(f"{top}/link", type=tarfile.SYMTYPE, linkname=str(outside)),
            TarEntry(f"{top}/link/evil", b"x"),
        ],
        "symlink-to-top-sibling": [
            TarEntry(f"{top}/ok.py", b""),
            TarEntry(f"{top}/link", type=tarfile.SYMTYPE, linkname="../x"),
        ],
        # Each link alone stays inside; together `l` -> `p/..` -> `./..` leaves the tree.
        "symlink-chain": [
            TarEntry(f"{top}/ok.py", b""),
            TarEntry(f"{top}/l", type=tarfile.SYMTYPE, linkname="p/.."),
            TarEntry(f"{top}/p", type=tarfile.SYMTYPE, linkname="."),
        ],
        "hardlink-out": [
            TarEntry(f"{top}/ok.py", b""),
            TarEntry(f"{top}/hard", type=tarfile.LNKTYPE, linkname="/etc/passwd"),
        ],
        "device": [TarEntry(f"{top}/ok.py", b""), TarEntry(f"{top}/dev", type=tarfile.CHRTYPE)],
        "fifo": [TarEntry(f"{top}/ok.py", b""), TarEntry(f"{top}/fifo", type=tarfile.FIFOTYPE)],
    }


def assert_nothing_escaped(tmp_path: Path, outside: Path, kind_dir: Path) -> None:
    assert not list(tmp_path.rglob("evil")), "a member was written outside the tree"
    assert not (outside / "abs-evil").exists()
    assert list(outside.iterdir()) == []
    assert entries(kind_dir) == []
    assert leftovers(kind_dir) == []


@pytest.mark.parametrize("case", sorted(hostile_tars(Path("/x"))))
def test_hostile_sdist_is_refused(case: str, sources_registry: FakeRegistry, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    sdist = ("tinker-0.9.0.tar.gz", tar_bytes(hostile_tars(outside)[case], compression="gz"))
    sources_registry.add_pep691_project("tinker", [sdist])
    with pytest.raises(SourceError) as err:
        resolve("pypi:tinker==0.9.0", cache_dir=tmp_path / "cache")
    message = one_line(err)
    assert "escapes the tree" in message or "is a device or fifo" in message
    assert "the archive is unsafe; refusing to extract it" in message
    assert_nothing_escaped(tmp_path, outside, tmp_path / "cache" / "pypi")


@pytest.mark.parametrize(
    ("files", "symlinks"),
    [
        ({"../evil": b"x"}, {}),
        ({"tinker/ok.py": b"", "/ABS/evil": b"x"}, {}),
        ({"tinker/ok.py": b"", "tinker\\..\\..\\evil": b"x"}, {}),
        ({"tinker/ok.py": b""}, {"tinker/link": "../../outside"}),
        ({"tinker/ok.py": b""}, {"tinker/link": "/etc"}),
        # each link alone points inside; chained, the last one's folder would be made outside
        ({"tinker/ok.py": b""}, {"a": ".", "a/" * 40 + "b": "../" * 40, "a/" * 40 + "b/OUTSIDE/made/link": "x"}),
        ({"tinker/ok.py": b""}, {"tinker/alias.py": "ok.py"}),
    ],
    ids=["dotdot", "absolute", "backslashes", "symlink-out", "symlink-absolute", "symlink-chain", "any-symlink"],
)
def test_hostile_wheel_is_refused(
    files: dict[str, bytes], symlinks: dict[str, str], sources_registry: FakeRegistry, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    # the chain climbs to / and comes back down into `outside`
    symlinks = {k.replace("OUTSIDE", str(outside).lstrip("/")): v for k, v in symlinks.items()}
    sources_registry.add_pep691_project(
        "tinker", [("tinker-0.9.0-py3-none-any.whl", zip_bytes(files, symlinks=symlinks))]
    )
    with pytest.raises(SourceError) as err:
        resolve("pypi:tinker==0.9.0", cache_dir=tmp_path / "cache")
    message = one_line(err)
    assert "escapes the tree" in message or "is a symbolic link" in message
    assert "(the archive is unsafe; refusing to extract it)" in message
    assert_nothing_escaped(tmp_path, outside, tmp_path / "cache" / "pypi")
    assert not Path("/ABS").exists() and not Path("/tmp/link").exists()


def test_hostile_hex_contents_are_refused(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    contents = [TarEntry("lib/ok.ex", b""), TarEntry("lib/link", type=tarfile.SYMTYPE, linkname="../../outside")]
    sources_registry.add("/hex/tarballs/tinkex-0.3.1.tar", build_hex_tarball(contents))
    with pytest.raises(SourceError, match=r"archive member 'lib/link' escapes the tree"):
        resolve("hex:tinkex==0.3.1", cache_dir=tmp_path / "cache")
    sources_registry.add("/hex/tarballs/tinkex-0.3.1.tar", build_hex_tarball([TarEntry("../evil", b"x")]))
    with pytest.raises(SourceError, match=r"archive member '../evil' escapes the tree"):
        resolve("hex:tinkex==0.3.1", cache_dir=tmp_path / "cache")
    assert_nothing_escaped(tmp_path, outside, tmp_path / "cache" / "hex")


def test_links_that_stay_inside_are_kept(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    top = "tinker-0.9.0"
    entries_ = [
        TarEntry(f"{top}/pkg/real.py", b"REAL = 1\n"),
        TarEntry(f"{top}/pkg/alias.py", type=tarfile.SYMTYPE, linkname="real.py"),
        TarEntry(f"{top}/pkg/copy.py", type=tarfile.LNKTYPE, linkname=f"{top}/pkg/real.py"),
    ]
    sources_registry.add_pep691_project("tinker", [(f"{top}.tar.gz", tar_bytes(entries_, compression="gz"))])
    root = resolve("pypi:tinker==0.9.0", cache_dir=tmp_path).root
    assert (root / "pkg" / "alias.py").is_symlink()
    assert (root / "pkg" / "alias.py").read_text() == "REAL = 1\n"
    assert (root / "pkg" / "copy.py").read_text() == "REAL = 1\n"


# --------------------------------------------------------------------------- the cache under concurrency


def test_half_written_entry_is_replaced(sources_tinker: FakeRegistry, tmp_path: Path) -> None:
    root = resolve("pypi:tinker==0.8.0", cache_dir=tmp_path).root
    (root / MARKER).unlink()
    (root / "tinker" / "__init__.py").unlink()
    (root / "junk.txt").write_text("left by a crash\n")

    again = resolve("pypi:tinker==0.8.0", cache_dir=tmp_path)
    assert again.root == root
    assert (root / MARKER).is_file()
    assert not (root / "junk.txt").exists()
    assert (root / "tinker" / "__init__.py").read_bytes() == b"FROM = 'wheel'\n"
    assert sources_tinker.hits["/files/tinker-0.8.0-py3-none-any.whl"] == 2
    assert leftovers(tmp_path / "pypi") == []


def test_a_stale_file_in_place_of_an_entry_is_replaced(sources_tinker: FakeRegistry, tmp_path: Path) -> None:
    root = resolve("pypi:tinker==0.8.0", cache_dir=tmp_path).root
    shutil.rmtree(root)
    root.write_text("not a directory")
    assert resolve("pypi:tinker==0.8.0", cache_dir=tmp_path).root == root
    assert (root / MARKER).is_file()


def test_old_scratch_directories_are_swept(sources_tinker: FakeRegistry, tmp_path: Path) -> None:
    kind_dir = tmp_path / "pypi"
    old, recent = kind_dir / ".tmp-tinker-0.8.0-old", kind_dir / ".tmp-tinker-0.7.0-recent"
    for scratch in (old, recent):
        (scratch / "tree").mkdir(parents=True)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    resolve("pypi:tinker==0.8.0", cache_dir=tmp_path)
    assert not old.exists()
    assert recent.exists()  # maybe another build at work right now


def test_two_threads_resolving_at_once_never_see_half_a_tree(sources_registry: FakeRegistry, tmp_path: Path) -> None:
    files = {f"tinker/mod{i}.py": f"N = {i}\n".encode() * 200 for i in range(60)}
    wheel = build_wheel("tinker", "0.8.0", files)
    sources_registry.add_pep691_project("tinker", [wheel])
    sources_registry.delay = 0.3  # both threads are past the cache check before either finishes
    expected = {**files, **{k: v for k, v in tree_files_of_wheel(wheel[1]).items() if "dist-info" in k}}

    barrier = threading.Barrier(2)
    results: list[ResolvedSource] = []
    errors: list[BaseException] = []
    observed: list[str] = []
    done = threading.Event()

    def work() -> None:
        try:
            barrier.wait()
            results.append(resolve("pypi:tinker==0.8.0", cache_dir=tmp_path))
        except BaseException as exc:
            errors.append(exc)

    def watch() -> None:
        # Whoever sees the entry at all must see it whole.
        while not done.is_set():
            for entry in (tmp_path / "pypi").glob("tinker-*") if (tmp_path / "pypi").exists() else []:
                if not (entry / MARKER).is_file() or len(list((entry / "tinker").iterdir())) != len(files):
                    observed.append(f"incomplete {entry.name}")
            time.sleep(0.001)

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    done.set()
    watcher.join(5)

    assert errors == []
    assert len(results) == 2
    assert results[0].root == results[1].root
    assert observed == []
    assert tree_files(results[0].root) == expected
    assert sources_registry.hits[f"/files/{wheel[0]}"] == 2  # both really downloaded; one copy won
    assert entries(tmp_path / "pypi") == [results[0].root.name]
    assert leftovers(tmp_path / "pypi") == []


def test_two_processes_resolving_at_once(sources_tinker: FakeRegistry, tmp_path: Path) -> None:
    sources_tinker.delay = 0.3
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from paritydocs.sources import resolve
        print(resolve("pypi:tinker==0.8.0", cache_dir=Path(sys.argv[1])).root)
        """
    )
    env = {**os.environ}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    roots = {out.strip() for out, _ in outputs}
    assert len(roots) == 1
    root = Path(roots.pop())
    assert (root / MARKER).is_file()
    assert (root / "tinker" / "__init__.py").read_bytes() == b"FROM = 'wheel'\n"
    assert leftovers(tmp_path / "pypi") == []


def tree_files_of_wheel(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


# --------------------------------------------------------------------------- the real registries (never in CI)

network = pytest.mark.skipif(os.environ.get("PARITYDOCS_NETWORK_TESTS") != "1", reason="set PARITYDOCS_NETWORK_TESTS=1")
TINKER_MIRROR = Path("/work/.mirror/thinking-machines-lab+tinker/repo")
TINKEX_MIRROR = Path("/work/.mirror/North-Shore-AI+tinkex/repo")


@pytest.fixture(scope="module")
def network_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    explicit = os.environ.get("PARITYDOCS_NETWORK_CACHE")
    return Path(explicit) if explicit else tmp_path_factory.mktemp("network-cache")


@pytest.mark.network
@network
@pytest.mark.parametrize("version", ["0.8.0", "0.7.0"])
def test_real_pypi(version: str, network_cache: Path) -> None:
    resolved = resolve(f"pypi:tinker=={version}", cache_dir=network_cache)
    assert (resolved.root / "tinker" / "__init__.py").is_file()
    assert (resolved.root / MARKER).is_file()


@pytest.mark.network
@network
def test_real_pypi_unknown_version(network_cache: Path) -> None:
    with pytest.raises(SourceError) as err:
        resolve("pypi:tinker==9.9", cache_dir=network_cache)
    message = one_line(err)
    assert "version 9.9 not found on" in message
    assert "(available: " in message  # the newest ones, as 9.9 is beyond them all
    assert "--python /path/to/tinker" in message


@pytest.mark.network
@network
@pytest.mark.skipif(not TINKER_MIRROR.is_dir(), reason="needs the tinker mirror")
def test_real_git_mirror(network_cache: Path) -> None:
    a = resolve(f"git:{TINKER_MIRROR}@2d8e9d5", cache_dir=network_cache)
    b = resolve(f"git:{TINKER_MIRROR}@e7a0d0c~1", cache_dir=network_cache)
    assert a.ref is not None and a.ref.startswith("2d8e9d5")
    assert b.ref is not None and len(b.ref) == 40
    for resolved in (a, b):
        assert (resolved.root / "src" / "tinker").is_dir()


@pytest.mark.network
@network
@pytest.mark.skipif(not TINKEX_MIRROR.is_dir(), reason="needs the tinkex mirror")
def test_real_git_tinkex(network_cache: Path) -> None:
    resolved = resolve(f"git:{TINKEX_MIRROR}@c2fb609", cache_dir=network_cache)
    assert (resolved.root / "mix.exs").is_file()


@pytest.mark.network
@network
def test_real_hex_resolves_or_fails_in_one_line(network_cache: Path) -> None:
    try:
        resolved = resolve("hex:tinkex==0.3.1", cache_dir=network_cache)
    except SourceError as exc:
        message = str(exc)
        assert "\n" not in message
        assert message.startswith("hex:tinkex==0.3.1: ")
        assert "--elixir" in message
    else:
        assert (resolved.root / "mix.exs").is_file()


def test_archive_bomb_is_refused_before_anything_is_written(
    sources_registry: FakeRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archives, "MAX_ARCHIVE_BYTES", 1000)
    big = ("tinker-0.9.0.tar.gz", tar_bytes([TarEntry("tinker-0.9.0/big.py", b"#" * 5000)], compression="gz"))
    sources_registry.add_pep691_project("tinker", [big])
    with pytest.raises(SourceError) as err:
        resolve("pypi:tinker==0.9.0", cache_dir=tmp_path / "cache")
    assert "would unpack to 1 files, 0 MB (the archive is unsafe; refusing to extract it)" in one_line(err)
    assert not list((tmp_path / "cache").rglob("big.py"))


def test_versions_sort_and_file_names_parse_as_pep_440_and_the_wheel_spec_say():
    from paritydocs.sources.registries import _is_final, _parse_filename, _version_key

    ordered = sorted(["1.0", "1.0rc1", "0.10.0", "0.9.1", "1.0.post1", "1.0.dev0", "not-a-version"], key=_version_key)
    assert ordered == ["not-a-version", "0.9.1", "0.10.0", "1.0.dev0", "1.0rc1", "1.0", "1.0.post1"]
    assert [v for v in ordered if _is_final(v)] == ["0.9.1", "0.10.0", "1.0", "1.0.post1"]
    assert _parse_filename("tinker-0.8.0-py3-none-any.whl", "tinker") == (0, "0.8.0")
    assert _parse_filename("Tinker_SDK-1.0rc1-py2.py3-none-any.whl", "tinker-sdk") == (0, "1.0rc1")
    assert _parse_filename("tinker-0.8.0-cp311-cp311-manylinux_2_17_x86_64.whl", "tinker") == (4, "0.8.0")
    assert _parse_filename("tinker-0.8.0.tar.gz", "tinker") == (2, "0.8.0")
    assert _parse_filename("tinker-0.8.0.zip", "tinker") == (3, "0.8.0")
    assert _parse_filename("tinkerer-0.8.0.tar.gz", "tinker") is None
    assert _parse_filename("notes.txt", "tinker") is None


def test_the_cache_folder_is_the_platforms_unless_paritydocs_cache_says(monkeypatch, tmp_path):
    from paritydocs.sources import default_cache_dir

    monkeypatch.delenv("PARITYDOCS_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "paritydocs"  # Linux: the XDG folder
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"


@needs_git
@pytest.mark.parametrize("damage", ["truncate", "remove", "add"])
def test_a_cache_entry_changed_after_it_was_fetched_is_fetched_again_with_one_warning(tmp_path, caplog, damage):
    repo = make_git_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    spec = f"git:{repo.path}@v1"
    root = resolve(spec, cache_dir=cache).root
    if damage == "truncate":
        (root / "pkg" / "mod.py").write_text("")  # the type vanished, with exit 0, before
    elif damage == "remove":
        (root / "a.txt").unlink()
    else:
        (root / "pkg" / "extra.py").write_text("Y = 2\n")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.paritydocs"):
        again = resolve(spec, cache_dir=cache)
    assert tree_files(again.root) == {"a.txt": b"one\n", "pkg/mod.py": b"X = 1\n"}  # as fetched
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert (
        len(warnings) == 1 and "was changed since it was fetched" in warnings[0] and "fetching it again" in warnings[0]
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.paritydocs"):
        resolve(spec, cache_dir=cache)  # intact again: used as it is, quietly
    assert [r for r in caplog.records if r.levelno == logging.WARNING] == []


@needs_git
def test_a_release_checked_in_this_process_is_hashed_again_only_when_a_file_moved(tmp_path, caplog, monkeypatch):
    from paritydocs.sources import cache as cache_module

    repo = make_git_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    spec = f"git:{repo.path}@v1"
    root = resolve(spec, cache_dir=cache).root
    hashed: list[Path] = []
    manifest = cache_module._manifest
    monkeypatch.setattr(cache_module, "_manifest", lambda tree: hashed.append(tree) or manifest(tree))
    resolve(spec, cache_dir=cache)
    resolve(spec, cache_dir=cache)
    assert len(hashed) == 1  # the second rebuild of a serve session reads only the files' sizes and times
    (root / "pkg" / "mod.py").write_text("X = 2\n")  # the same size: its time moved
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.paritydocs"):
        again = resolve(spec, cache_dir=cache)
    assert len(hashed) > 1  # hashed again, found changed
    assert tree_files(again.root)["pkg/mod.py"] == b"X = 1\n"  # fetched again
    assert any("was changed since it was fetched" in r.getMessage() for r in caplog.records)


@needs_git
def test_the_scratch_folder_of_a_killed_build_is_swept_at_the_next_fetch(tmp_path):
    repo = make_git_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    resolve(f"git:{repo.path}@v1", cache_dir=cache)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # a process number no process has now: the killed build's
    orphan = cache / "git" / f".tmp-somekey-pid{dead.pid}-abc"
    (orphan / "tree").mkdir(parents=True)
    (orphan / "tree" / "big.bin").write_bytes(b"x" * 1024)
    mine = cache / "git" / f".tmp-other-pid{os.getpid()}-def"  # a build still running: kept
    mine.mkdir()
    resolve(f"git:{repo.path}@HEAD", cache_dir=cache)  # a new fetch sweeps, long before a day has passed
    assert not orphan.exists() and mine.exists()


def test_a_files_digest_is_read_again_only_when_its_status_moved_or_it_changed_in_the_last_second(
    tmp_path, monkeypatch, request
):
    import builtins

    from paritydocs.sources import trees

    path = tmp_path / "a.ex"
    path.write_text("defmodule A do\nend\n")
    opened: list[str] = []
    real_open = builtins.open
    monkeypatch.setattr(
        trees, "open", lambda name, *a, **k: opened.append(name) or real_open(name, *a, **k), raising=False
    )

    def digest() -> str:
        opened.clear()
        return trees.file_digest(path)

    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest() == expected and digest() == expected and len(opened) == 1  # just written: read each time
    monkeypatch.setattr(trees, "SETTLED_NS", 0)
    assert digest() == expected and digest() == expected and len(opened) == 1  # not kept outside `serve`
    request.getfixturevalue("keeping_files")  # as a `serve` session has it
    assert digest() == expected and opened  # kept now
    assert digest() == expected and opened == []
    assert trees.kept_digest(path) == expected  # known without reading
    path.write_text("defmodule B do\nend\n")  # the same size, another content
    assert trees.kept_digest(path) is None  # its status moved: not known, and not read
    assert digest() == hashlib.sha256(path.read_bytes()).hexdigest() and opened
    data, read = trees.read_file(path)  # the bytes and their digest, which is then known
    assert read == hashlib.sha256(data).hexdigest() == trees.file_digest(path)
    path.unlink()
    with pytest.raises(OSError):
        trees.file_digest(path)
    assert trees.kept_digest(path) is None


def test_serve_walks_a_tree_for_hazards_again_only_when_a_folder_changed(tmp_path, monkeypatch, keeping_files):
    """While `keep_files` is on, `tree_hazards` on a tree without links is the last walk's, until a folder of it
    changes: a fifo or a link out of the tree added deep in it is found at the next call. A tree with a link in it
    is walked every time (what the link leads to may change, its folder's time not)."""
    from paritydocs.sources import trees

    monkeypatch.setattr(trees, "SETTLED_NS", 0)  # the folders just made count as settled
    walks: list[str] = []
    real_walk = trees._walk_hazards
    monkeypatch.setattr(
        trees, "_walk_hazards", lambda root, top, *a, **k: walks.append(top) or real_walk(root, top, *a, **k)
    )
    root = tmp_path / "sdk"
    (root / "lib" / "deep").mkdir(parents=True)
    (root / "lib" / "deep" / "a.ex").write_text("defmodule A do\nend\n")
    assert trees.tree_hazards(root, root / "lib") == [] and len(walks) == 1
    assert trees.tree_hazards(root, root / "lib") == [] and len(walks) == 1  # kept
    os.mkfifo(root / "lib" / "deep" / "pipe")
    assert trees.tree_hazards(root, root / "lib") == ["lib/deep/pipe is a device, fifo or socket"]
    assert len(walks) == 2
    (root / "lib" / "deep" / "pipe").unlink()
    (tmp_path / "secret").write_text("x")
    (root / "lib" / "deep" / "out").symlink_to(tmp_path / "secret")
    assert trees.tree_hazards(root, root / "lib") == ["lib/deep/out links outside the tree"]
    assert trees.tree_hazards(root, root / "lib") == ["lib/deep/out links outside the tree"]
    assert len(walks) == 4  # a tree with a link: walked each time
    trees.keep_files(False)
    (root / "lib" / "deep" / "out").unlink()
    trees.tree_hazards(root, root / "lib")
    trees.tree_hazards(root, root / "lib")
    assert len(walks) == 6  # outside `serve`: walked each time
