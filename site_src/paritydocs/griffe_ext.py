"""A Griffe extension for mkdocstrings: load folders without `__init__.py` inside a regular package.

Tinker's `tinker/lib/` is such a folder (an implicit namespace subpackage). Griffe's loader skips it, so
`::: tinker.lib.retry_handler.RetryConfig` would not be found; the plugin adds this extension to the
mkdocstrings Python handler so the Python API section can document those types too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import griffe


class NamespaceSubpackages(griffe.Extension):
    """After a package is loaded, visit its subfolders that hold modules but no `__init__.py`."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        paths = pkg.filepath if isinstance(pkg.filepath, list) else [pkg.filepath.parent]
        for directory in paths:
            self._fill(pkg, Path(directory), loader, depth=0)

    def _fill(self, module: griffe.Module, directory: Path, loader: griffe.GriffeLoader, depth: int) -> None:
        if depth > 20:
            return
        try:
            entries = sorted(p for p in directory.iterdir() if p.is_dir() and p.name.isidentifier())
        except OSError:
            return
        for entry in entries:
            existing = module.members.get(entry.name)
            if isinstance(existing, griffe.Module):
                self._fill(existing, entry, loader, depth + 1)
                continue
            if existing is not None or (entry / "__init__.py").exists() or not any(entry.rglob("*.py")):
                continue
            sub = griffe.Module(
                entry.name,
                filepath=[entry],
                parent=module,
                lines_collection=loader.lines_collection,
                modules_collection=loader.modules_collection,
            )
            module.set_member(entry.name, sub)
            for file in sorted(entry.glob("*.py")):
                if file.stem.isidentifier() and file.stem not in sub.members:
                    self._visit(sub, file, loader)
            self._fill(sub, entry, loader, depth + 1)

    @staticmethod
    def _visit(parent: griffe.Module, file: Path, loader: griffe.GriffeLoader) -> None:
        try:
            code = file.read_text(encoding="utf-8-sig")
            module = griffe.visit(
                file.stem,
                file,
                code,
                parent=parent,
                docstring_parser=loader.docstring_parser,
                docstring_options=loader.docstring_options,
                lines_collection=loader.lines_collection,
                modules_collection=loader.modules_collection,
                extensions=loader.extensions,
            )
        except (OSError, UnicodeDecodeError, SyntaxError):
            return  # the extraction stage reports broken files; the API page just lacks this module
        parent.set_member(file.stem, module)


class SdkDocstrings(griffe.Extension):
    """Treat SDK docstrings as data in the Python API section too.

    mkdocstrings renders docstrings as Markdown that may carry raw HTML; this runs each one through the same
    sanitiser as the parity pages, and applies the model-name updates, before mkdocstrings sees it.
    """

    def __init__(self, model_names: dict[str, str] | None = None) -> None:
        from paritydocs.modelnames import compile_updates

        self.updates = compile_updates(model_names or {})

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        from paritydocs.modelnames import apply_updates
        from paritydocs.render.filters import sanitize_markdown

        docstring = obj.docstring
        if docstring is not None and docstring.value:
            docstring.value = sanitize_markdown(apply_updates(docstring.value, self.updates))
