"""Static extraction of an Elixir SDK with tree-sitter: modules, structs, typespecs, docs, public functions.

Nothing is compiled or run. Each `.ex` file is parsed with tree-sitter-elixir (`parse_elixir`),
module definitions and a few expression shapes are found with the queries in
`paritydocs/elixir/queries/elixir_*.scm`, and the statements of each module body are read in order
(`@moduledoc`, `@type t`, `defstruct`, `@doc`/`@spec`/`def`, ...).

Literal values (struct defaults, `Keyword.get(opts, :key, default)` defaults, module attributes)
are evaluated only when that is sound; anything else is kept as text with `resolved=False`.

Bad input never raises: syntax errors, bytes that are not UTF-8, empty files, very deep nesting
and symlink loops each become an `ExtractionWarning` naming the file (and line when there is one),
and extraction goes on with what the tree has.

The API:

- `extract_elixir(root, dirs=..., source=..., cache=...)`: the `SdkModel` of the `.ex` files under `dirs`.
- `ParseCache`: per-file results kept across runs (a file unchanged is not parsed again).
- `extract_file(rel, data)`: one file's `FileResult` (its types and warnings).
- `parse_elixir(source)`: the tree-sitter tree of Elixir source bytes.
- `find_modules(tree, src)`: full module name → its `defmodule` node, as the extractor names modules.
- `OPTS_PARAM`: the names of an opts-like parameter, whose keyword options are a function's options.

The submodules, bottom to top: `syntax` (tree-sitter, queries, node helpers, the module finder), `records`
(`FileState`, the per-file state, and what a module body says), `literals` (values), `docs` (ExDoc sections,
read and written), `functions` (clauses, specs, option reads), `builders` (the defaults a constructor or
decoder fills in, and their source), `structs` (fields, defaults, enforce_keys),
`reader` (modules and statements in order, a module's `TypeDef`).
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Sequence
from pathlib import Path

from paritydocs.elixir import reader
from paritydocs.elixir.functions import OPTS_PARAM
from paritydocs.elixir.records import FileResult, FileState
from paritydocs.elixir.syntax import find_modules, parse_elixir
from paritydocs.model import ExtractionWarning, SdkModel, SourceInfo
from paritydocs.sources.trees import kept_digest, read_file
from paritydocs.textsafe import logger

__all__ = [
    "OPTS_PARAM",
    "FileResult",
    "ParseCache",
    "declared_sdk_versions",
    "extract_elixir",
    "extract_file",
    "find_modules",
    "mix_project",
    "parse_elixir",
]


# --------------------------------------------------------------------------------------------
# Cache


class ParseCache:
    """Per-file extraction results keyed by (relative path, sha256 of the content).

    `parses` counts the files actually parsed; a file whose path and content are unchanged is
    served from the cache (as a copy, so callers may change what they get). One entry per path:
    a changed file replaces its old entry. Entries are held pickled: unpickling makes the copy several times
    faster than `copy.deepcopy`, which a `serve` rebuild paid for every file of the port.
    """

    def __init__(self) -> None:
        self.parses: int = 0
        self.hits: int = 0
        self._entries: dict[str, tuple[str, bytes]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, path: str, digest: str) -> FileResult | None:
        entry = self._entries.get(path)
        if entry is None or entry[0] != digest:
            return None
        self.hits += 1
        result: FileResult = pickle.loads(entry[1])  # noqa: S301 - bytes this object pickled, never read from disk
        return result

    def put(self, path: str, digest: str, result: FileResult) -> None:
        self._entries[path] = (digest, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))

    def clear(self) -> None:
        self._entries.clear()


# --------------------------------------------------------------------------------------------
# Entry point


def extract_elixir(
    root: Path,
    *,
    dirs: Sequence[str] = ("lib",),
    source: SourceInfo,
    cache: ParseCache | None = None,
) -> SdkModel:
    """Extract every module of the `.ex` files under `dirs` (relative to `root`), in path order."""
    root = Path(root)
    model = SdkModel(source=source)
    files = _collect_files(root, dirs, model.warnings)
    for rel, path in files:
        known = kept_digest(path) if cache is not None else None  # a file whose status did not move is not read
        result = cache.get(rel, known) if cache is not None and known is not None else None
        if result is None:
            try:
                data, digest = read_file(path)
            except OSError as exc:
                model.warnings.append(ExtractionWarning(rel, None, f"cannot read file: {exc.strerror or exc}"))
                continue
            result = cache.get(rel, digest) if cache is not None else None
            if result is None:
                result = extract_file(rel, data)
                if cache is not None:
                    cache.parses += 1
                    cache.put(rel, digest, result)
        model.types.extend(result.types)
        model.warnings.extend(result.warnings)
    model.constants = [c for t in model.types for c in t.constants]
    for warning in model.warnings:
        logger.debug("elixir extraction: %s", warning)
    return model


def _collect_files(root: Path, dirs: Sequence[str], warnings: list[ExtractionWarning]) -> list[tuple[str, Path]]:
    """`.ex` files under each of `dirs`, sorted by relative POSIX path; directory symlinks are followed
    once (a directory reached again, e.g. through a symlink loop, is skipped with a warning)."""
    found: dict[str, Path] = {}
    visited: set[tuple[int, int]] = set()
    for d in dirs:
        base = root / d
        if not base.is_dir():
            warnings.append(ExtractionWarning(_rel(root, base), None, "source directory not found"))
            continue
        stack: list[Path] = [base]
        while stack:
            current = stack.pop()
            try:
                st = current.stat()
            except OSError as exc:
                warnings.append(ExtractionWarning(_rel(root, current), None, f"cannot read directory: {exc}"))
                continue
            key = (st.st_dev, st.st_ino)
            if key in visited and current == base:
                continue  # `dirs` overlap (`lib` and `lib/sub`): its files are already in
            if key in visited:
                what = "symlink loop" if _is_loop(current) else "directory reached twice through a symlink"
                warnings.append(ExtractionWarning(_rel(root, current), None, f"{what}; skipped"))
                continue
            visited.add(key)
            try:
                entries = sorted(os.scandir(current), key=lambda e: e.name)
            except OSError as exc:
                warnings.append(ExtractionWarning(_rel(root, current), None, f"cannot list directory: {exc}"))
                continue
            subdirs: list[Path] = []
            for entry in entries:
                path = Path(entry.path)
                try:
                    if entry.is_dir(follow_symlinks=True):
                        subdirs.append(path)
                    elif entry.name.endswith(".ex"):
                        if entry.is_file(follow_symlinks=True):
                            found.setdefault(_rel(root, path), path)
                        elif entry.is_symlink():
                            warnings.append(ExtractionWarning(_rel(root, path), None, "broken symlink; skipped"))
                except OSError as exc:
                    warnings.append(ExtractionWarning(_rel(root, path), None, f"cannot stat: {exc}"))
            stack.extend(reversed(subdirs))
    return sorted(found.items())


def _is_loop(path: Path) -> bool:
    """Whether `path` resolves to one of its own ancestors (a symlink loop) rather than a sibling."""
    try:
        real = path.resolve()
        return any(parent.resolve() == real for parent in path.parents)
    except (OSError, RuntimeError):
        return True


def _rel(root: Path, path: Path) -> str:
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return path.as_posix()


# --------------------------------------------------------------------------------------------
# One file


def extract_file(rel: str, data: bytes) -> FileResult:
    warnings: list[ExtractionWarning] = []
    if not data.strip():
        warnings.append(ExtractionWarning(rel, 1, "empty file" if not data else "file has only whitespace"))
        return FileResult([], warnings)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        warnings.append(ExtractionWarning(rel, line, "bytes that are not UTF-8 (replaced with U+FFFD)"))
        data = data.decode("utf-8", errors="replace").encode("utf-8")
    try:
        return reader.run(FileState(rel, data, warnings))
    except RecursionError:
        warnings.append(ExtractionWarning(rel, None, "nesting too deep to extract; file skipped"))
    except Exception as exc:  # a bug here must not stop the other files
        logger.debug("elixir extraction failed on %s", rel, exc_info=True)
        warnings.append(ExtractionWarning(rel, None, f"extraction failed: {type(exc).__name__}: {exc}"))
    return FileResult([], warnings)


_SDK_VERSION_SUFFIX = "_sdk_version"


def declared_sdk_versions(root: Path, warnings: list[ExtractionWarning] | None = None) -> dict[str, str]:
    """The releases of other SDKs the port declares it mirrors: each `@<package>_sdk_version "x.y.z"` attribute of
    its `mix.exs` (Tinkex: `@tinker_sdk_version "0.15.0"` → `{"tinker": "0.15.0"}`). Empty when the tree has no
    `mix.exs` or it declares none; only string literals count. Problems reading a `mix.exs` that is there (not
    readable, not valid Elixir) go to `warnings`."""
    return mix_project(root, warnings)[1]


def mix_project(root: Path, warnings: list[ExtractionWarning] | None = None) -> tuple[str | None, dict[str, str]]:
    """The port's own release (`@version "0.4.0"` in `mix.exs`, else a literal `version: "0.4.0"`), and the
    releases it declares it mirrors (`declared_sdk_versions`); (None, {}) without a `mix.exs`."""
    path = Path(root) / "mix.exs"
    if not path.is_file():
        return None, {}
    try:
        data = path.read_bytes()
    except OSError as exc:
        if warnings is not None:
            warnings.append(ExtractionWarning("mix.exs", None, f"cannot read file: {exc.strerror or exc}"))
        return None, {}
    result = extract_file("mix.exs", data)
    if warnings is not None:
        warnings.extend(result.warnings)
    found: dict[str, str] = {}
    version: str | None = None
    for typedef in result.types:
        for constant in typedef.constants:
            name, value = constant.name, constant.value
            if not (isinstance(value.value, str) and value.resolved):
                continue
            if name.endswith(_SDK_VERSION_SUFFIX):
                found.setdefault(name[: -len(_SDK_VERSION_SUFFIX)], value.value)
            elif name == "version" and constant.kind == "attribute" and version is None:
                version = value.value
    if version is None:
        literal = _VERSION_KEY.search(data.decode("utf-8", errors="replace"))
        version = literal.group(1) if literal else None
    return version, found


_VERSION_KEY = re.compile(r'\bversion:\s*"([0-9][^"\s]*)"')
