"""The two Python revisions: resolved, checked and loaded once with Griffe (statically) and `extract_python`."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import griffe

from paritydocs.config import Settings
from paritydocs.errors import SourceError
from paritydocs.model import Language, SdkModel, SourceInfo
from paritydocs.python.loader import GRIFFE_ERRORS, SharedPackages, alias_target, load_package
from paritydocs.sources.git import Commit
from paritydocs.sync.report import Change, FileStatus, Revision

__all__ = ["PythonDiff", "Tree", "content_key", "fingerprint", "load_tree", "resolve_revision", "top_packages"]

# --------------------------------------------------------------------------------------------------
# Loading the Python trees with Griffe (statically)


def top_packages(settings: Settings) -> list[str]:
    tops: list[str] = []
    for path in (*settings.python_modules, *settings.python_clients, *settings.behaviour_modules):
        top = path.split(".", 1)[0]
        if top and top not in tops:
            tops.append(top)
    return tops


@dataclass(slots=True)
class Tree:
    """One Python revision: its root, its Griffe packages and the `extract_python` model."""

    spec: str
    root: Path
    tops: dict[str, griffe.Module]
    model: SdkModel
    warnings: list[str] = field(default_factory=list)
    _rels: dict[Path, str | None] = field(default_factory=dict, repr=False, compare=False)
    """`rel` of each file asked for: the differ asks for a file once per object in it (10,000 times a range)."""

    def get(self, path: str) -> Any:
        top, _, rest = path.partition(".")
        module = self.tops.get(top)
        if module is None:
            return None
        if not rest:
            return module
        try:
            obj = module[rest]
        except GRIFFE_ERRORS:
            return None
        return alias_target(obj)

    def rel(self, obj: Any) -> str | None:
        """The path of `obj`'s file under the tree's root (`/`-separated), or None."""
        filepath = getattr(obj, "filepath", None)
        if not isinstance(filepath, Path):
            return None
        if filepath not in self._rels:
            self._rels[filepath] = self._rel(filepath)
        return self._rels[filepath]

    def _rel(self, filepath: Path) -> str | None:
        for base in (self.root, self.root.resolve()):
            with suppress(ValueError):
                return filepath.relative_to(base).as_posix()
        return None


@dataclass(slots=True)
class PythonDiff:
    """The Python half of a sync report: the two revisions' models, the changes (each attributed to its commit for
    a git range), the other changed files, and the commits of the range (None when it is not a git range, or git
    could not list it)."""

    old: SdkModel
    new: SdkModel
    changes: list[Change]
    other_files: list[FileStatus]
    warnings: list[str]
    commits: list[Commit] | None = None


# --------------------------------------------------------------------------------------------------
# Resolving and loading (the comparison of two revisions is cached in `paritydocs.sync`)


DECLARED = "declared"
"""A sync range end: the Python release the port's `mix.exs` declares it mirrors (`@tinker_sdk_version`)."""
LATEST = "latest"
"""A sync range end: the newest final release of the Python SDK on the package index."""


def python_distribution(settings: Settings) -> str:
    """The Python SDK's name on the package index: the `pypi:NAME==...` of `python`, else its top-level package."""
    if settings.python.startswith("pypi:"):
        return settings.python[len("pypi:") :].partition("==")[0].strip()
    return top_packages(settings)[0] if top_packages(settings) else ""


def range_spec(settings: Settings, spec: str, mirrors: str | None, *, port_read: bool = True) -> str:
    """`declared` and `latest` as the `pypi:NAME==VERSION` they stand for; any other spec as it is. `mirrors` is
    the release the port declares (`SourceInfo.mirrors`); `port_read=False` when the port's tree could not be read
    (the error then says so). Raises `SourceError` when it cannot be told."""
    from paritydocs.sources.cache import cache_root
    from paritydocs.sources.registries import latest_pypi_release

    name = python_distribution(settings)
    if spec == DECLARED:
        if not mirrors:
            problem = (
                "the Elixir port declares no Python release (no `@<package>_sdk_version` in its mix.exs)"
                if port_read
                else "the Elixir port could not be read, so the Python release it declares is unknown"
            )
            raise SourceError(spec, problem, f"give a release instead: from: pypi:{name or 'NAME'}==VERSION")
        return f"pypi:{name}=={mirrors}"
    if spec == LATEST:
        return f"pypi:{name}=={latest_pypi_release(spec, name, cache=cache_root(settings.cache_dir))}"
    return spec


def resolve_revision(settings: Settings, spec: str) -> tuple[Revision, Path]:
    from paritydocs.pipeline import check_python_tree
    from paritydocs.sources import resolve

    resolved = resolve(spec, cache_dir=settings.cache_dir)
    root = Path(resolved.root)
    check_python_tree(spec, root, top_packages(settings))
    rev = Revision(spec, resolved.version, resolved.ref, str(root), resolved.kind, (root / "docs").is_dir())
    return rev, root


def fingerprint(rev: Revision, root: Path) -> str:
    """Resolved git/PyPI/Hex trees never change; a local tree is fingerprinted by its files' sizes and times."""
    if rev.kind in ("git", "pypi", "hex"):
        return f"{rev.kind}:{root}"
    from paritydocs.sources.trees import tree_fingerprint

    return tree_fingerprint(root)


def content_key(rev: Revision, root: Path) -> str:
    """What a revision's tree holds, for a key kept across runs: a resolved git/PyPI/Hex tree by what it was
    resolved to (its commit or release, and where it is cached), a local tree by the content of its files."""
    if rev.kind in ("git", "pypi", "hex"):
        return f"{rev.kind}:{rev.ref or rev.version}:{root}"
    from paritydocs.sources.trees import content_fingerprint

    return f"path:{content_fingerprint(root)}"


def load_tree(settings: Settings, rev: Revision, root: Path) -> Tree:
    from paritydocs.python import extract_python

    warnings: list[str] = []
    tops: dict[str, griffe.Module] = {}
    for top in top_packages(settings):
        module = load_package(rev.spec, root, top, warnings)
        if module is not None:
            tops[top] = module
    if not tops:
        names = ", ".join(top_packages(settings)) or "(none configured)"
        raise SourceError(
            rev.spec,
            f"no Python package {names} in {root}",
            "point at the SDK's repository, wheel or sdist (the package directory or src/ layout must be there)",
        )
    info = SourceInfo(spec=rev.spec, root=str(root), language=Language.PYTHON, version=rev.version, ref=rev.ref)
    # the extraction reads the trees just loaded for the API comparison, instead of loading the revision again
    shared = SharedPackages(tops.get, griffe.load_extensions())
    model = extract_python(
        root, modules=settings.python_modules, source=info, clients=settings.python_clients, packages=shared
    )
    warnings.extend(f"{rev.spec}: {w}" for w in model.warnings)
    return Tree(rev.spec, root, tops, model, warnings)
