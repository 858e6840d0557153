"""`pypi:NAME==VERSION` and `hex:NAME==VERSION` specs: the PyPI simple index (PEP 691 JSON, PEP 503 HTML) and
the Hex mirror, the download verified against the registry's hash, unpacked into the cache."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import posixpath
import re
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from paritydocs.errors import SourceError
from paritydocs.sources.archives import extract_tar, extract_zip
from paritydocs.sources.cache import (
    extraction_cache_disabled,
    populate,
    read_entry,
    safe_name,
    short_digest,
    usable,
    write_entry,
)
from paritydocs.textsafe import logger, one_line
from paritydocs.version import __version__

__all__ = [
    "DEFAULT_HEX_MIRROR",
    "DEFAULT_PYPI_INDEX",
    "HTTP_TIMEOUT",
    "LATEST_TTL",
    "PEP691_JSON",
    "latest_pypi_release",
    "resolve_hex",
    "resolve_pypi",
]

DEFAULT_PYPI_INDEX = "https://pypi.org/simple"
DEFAULT_HEX_MIRROR = "https://repo.hex.pm"
HTTP_TIMEOUT = 30.0
PEP691_JSON = "application/vnd.pypi.simple.v1+json"
_PYPI_NAME_RE = re.compile(r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]", re.IGNORECASE)
_HEX_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
_VERSION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+_!-]*")


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
) -> tuple[Path, str, Path | None]:
    """The cache folder and key of a registry download, and the entry itself when it is already complete.

    The key names the package and version, plus a digest of the registry when it is not the default one.
    """
    key = f"{name}-{safe_name(version)}"
    if registry != default_registry:
        key += f"-{short_digest(registry)}"
    kind_dir = cache / kind
    if usable(spec, kind_dir / key):
        logger.debug("%s: cached at %s", spec, kind_dir / key)
        return kind_dir, key, kind_dir / key
    return kind_dir, key, None


def resolve_pypi(spec: str, rest: str, cache: Path) -> tuple[Path, str]:
    """`pypi:NAME==VERSION` (`rest` is `NAME==VERSION`): the cache entry holding the unpacked distribution, and
    the version as given."""
    name, version = _split_pin(spec, rest, "pypi")
    if not _PYPI_NAME_RE.fullmatch(name):
        raise SourceError(spec, f"'{name}' is not a valid PyPI project name", "expected pypi:NAME==VERSION")
    project = _normalize_project(name)
    index = _pypi_index()
    kind_dir, key, cached = _registry_entry(
        spec, cache, "pypi", name=project, version=version, registry=index, default_registry=DEFAULT_PYPI_INDEX
    )
    if cached is not None:
        return cached, version

    fix = f"point at a local checkout instead: --python /path/to/{project} or PARITYDOCS_PYTHON=/path/to/{project}"
    page_url = f"{index}/{project}/"
    files, versions = _read_index(spec, page_url, index, project, fix)
    chosen = _pick_distribution(files, project, version)
    if chosen is None:
        if any(_same_version(v, version) for v in versions):
            raise SourceError(spec, f"no wheel or sdist for version {version} on {index}", fix)
        raise SourceError(spec, f"version {version} not found on {index} ({_nearest_versions(versions, version)})", fix)

    def fill(tree: Path, work: Path) -> None:
        download = work / (safe_name(chosen.filename) or "download")
        _download(spec, chosen.url, download, fix, expected=_expected_hash(spec, chosen))
        lower = chosen.filename.lower()
        if lower.endswith((".whl", ".zip")):
            extract_zip(spec, download, tree, strip_top=not lower.endswith(".whl"))
        else:
            extract_tar(spec, download, tree, strip_top=True)
        download.unlink()

    logger.debug("%s: downloading %s", spec, chosen.url)
    root = populate(spec, kind_dir, key, fill)
    return root, version


def _pypi_index() -> str:
    """The package index read: `$PARITYDOCS_PYPI_INDEX`, else PyPI's simple index."""
    return (os.environ.get("PARITYDOCS_PYPI_INDEX") or DEFAULT_PYPI_INDEX).rstrip("/")


LATEST_TTL = 300.0
"""Seconds the newest release the index gave is kept (`latest_pypi_release`): in the process, and on disk for the
processes after it that share the cache folder."""

_latest: dict[tuple[str, str], tuple[float, str]] = {}


