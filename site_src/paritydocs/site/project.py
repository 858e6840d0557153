"""The `mkdocs.yml` that `paritydocs generate` writes beside the pages: a project any generator that reads
`mkdocs.yml` builds as it is, with no paritydocs plugin (Zensical, which skips plugins it does not know;
MkDocs; ProperDocs). It holds what the plugin would add to a build: the Markdown extensions the pages use, the
stylesheet, the navigation, and mkdocstrings' Python handler pointed at the SDK (paths relative to the project,
the same static, never-importing options and the same Griffe extensions).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from paritydocs.site import SiteBuild
from paritydocs.site.files import CSS_URI
from paritydocs.site.mkdocstrings import DOCSTRING_EXTENSION, NAMESPACE_EXTENSION
from paritydocs.site.nav import build_nav

__all__ = ["DOCS_DIR", "REQUIRED_EXTENSIONS", "project_config"]

DOCS_DIR = "docs"
REQUIRED_EXTENSIONS = (
    "tables",
    "admonition",
    "pymdownx.details",
    "pymdownx.tasklist",
    "md_in_html",
    "attr_list",
    "toc",
)
"""The Markdown extensions the generated pages use (the plugin adds them to a build that lacks them)."""


def project_config(site: SiteBuild, out: Path, *, site_url: str | None, directory_urls: bool = True) -> str:
    """The project's `mkdocs.yml` for the pages of `site` written under `out / DOCS_DIR`."""
    settings = site.settings
    config: dict[str, Any] = {"site_name": settings.nav_title}
    if site_url:
        config["site_url"] = site_url
    if not directory_urls:
        config["use_directory_urls"] = False
    config["docs_dir"] = DOCS_DIR
    config["theme"] = {"name": "material", "font": False, "features": ["navigation.sections", "navigation.top"]}
    config["markdown_extensions"] = [e for e in REQUIRED_EXTENSIONS if e != "toc"] + [{"toc": {"permalink": True}}]
    config["extra_css"] = [CSS_URI]
    config["nav"] = build_nav(site.pages, [])
    plugins: list[Any] = ["search"]
    if site.api_paths:
        paths = [os.path.relpath(p, out) if Path(p).is_absolute() else p for p in site.api_paths]
        options = {
            "allow_inspection": False,  # static, like the extraction: never import the SDK
            "docstring_style": "google",
            "show_source": False,
            "members_order": "source",
            "extensions": [NAMESPACE_EXTENSION, {DOCSTRING_EXTENSION: {"model_names": dict(settings.model_names)}}],
        }
        plugins.append({"mkdocstrings": {"handlers": {"python": {"paths": paths, "options": options}}}})
    config["plugins"] = plugins
    header = (
        "# Written by `paritydocs generate`: the parity pages as a plain project, no plugin needed.\n"
        "# Build it with `zensical build`, `mkdocs build` or `properdocs build` in this folder.\n"
    )
    return header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
