"""Static extraction of a Python SDK's types and clients, with Griffe and `ast`.

Nothing here imports the SDK. Griffe (with inspection disabled) builds the module tree and
resolves imports and re-exports; the standard `ast` module reads what Griffe does not keep
as written: annotations and defaults as source text, which statements sit directly in a
class body (fields) and which sit in `if PYDANTIC_V2:` blocks (framework configuration),
and how often a module binds a name (a constant assigned once at top level can be
evaluated; one assigned in two branches cannot).

Defaults are evaluated by a small evaluator over the default's `ast` (see `paritydocs.python.evaluator`): it
only ever reports a value that Python would compute, and otherwise leaves the default
unresolved with the expression as written.

Public API:

- `extract_python`: an SDK tree's types and clients, as an `SdkModel`.
- `ParsedFiles`: parsed source files kept across extractions (a `serve` session's).
- `SharedPackages`: packages another Griffe loader (mkdocstrings, a sync report) already loaded, to read once.
- `find_search_path`, `python_search_path`: where a tree's top-level package is importable from (`paths`).
- `griffe_silenced`: Griffe's logger silenced while loading (its messages become warnings).
- `fill_namespace_subpackages`: the namespace subfolders a Griffe loader left out, visited.
- `load_package`, `walk_objects`, `alias_target`, `GRIFFE_ERRORS`: one package loaded statically, its objects,
  an alias' target, and the errors Griffe raises while resolving.
- `parse_python_doc`, `DocParts`: a Google-style or list-style docstring, split for the client pages.

The modules: `loader` (the one static Griffe loader and its lookups, `SdkTree`), `scope` (source text and name
bindings, field comments), `evaluator` (constants), `types` (classes, fields, enums, aliases), `surface` (the
rest of a class's surface: properties and custom `__init__` parameters), `methods` (client methods and signatures),
`constants` (module and class constants), `modules` (every module and what it defines),
`docstrings` (the one docstring reader), `paths` (package folders, without Griffe), `modelcache` (the persistent
cache of extracted models).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paritydocs.model import SdkModel, SourceInfo
from paritydocs.python.docstrings import DocParts, parse_python_doc
from paritydocs.python.paths import find_search_path, python_search_path

if TYPE_CHECKING:
    from paritydocs.python.loader import (
        GRIFFE_ERRORS,
        ParsedFiles,
        SharedPackages,
        alias_target,
        fill_namespace_subpackages,
        griffe_silenced,
        load_package,
        walk_objects,
    )

# Griffe is imported with the loader, when a name of it is first asked for: reading the docstrings of a model, or
# finding a package's folder, does not load it (a `paritydocs check` served by the extraction cache never does).
_LOADER_NAMES = frozenset(
    {
        "GRIFFE_ERRORS",
        "ParsedFiles",
        "SharedPackages",
        "alias_target",
        "fill_namespace_subpackages",
        "griffe_silenced",
        "load_package",
        "walk_objects",
    }
)


def __getattr__(name: str) -> Any:
    if name in _LOADER_NAMES:
        from paritydocs.python import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "GRIFFE_ERRORS",
    "DocParts",
    "ParsedFiles",
    "SharedPackages",
    "alias_target",
    "extract_python",
    "fill_namespace_subpackages",
    "find_search_path",
    "griffe_silenced",
    "load_package",
    "parse_python_doc",
    "python_search_path",
    "walk_objects",
]


def extract_python(
    root: Path,
    *,
    modules: Sequence[str],
    source: SourceInfo,
    clients: Sequence[str] = (),
    packages: SharedPackages | None = None,
    parsed: ParsedFiles | None = None,
) -> SdkModel:
    """Extract the types of a Python SDK statically.

    Args:
        root: A local tree: a repository with a `src/` layout, a flat layout, an unpacked
            wheel, or the package directory itself.
        modules: Dotted paths to read: packages (read recursively), modules, or single
            objects (`pkg.lib.retry.RetryConfig`).
        source: Where the tree came from; copied into the result.
        clients: Dotted paths of client classes whose public methods are extracted.
        packages: Top-level packages already loaded statically from the same tree (by the site build's
            mkdocstrings handler, or for a sync report's API comparison), so the SDK is read once; None, or a
            package it cannot give, is loaded here.
        parsed: Files parsed by an earlier extraction (a `serve` session's), not parsed again while their text
            is unchanged; None parses every file read.

    Returns:
        The types sorted by file and line, the clients in the order given, and every
        recoverable problem as an `ExtractionWarning` (nothing is logged here).
    """
    from paritydocs.python.constants import read_constants
    from paritydocs.python.loader import SdkTree, griffe_silenced
    from paritydocs.python.methods import ClientReader
    from paritydocs.python.modules import read_modules
    from paritydocs.python.types import TypeReader

    tops = {spec.strip().split(".")[0] for spec in (*modules, *clients) if spec.strip()}
    # one tree per extraction: with several top-level packages, each is loaded here
    tree = SdkTree(Path(root), packages=packages if len(tops) == 1 else None, parsed=parsed)
    type_reader = TypeReader(tree)
    with griffe_silenced():
        types = type_reader.extract_types(modules)
        client_defs = ClientReader(tree, type_reader).extract_clients(clients)
        constants = read_constants(tree, type_reader.evaluator, tops)
        modules_read = read_modules(tree, tops)
    return SdkModel(
        source=source,
        types=types,
        warnings=tree.sorted_warnings(),
        clients=client_defs,
        constants=constants,
        modules=modules_read,
    )
