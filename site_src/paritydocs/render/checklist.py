"""What the dashboard and the checklist page list, and the `## Fields` snippet of a pair page.

- `ChecklistItem`, `checklist_groups`: unwaived findings grouped High / Medium / Low, each with its page.
- `coverage_areas`: doc coverage and findings per area (the Python module a pair comes from).
- `fields_snippet`: a ready-to-paste `## Fields` section for the Elixir `@moduledoc`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from paritydocs.elixir.docs import field_bullet, heredoc_text
from paritydocs.modelnames import ModelNameUpdate
from paritydocs.parity import PairReport, ParityReport
from paritydocs.parity.findings import Finding
from paritydocs.render.links import Links

__all__ = ["ChecklistItem", "checklist_groups", "coverage_areas", "fields_snippet"]


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
    """One unwaived finding on the checklist page: the page it links to, its subject and its source file."""

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
    for cp in report.client_pairs:
        add(cp.all_findings(), links.client_pages.get(cp.python.path), cp.python.name)
    return [(level, items) for level, items in groups.items()]


def fields_snippet(pair: PairReport, updates: Iterable[ModelNameUpdate]) -> str | None:
    """A ready-to-paste `## Fields` section for the Elixir `@moduledoc`, from the Python field docstrings,
    escaped for a `\"\"\"` heredoc (a `#{` in a docstring must not become interpolation once pasted)."""
    if pair.is_enum:
        return None
    lines = [f"  {heredoc_text(bullet)}" for row in pair.rows if (bullet := field_bullet(row, updates)) is not None]
    if not lines:
        return None
    return "  ## Fields\n\n" + "\n".join(lines)
