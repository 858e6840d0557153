"""`check --format github`: workflow annotations on stdout, and the job summary (`$GITHUB_STEP_SUMMARY`).

GitHub shows at most `ANNOTATION_LIMIT` annotations of each level (error, warning, notice) per step and drops
the rest without a word: the annotations come most severe first (the failing ones before all), the job summary
lists every finding not in the baseline, and `check` says how many annotations GitHub will not show.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from paritydocs.errors import ParitydocsError
from paritydocs.parity.findings import Finding, Severity
from paritydocs.parity.sarif import in_repository
from paritydocs.textsafe import terminal_text

__all__ = ["ANNOTATION_LIMIT", "SUMMARY_ROWS", "annotation_lines", "hidden_annotations", "job_summary", "write_summary"]

ANNOTATION_LIMIT = 10
"""Annotations of one level GitHub shows per step."""
SUMMARY_ROWS = 200
"""Findings listed in the job summary (GitHub takes up to 1 MiB of it per step); the rest are counted."""


def _data(text: str) -> str:
    """The message of a workflow command (`::error ...::message`), escaped as the runner reads it."""
    return terminal_text(text, one_line=False).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A value of a workflow-command property (`file=...`), escaped as the runner reads it."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _level(finding: Finding, failing: set[int]) -> str:
    if id(finding) in failing:
        return "error"
    return "warning" if finding.level.rank >= Severity.MEDIUM.rank else "notice"


def _ordered(findings: Iterable[Finding], failing: set[int]) -> list[Finding]:
    return sorted(findings, key=lambda f: (id(f) not in failing, -f.level.rank, f.kind.value, f.subject))


def annotation_lines(findings: Sequence[Finding], failing: Sequence[Finding], *, prefix: str = "") -> list[str]:
    """One workflow command per finding, most severe first: `error` for a failing finding, `warning` for the
    other high and medium ones, `notice` below. `prefix`: the port's folder in the repository."""
    failed = {id(f) for f in failing}
    lines = []
    for f in _ordered(findings, failed):
        loc = f.elixir or f.python
        where = f"file={_property(in_repository(prefix, loc.file))},line={loc.line or 1}," if loc else ""
        lines.append(f"::{_level(f, failed)} {where}title=parity {f.kind.value}::{_data(f.message)}")
    return lines


def hidden_annotations(findings: Sequence[Finding], failing: Sequence[Finding]) -> dict[str, int]:
    """Annotations GitHub will not show, by level (more than `ANNOTATION_LIMIT` of one level)."""
    failed = {id(f) for f in failing}
    counts = Counter(_level(f, failed) for f in findings)
    return {level: n - ANNOTATION_LIMIT for level, n in counts.items() if n > ANNOTATION_LIMIT}


def job_summary(
    *,
    title: str,
    counts: dict[str, int],
    waived: int,
    pairs: int,
    new: Sequence[Finding],
    failing: Sequence[Finding],
    fail_on: str,
    hidden: dict[str, int],
) -> str:
    """The job summary: counts by severity, the verdict, and every finding not in the baseline (most severe
    first, up to `SUMMARY_ROWS`). SDK text is escaped: it is data, never Markdown."""
    from paritydocs.render.filters import do_code, do_text

    failed = {id(f) for f in failing}
    verdict = (
        f"**{len(failing)} finding{'s' if len(failing) != 1 else ''} at or above `{fail_on}`** not in the baseline:"
        " the check fails."
        if failing
        else f"Nothing at or above `{fail_on}` outside the baseline: the check passes."
    )
    lines = [
        f"## {do_text(title)}",
        "",
        f"{pairs} types paired · "
        + " · ".join(f"{counts.get(s.value, 0)} {s.value}" for s in Severity)
        + f" · {waived} waived",
        "",
        verdict,
        "",
    ]
    if hidden:
        shown = ", ".join(f"{n} {level}" for level, n in sorted(hidden.items()))
        lines += [
            f"> GitHub shows {ANNOTATION_LIMIT} annotations of each level per step: {shown} annotations are not shown"
            " on the files. Every new finding is listed below.",
            "",
        ]
    lines += [f"### New findings ({len(new)})", ""]
    if not new:
        lines += ["None: every open finding is in the baseline.", ""]
        return "\n".join(lines) + "\n"
    lines += ["| Severity | Kind | Where | Finding |", "|---|---|---|---|"]
    ordered = _ordered(new, failed)
    for f in ordered[:SUMMARY_ROWS]:
        loc = f.elixir or f.python
        where = do_code(f"{loc.file}:{loc.line}" if loc and loc.line else (loc.file if loc else ""))
        mark = " (fails)" if id(f) in failed else ""
        lines.append(f"| {f.level.value}{mark} | `{f.kind.value}` | {where} | {do_text(f.message)} |")
    if len(ordered) > SUMMARY_ROWS:
        lines += ["", f"… and {len(ordered) - SUMMARY_ROWS} more: the SARIF file and `parity.json` hold them all."]
    return "\n".join(lines) + "\n"


def write_summary(text: str) -> bool:
    """Append to the file `$GITHUB_STEP_SUMMARY` names (False when it is not set: not in a workflow)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    try:
        with Path(target).open("a", encoding="utf-8") as out:
            out.write(text)
    except OSError as err:
        raise ParitydocsError(f"{target}: cannot write the job summary ({err.strerror})") from err
    return True
