"""Source specs to local directory trees, through a cache.

A spec is one of:

- a local directory (relative, absolute, `~` expanded): read in place, never copied;
- `git:REPO@REF`: REPO a local repository (work tree or bare git dir) or a URL, REF a commit,
  tag, branch or any `git rev-parse` expression (`v1.0~1`, `main^`);
- `pypi:NAME==VERSION`: a wheel (pure wheels first) or sdist from a PEP 691 simple index;
- `hex:NAME==VERSION`: a Hex package tarball (format 3).

Everything that is not a local directory lands in `cache_dir/<kind>/<key>`. An entry is only ever
made visible whole: it is filled in a temporary directory beside it, marked complete, then renamed
into place, so two builds sharing a cache never see a half-written tree. An entry without the
marker (a crash from an older layout, a hand edit) counts as absent and is replaced.

Every failure (network, HTTP, git, archive) is reported as one `SourceError` line that names the
spec and says what to do instead; no urllib, git or tar exception escapes.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import posixpath
import re
import shutil
import stat
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any

from paritydocs import __version__
from paritydocs.errors import SourceError
from paritydocs.model import Language, SourceInfo
from paritydocs.sources.trees import inside_of
from paritydocs.textsafe import logger, one_line

__all__ = ["ResolvedSource", "default_cache_dir", "resolve", "source_info"]

MARKER = ".paritydocs-complete"
"""The file a finished cache entry contains; an entry without it is treated as absent."""

DEFAULT_PYPI_INDEX = "https://pypi.org/simple"
DEFAULT_HEX_MIRROR = "https://repo.hex.pm"
HTTP_TIMEOUT = 30.0
GIT_QUICK_TIMEOUT = 60.0
GIT_SLOW_TIMEOUT = 900.0
SCRATCH_MAX_AGE = 24 * 3600.0
"""Seconds after which a leftover `.tmp-*` / `.stale-*` directory in the cache is swept away."""
PEP691_JSON = "application/vnd.pypi.simple.v1+json"
ACCEPTED_FORMS = "a local directory, git:REPO@REF, pypi:NAME==VERSION or hex:NAME==VERSION"

_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+")
_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_SCP_RE = re.compile(r"[^/:@]+@[^/:]+:")
_HEX_RE = re.compile(r"[0-9a-f]{7,64}")
_FULL_HASH_RE = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_PYPI_NAME_RE = re.compile(r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]", re.IGNORECASE)
_HEX_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
_VERSION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+_!-]*")
_UNSAFE_FILE_CHARS_RE = re.compile(r"[^A-Za-z0-9._+-]+")

# Environment variables that would point git at another repository than the one we name.
_GIT_REDIRECT_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_CEILING_DIRECTORIES",
)


@dataclass(frozen=True, slots=True)
class ResolvedSource:
    """A spec resolved to a local directory."""

    spec: str
    """The spec as given."""
    kind: str
    """`path`, `git`, `pypi` or `hex`."""
    root: Path
    """The local directory to read."""
    version: str | None
    """The package version (pypi/hex), or the ref as given (git)."""
    ref: str | None
    """The full git commit hash (git specs, and local directories that are git work trees)."""


def default_cache_dir() -> Path:
    """`$PARITYDOCS_CACHE`, else `$XDG_CACHE_HOME/paritydocs`, else `~/.cache/paritydocs`."""
    explicit = os.environ.get("PARITYDOCS_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():  # the XDG spec says to ignore relative values
        return Path(xdg) / "paritydocs"
    return Path.home() / ".cache" / "paritydocs"


def source_info(resolved: ResolvedSource, language: Language) -> SourceInfo:
    """The model's record of where an SDK came from."""
    return SourceInfo(
        spec=resolved.spec,
        root=str(resolved.root),
        language=language,
        version=resolved.version,
        ref=resolved.ref,
    )


def resolve(spec: str, *, cache_dir: Path | None = None) -> ResolvedSource:
    """Resolve a source spec to a local directory, downloading or checking out into the cache."""
    if not isinstance(spec, str) or not spec.strip():
        raise SourceError(repr(spec), "empty source spec", f"give {ACCEPTED_FORMS}")
    cache = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    prefix, colon, rest = spec.partition(":")
    if colon:
        if prefix == "git":
            return _resolve_git(spec, rest, cache)
        if prefix == "pypi":
            return _resolve_pypi(spec, rest, cache)
        if prefix == "hex":
            return _resolve_hex(spec, rest, cache)
        # `C:\...` is a drive, and a directory may have a colon in its name; anything else is a typo.
        if _SCHEME_RE.fullmatch(prefix) and not Path(spec).expanduser().is_dir():
            raise SourceError(spec, f"unknown source kind '{prefix}:'", f"give {ACCEPTED_FORMS}")
    return _resolve_path(spec)


