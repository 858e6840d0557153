"""`paritydocs extract | check`: one SDK's model as JSON, and the parity check (a table or workflow annotations)."""

from __future__ import annotations

import argparse
from typing import Any

from paritydocs.cli.common import EXIT_FINDINGS, add_common_options, settings_from_args, warn, write_json
from paritydocs.config import FINDING_LEVELS
from paritydocs.errors import ConfigError
from paritydocs.textsafe import terminal_text

__all__ = ["cmd_check", "cmd_extract", "register"]


def _annotation_data(text: str) -> str:
    """The message of a GitHub workflow command (`::error ...::message`), escaped as the runner reads it."""
    return terminal_text(text, one_line=False).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _annotation_property(text: str) -> str:
    """A value of a GitHub workflow-command property (`file=...`), escaped as the runner reads it."""
    return _annotation_data(text).replace(":", "%3A").replace(",", "%2C")


# ---- extract --------------------------------------------------------------------------------------


def cmd_extract(args: argparse.Namespace) -> int:
    from paritydocs.pipeline import load_elixir, load_python

    settings = settings_from_args(args)
    if bool(args.python) == bool(args.elixir):
        raise ConfigError("extract needs exactly one of --python SPEC or --elixir SPEC")
    persistent = not args.no_cache
    if args.python:
        model = load_python(settings, args.python, persistent=persistent)
    else:
        model = load_elixir(settings, args.elixir, persistent=persistent)
    warn(model.warnings)
    write_json(model.to_json(), args.json)
    return 0


# ---- check ----------------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from paritydocs.parity import Severity
    from paritydocs.parity.baseline import load_baseline
    from paritydocs.pipeline import build_report

    settings = settings_from_args(args)
    report = build_report(settings, persistent=not args.no_cache)
    warn([*report.python_model.warnings, *report.elixir_model.warnings, *report.warnings])
    if args.json:
        write_json(report.to_json(), args.json)
    findings = report.all_findings()
    if args.write_baseline:
        keys = sorted({f.key for f in findings if not f.waived})
        write_json({"findings": keys}, args.write_baseline)
    baseline = load_baseline(args.baseline)
    threshold = Severity(args.fail_on or settings.fail_on).rank
    failing = [f for f in findings if not f.waived and f.level.rank >= threshold and f.key not in baseline]
    if args.format == "github":
        for f in findings:
            if f.waived or f.key in baseline:
                continue
            loc = f.elixir or f.python
            level = "error" if f in failing else ("warning" if f.level.rank >= 2 else "notice")
            where = f"file={_annotation_property(loc.file)},line={loc.line or 1}," if loc else ""
            print(f"::{level} {where}title=parity {f.kind.value}::{_annotation_data(f.message)}")
    else:
        _print_table(findings, baseline)
    summary = report.summary()
    print(
        f"{summary['pairs']} pairs, {summary['findings']} findings "
        f"({', '.join(f'{n} {s}' for s, n in summary['by_severity'].items())}), {summary['waived']} waived; "
        f"{len(failing)} at or above '{args.fail_on or settings.fail_on}' not in the baseline."
    )
    return EXIT_FINDINGS if failing else 0


def _print_table(findings: list[Any], baseline: set[str]) -> None:
    rows = []
    for f in sorted(findings, key=lambda f: (-f.level.rank, f.kind.value, f.subject)):
        status = "waived" if f.waived else ("baseline" if f.key in baseline else "")
        loc = f.elixir or f.python
        where = f"{loc.file}:{loc.line}" if loc and loc.line else (loc.file if loc else "")
        cells = (f.level.value, f.kind.value, status, where, f.message)
        rows.append(tuple(terminal_text(cell) for cell in cells))
    if not rows:
        print("No findings.")
        return
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])


# ---- wiring ---------------------------------------------------------------------------------------


def _add_no_cache(p: Any) -> None:
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="extract both SDKs cold: neither read nor write the extraction cache (also: PARITYDOCS_NO_CACHE=1)",
    )


def register(sub: Any) -> None:
    p = sub.add_parser("extract", help="extract one SDK's types as JSON")
    add_common_options(p)
    _add_no_cache(p)
    p.add_argument("--json", default="-", metavar="OUT", help="output file (default: stdout)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("check", help="compare the two SDKs; exit 1 on findings at or above --fail-on")
    add_common_options(p)
    _add_no_cache(p)
    p.add_argument("--json", metavar="OUT", help="also write parity.json here")
    p.add_argument("--baseline", metavar="FILE", help="ignore findings listed in this baseline")
    p.add_argument("--write-baseline", metavar="FILE", help="write the current unwaived findings as a baseline")
    p.add_argument("--fail-on", choices=FINDING_LEVELS, help="lowest severity that fails (default: config fail_on)")
    p.add_argument("--format", choices=("table", "github"), default="table", help="github: workflow annotations")
    p.set_defaults(func=cmd_check)
