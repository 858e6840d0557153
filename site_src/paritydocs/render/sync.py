"""The sync report as Markdown: source links for both revisions and the port, the implementation checklist,
and the pages through the overridable `sync.md.jinja` template.

- `render_markdown`: the whole report on one page (`paritydocs sync --format markdown`), or its failure page.
- `render_site_pages`: the site's pages of a range: its page (every section but the changes in full) and one page
  per Python file with breaking/functional or documentation changes (those changes in full). A maintainer opens
  the file they port; an edit of the port changes the pages of the files it is a target of, not the whole report.
"""

from __future__ import annotations

import posixpath
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from paritydocs.config import RepoLink, Settings
from paritydocs.errors import SourceError
from paritydocs.render.links import relpath_factory, unique_name
from paritydocs.sync import (
    BREAKING,
    CLASSES,
    DOCUMENTATION,
    POLISH,
    PRIORITY,
    Change,
    ElixirTarget,
    Revision,
    SyncReport,
)

__all__ = [
    "ChecklistEntry",
    "SyncFilePage",
    "SyncLinks",
    "TemplateRenderer",
    "render_markdown",
    "render_site_pages",
    "sync_checklist",
]


class TemplateRenderer(Protocol):
    """What `render_markdown` needs of a `paritydocs.render.Renderer`: a template rendered by name."""

    def render(self, name: str, **context: Any) -> str: ...


@dataclass(slots=True)
class ChecklistEntry:
    """One checkbox of the implementation checklist."""

    action: str
    subject: str | None
    module: str | None
    file: str | None
    url: str | None
    details: list[str] = field(default_factory=list)
    state: str = ""
    lines: list[int] = field(default_factory=list)
    done: bool = False
    """The port already has what the change leads to (`_done`): the item is ticked."""
    children: list[ChecklistEntry] = field(default_factory=list)
    """An item for one Elixir file and action: the changes it gathers, each ticked on its own; the item is done
    when they all are."""


def sync_checklist(report: SyncReport, links: SyncLinks | None = None) -> list[tuple[str, str, list[ChecklistEntry]]]:
    """(priority, class, entries): one entry per functional change, per Elixir module to document, per
    Elixir file still holding an outdated model name."""
    high: list[ChecklistEntry] = []
    for change in report.of_class(BREAKING):
        target = change.elixir
        high.append(
            ChecklistEntry(
                action=_ACTIONS.get(change.kind, "Port"),
                subject=change.python.path or change.python.file,
                module=target.module if target else None,
                file=target.file if target else None,
                url=links.elixir(target.file, target.line) if links and target and target.file else None,
                details=[change.field] if change.field else [],
                state=_target_state(target),
                done=_done(change),
            )
        )
    high = _by_file_and_action(high)
    medium: dict[str, ChecklistEntry] = OrderedDict()
    for change in report.of_class(DOCUMENTATION):
        target = change.elixir
        key = (target.module if target and target.module else None) or change.owner or ""
        entry = medium.get(key)
        if entry is None:
            entry = medium[key] = ChecklistEntry(
                action="Port documentation of",
                subject=change.owner,
                module=target.module if target else None,
                file=target.file if target else None,
                url=links.elixir(target.file, target.line) if links and target and target.file else None,
            )
        label = _doc_label(change)
        if label not in entry.details:
            entry.details.append(label)
    for entry in medium.values():
        entry.state = _doc_state(entry, report.of_class(DOCUMENTATION))
    low: dict[str, ChecklistEntry] = OrderedDict()
    for occ in report.elixir_model_names:
        if occ.audience != "user-facing":
            continue
        entry = low.get(occ.file)
        if entry is None:
            entry = low[occ.file] = ChecklistEntry(
                action="Replace outdated model names",
                subject=None,
                module=None,
                file=occ.file,
                url=links.elixir(occ.file, occ.line) if links else None,
                state=occ.reason,
            )
        pair = f"{occ.old} → {occ.new}"
        if pair not in entry.details:
            entry.details.append(pair)
        entry.lines.append(occ.line)
    return [
        (PRIORITY[BREAKING], BREAKING, high),
        (PRIORITY[DOCUMENTATION], DOCUMENTATION, list(medium.values())),
        (PRIORITY[POLISH], POLISH, list(low.values())),
    ]