# --------------------------------------------------------------------------- local directories


def _resolve_path(spec: str) -> ResolvedSource:
    path = Path(spec).expanduser()
    if not path.is_dir():
        if path.exists():
            raise SourceError(spec, "not a directory", "point at the SDK's top directory")
        raise SourceError(spec, "no such directory", "check the path, or use git:/pypi:/hex: specs")
    root = Path(os.path.abspath(path))
    return ResolvedSource(spec=spec, kind="path", root=root, version=None, ref=_cheap_head(root))


def _cheap_head(root: Path) -> str | None:
    """HEAD's commit when `root` is the top of a git work tree (or a git dir); None on any doubt."""
    if not ((root / ".git").exists() or ((root / "HEAD").is_file() and (root / "objects").is_dir())):
        return None
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
            capture_output=True,
            text=True,
            timeout=5,
            env=_git_env(ceiling=root.parent),
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    head = result.stdout.strip()
    return head if result.returncode == 0 and _FULL_HASH_RE.fullmatch(head) else None


# --------------------------------------------------------------------------- git


def _resolve_git(spec: str, rest: str, cache: Path) -> ResolvedSource:
    repo, at, ref = rest.rpartition("@")
    if not at or not repo or not ref or ref.startswith("-") or ":" in ref or any(c.isspace() for c in ref):
        raise SourceError(
            spec,
            "expected git:REPO@REF",
            "e.g. git:/path/to/repo@v1.2.0, git:/path/to/repo@HEAD~1 or git:https://github.com/org/repo@main",
        )
    if _is_git_url(repo):
        git_dir = _remote_git_dir(spec, repo, ref, cache)
        identity = repo
        name = repo.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        how_to_list = f"list the remote's refs with: git ls-remote {_redact(repo)}"
    else:
        git_dir = _local_git_dir(spec, repo)
        identity = str(git_dir)
        name = git_dir.parent.name if git_dir.name == ".git" else git_dir.name
        how_to_list = f"list commits with: git -C {repo} log --oneline"
    commit = _rev_parse(spec, git_dir, ref)
    if commit is None:
        raise SourceError(spec, f"unknown ref '{ref}' in {_redact(repo)}", how_to_list)
    name = _safe_name(name.removesuffix(".git")) or "repo"
    key = f"{name}-{_short_digest(identity)}-{commit}"
    root = _populate(spec, cache / "git", key, lambda tree, work: _git_archive(spec, git_dir, commit, tree, work))
    return ResolvedSource(spec=spec, kind="git", root=root, version=ref, ref=commit)


def _is_git_url(repo: str) -> bool:
    if _URL_RE.match(repo):
        return True
    # scp-like `user@host:path`, unless such a directory really exists here.
    return bool(_SCP_RE.match(repo)) and not Path(repo).expanduser().exists()


def _git_env(*, ceiling: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_REDIRECT_VARS}
    env["GIT_TERMINAL_PROMPT"] = "0"  # never wait for a password on a terminal
    env["LC_ALL"] = "C"
    if ceiling is not None:
        # Don't wander up into an enclosing repository: REPO must itself be one.
        env["GIT_CEILING_DIRECTORIES"] = str(ceiling)
    return env


