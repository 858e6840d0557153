"""What the dashboard and the checklist page list, and the `## Fields` snippet of a pair page.

- `FileAction`, `checklist_groups`: the checklist by file and action ("Document the fields" in one `.ex` file), in
  sections High / Medium / Low, each item with its types, fields and findings (`ChecklistItem`).
- `new_since`: the items with findings a baseline does not hold (what a pull request introduced).
- `kind_levels`: open findings per kind and severity, for the dashboard.
- `coverage_areas`: doc coverage and findings per area (the Python module a pair comes from).
- `fields_snippet`: a ready-to-paste `## Fields` section for the Elixir `@moduledoc`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from paritydocs.elixir.docs import field_bullet, heredoc_text
from paritydocs.model import Location, TypeDef
from paritydocs.modelnames import ModelNameUpdate
from paritydocs.parity import PairReport, ParityReport
from paritydocs.parity.findings import Finding, FindingKind, Severity
from paritydocs.render.links import Links

__all__ = [
    "CHECKLIST_PAGE_ITEMS",
    "LEVELS",
    "ChecklistItem",
    "ChecklistPart",
    "ChecklistSubject",
    "FileAction",
    "checklist_groups",
    "checklist_parts",
    "coverage_areas",
    "fields_snippet",
    "kind_levels",
    "new_since",
]


def kind_levels(report: ParityReport) -> dict[str, dict[str, int]]:
    """Open findings per kind and severity (`optionality_mismatch` → {high: 9, medium: 4, low: 19}): a kind's
    findings are weighed one by one (the direction of the data, a tag, an addition of the port's)."""
    found: dict[str, dict[str, int]] = {}
    for finding in report.all_findings():
        if not finding.waived:
            levels = found.setdefault(finding.kind.value, {})
            levels[finding.level.value] = levels.get(finding.level.value, 0) + 1
    return found


def coverage_areas(report: ParityReport) -> list[dict[str, Any]]:
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
    """One unwaived finding of a checklist item: the page it links to, its subject and its source file."""

    finding: Finding
    page: str | None
    title: str
    file: str | None
    file_url: str | None
    name: str = ""
    """The field, function, option or constant it is about (empty for a type's own doc)."""


@dataclass(slots=True)
class ChecklistSubject:
    """A type, client or constant owner an item is about: its page and the names the item lists for it."""

    title: str
    page: str | None
    names: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FileAction:
    """One checklist item: an action on one file (the Elixir file, or the Python file when the port has no place
    for it), with every finding it settles. Its level is the highest of its findings'."""

    level: str
    action: str
    file: str | None
    file_url: str | None
    findings: list[ChecklistItem] = field(default_factory=list)
    subjects: list[ChecklistSubject] = field(default_factory=list)
    snippet: bool = False
    """A doc action: each type's page holds the suggested `## Fields` text (its "Suggested Elixir docs")."""

    @property
    def counts(self) -> dict[str, int]:
        found = {level: 0 for level in LEVELS}
        for item in self.findings:
            found[item.finding.level.value] += 1
        return {level: n for level, n in found.items() if n}


LEVELS = ("high", "medium", "low")
"""The checklist's sections; `info` is not work to do."""

_TYPE_ACTIONS: dict[FindingKind, str] = {
    FindingKind.MISSING_IN_ELIXIR: "Add the missing fields",
    FindingKind.TYPE_MISMATCH: "Fix types, defaults and optionality",
    FindingKind.REPRESENTATION_DIFFERENCE: "Fix types, defaults and optionality",
    FindingKind.DEFAULT_MISMATCH: "Fix types, defaults and optionality",
    FindingKind.DEFAULT_UNRESOLVED: "Fix types, defaults and optionality",
    FindingKind.OPTIONALITY_MISMATCH: "Fix types, defaults and optionality",
    FindingKind.MISSING_IN_PYTHON: "Review the fields Python does not have",
    FindingKind.DOC_MISSING_IN_ELIXIR: "Document the fields",
    FindingKind.DOC_MISSING_IN_PYTHON: "Nothing to port: the port documents what Python does not",
    FindingKind.OUTDATED_MODEL_NAME: "Update model names",
    FindingKind.CONSTANT_MISMATCH: "Align the constants",
    FindingKind.CONSTANT_MISSING_IN_ELIXIR: "Add the missing constants",
}
_CLIENT_ACTIONS: dict[FindingKind, str] = {
    FindingKind.MISSING_IN_ELIXIR: "Add the missing functions and options",
    FindingKind.MISSING_IN_PYTHON: "Review the functions and options Python does not have",
    FindingKind.DOC_MISSING_IN_ELIXIR: "Document the functions and options",
    FindingKind.DOC_MISSING_IN_PYTHON: "Nothing to port: the port documents what Python does not",
}
_ONE_ITEM = frozenset({"Nothing to port: the port documents what Python does not"})
"""Actions the port has nothing to do in its files for: one item for the whole site, not one a file."""
_ACTION_ORDER = [
    "Add the missing fields",
    "Add the missing functions and options",
    "Fix types, defaults and optionality",
    "Add the missing constants",
    "Align the constants",
    "Review the fields Python does not have",
    "Review the functions and options Python does not have",
    "Document the fields",
    "Document the functions and options",
    "Update model names",
    "Nothing to port: the port documents what Python does not",
]


def new_since(groups: list[tuple[str, list[FileAction]]], baseline: set[str]) -> list[FileAction]:
    """The items with findings the baseline does not hold, each keeping only those findings (what a pull request
    introduced), in the checklist's order."""
    found: list[FileAction] = []
    for _, items in groups:
        for item in items:
            fresh = [entry for entry in item.findings if entry.finding.key not in baseline]
            if fresh:
                found.append(
                    FileAction(item.level, item.action, item.file, item.file_url, fresh, item.subjects, item.snippet)
                )
    return found


CHECKLIST_PAGE_ITEMS = 500
"""Items a checklist page holds at most; a longer checklist continues on further pages. MkDocs converts a page
whole: at 1,000 synthetic types the one page was 2.7 MB of Markdown, and converting it raised the build's peak
by 85 MB; at 5,000 types it was 13 MB."""


@dataclass(slots=True)
class ChecklistPart:
    """One page of the checklist: its sections (`new` for *New since the baseline*, then the levels), each with
    the items this page holds and whether its first item continues the section of the page before."""

    number: int
    sections: list[tuple[str, list[FileAction], bool]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(items) for _, items, _ in self.sections)


def checklist_parts(
    groups: list[tuple[str, list[FileAction]]],
    new_items: list[FileAction] | None,
    size: int = CHECKLIST_PAGE_ITEMS,
) -> list[ChecklistPart]:
    """The checklist cut in pages of at most `size` items, in order: *New since the baseline* (when there is a
    baseline; its items are also in their level's section), then High, Medium, Low. A section cut between two
    pages goes on, marked continued, on the next; a section with nothing open stays where it comes in that
    order."""
    sections = ([("new", new_items)] if new_items is not None else []) + list(groups)
    parts = [ChecklistPart(1)]
    for level, items in sections:
        if not items:
            parts[-1].sections.append((level, [], False))
            continue
        start = 0
        while start < len(items):
            if parts[-1].size >= size:
                parts.append(ChecklistPart(len(parts) + 1))
            taken = items[start : start + max(size - parts[-1].size, 1)]
            parts[-1].sections.append((level, taken, start > 0))
            start += len(taken)
    return parts


def checklist_groups(
    report: ParityReport, links: Links, *, constants_page: str | None = None
) -> list[tuple[str, list[FileAction]]]:
    """The checklist by file and action: one item per file and action ("Document the fields" in
    `lib/tinkex/types/x.ex`), each listing its types with their fields and every finding it settles, in the
    section of its most severe finding (High / Medium / Low, like the seed's checklist); waived findings and
    `info` left out. Within a section: by action, then by file."""
    items: dict[tuple[str, str | None], FileAction] = {}

    def add(
        finding: Finding,
        page: str | None,
        title: str,
        name: str,
        *,
        client: bool = False,
        home: TypeDef | None = None,
    ) -> None:
        """`home`: the port's module the finding is about (its file is the item's, even for a field the port
        lacks); else the finding's Elixir place, else its Python one."""
        if finding.waived or finding.level.value not in LEVELS:
            return
        action = (_CLIENT_ACTIONS if client else _TYPE_ACTIONS).get(finding.kind) or _TYPE_ACTIONS.get(
            finding.kind, "Review"
        )
        loc = finding.elixir or finding.python
        url = links.elixir(finding.elixir) if finding.elixir else links.python(finding.python)
        file: str | None
        file_url: str | None
        if home is not None and home.file and finding.kind is not FindingKind.DOC_MISSING_IN_PYTHON:
            file, file_url = home.file, links.elixir(Location(home.file))
        else:
            file, file_url = (loc.file if loc else None), url.split("#", 1)[0] if url else None
        if action in _ONE_ITEM:
            file, file_url = None, None
        item = items.get((action, file))
        if item is None:
            item = items[(action, file)] = FileAction(
                finding.level.value, action, file, file_url, snippet=action == "Document the fields"
            )
        elif finding.level.rank > Severity(item.level).rank:
            item.level = finding.level.value
        item.findings.append(ChecklistItem(finding, page, title, loc.file if loc else None, url, name))
        subject = next((s for s in item.subjects if s.title == title and s.page == page), None)
        if subject is None:
            subject = ChecklistSubject(title, page)
            item.subjects.append(subject)
        if name and name not in subject.names:
            subject.names.append(name)

    for pair in report.pairs:
        page = links.pair_pages.get(pair.python.path)
        for finding in pair.findings:
            add(finding, page, pair.python.name, "", home=pair.elixir)
        for row in pair.rows:
            name = row.elixir.name if row.elixir is not None else row.python.name if row.python is not None else ""
            for finding in row.findings:
                add(finding, page, pair.python.name, name, home=pair.elixir)
    for finding in report.extra_findings:
        add(finding, None, "", "")
    for cp in report.client_pairs:
        page = links.client_pages.get(cp.python.path)
        for finding in cp.findings:
            add(finding, page, cp.python.name, "", client=True, home=cp.elixir)
        for method in cp.rows:
            fn = method.python or method.elixir
            for finding in method.findings:
                add(finding, page, cp.python.name, fn.name if fn else "", client=True, home=cp.elixir)
            for param in method.params:
                param_def = param.python or param.elixir
                label = f"{fn.name if fn else ''}({param_def.name if param_def else ''})"
                for finding in param.findings:
                    add(finding, page, cp.python.name, label, client=True, home=cp.elixir)
    for constant_row in report.constant_rows:
        constant = constant_row.elixir or constant_row.python
        owner = constant.owner if constant is not None else ""
        for finding in constant_row.findings:
            add(finding, constants_page, owner, constant.name if constant is not None else "")
    order = {action: i for i, action in enumerate(_ACTION_ORDER)}
    groups: list[tuple[str, list[FileAction]]] = []
    for level in LEVELS:
        chosen = [item for item in items.values() if item.level == level]
        chosen.sort(key=lambda i: (order.get(i.action, len(order)), i.file or ""))
        groups.append((level, chosen))
    return groups


def fields_snippet(pair: PairReport, updates: Iterable[ModelNameUpdate]) -> str | None:
    """A ready-to-paste `## Fields` section for the Elixir `@moduledoc`, from the Python field docstrings,
    escaped for a `\"\"\"` heredoc (a `#{` in a docstring must not become interpolation once pasted)."""
    if pair.is_enum:
        return None
    lines = [f"  {heredoc_text(bullet)}" for row in pair.rows if (bullet := field_bullet(row, updates)) is not None]
    if not lines:
        return None
    return "  ## Fields\n\n" + "\n".join(lines)
