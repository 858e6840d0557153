"""Render: the parity report as Markdown pages through Jinja templates.

Templates live in the repository's `templates/` (installed as `paritydocs/templates`); a `custom_templates`
directory overrides any of them by name. Templates only read the model and the report; every SDK string
goes through a filter of `render.filters` (and the environment autoescapes anything that does not).

- `Renderer`: turns a `ParityReport` into `Page`s (one instance per build, templates compiled once).
- `Page`: a generated page: path, title, Markdown, nav section.
- `builtin_templates`: the directory of the built-in templates.
- `make_environment`: the Jinja environment (custom templates first, then the built-in ones, with the filters).
- `PAGE_TEMPLATES`: page name → template name.

Submodules: `links` (`Links`: URLs for sources, HexDocs and pages), `checklist` (`checklist_groups`, the
dashboard's areas, the `## Fields` snippet), `filters` (the pure Jinja filters), `memo` (`FilterMemo`: what the
text filters made of each text, kept for a build or a `serve` session).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from paritydocs.config import Settings
from paritydocs.errors import ConfigError
from paritydocs.model import SdkModel, TypeDef
from paritydocs.modelnames import compile_updates
from paritydocs.parity import ParityReport
from paritydocs.parity.baseline import load_baseline
from paritydocs.parity.findings import SEVERITY, Severity
from paritydocs.render.checklist import (
    CHECKLIST_PAGE_ITEMS,
    checklist_groups,
    checklist_parts,
    coverage_areas,
    fields_snippet,
    kind_levels,
    new_since,
)
from paritydocs.render.filters import FILTERS
from paritydocs.render.links import Links, relpath_factory, unique_slugs
from paritydocs.render.memo import FilterMemo

__all__ = ["PAGE_TEMPLATES", "Page", "Renderer", "builtin_templates", "make_environment"]

PAGE_TEMPLATES = {
    "dashboard": "dashboard.md.jinja",
    "pair": "pair.md.jinja",
    "unmatched": "unmatched.md.jinja",
    "checklist": "checklist.md.jinja",
    "model_names": "model_names.md.jinja",
    "constants": "constants.md.jinja",
    "modules": "modules.md.jinja",
    "python_api": "python_api.md.jinja",
    "client": "client.md.jinja",
    "sync": "sync.md.jinja",
}


def builtin_templates() -> Path:
    """The built-in templates: the data package `paritydocs.templates`, which is the repository's `templates/`."""
    return Path(str(resources.files("paritydocs.templates")))


