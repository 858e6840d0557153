"""The Python API section through mkdocstrings: its Python handler's configuration, Griffe extensions for it,
and the Griffe tree the extraction shares with it.

A Griffe extension for mkdocstrings: load folders without `__init__.py` inside a regular package.
Tinker's `tinker/lib/` is such a folder (an implicit namespace subpackage). Griffe's loader skips it, so
`::: tinker.lib.retry_handler.RetryConfig` would not be found; the plugin adds this extension to the
mkdocstrings Python handler so the Python API section can document those types too.

- `NamespaceSubpackages`, `SdkDocstrings`: the Griffe extensions the plugin gives the handler.
- `configure_mkdocstrings`: point the handler at the resolved Python tree, with those extensions.
- `python_handler`: mkdocstrings' Python handler, when the Python API section is on.
- `mkdocstrings_packages`, `handler_packages`: the SDK's packages as the handler loads them, for the extraction.
- `share_between_builds`: `serve` hands the next build the tree and compiled templates the handler had.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import griffe

from paritydocs.config import Settings
from paritydocs.errors import SourceError
from paritydocs.python.loader import SharedPackages, fill_namespace_subpackages, python_search_path
from paritydocs.site.session import ServeSession
from paritydocs.sources import resolve
from paritydocs.textsafe import logger

__all__ = [
    "DOCSTRING_EXTENSION",
    "NAMESPACE_EXTENSION",
    "NamespaceSubpackages",
    "SdkDocstrings",
    "configure_mkdocstrings",
    "handler_packages",
    "mkdocstrings_packages",
    "python_handler",
    "share_between_builds",
]

NAMESPACE_EXTENSION = "paritydocs.site.mkdocstrings:NamespaceSubpackages"
DOCSTRING_EXTENSION = "paritydocs.site.mkdocstrings:SdkDocstrings"


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

    signature = json.dumps(
        [repr(options.extensions), style, parser_options, getattr(options, "docstring_section_style", None)],
        sort_keys=True,
        default=repr,
    )
    if " at 0x" in signature:  # an object in the options, named by its address: no stable signature
        signature = ""
    return SharedPackages(load, extensions, parser, parser_options, signature=signature)


def python_handler(config: Any, settings: Settings | None) -> Any:
    """mkdocstrings' Python handler, when the Python API section is on; else None."""
    mkdocstrings = config.plugins.get("mkdocstrings")
    if mkdocstrings is None or settings is None or not settings.python_api:
        return None
    try:
        return mkdocstrings.handlers.get_handler("python")
    except Exception as err:  # mkdocstrings reports its own configuration errors when it renders
        logger.debug("paritydocs: mkdocstrings' Python handler is unavailable: %s", err)
        return None


def handler_packages(config: Any, settings: Settings | None) -> SharedPackages | None:
    """The SDK's packages as mkdocstrings' Python handler loads them, so the build reads them once."""
    handler = python_handler(config, settings)
    return mkdocstrings_packages(handler) if handler is not None else None


def share_between_builds(
    config: Any, settings: Settings | None, session: ServeSession, python_fingerprint: str
) -> None:
    """serve: hand mkdocstrings the SDK and templates it had."""
    handler = python_handler(config, settings)
    if handler is None or not python_fingerprint:
        return
    key = python_fingerprint + repr(sorted(config.plugins["mkdocstrings"].config.items(), key=str))
    session.share_griffe(handler, key)
    env = getattr(handler, "env", None)
    if env is not None:
        env.bytecode_cache = session.bytecode_cache("mkdocstrings")


def configure_mkdocstrings(config: Any, settings: Settings) -> None:
    """Point mkdocstrings' Python handler at the resolved Python tree, so `:::` blocks find the SDK."""
    try:
        mkdocstrings = config.plugins["mkdocstrings"]
    except KeyError:
        logger.warning(
            "python_api is on but the mkdocstrings plugin is not enabled: add 'mkdocstrings' to plugins "
            "in mkdocs.yml, or set python_api: false"
        )
        return
    try:
        root = resolve(settings.python, cache_dir=settings.cache_dir).root
    except SourceError:
        return  # reported once, with the fix, when the pages are generated
    handler = mkdocstrings.config.handlers.setdefault("python", {})
    paths = handler.setdefault("paths", [])
    path = python_search_path(str(root))
    if path not in paths:
        paths.insert(0, path)
    options = handler.setdefault("options", {})
    # static, like the extraction: never import the SDK (and so both can share one Griffe load)
    options.setdefault("allow_inspection", False)
    extensions = options.setdefault("extensions", [])
    if NAMESPACE_EXTENSION not in extensions:
        extensions.append(NAMESPACE_EXTENSION)
    extensions[:] = [e for e in extensions if not (isinstance(e, dict) and DOCSTRING_EXTENSION in e)]
    extensions.append({DOCSTRING_EXTENSION: {"model_names": dict(settings.model_names)}})