def latest_pypi_release(spec: str, name: str, *, cache: Path | None = None) -> str:
    """The newest final release of `name` on the package index (`PARITYDOCS_PYPI_INDEX`, else PyPI): pre-releases,
    development releases aside. `spec` names what asked, for the error line.

    The answer is kept for `LATEST_TTL` seconds: a build asks once for both sides of its ranges, and a `serve`
    session's rebuilds do not ask the index on every save. With `cache` (the cache folder) it is kept there too,
    with the time it was given, so the builds that follow within `LATEST_TTL` do not ask either (not with
    `PARITYDOCS_NO_CACHE`). A failed lookup is not kept."""
    if not _PYPI_NAME_RE.fullmatch(name):
        raise SourceError(spec, f"'{name}' is not a valid PyPI project name", "give a release: pypi:NAME==VERSION")
    project = _normalize_project(name)
    index = _pypi_index()
    kept = _latest.get((index, project))
    if kept is not None and time.monotonic() - kept[0] < LATEST_TTL:
        return kept[1]
    folder = cache / "pypi-latest" if cache is not None and not extraction_cache_disabled() else None
    key = f"{safe_name(project)}-{short_digest(index + chr(0) + project)}"
    newest = _kept_latest(read_entry(folder, key), index, project) if folder is not None else None
    if newest is None:
        fix = f"give a release instead of '{spec}': pypi:{project}==VERSION"
        _, versions = _read_index(spec, f"{index}/{project}/", index, project, fix)
        final = [v for v in versions if _is_final(v)]
        if not final:
            raise SourceError(spec, f"no final release of '{project}' on {index}", fix)
        newest = max(final, key=_version_key)
        if folder is not None:  # a folder that cannot be written keeps nothing: the next build asks again
            answer = {"index": index, "project": project, "version": newest, "at": time.time()}
            write_entry(folder, key, answer, prune=False)
    _latest[(index, project)] = (time.monotonic(), newest)
    return newest


def _kept_latest(data: Any, index: str, project: str) -> str | None:
    """The release a cache entry holds if it is that index's answer for that project, given less than
    `LATEST_TTL` seconds ago (by the clock, never from the future); else None, and the index is asked."""
    if not isinstance(data, dict) or data.get("index") != index or data.get("project") != project:
        return None
    at, version = data.get("at"), data.get("version")
    if not isinstance(at, int | float) or not isinstance(version, str) or not _is_final(version):
        return None
    return version if 0 <= time.time() - at < LATEST_TTL else None


def _is_final(version: str) -> bool:
    """A final release: PEP 440, neither a pre-release nor a development release (a post-release is final)."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    return not parsed.is_prerelease and not parsed.is_devrelease


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
    """(preference rank, version) of a distribution file of `project`; None for other files. The file names are
    read as `packaging` reads them (PEP 427 wheels, PEP 625 sdists, names normalized).

    Rank: 0 `py3-none-any` wheel, 1 other pure wheel, 2 `.tar.gz` sdist, 3 `.zip` sdist,
    4 platform wheel (still readable source, but last).
    """
    lower = filename.lower()
    try:
        if lower.endswith(".whl"):
            name, version, _build, tags = parse_wheel_filename(filename)
            if canonicalize_name(name) != project:
                return None
            pure = all(t.abi == "none" and t.platform == "any" for t in tags)
            if pure:
                return (0 if any(t.interpreter == "py3" for t in tags) else 1), str(version)
            return 4, str(version)
        if lower.endswith((".tar.gz", ".zip")):
            name, version = parse_sdist_filename(filename)
            if canonicalize_name(name) != project:
                return None
            return (2 if lower.endswith(".tar.gz") else 3), str(version)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return _legacy_sdist(filename, project)
    return None


def _legacy_sdist(filename: str, project: str) -> tuple[int, str] | None:
    """An sdist named before PEP 625 (`tinker-0.8.0.tar.gz` with a name `packaging` does not accept): the name up
    to the last `-` that normalizes to the project's."""
    lower = filename.lower()
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
    """Equal as PEP 440 versions (`1.0` and `1.0.0`), else as text."""
    if a == b:
        return True
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a.lower() == b.lower()


def _version_key(version: str) -> tuple[int, Version | str]:
    """A PEP 440 sort key (`packaging`): 0.10.0 after 0.9.1, 1.0rc1 before 1.0, 1.0.post1 after it; a version
    PEP 440 cannot read sorts before every one it can, by its text."""
    try:
        return 1, Version(version)
    except InvalidVersion:
        return 0, version


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


def resolve_hex(spec: str, rest: str, cache: Path) -> tuple[Path, str]:
    """`hex:NAME==VERSION` (`rest` is `NAME==VERSION`): the cache entry holding the package's contents, and the
    version as given."""
    name, version = _split_pin(spec, rest, "hex")
    if not _HEX_NAME_RE.fullmatch(name):
        raise SourceError(spec, f"'{name}' is not a valid Hex package name", "expected hex:NAME==VERSION")
    mirror = (os.environ.get("HEX_MIRROR") or DEFAULT_HEX_MIRROR).rstrip("/")
    kind_dir, key, cached = _registry_entry(
        spec, cache, "hex", name=name, version=version, registry=mirror, default_registry=DEFAULT_HEX_MIRROR
    )
    if cached is not None:
        return cached, version

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
        extract_tar(spec, inner, tree, strip_top=False)
        inner.unlink()

    logger.debug("%s: downloading %s", spec, url)
    root = populate(spec, kind_dir, key, fill)
    return root, version


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