def _by_file_and_action(entries: list[ChecklistEntry]) -> list[ChecklistEntry]:
    """One item per Elixir file (or module) and action, the changes under it; a pair that gathers one change stays
    that change. In the order of their first change."""
    groups: dict[tuple[str | None, ...], list[ChecklistEntry]] = OrderedDict()
    for entry in entries:
        # a change with no Elixir place gathers only the same action on the same Python object
        placed = entry.module or entry.file
        key = (entry.action, entry.module, entry.file) if placed else (entry.action, None, None, entry.subject)
        groups.setdefault(key, []).append(entry)
    merged: list[ChecklistEntry] = []
    for members in groups.values():
        if len(members) == 1:
            merged.append(members[0])
            continue
        first = members[0]
        done = sum(m.done for m in members)
        merged.append(
            ChecklistEntry(
                action=first.action,
                subject=None,
                module=first.module,
                file=first.file,
                url=first.url,
                state=f"{len(members)} changes, {done} done",
                done=done == len(members),
                children=members,
            )
        )
    return merged


_ACTIONS = {
    "api_breaking": "Check the breaking change in",
    "type_added": "Port the new type",
    "type_removed": "Remove or deprecate the port of",
    "type_changed": "Update the members of",
    "field_added": "Add the new field to",
    "field_removed": "Remove or deprecate the field of",
    "field_type_changed": "Update the field type in",
    "default_changed": "Update the default in",
    "parameter_added": "Add the new parameter to",
    "function_added": "Port the new function",
    "class_added": "Port the new class",
    "module_added": "Port the new module",
    "behaviour_changed": "Port the behaviour change of",
    "constant_added": "Port the new constant",
    "constant_changed": "Update the constant",
    "constant_removed": "Remove or deprecate the port of the constant",
}


_PORTED_WHEN_PRESENT = frozenset({"field_added", "type_added", "function_added", "parameter_added"})
_PORTED_WHEN_ABSENT = frozenset({"field_removed", "type_removed"})


def _done(change: Change) -> bool:
    """Whether the port already has what the change leads to: a new field, type, function or option present; a removed
    one gone; a constant or a field default holding the new value; a behaviour change whose added strings and
    numbers are all in the port. Anything else needs a person to look."""
    target = change.elixir
    if target is None:
        return False
    if change.kind in ("constant_added", "constant_changed"):
        return target.matches is True
    if change.kind == "constant_removed":
        return not target.present  # the port's constant of that name is gone too
    if change.kind in _PORTED_WHEN_PRESENT:
        # a type's new `__init__` is its parameters, which the pair page compares: present is not ported
        return target.present and not (change.python.path or "").endswith(".__init__")
    if change.kind in _PORTED_WHEN_ABSENT:
        return not target.present and target.module is not None
    if change.kind == "default_changed":
        return target.matches is True
    if change.kind == "behaviour_changed":
        # the strings and numbers it added are all in the port already (and it added some)
        found = [where for _, where in (*target.literals, *target.numbers)]
        return bool(found) and all(where is not None for where in found)
    return False


def _target_state(target: ElixirTarget | None) -> str:
    if target is None:
        return "no Elixir target found"
    if not target.present:
        if target.found_by:
            return f"missing in the port: {target.found_by}"
        return "missing in the port" if target.module else "no Elixir target found"
    bits = []
    if target.is_constant:
        bits.append(f"constant {target.field} = {target.default}")
    else:
        if target.field:
            bits.append(f"field :{target.field}")
        if target.default is not None:
            bits.append(f"default {target.default}")
    if target.matches is True:
        bits.append("holds the new value: done")
    elif target.matches is False:
        bits.append("differs from the new value: open")
    return ", ".join(bits)


