"""A Griffe extension for mkdocstrings: load folders without `__init__.py` inside a regular package.

Tinker's `tinker/lib/` is such a folder (an implicit namespace subpackage). Griffe's loader skips it, so
`::: tinker.lib.retry_handler.RetryConfig` would not be found; the plugin adds this extension to the
mkdocstrings Python handler so the Python API section can document those types too.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import griffe


def fill_namespace_subpackages(
    module: griffe.Module,
    directory: Path,
    loader: griffe.GriffeLoader | None = None,
    *,
    on_error: Callable[[Path, Exception], None] | None = None,
    _depth: int = 0,
) -> None:
    """Visit the subfolders of a loaded package that hold modules but no `__init__.py`, recursively.

    `on_error(path, error)` hears about a module that cannot be read or parsed; it is skipped either way.
    """
    if _depth > 20:
        return
    try:
        entries = sorted(p for p in directory.iterdir() if p.is_dir() and p.name.isidentifier())
    except OSError:
        return
    for entry in entries:
        existing = module.members.get(entry.name)
        if isinstance(existing, griffe.Module):
            fill_namespace_subpackages(existing, entry, loader, on_error=on_error, _depth=_depth + 1)
            continue
        if existing is not None or not any(entry.rglob("*.py")):
            continue
        # Griffe left this folder out: a namespace subpackage, or a regular package inside one.
        init = entry / "__init__.py"
        sub = _visit(module, init, loader, on_error, name=entry.name) if init.exists() else None
        if sub is None:
            sub = griffe.Module(
                entry.name,
                filepath=[entry],
                parent=module,
                lines_collection=module.lines_collection,
                modules_collection=module.modules_collection,
            )
            module.set_member(entry.name, sub)
        for file in sorted(entry.glob("*.py")):
            if file.stem.isidentifier() and file.stem not in sub.members:
                _visit(sub, file, loader, on_error)
        fill_namespace_subpackages(sub, entry, loader, on_error=on_error, _depth=_depth + 1)


def _visit(
    parent: griffe.Module,
    file: Path,
    loader: griffe.GriffeLoader | None,
    on_error: Callable[[Path, Exception], None] | None,
    *,
    name: str | None = None,
) -> griffe.Module | None:
    """Visit one file as the module `name` (default: its stem) under `parent`; None when it cannot be read."""
    name = name or file.stem
    try:
        code = file.read_text(encoding="utf-8-sig")
        module = griffe.visit(
            name,
            file,
            code,
            parent=parent,
            docstring_parser=loader.docstring_parser if loader else None,
            docstring_options=loader.docstring_options if loader else None,
            lines_collection=parent.lines_collection,
            modules_collection=parent.modules_collection,
            extensions=loader.extensions if loader else None,
        )
    except (OSError, UnicodeDecodeError, SyntaxError) as err:
        if on_error is not None:
            on_error(file, err)
        return None
    parent.lines_collection[file] = code.splitlines()
    parent.set_member(name, module)
    return module


class NamespaceSubpackages(griffe.Extension):
    """After a package is loaded, visit its subfolders that hold modules but no `__init__.py`."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        # broken modules are reported by the extraction stage; the API page just lacks them
        paths = pkg.filepath if isinstance(pkg.filepath, list) else [pkg.filepath.parent]
        for directory in paths:
            fill_namespace_subpackages(pkg, Path(directory), loader)


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
            # the extraction reads the docstring as written when it shares this tree (`mkdocstrings_packages`)
            obj.extra["paritydocs"]["raw_docstring"] = docstring.value
            docstring.value = sanitize_markdown(apply_updates(docstring.value, self.updates))


@dataclass(frozen=True, slots=True)
class SharedPackages:
    """Top-level packages another Griffe loader loads (mkdocstrings' Python handler, a sync report's API
    comparison), and how it loads modules: what the extraction adds to that tree itself (a folder the loader
    skipped) goes through the same extensions, so the Python API pages render it sanitised like the rest."""

    load: Callable[[str], griffe.Module | None]
    extensions: griffe.Extensions
    docstring_parser: griffe.Parser | None = None
    docstring_options: Any = None
    """Options for `docstring_parser`, those the parser accepts."""


def mkdocstrings_packages(handler: Any) -> SharedPackages | None:
    """Top-level packages loaded through mkdocstrings' Python handler, for the extraction: the site then reads
    the SDK with Griffe once, not once for the parity pages and again for the Python API pages.

    None when mkdocstrings' options would make its tree differ from a static load of the SDK alone (it may
    import modules, or load other packages into the tree). A package mkdocstrings cannot load is None too; the
    extraction then loads it itself and reports the problem (and it checks the package comes from its tree).
    """
    try:
        options = handler.get_options({})
        extensions = griffe.load_extensions(*handler.normalize_extension_paths(options.extensions))
    except Exception:  # mkdocstrings reports its own configuration errors when it renders
        return None
    config = getattr(handler, "config", None)
    if (
        getattr(options, "allow_inspection", True)
        or getattr(options, "force_inspection", True)
        or getattr(options, "preload_modules", None)
        or getattr(config, "load_external_modules", None)
    ):
        return None
    style = getattr(options, "docstring_style", None)
    parser = griffe.Parser(style) if style else None
    parser_options = None
    if parser is not None and getattr(options, "docstring_options", None) is not None:
        accepted = set(inspect.signature(griffe.parsers[parser]).parameters) - {"docstring"}
        parser_options = {k: v for k, v in asdict(options.docstring_options).items() if k in accepted}

    def load(name: str) -> griffe.Module | None:
        try:
            module = handler.collect(name, options)
        except Exception:  # CollectionError, or a Griffe error: the extraction's own load says what is wrong
            return None
        return module if isinstance(module, griffe.Module) else None

    return SharedPackages(load, extensions, parser, parser_options)