def _git(
    spec: str, args: list[str], *, timeout: float, ceiling: Path | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_git_env(ceiling=ceiling),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError as err:
        raise SourceError(spec, "git is not installed", "install git, or point at a local checkout") from err
    except subprocess.TimeoutExpired as err:
        raise SourceError(spec, f"git took longer than {timeout:.0f} s", "point at a local checkout") from err
    except (OSError, subprocess.SubprocessError) as err:
        raise SourceError(spec, f"cannot run git: {one_line(err)}", "point at a local checkout") from err


def _local_git_dir(spec: str, repo: str) -> Path:
    path = Path(repo).expanduser()
    if not path.is_dir():
        raise SourceError(spec, f"no such repository directory '{repo}'", "check the path, or give a git URL")
    path = path.resolve()
    result = _git(
        spec, ["-C", str(path), "rev-parse", "--absolute-git-dir"], timeout=GIT_QUICK_TIMEOUT, ceiling=path.parent
    )
    git_dir = result.stdout.strip()
    if result.returncode != 0 or not git_dir:
        raise SourceError(
            spec,
            f"'{repo}' is not a git repository ({_git_message(result.stderr)})",
            "point at a repository's top directory or its git dir",
        )
    return Path(git_dir)


def _rev_parse(spec: str, git_dir: Path, ref: str) -> str | None:
    result = _git(
        spec,
        [f"--git-dir={git_dir}", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        timeout=GIT_QUICK_TIMEOUT,
    )
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and _FULL_HASH_RE.fullmatch(commit) else None


def _remote_git_dir(spec: str, url: str, ref: str, cache: Path) -> Path:
    """A bare clone of `url` in the cache, fetched when `ref` may have moved or is missing."""
    name = _safe_name(url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git")) or "repo"
    key = f"{name}-{_short_digest(url)}.git"
    fresh = False

    def clone(tree: Path, work: Path) -> None:
        nonlocal fresh
        result = _git(spec, ["clone", "--bare", "--quiet", "--", url, str(tree)], timeout=GIT_SLOW_TIMEOUT)
        if result.returncode != 0:
            raise SourceError(
                spec,
                f"cannot clone {_redact(url)}: {_git_message(result.stderr)}",
                "check the URL and your network, or point at a local clone: git:/path/to/clone@REF",
            )
        fresh = True

    git_dir = _populate(spec, cache / "git-remotes", key, clone)
    if fresh:
        return git_dir
    if _HEX_RE.fullmatch(ref) and _rev_parse(spec, git_dir, ref) is not None:
        return git_dir  # a commit never moves: no need to ask the remote
    with _locked(git_dir / "paritydocs-fetch.lock"):
        result = _git(
            spec,
            [
                f"--git-dir={git_dir}",
                "fetch",
                "--quiet",
                "--prune",
                "origin",
                "+refs/heads/*:refs/heads/*",
                "+refs/tags/*:refs/tags/*",
            ],
            timeout=GIT_SLOW_TIMEOUT,
        )
        if result.returncode == 0 and _FULL_HASH_RE.fullmatch(ref) and _rev_parse(spec, git_dir, ref) is None:
            # A commit on no branch or tag: servers that allow it hand it out by hash.
            _git(spec, [f"--git-dir={git_dir}", "fetch", "--quiet", "origin", ref], timeout=GIT_SLOW_TIMEOUT)
    if result.returncode != 0:
        if _rev_parse(spec, git_dir, ref) is None:
            raise SourceError(
                spec,
                f"cannot fetch from {_redact(url)}: {_git_message(result.stderr)}",
                "check the URL and your network, or point at a local clone: git:/path/to/clone@REF",
            )
        logger.warning("%s: cannot fetch from %s; using the cached clone as it is", spec, _redact(url))
    return git_dir


def _git_archive(spec: str, git_dir: Path, commit: str, tree: Path, work: Path) -> None:
    """Write `commit`'s tree into `tree`: `git archive`, which reads objects only, then our safe extraction."""
    archive = work / "archive.tar"
    result = _git(
        spec,
        [f"--git-dir={git_dir}", "archive", "--format=tar", f"--output={archive}", commit],
        timeout=GIT_SLOW_TIMEOUT,
    )
    if result.returncode != 0:
        raise SourceError(spec, f"git archive failed: {_git_message(result.stderr)}", "point at a local checkout")
    _extract_tar(spec, archive, tree, strip_top=False)
    archive.unlink()


def _git_message(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    important = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return one_line("; ".join(important or lines) or "no message")


# --------------------------------------------------------------------------- PyPI


@dataclass(slots=True)
class _IndexFile:
    filename: str
    url: str
    hashes: dict[str, str] = field(default_factory=dict)


class _LinkCollector(HTMLParser):
    """PEP 503 HTML pages, for indexes that don't answer in JSON."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text).strip()))
            self._href = None


def _registry_entry(
    spec: str, cache: Path, kind: str, *, name: str, version: str, registry: str, default_registry: str
) -> tuple[Path, str, ResolvedSource | None]:
    """The cache folder and key of a registry download, and the resolved source when it is already complete.

    The key names the package and version, plus a digest of the registry when it is not the default one.
    """
    key = f"{name}-{_safe_name(version)}"
    if registry != default_registry:
        key += f"-{_short_digest(registry)}"
    kind_dir = cache / kind
    if _is_complete(kind_dir / key):
        logger.debug("%s: cached at %s", spec, kind_dir / key)
        return kind_dir, key, ResolvedSource(spec=spec, kind=kind, root=kind_dir / key, version=version, ref=None)
    return kind_dir, key, None


def _resolve_pypi(spec: str, rest: str, cache: Path) -> ResolvedSource:
    name, version = _split_pin(spec, rest, "pypi")
    if not _PYPI_NAME_RE.fullmatch(name):
        raise SourceError(spec, f"'{name}' is not a valid PyPI project name", "expected pypi:NAME==VERSION")
    project = _normalize_project(name)
    index = (os.environ.get("PARITYDOCS_PYPI_INDEX") or DEFAULT_PYPI_INDEX).rstrip("/")
    kind_dir, key, cached = _registry_entry(
        spec, cache, "pypi", name=project, version=version, registry=index, default_registry=DEFAULT_PYPI_INDEX
    )
    if cached is not None:
        return cached

    fix = f"point at a local checkout instead: --python /path/to/{project} or PARITYDOCS_PYTHON=/path/to/{project}"
    page_url = f"{index}/{project}/"
    files, versions = _read_index(spec, page_url, index, project, fix)
    chosen = _pick_distribution(files, project, version)
    if chosen is None:
        if any(_same_version(v, version) for v in versions):
            raise SourceError(spec, f"no wheel or sdist for version {version} on {index}", fix)
        raise SourceError(spec, f"version {version} not found on {index} ({_nearest_versions(versions, version)})", fix)

    def fill(tree: Path, work: Path) -> None:
        download = work / (_safe_name(chosen.filename) or "download")
        _download(spec, chosen.url, download, fix, expected=_expected_hash(spec, chosen))
        lower = chosen.filename.lower()
        if lower.endswith((".whl", ".zip")):
            _extract_zip(spec, download, tree, strip_top=not lower.endswith(".whl"))
        else:
            _extract_tar(spec, download, tree, strip_top=True)
        download.unlink()

    logger.info("%s: downloading %s", spec, chosen.url)
    root = _populate(spec, kind_dir, key, fill)
    return ResolvedSource(spec=spec, kind="pypi", root=root, version=version, ref=None)


def _split_pin(spec: str, rest: str, kind: str) -> tuple[str, str]:
    name, eq, version = rest.partition("==")
    name, version = name.strip(), version.strip()
    if not eq or not name or not version or not _VERSION_RE.fullmatch(version):
        raise SourceError(spec, f"expected {kind}:NAME==VERSION", f"e.g. {kind}:tinker==0.8.0")
    return name, version


def _normalize_project(name: str) -> str:
    """PEP 503 name normalization."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _read_index(spec: str, page_url: str, index: str, project: str, fix: str) -> tuple[list[_IndexFile], list[str]]:
    """The project page of a simple index: its files (absolute URLs) and the versions it lists."""
    request = urllib.request.Request(page_url, headers={"Accept": PEP691_JSON, "User-Agent": _user_agent()})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            content_type = response.headers.get("Content-Type", "")
            body = response.read()
            final_url = response.geturl()
    except urllib.error.HTTPError as err:
        err.close()
        if err.code == 404:
            raise SourceError(spec, f"project '{project}' not found on {index}", fix) from err
        raise SourceError(spec, f"{index} answered HTTP {err.code} for {page_url}", fix) from err
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as err:
        raise SourceError(spec, f"cannot reach {index} ({_reason(err)})", fix) from err

    files: list[_IndexFile] = []
    versions: list[str] = []
    try:
        text = body.decode("utf-8")
        if "json" in content_type or text.lstrip().startswith("{"):
            data = json.loads(text)
            for entry in data.get("files", []):
                url = urllib.parse.urljoin(final_url, str(entry["url"]))
                hashes = {str(k).lower(): str(v).lower() for k, v in (entry.get("hashes") or {}).items()}
                files.append(_IndexFile(str(entry["filename"]), url, hashes))
            versions = [str(v) for v in data.get("versions", [])]
        else:
            collector = _LinkCollector()
            collector.feed(text)
            for href, label in collector.links:
                url = urllib.parse.urljoin(final_url, href)
                parsed = urllib.parse.urlsplit(url)
                algo, _, digest = parsed.fragment.partition("=")
                filename = label or posixpath.basename(urllib.parse.unquote(parsed.path))
                hashes = {algo.lower(): digest.lower()} if digest else {}
                files.append(_IndexFile(filename, urllib.parse.urlunsplit(parsed._replace(fragment="")), hashes))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise SourceError(
            spec, f"{index} answered something that is not a simple-index page for '{project}'", fix
        ) from err
    if not versions:
        seen = {parsed[1] for f in files if (parsed := _parse_filename(f.filename, project)) is not None}
        versions = sorted(seen, key=_version_key)
    return files, versions


def _parse_filename(filename: str, project: str) -> tuple[int, str] | None:
    """(preference rank, version) of a distribution file of `project`; None for other files.

    Rank: 0 `py3-none-any` wheel, 1 other pure wheel, 2 `.tar.gz` sdist, 3 `.zip` sdist,
    4 platform wheel (still readable source, but last).
    """
    lower = filename.lower()
    if lower.endswith(".whl"):
        parts = filename[:-4].split("-")
        if len(parts) not in (5, 6) or _normalize_project(parts[0]) != project:
            return None
        python_tags, abi, platform = parts[-3].split("."), parts[-2], parts[-1]
        if abi == "none" and platform == "any":
            return (0 if "py3" in python_tags else 1), parts[1]
        return 4, parts[1]
    for ext, rank in ((".tar.gz", 2), (".zip", 3)):
        if lower.endswith(ext):
            stem = filename[: -len(ext)]
            for i, char in enumerate(stem):
                if char == "-" and _normalize_project(stem[:i]) == project:
                    return rank, stem[i + 1 :]
    return None


def _pick_distribution(files: list[_IndexFile], project: str, version: str) -> _IndexFile | None:
    candidates: list[tuple[int, int, _IndexFile]] = []
    for position, entry in enumerate(files):
        parsed = _parse_filename(entry.filename, project)
        if parsed is not None and _same_version(parsed[1], version):
            candidates.append((parsed[0], position, entry))
    return min(candidates, key=lambda c: (c[0], c[1]))[2] if candidates else None


def _expected_hash(spec: str, entry: _IndexFile) -> tuple[str, str] | None:
    if "sha256" in entry.hashes:
        return "sha256", entry.hashes["sha256"]
    for algo, digest in sorted(entry.hashes.items()):
        if algo in hashlib.algorithms_guaranteed:
            return algo, digest
    logger.warning("%s: the index gives no usable hash for %s; not verified", spec, entry.filename)
    return None


def _same_version(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        from packaging.version import InvalidVersion, Version
    except ImportError:  # pragma: no cover - packaging comes with pip and pytest alike
        return a.lower() == b.lower()
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a.lower() == b.lower()


def _version_key(version: str) -> tuple[Any, ...]:
    """A sort key: numeric runs as numbers, so 0.10.0 sorts after 0.9.1."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.findall(r"\d+|[A-Za-z]+", version))


def _nearest_versions(versions: list[str], wanted: str, around: int = 4) -> str:
    if not versions:
        return "no versions available"
    ordered = sorted(set(versions), key=_version_key)
    key = _version_key(wanted)
    position = next((i for i, v in enumerate(ordered) if _version_key(v) > key), len(ordered))
    start, end = max(0, position - around), min(len(ordered), position + around)
    shown = ordered[start:end]
    text = ", ".join(shown)
    if start > 0:
        text = "..., " + text
    if end < len(ordered):
        text += ", ..."
    return f"available: {text}"


# --------------------------------------------------------------------------- Hex


def _resolve_hex(spec: str, rest: str, cache: Path) -> ResolvedSource:
    name, version = _split_pin(spec, rest, "hex")
    if not _HEX_NAME_RE.fullmatch(name):
        raise SourceError(spec, f"'{name}' is not a valid Hex package name", "expected hex:NAME==VERSION")
    mirror = (os.environ.get("HEX_MIRROR") or DEFAULT_HEX_MIRROR).rstrip("/")
    kind_dir, key, cached = _registry_entry(
        spec, cache, "hex", name=name, version=version, registry=mirror, default_registry=DEFAULT_HEX_MIRROR
    )
    if cached is not None:
        return cached

    fix = f"point at a local checkout instead: --elixir /path/to/{name} or PARITYDOCS_ELIXIR=/path/to/{name}"
    url = f"{mirror}/tarballs/{name}-{version}.tar"

    def fill(tree: Path, work: Path) -> None:
        outer = work / "package.tar"
        _download(
            spec,
            url,
            outer,
            fix,
            expected=None,
            not_found=f"version {version} of '{name}' not found on {mirror}",
            site=mirror,
        )
        contents = _verified_hex_contents(spec, outer)
        inner = work / "contents.tar.gz"
        inner.write_bytes(contents)
        outer.unlink()
        _extract_tar(spec, inner, tree, strip_top=False)
        inner.unlink()

    logger.info("%s: downloading %s", spec, url)
    root = _populate(spec, kind_dir, key, fill)
    return ResolvedSource(spec=spec, kind="hex", root=root, version=version, ref=None)


def _verified_hex_contents(spec: str, outer: Path) -> bytes:
    """`contents.tar.gz` of a Hex tarball (format 3), after checking its inner CHECKSUM."""
    wanted = ("VERSION", "CHECKSUM", "metadata.config", "contents.tar.gz")
    parts: dict[str, bytes] = {}
    try:
        with tarfile.open(outer, "r:") as tar:
            for member in tar.getmembers():
                if member.name in wanted and member.isfile():
                    handle = tar.extractfile(member)
                    if handle is not None:
                        parts[member.name] = handle.read()
    except (tarfile.TarError, OSError, EOFError) as err:
        raise SourceError(spec, f"not a Hex package tarball ({one_line(err)})", "check HEX_MIRROR") from err
    missing = [name for name in wanted if name not in parts]
    if missing:
        raise SourceError(spec, f"not a Hex package tarball (no {', '.join(missing)})", "check HEX_MIRROR")
    format_version = parts["VERSION"].strip()
    if format_version != b"3":
        shown = format_version.decode("ascii", "replace")[:20]
        raise SourceError(spec, f"unsupported Hex tarball format '{shown}'", "only format 3 is read")
    digest = hashlib.sha256(parts["VERSION"] + parts["metadata.config"] + parts["contents.tar.gz"]).hexdigest()
    given = parts["CHECKSUM"].strip().decode("ascii", "replace")
    if given.upper() != digest.upper():
        raise SourceError(spec, "checksum mismatch", "the tarball is corrupt or was tampered with; refusing to use it")
    return parts["contents.tar.gz"]


# --------------------------------------------------------------------------- HTTP


def _user_agent() -> str:
    return f"paritydocs/{__version__}"


def _download(
    spec: str,
    url: str,
    dest: Path,
    fix: str,
    *,
    expected: tuple[str, str] | None,
    not_found: str | None = None,
    site: str | None = None,
) -> None:
    """Stream `url` into `dest`, checking the expected (algorithm, hex digest) when given."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceError(spec, f"refusing to download from a {scheme or 'relative'} URL: {url}", fix)
    where = site or f"{urllib.parse.urlsplit(url).scheme}://{urllib.parse.urlsplit(url).netloc}"
    hasher = hashlib.new(expected[0]) if expected else None
    request = urllib.request.Request(url, headers={"User-Agent": _user_agent()})
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response, dest.open("wb") as out:
            while chunk := response.read(1 << 20):
                out.write(chunk)
                if hasher is not None:
                    hasher.update(chunk)
    except urllib.error.HTTPError as err:
        err.close()
        if err.code in (403, 404, 410) and not_found:  # S3-backed mirrors answer 403 for a missing key
            raise SourceError(spec, not_found, fix) from err
        raise SourceError(spec, f"{where} answered HTTP {err.code} for {url}", fix) from err
    except (urllib.error.URLError, http.client.HTTPException, ValueError) as err:
        raise SourceError(spec, f"cannot reach {where} ({_reason(err)})", fix) from err
    except OSError as err:
        if err.filename is not None:  # our own file, not the network
            raise
        raise SourceError(spec, f"cannot reach {where} ({_reason(err)})", fix) from err
    if expected is not None and hasher is not None:
        algo, digest = expected
        if hasher.hexdigest().lower() != digest.lower():
            raise SourceError(
                spec,
                f"{algo} mismatch for {posixpath.basename(urllib.parse.urlsplit(url).path)}"
                f" (index says {digest[:16]}..., got {hasher.hexdigest()[:16]}...)",
                "the download is corrupt or was tampered with; refusing to use it",
            )


def _reason(err: BaseException) -> str:
    if isinstance(err, urllib.error.URLError) and not isinstance(err, urllib.error.HTTPError):
        reason: Any = err.reason
        if isinstance(reason, TimeoutError):
            return f"timed out after {HTTP_TIMEOUT:.0f} s"
        return one_line(reason)
    if isinstance(err, TimeoutError):
        return f"timed out after {HTTP_TIMEOUT:.0f} s"
    return one_line(err) or type(err).__name__


# --------------------------------------------------------------------------- cache entries


def _is_complete(entry: Path) -> bool:
    return (entry / MARKER).is_file()


def _populate(spec: str, kind_dir: Path, key: str, fill: Callable[[Path, Path], None]) -> Path:
    """`kind_dir/key`, filled by `fill(tree, scratch)` unless already complete; never visible half-written."""
    target = kind_dir / key
    if _is_complete(target):
        logger.debug("%s: cached at %s", spec, target)
        return target
    cache_fix = "set PARITYDOCS_CACHE to a writable directory"
    try:
        kind_dir.mkdir(parents=True, exist_ok=True)
        _sweep(kind_dir)
        work = Path(tempfile.mkdtemp(prefix=f".tmp-{key}-", dir=kind_dir))
    except OSError as err:
        raise SourceError(spec, f"cannot write the cache at {kind_dir} ({one_line(err)})", cache_fix) from err
    try:
        tree = work / "tree"
        tree.mkdir()
        fill(tree, work)
        (tree / MARKER).write_text(json.dumps({"spec": spec, "created": time.time()}) + "\n", encoding="utf-8")
        return _install(tree, target)
    except OSError as err:
        raise SourceError(spec, f"cannot write the cache entry {target} ({one_line(err)})", cache_fix) from err
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _sweep(kind_dir: Path) -> None:
    """Remove scratch directories that builds killed long ago (SIGKILL, power loss) left behind."""
    now = time.time()
    for entry in kind_dir.iterdir():
        if entry.name.startswith((".tmp-", ".stale-")):
            with contextlib.suppress(OSError):
                if now - entry.lstat().st_mtime > SCRATCH_MAX_AGE:
                    shutil.rmtree(entry, ignore_errors=True)


def _install(tree: Path, target: Path) -> Path:
    """Rename a complete `tree` to `target`, unless another build already put a complete one there.

    Under a lock, so a stale entry (no marker) is swept aside by one build only, and never a fresh one.
    """
    with _locked(target.parent / ".install.lock"):
        if _is_complete(target):
            return target  # another build won the race; the caller discards ours
        if target.is_symlink() or target.exists():
            stale = target.parent / f".stale-{target.name}-{os.getpid()}-{time.monotonic_ns()}"
            os.rename(target, stale)
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            else:
                stale.unlink()
        os.rename(tree, target)
    return target


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on `path` (POSIX `flock`; a no-op where there is none)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- archives


@dataclass(slots=True)
class _Member:
    """An archive member as the shared safety filter sees it, whatever the archive format."""

    name: str
    kind: str
    """`file`, `dir`, `symlink`, `hardlink` or `special` (devices, fifos, anything else)."""
    link: str | None = None
    source: Any = None
    """The format's own record (TarInfo, ZipInfo)."""
    path: PurePosixPath = field(default_factory=PurePosixPath)
    link_path: PurePosixPath | None = None


_UNSAFE_FIX = "the archive is unsafe; refusing to extract it"


def _escapes(spec: str, name: str) -> SourceError:
    return SourceError(spec, f"archive member '{one_line(name)}' escapes the tree", _UNSAFE_FIX)


def _relative_path(spec: str, name: str, *, member: str) -> PurePosixPath:
    """`name` as a relative path with no `..`; refuses absolute paths (POSIX, Windows, UNC)."""
    if not name or "\x00" in name:
        raise _escapes(spec, member)
    unixy = name.replace("\\", "/")
    if unixy.startswith("/") or re.match(r"[A-Za-z]:", unixy):
        raise _escapes(spec, member)
    parts = [part for part in unixy.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise _escapes(spec, member)
    return PurePosixPath(*parts)


def _plan(spec: str, members: list[_Member], *, strip_top: bool) -> list[_Member]:
    """Check every member before anything is written; the order to extract in (links last)."""
    for member in members:
        if member.kind == "special":
            raise SourceError(spec, f"archive member '{one_line(member.name)}' is a device or fifo", _UNSAFE_FIX)
        member.path = _relative_path(spec, member.name, member=member.name)
        if member.kind == "hardlink":
            member.link_path = _relative_path(spec, member.link or "", member=member.name)

    if strip_top:
        tops = {m.path.parts[0] for m in members if m.path.parts}
        single_dir = len(tops) == 1 and all(len(m.path.parts) > 1 or m.kind == "dir" for m in members if m.path.parts)
        if single_dir:
            for member in members:
                member.path = PurePosixPath(*member.path.parts[1:])
                if member.link_path is not None:
                    if len(member.link_path.parts) < 2:
                        raise _escapes(spec, member.name)
                    member.link_path = PurePosixPath(*member.link_path.parts[1:])

    files = {m.path for m in members if m.kind == "file" and m.path.parts}
    for member in members:
        if member.kind == "hardlink" and member.link_path not in files:
            raise _escapes(spec, member.name)
        if member.kind == "symlink":
            target = (member.link or "").replace("\\", "/")
            if not target or target.startswith("/") or re.match(r"[A-Za-z]:", target):
                raise _escapes(spec, member.name)
            joined = posixpath.normpath(posixpath.join(str(member.path.parent), target))
            if joined == ".." or joined.startswith("../") or not member.path.parts:
                raise _escapes(spec, member.name)

    order = {"dir": 0, "file": 0, "hardlink": 1, "symlink": 2}
    kept = [m for m in members if m.path.parts]
    # Links last: no file is ever written through a link the archive made.
    return sorted(kept, key=lambda m: order[m.kind])


def _verify_links(spec: str, tree: Path) -> None:
    """After extraction: every symlink, followed through any chain, must stay inside `tree`."""
    top = os.path.realpath(tree)
    for dirpath, dirnames, filenames in os.walk(tree):
        for entry in (*dirnames, *filenames):
            full = os.path.join(dirpath, entry)
            if os.path.islink(full):
                real = os.path.realpath(full)
                if not inside_of(real, top):
                    raise _escapes(spec, os.path.relpath(full, tree).replace(os.sep, "/"))


def _tar_kind(info: tarfile.TarInfo) -> str:
    if info.isdir():
        return "dir"
    if info.isfile():
        return "file"
    if info.issym():
        return "symlink"
    if info.islnk():
        return "hardlink"
    return "special"


_HAS_TAR_FILTERS = hasattr(tarfile, "data_filter")  # Python 3.11.4 and later
_TAR_FILTER_ERRORS: tuple[type[Exception], ...] = (tarfile.FilterError,) if _HAS_TAR_FILTERS else ()


def _tar_filter(info: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """tarfile's own `data` filter on top of ours, keeping what we extract owner-writable."""
    checked = tarfile.data_filter(info, dest)
    if checked is None:
        return None
    wanted = 0o700 if checked.isdir() else 0o600
    mode = checked.mode
    if mode is not None and (mode & wanted) != wanted:
        checked = checked.replace(mode=mode | wanted, deep=False)
    return checked


# an SDK is megabytes: far more than this is an archive bomb (the sizes are the members' declared ones, which
# tarfile and zipfile hold the extraction to)
MAX_ARCHIVE_BYTES = 2 << 30
MAX_ARCHIVE_MEMBERS = 200_000


def _check_size(spec: str, archive: Path, sizes: list[int]) -> None:
    if len(sizes) > MAX_ARCHIVE_MEMBERS or sum(sizes) > MAX_ARCHIVE_BYTES:
        raise SourceError(
            spec,
            f"{archive.name} would unpack to {len(sizes)} files, {sum(sizes) >> 20} MB",
            _UNSAFE_FIX,
        )


def _extract_tar(spec: str, archive: Path, dest: Path, *, strip_top: bool) -> None:
    try:
        with tarfile.open(archive, "r:*") as tar:
            infos = tar.getmembers()
            _check_size(spec, archive, [i.size for i in infos])
            members = [_Member(i.name, _tar_kind(i), i.linkname or None, i) for i in infos]
            ordered = _plan(spec, members, strip_top=strip_top)
            for member in members:  # rename in place, so tarfile's own hardlink lookup agrees
                member.source.name = str(member.path) if member.path.parts else "."
                if member.link_path is not None:
                    member.source.linkname = str(member.link_path)
            chosen = [m.source for m in ordered]
            if _HAS_TAR_FILTERS:
                tar.extractall(dest, members=chosen, filter=_tar_filter)
            else:  # pragma: no cover - our own checks above and below still apply
                tar.extractall(dest, members=chosen)
    except SourceError:
        raise
    except _TAR_FILTER_ERRORS as err:
        info = getattr(err, "tarinfo", None)
        raise _escapes(spec, info.name if info is not None else "?") from err
    except (tarfile.TarError, OSError, EOFError, zlib.error) as err:
        raise SourceError(spec, f"cannot extract {archive.name} ({one_line(err)})", "the archive is damaged") from err
    _verify_links(spec, dest)


def _zip_kind(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    if info.is_dir():
        return "dir"
    if stat.S_ISLNK(mode):
        return "symlink"
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        return "special"
    return "file"


def _extract_zip(spec: str, archive: Path, dest: Path, *, strip_top: bool) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            _check_size(spec, archive, [i.file_size for i in zf.infolist()])
            members = []
            for info in zf.infolist():
                kind = _zip_kind(info)
                if kind == "symlink":
                    # a wheel has no links, and links extracted one by one could chain (`a -> .`, then
                    # `a/a/b -> ../..`) until a later member's folder is made outside the tree
                    raise SourceError(
                        spec, f"archive member '{one_line(info.filename)}' is a symbolic link", _UNSAFE_FIX
                    )
                members.append(_Member(info.filename, kind, None, info))
            for member in _plan(spec, members, strip_top=strip_top):
                target = dest.joinpath(*member.path.parts)
                if member.kind == "dir":
                    target.mkdir(parents=True, exist_ok=True)
                elif member.kind == "symlink":
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.symlink(member.link or "", target)
                else:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(member.source) as src, target.open("wb") as out:
                        shutil.copyfileobj(src, out, 1 << 20)
    except SourceError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error, ValueError) as err:
        raise SourceError(spec, f"cannot extract {archive.name} ({one_line(err)})", "the archive is damaged") from err
    _verify_links(spec, dest)


# --------------------------------------------------------------------------- the tree that is read


# --------------------------------------------------------------------------- small helpers


def _redact(url: str) -> str:
    """A URL with any `user:password@` replaced, for messages."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]+@", r"\1***@", url)


def _safe_name(text: str) -> str:
    return _UNSAFE_FILE_CHARS_RE.sub("_", text).strip("._")[:80]


def _short_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