def _doc_label(change: Change) -> str:
    target = change.elixir
    if change.field:
        ex_name = target.field if target and target.field else change.field
        return f"{change.field} → :{ex_name}" if ex_name != change.field else change.field
    return change.owner.rsplit(".", 1)[-1] if change.owner else "(module)"


def _doc_state(entry: ChecklistEntry, changes: list[Change]) -> str:
    mine = [c for c in changes if c.elixir is not None and c.elixir.module == entry.module and entry.module]
    if not entry.module:
        return "no Elixir target found"
    undocumented = sum(1 for c in mine if c.elixir is not None and c.elixir.present and not c.elixir.documented)
    missing = sum(1 for c in mine if c.elixir is not None and not c.elixir.present)
    parts = []
    if undocumented:
        parts.append(f"{undocumented} undocumented in the port")
    if missing:
        parts.append(f"{missing} missing in the port")
    documented = len(mine) - undocumented - missing
    if documented:
        parts.append(f"{documented} already documented: review")
    return ", ".join(parts)


# --------------------------------------------------------------------------------------------------
# Links


@dataclass(slots=True)
class SyncLinks:
    """Source links for both Python revisions and the Elixir tree; none where the revision's commit is unknown."""

    python_repo: RepoLink | None
    elixir_repo: RepoLink | None
    old_ref: str | None
    new_ref: str | None
    elixir_ref: str | None
    old_prefix: bool = True
    new_prefix: bool = True

    @classmethod
    def for_report(cls, settings: Settings, report: SyncReport, *, elixir_pinned: bool = True) -> SyncLinks:
        """`elixir_pinned`: the Elixir tree is the configured one, so `elixir_repo.ref` may stand in for an
        unknown commit (as on the other pages); False for a tree given on the command line."""

        def python_ref(rev: Revision) -> str | None:
            if rev.ref:
                return rev.ref
            if settings.python_repo is not None and rev.spec == settings.python:
                return settings.python_repo.ref  # the configured pin is what python_repo.ref points at
            return None

        elixir_ref = report.elixir.ref
        if elixir_ref is None and elixir_pinned and settings.elixir_repo is not None:
            elixir_ref = settings.elixir_repo.ref
        return cls(
            settings.python_repo,
            settings.elixir_repo,
            python_ref(report.old),
            python_ref(report.new),
            elixir_ref,
            # a git tree is the repository itself: its paths are already repository paths
            old_prefix=report.old.kind != "git",
            new_prefix=report.new.kind != "git",
        )

    @staticmethod
    def _blob(repo: RepoLink | None, ref: str | None, file: str | None, line: int | None, prefix: bool) -> str | None:
        if repo is None or ref is None or not file:
            return None
        return repo.blob(file, line, ref=ref, prefixed=prefix)

    def python_old(self, file: str | None, line: int | None = None) -> str | None:
        return self._blob(self.python_repo, self.old_ref, file, line, self.old_prefix)

    def python_new(self, file: str | None, line: int | None = None) -> str | None:
        return self._blob(self.python_repo, self.new_ref, file, line, self.new_prefix)

    def elixir(self, file: str | None, line: int | None = None) -> str | None:
        return self._blob(self.elixir_repo, self.elixir_ref, file, line, True)

    def python_commit(self, sha: str) -> str | None:
        """The commit's page on the Python repository's host (GitHub's `/commit/<sha>`), when it is configured."""
        if self.python_repo is None or not re.fullmatch(r"[0-9a-f]{7,64}", sha):
            return None
        return f"{self.python_repo.url.rstrip('/')}/commit/{sha}"


