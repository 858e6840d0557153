"""Render: the parity report as Markdown pages through Jinja templates.

Templates live in the repository's `templates/` (installed as `paritydocs/templates`); a `custom_templates`
directory overrides any of them by name. Templates only read the model and the report; every SDK string
goes through a filter of `render.filters` (and the environment autoescapes anything that does not).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from paritydocs.config import RepoLink, Settings
from paritydocs.errors import ConfigError
from paritydocs.model import Location, SdkModel, TypeDef
from paritydocs.modelnames import compile_updates
from paritydocs.parity import PairReport, ParityReport
from paritydocs.parity.findings import SEVERITY, Finding, Severity
from paritydocs.render.filters import FILTERS

PAGE_TEMPLATES = {
    "dashboard": "dashboard.md.jinja",
    "pair": "pair.md.jinja",
    "unmatched": "unmatched.md.jinja",
    "checklist": "checklist.md.jinja",
    "model_names": "model_names.md.jinja",
    "python_api": "python_api.md.jinja",
    "client": "client.md.jinja",
    "sync": "sync.md.jinja",
}


def builtin_templates() -> Path:
    """The built-in templates: the data package `paritydocs.templates`, which is the repository's `templates/`."""
    return Path(str(resources.files("paritydocs.templates")))


def make_environment(
    custom: Path | None = None, *, bytecode_cache: jinja2.BytecodeCache | None = None
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
    env.filters.update(FILTERS)
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


@dataclass(slots=True)
class Links:
    """URLs for source lines, HexDocs and pages, from configuration."""

    settings: Settings
    python_ref: str | None = None
    elixir_ref: str | None = None
    pair_pages: dict[str, str] = field(default_factory=dict)
    """Python type path → page path."""
    client_pages: dict[str, str] = field(default_factory=dict)

    def _blob(self, repo: RepoLink | None, ref: str | None, loc: Location | None) -> str | None:
        if repo is None or loc is None or not loc.file:
            return None
        return repo.blob(loc.file, loc.line, ref=ref)

    def python(self, loc: Location | None) -> str | None:
        return self._blob(self.settings.python_repo, self.python_ref, loc)

    def elixir(self, loc: Location | None) -> str | None:
        return self._blob(self.settings.elixir_repo, self.elixir_ref, loc)

    def hexdocs(self, module: str, function: str | None = None) -> str | None:
        if not self.settings.hexdocs:
            return None
        anchor = f"#{function}" if function else ""
        return f"https://hexdocs.pm/{quote(self.settings.hexdocs)}/{quote(module)}.html{quote(anchor, safe='#/?!')}"


def _unique_slugs(names: list[tuple[str, str]]) -> dict[str, str]:
    """key → slug from the short name, falling back to the full path where two types share a name."""
    counts: dict[str, int] = {}
    for _, short in names:
        counts[short] = counts.get(short, 0) + 1
    return {key: (short if counts[short] == 1 else key.replace(".", "-")) for key, short in names}


class Renderer:
    """Turns a `ParityReport` into `Page`s. One instance per build; templates are compiled once."""

    def __init__(
        self, settings: Settings, *, autorefs: bool = False, bytecode_cache: jinja2.BytecodeCache | None = None
    ) -> None:
        self.settings = settings
        self.autorefs = autorefs
        """Whether the autorefs plugin resolves `[text][identifier]` links; else pages link by relative path."""
        self.env = make_environment(settings.custom_templates, bytecode_cache=bytecode_cache)
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
            "relpath": _relpath_factory(extra.get("page_path", "")),
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

    def pages(self, report: ParityReport, *, extra_pages: list[Page] | None = None) -> list[Page]:
        py, ex = report.python_model.source, report.elixir_model.source
        links = Links(
            self.settings,
            python_ref=py.ref if py.ref else None,
            elixir_ref=ex.ref if ex.ref else None,
        )
        slugs = _unique_slugs([(p.python.path, p.python.name) for p in report.pairs])
        for pair in report.pairs:
            links.pair_pages[pair.python.path] = self.path(f"types/{slugs[pair.python.path]}.md")
        client_pairs = getattr(report, "client_pairs", [])
        client_slugs = _unique_slugs([(cp.python.path, cp.python.name) for cp in client_pairs])
        for cp in client_pairs:
            links.client_pages[cp.python.path] = self.path(f"clients/{client_slugs[cp.python.path]}.md")
        pages: list[Page] = []

        def add(path: str, title: str, section: str, template: str, *, keep: bool = False, **ctx: Any) -> None:
            full = self.path(path)
            content = self.render(template, **self._context(report, links, page_path=full, **ctx))
            pages.append(Page(full, title, content, section, keep_model_names=keep))

        add("index.md", "Dashboard", "", "dashboard", areas=_areas(report), client_pairs=client_pairs)
        for pair in report.pairs:
            add(
                f"types/{slugs[pair.python.path]}.md",
                pair.python.name,
                "Types",
                "pair",
                pair=pair,
                snippet=_fields_snippet(pair, self.updates),
            )
        for cp in client_pairs:
            add(f"clients/{client_slugs[cp.python.path]}.md", cp.python.name, "Clients", "client", pair=cp)
        add("checklist.md", "Parity checklist", "Reports", "checklist", groups=checklist_groups(report, links))
        add("unmatched.md", "Unmatched types", "Reports", "unmatched")
        add(
            "model-names.md",
            "Model names",
            "Reports",
            "model_names",
            keep=True,
            occurrences=getattr(report, "model_names", []),
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


def _relpath_factory(page_path: str) -> Callable[[str], str]:
    """Link from the page being rendered to another generated page (both relative to the docs dir)."""
    import posixpath

    base = posixpath.dirname(page_path)

    def relpath(target: str) -> str:
        target, _, anchor = target.partition("#")
        rel = posixpath.relpath(target, base or ".")
        return rel + (f"#{anchor}" if anchor else "")

    return relpath


def _api_types(model: SdkModel) -> list[TypeDef]:
    return sorted(model.types, key=lambda t: (t.public_path or t.path).lower())


def _areas(report: ParityReport) -> list[dict[str, Any]]:
    """Doc coverage and findings per area (the Python module a pair comes from: `types`, `lib`, …)."""
    areas: dict[str, dict[str, Any]] = {}
    for pair in report.pairs:
        parts = (pair.python.public_path or pair.python.path).split(".")
        area = parts[1] if len(parts) > 2 else parts[0]
        entry = areas.setdefault(
            area,
            {
                "name": area,
                "pairs": 0,
                "py_fields": 0,
                "py_documented": 0,
                "ex_fields": 0,
                "ex_documented": 0,
                "findings": 0,
            },
        )
        entry["pairs"] += 1
        for row in pair.rows:
            if row.python is not None:
                entry["py_fields"] += 1
                entry["py_documented"] += bool(row.python.doc)
            if row.elixir is not None:
                entry["ex_fields"] += 1
                entry["ex_documented"] += bool(row.elixir.doc)
        entry["findings"] += sum(1 for f in pair.all_findings() if not f.waived)
    return sorted(areas.values(), key=lambda a: a["name"])


@dataclass(slots=True)
class ChecklistItem:
    finding: Finding
    page: str | None
    title: str
    file: str | None
    file_url: str | None


def checklist_groups(report: ParityReport, links: Links) -> list[tuple[str, list[ChecklistItem]]]:
    """Unwaived findings grouped High / Medium / Low (info is not work to do), like the seed's checklist."""
    groups: dict[str, list[ChecklistItem]] = {"high": [], "medium": [], "low": []}

    def add(findings: list[Finding], page: str | None, subject: str) -> None:
        for finding in findings:
            if finding.waived or finding.level.value not in groups:
                continue
            loc = finding.elixir or finding.python
            url = links.elixir(finding.elixir) if finding.elixir else links.python(finding.python)
            groups[finding.level.value].append(ChecklistItem(finding, page, subject, loc.file if loc else None, url))

    for pair in report.pairs:
        add(pair.all_findings(), links.pair_pages.get(pair.python.path), pair.python.name)
    add(report.extra_findings, None, "")
    # clients side by side: items link to the client page
    for cp in getattr(report, "client_pairs", []):
        add(cp.all_findings(), links.client_pages.get(cp.python.path), cp.python.name)
    return [(level, items) for level, items in groups.items()]


def _fields_snippet(pair: PairReport, updates: Any) -> str | None:
    """A ready-to-paste `## Fields` section for the Elixir `@moduledoc`, from the Python field docstrings,
    escaped for a `\"\"\"` heredoc (a `#{` in a docstring must not become interpolation once pasted)."""
    from paritydocs.elixir.docs import field_bullet, heredoc_text

    if pair.is_enum:
        return None
    lines = [f"  {heredoc_text(bullet)}" for row in pair.rows if (bullet := field_bullet(row, updates)) is not None]
    if not lines:
        return None
    return "  ## Fields\n\n" + "\n".join(lines)
