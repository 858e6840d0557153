"""paritydocs: a Python SDK's type reference side by side with its Elixir port.

The pipeline, one package a stage, each importing only the stages above it in this list:

- `paritydocs.sources`: a source spec (path, `git:`, `pypi:`, `hex:`) to a local tree, cached.
- `paritydocs.python` / `paritydocs.elixir`: static extraction into the language-neutral `paritydocs.model`.
- `paritydocs.parity`: matching, one rule per finding kind, and the whole report.
- `paritydocs.sync` / `paritydocs.suggest`: what changed between two Python revisions; a patch for the port.
- `paritydocs.render`: the report as Markdown pages through Jinja templates (`templates/`, overridable by name).
- `paritydocs.site`: the MkDocs plugin, the same pages without MkDocs, and `serve`.
- `paritydocs.cli`: the `paritydocs` command.

The public API, importable from `paritydocs` itself:

- `Settings`, `load_settings`: the configuration (the plugin's options and the CLI's), validated.
- `extract_python`: a Python SDK's types and clients, read statically with Griffe.
- `extract_elixir`: an Elixir SDK's structs, types and clients, read with tree-sitter.
- `run_parity`: the parity report of two extracted SDKs.
- `build_sync_report`: what changed between two Python revisions, mapped to the port.
- `build_patch`: a patch for the Elixir tree (field docs, model names).
- `build_site`: every generated page and data file, without MkDocs.

Each name is imported on first use, so `paritydocs --help` and the MkDocs plugin start without loading every
stage.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from paritydocs.version import __version__

if TYPE_CHECKING:
    from paritydocs.config import Settings, load_settings
    from paritydocs.elixir import extract_elixir
    from paritydocs.parity import run_parity
    from paritydocs.python import extract_python
    from paritydocs.site import build_site
    from paritydocs.suggest import build_patch
    from paritydocs.sync import build_sync_report

_API = {
    "Settings": "paritydocs.config",
    "load_settings": "paritydocs.config",
    "extract_python": "paritydocs.python",
    "extract_elixir": "paritydocs.elixir",
    "run_parity": "paritydocs.parity",
    "build_sync_report": "paritydocs.sync",
    "build_patch": "paritydocs.suggest",
    "build_site": "paritydocs.site",
}

__all__ = [
    "Settings",
    "__version__",
    "build_patch",
    "build_site",
    "build_sync_report",
    "extract_elixir",
    "extract_python",
    "load_settings",
    "run_parity",
]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'paritydocs' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
