"""A Markdown extension that says when a site is built without the paritydocs plugin.

Zensical reads `mkdocs.yml` but skips the plugins it does not know without a word: a site built so publishes none
of the parity pages and reports nothing. Listing this extension in `markdown_extensions` (`- paritydocs.guard`)
makes such a build fail at its first page with one line that says why and what to do; with the plugin running
(MkDocs, ProperDocs), it does nothing: the plugin's `on_config` marks it before any page is converted (MkDocs
builds the extensions once earlier, to check them: that converts nothing, and is not a page).
"""

from __future__ import annotations

from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

__all__ = ["PluginMissing", "makeExtension", "plugin_started"]

_STARTED = {"plugin": False}

MESSAGE = (
    "the paritydocs plugin did not run: this site generator skipped it (Zensical skips plugins it does not know), so"
    " no parity page would be published. Build with MkDocs or ProperDocs, or build the folder `paritydocs generate"
    " --out DIR` writes (its own mkdocs.yml, no plugin needed)"
)


class PluginMissing(RuntimeError):
    """Raised when a page is converted and the plugin never started."""


def plugin_started() -> None:
    """Called by the plugin's `on_config`: the pages will be there."""
    _STARTED["plugin"] = True


class _Check(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        if not _STARTED["plugin"]:
            raise PluginMissing(MESSAGE)
        return lines


class _Guard(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_Check(md), "paritydocs_guard", 100)


def makeExtension(**kwargs: Any) -> Extension:
    return _Guard(**kwargs)