def make_environment(
    custom: Path | None = None,
    *,
    bytecode_cache: jinja2.BytecodeCache | None = None,
    filter_memo: FilterMemo | None = None,
) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if custom is not None:
        loaders.append(jinja2.FileSystemLoader(str(custom)))
    loaders.append(jinja2.FileSystemLoader(str(builtin_templates())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        # Markdown output, but HTML-escaping is also safe Markdown: any value a template forgets to
        # filter comes out inert instead of live.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        # one environment per build: checking every template file's mtime on each include (a stat per table
        # row) was a third of the rendering time on large SDKs
        auto_reload=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=bytecode_cache,  # `serve` keeps compiled templates between builds
    )
    env.filters.update(filter_memo.wrap(FILTERS) if filter_memo is not None else FILTERS)  # results kept
    return env


@dataclass(slots=True)
class Page:
    """A generated page: its path under the docs directory, its Markdown, and what it is titled in the nav."""

    path: str
    title: str
    content: str
    section: str
    keep_model_names: bool = False
    """The page shows outdated model names on purpose (the model-name report)."""
    group: str = ""
    """The group of its section it is listed under in the nav (a sync report's pages: the range's title); the
    group's first page is its page."""


class Renderer:
    """Turns a `ParityReport` into `Page`s. One instance per build; templates are compiled once."""

    def __init__(
        self,
        settings: Settings,
        *,
        autorefs: bool = False,
        bytecode_cache: jinja2.BytecodeCache | None = None,
        filter_memo: FilterMemo | None = None,
    ) -> None:
        self.settings = settings
        self.autorefs = autorefs
        """Whether the autorefs plugin resolves `[text][identifier]` links; else pages link by relative path."""
        self.env = make_environment(settings.custom_templates, bytecode_cache=bytecode_cache, filter_memo=filter_memo)
        self.updates = compile_updates(settings.model_names)
        self.prefix = f"{settings.output_dir}/" if settings.output_dir else ""

    def path(self, rel: str) -> str:
        return self.prefix + rel

    def _context(self, report: ParityReport, links: Links, **extra: Any) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "report": report,
            "python_source": report.python_model.source,
            "elixir_source": report.elixir_model.source,
            "links": links,
            "updates": self.updates,
            "severities": [s.value for s in Severity],
            "kind_severity": {kind.value: level.value for kind, level in SEVERITY.items()},
            "relpath": relpath_factory(extra.get("page_path", "")),
            "autorefs": self.autorefs,
            **extra,
        }

    def render(self, name: str, **context: Any) -> str:
        template_name = PAGE_TEMPLATES.get(name, name)
        try:
            text = self.env.get_template(template_name).render(**context)
        except jinja2.TemplateSyntaxError as err:
            raise ConfigError(
                f"template {err.filename or err.name or template_name}:{err.lineno}: {err.message}; fix the template "
                "or remove it from custom_templates"
            ) from err
        except jinja2.TemplateNotFound as err:
            raise ConfigError(
                f"template {template_name}: it includes '{err.name}', which no template directory has"
            ) from err
        except jinja2.TemplateError as err:
            raise ConfigError(
                f"template {template_name}: {err}; a custom template may use a variable the page does not have "
                "(each template's first comment lists them)"
            ) from err
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"

    def pages(
        self, report: ParityReport, *, extra_pages: list[Page] | None = None, baseline: set[str] | None = None
    ) -> list[Page]:
        """Every generated page. `baseline`: the finding keys of `settings.baseline`, already read (else it is read
        here, and a broken file raises `ConfigError`)."""
        links = Links.of_sources(self.settings, report.python_model.source, report.elixir_model.source)
        slugs = unique_slugs([(p.python.path, p.python.name) for p in report.pairs])
        for pair in report.pairs:
            links.pair_pages[pair.python.path] = self.path(f"types/{slugs[pair.python.path]}.md")
        client_pairs = report.client_pairs
        client_slugs = unique_slugs([(cp.python.path, cp.python.name) for cp in client_pairs])
        for cp in client_pairs:
            links.client_pages[cp.python.path] = self.path(f"clients/{client_slugs[cp.python.path]}.md")
        pages: list[Page] = []

        def add(
            path: str, title: str, section: str, template: str, *, keep: bool = False, group: str = "", **ctx: Any
        ) -> None:
            full = self.path(path)
            content = self.render(template, **self._context(report, links, page_path=full, **ctx))
            pages.append(Page(full, title, content, section, keep_model_names=keep, group=group))

        add(
            "index.md",
            "Dashboard",
            "",
            "dashboard",
            areas=coverage_areas(report),
            client_pairs=client_pairs,
            kind_levels=kind_levels(report),
        )
        for pair in report.pairs:
            add(
                f"types/{slugs[pair.python.path]}.md",
                pair.python.name,
                "Types",
                "pair",
                pair=pair,
                snippet=fields_snippet(pair, self.updates),
            )
        for cp in client_pairs:
            add(f"clients/{client_slugs[cp.python.path]}.md", cp.python.name, "Clients", "client", pair=cp)
        constants_page = self.path("constants.md") if report.constant_rows else None
        groups = checklist_groups(report, links, constants_page=constants_page)
        if baseline is None and self.settings.baseline:
            baseline = load_baseline(self.settings.baseline)
        fresh = new_since(groups, baseline) if baseline is not None else None
        parts = checklist_parts(groups, fresh, CHECKLIST_PAGE_ITEMS)  # one page, unless it holds more items
        rels = ["checklist.md" if part.number == 1 else f"checklist-{part.number}.md" for part in parts]
        part_paths = [(part, self.path(rel)) for part, rel in zip(parts, rels, strict=True)]
        for part, rel in zip(parts, rels, strict=True):
            add(
                rel,
                "Parity checklist" if part.number == 1 else f"Page {part.number}",
                "Reports",
                "checklist",
                group="Parity checklist" if len(parts) > 1 else "",
                groups=groups,
                new_items=fresh,
                part=part,
                parts=part_paths,
                page_items=CHECKLIST_PAGE_ITEMS,
            )
        add("unmatched.md", "Unmatched types", "Reports", "unmatched")
        if report.constant_rows:
            add("constants.md", "Constants", "Reports", "constants", rows=report.constant_rows)
        if report.module_rows:
            add("modules.md", "Python modules", "Reports", "modules", rows=report.module_rows)
        add(
            "model-names.md",
            "Model names",
            "Reports",
            "model_names",
            keep=True,
            occurrences=report.model_names,
        )
        if self.settings.python_api:
            pair_of = {id(p.python): p for p in report.pairs}
            for typedef in _api_types(report.python_model):
                add(
                    f"api/{typedef.public_path or typedef.path}.md",
                    typedef.name,
                    "Python API",
                    "python_api",
                    typedef=typedef,
                    pair=pair_of.get(id(typedef)),
                )
        pages.extend(extra_pages or [])
        return pages


def _api_types(model: SdkModel) -> list[TypeDef]:
    return sorted(model.types, key=lambda t: (t.public_path or t.path).lower())