def render_markdown(
    renderer: TemplateRenderer,
    settings: Settings,
    report: SyncReport | None,
    *,
    title: str,
    failure: SourceError | None = None,
    page_path: str = "",
    elixir_pinned: bool = True,
) -> str:
    """The whole report on one page (or the failure page) through the overridable `sync.md.jinja` template."""
    links = SyncLinks.for_report(settings, report, elixir_pinned=elixir_pinned) if report is not None else None
    return _render(renderer, settings, report, links, title=title, failure=failure, page_path=page_path)


@dataclass(slots=True)
class SyncFilePage:
    """A page of a range on the site: the changes of one Python file."""

    file: str
    path: str
    """The page's path under the docs directory."""
    link: str
    """The link to it from the range's page."""
    report: SyncReport
    """The range's report with this file's changes alone."""
    modules: list[str]
    """The Elixir modules its changes land in, in order."""
    content: str = ""

    @property
    def title(self) -> str:
        return self.file or "(no file)"


Memo = Callable[[dict[str, Any], Callable[[], str]], str]
"""`memo(what, make)`: a file page's Markdown, from `what` (everything the page is made of but the templates and
settings: its report, path, links, as dataclasses and plain values) or else `make()`: the site keeps file pages
across builds with one."""


def render_site_pages(
    renderer: TemplateRenderer,
    settings: Settings,
    report: SyncReport,
    *,
    title: str,
    page_path: str,
    memo: Memo | None = None,
) -> tuple[str, list[SyncFilePage]]:
    """The range's page (`page_path`: every section, the changes in full replaced by a table of the file pages) and
    its file pages, next to it in a folder of the page's name (`sync/<slug>/index.md` → `sync/<slug>/<file>.md`)."""
    links = SyncLinks.for_report(settings, report)
    folder, from_index = posixpath.dirname(page_path), relpath_factory(page_path)
    files: list[SyncFilePage] = []
    taken: set[str] = {posixpath.basename(page_path).lower()}
    for file, part in report.by_file():
        path = posixpath.join(folder, _file_page_name(file, taken))
        modules = list(dict.fromkeys(c.elixir.module for c in part.changes if c.elixir and c.elixir.module))
        files.append(SyncFilePage(file, path, from_index(path), part, modules))
    index = _render(renderer, settings, report, links, title=title, page_path=page_path, part="index", file_pages=files)
    for page in files:
        back = {"title": title, "link": relpath_factory(page.path)(page_path)}

        def make(page: SyncFilePage = page, back: dict[str, str] = back) -> str:
            return _render(
                renderer,
                settings,
                page.report,
                links,
                title=page.title,
                page_path=page.path,
                part="file",
                index=back,
            )

        what = {"report": page.report, "path": page.path, "index": back, "links": links}
        page.content = memo(what, make) if memo is not None else make()
    return index, files


def _file_page_name(file: str, taken: set[str]) -> str:
    """`tinker/types/model_data.py` → `tinker.types.model_data.md` (the suffix dropped, folders as dots, other
    characters as `-`), unique in the folder (case folded, as on the file systems that fold it)."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", file).replace("/", ".")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-") or "changes"
    return unique_name(stem, taken, suffix=".md", fold=True)


def _render(
    renderer: TemplateRenderer,
    settings: Settings,
    report: SyncReport | None,
    links: SyncLinks | None,
    *,
    title: str,
    page_path: str,
    failure: SourceError | None = None,
    part: str = "report",
    file_pages: list[SyncFilePage] | None = None,
    index: dict[str, str] | None = None,
) -> str:
    file_pages = file_pages or []
    return renderer.render(
        "sync",
        title=title,
        sync=report,
        failure=failure,
        part=part,
        file_pages=file_pages,
        file_links={p.file: p.link for p in file_pages},
        index=index,
        links=links,
        checklist=sync_checklist(report, links) if report is not None and part != "file" else [],
        classes=CLASSES,
        priority=PRIORITY,
        settings=settings,
        relpath=relpath_factory(page_path),
    )
