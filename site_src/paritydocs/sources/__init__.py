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

The API:

- `resolve(spec, cache_dir=None)`: a spec to a `ResolvedSource`, downloading or checking out into the cache.
- `ResolvedSource`: the spec, its kind, the local directory to read, its version and git commit.
- `source_info(resolved, language)`: the model's `SourceInfo` record of a resolved source.
- `default_cache_dir()`: `$PARITYDOCS_CACHE`, else `$XDG_CACHE_HOME/paritydocs`, else `~/.cache/paritydocs`.
- `MARKER`: the file a finished cache entry contains.

The submodules, each importing only those after it: `git` (`git:` specs), `registries` (`pypi:` and
`hex:` specs), `archives` (safe tar and zip extraction, and its limits), `cache` (the marker, atomic install,
locking, the sweep of scratch folders), `trees` (checks and fingerprints of a local tree).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from paritydocs.errors import SourceError
from paritydocs.model import Language, SourceInfo
from paritydocs.sources.cache import MARKER, cache_root, default_cache_dir

__all__ = ["MARKER", "ResolvedSource", "default_cache_dir", "resolve", "source_info"]

ACCEPTED_FORMS = "a local directory, git:REPO@REF, pypi:NAME==VERSION or hex:NAME==VERSION"

_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+")


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


def source_info(resolved: ResolvedSource, language: Language) -> SourceInfo:
    """The model's record of where an SDK came from; a Python tree's version, when the spec does not give one,
    is its `pyproject.toml`'s `[project] version` (a checkout or an sdist)."""
    version = resolved.version
    if version is None and language is Language.PYTHON:
        version = pyproject_version(Path(resolved.root))
    return SourceInfo(
        spec=resolved.spec,
        root=str(resolved.root),
        language=language,
        version=version,
        ref=resolved.ref,
    )


def pyproject_version(root: Path) -> str | None:
    """`[project] version` of `root/pyproject.toml` when it is a plain string; None otherwise (absent, unreadable,
    dynamic)."""
    import tomllib

    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    project = data.get("project")
    version = project.get("version") if isinstance(project, dict) else None
    return version if isinstance(version, str) and version.strip() else None


def resolve(spec: str, *, cache_dir: Path | None = None) -> ResolvedSource:
    """Resolve a source spec to a local directory, downloading or checking out into the cache."""
    if not isinstance(spec, str) or not spec.strip():
        raise SourceError(repr(spec), "empty source spec", f"give {ACCEPTED_FORMS}")
    cache = cache_root(cache_dir)
    prefix, colon, rest = spec.partition(":")
    if colon:
        # each kind's module is imported when a spec needs it (a local checkout never loads the HTTP client)
        if prefix == "git":
            from paritydocs.sources.git import resolve_git

            root, ref, commit = resolve_git(spec, rest, cache)
            return ResolvedSource(spec=spec, kind="git", root=root, version=ref, ref=commit)
        if prefix == "pypi":
            from paritydocs.sources.registries import resolve_pypi

            root, version = resolve_pypi(spec, rest, cache)
            return ResolvedSource(spec=spec, kind="pypi", root=root, version=version, ref=None)
        if prefix == "hex":
            from paritydocs.sources.registries import resolve_hex

            root, version = resolve_hex(spec, rest, cache)
            return ResolvedSource(spec=spec, kind="hex", root=root, version=version, ref=None)
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
    from paritydocs.sources.git import cheap_head

    return ResolvedSource(spec=spec, kind="path", root=root, version=None, ref=cheap_head(root))
