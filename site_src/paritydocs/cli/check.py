"""`paritydocs extract | check`: one SDK's model as JSON, and the parity check (a table or workflow annotations)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from paritydocs.cli.common import (
    EXIT_FINDINGS,
    EXIT_USER_ERROR,
    add_common_options,
    settings_from_args,
    warn,
    write_json,
)
from paritydocs.config import FINDING_LEVELS
from paritydocs.errors import ConfigError
from paritydocs.textsafe import terminal_text

__all__ = ["cmd_check", "cmd_extract", "nothing_compared", "register"]


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
    from paritydocs.cli.github import ANNOTATION_LIMIT, annotation_lines, hidden_annotations, job_summary, write_summary
    from paritydocs.parity import Severity
    from paritydocs.parity.baseline import load_baseline
    from paritydocs.pipeline import build_report

    to_stdout = [name for name, out in (("--json", args.json), ("--sarif", args.sarif)) if out == "-"]
    if args.format == "sarif":
        to_stdout.append("--format sarif")
    if args.format == "github":
        to_stdout.append("--format github")
    if len(to_stdout) > 1:
        raise ConfigError(f"{' and '.join(to_stdout)} all write to stdout: send all but one to a file")
    # stdout holds one document (or the workflow commands) when one is asked for there: the table and the
    # summary line go to stderr
    out = sys.stderr if to_stdout else sys.stdout
    settings = settings_from_args(args)
    fail_on = args.fail_on or settings.fail_on
    report = build_report(settings, persistent=not args.no_cache)
    warn([*report.python_model.warnings, *report.elixir_model.warnings, *report.warnings])
    findings = report.all_findings()
    baseline = load_baseline(args.baseline)
    threshold = Severity(fail_on).rank
    failing = [f for f in findings if not f.waived and f.level.rank >= threshold and f.key not in baseline]
    prefix = args.location_prefix if args.location_prefix is not None else _port_prefix(report)
    if args.json:
        write_json(report.to_json(), args.json)
    if args.write_baseline:
        write_json({"findings": sorted({f.key for f in findings if not f.waived})}, args.write_baseline)
    if args.sarif or args.format == "sarif":
        write_json(_sarif(report, baseline, prefix), args.sarif or "-")
    open_findings = [f for f in findings if not f.waived and f.key not in baseline]
    summary = report.summary()
    if args.format == "github":
        for line in annotation_lines(open_findings, failing, prefix=prefix):
            print(line)
        hidden = hidden_annotations(open_findings, failing)
        if hidden:
            shown = ", ".join(f"{n} {level}" for level, n in sorted(hidden.items()))
            print(
                f"paritydocs: GitHub shows {ANNOTATION_LIMIT} annotations of each level per step: {shown} "
                "annotations above are not shown on the files (the job summary lists every new finding)",
                file=sys.stderr,
            )
        write_summary(
            job_summary(
                title=f"Parity: {report.elixir_model.source.spec} against {report.python_model.source.spec}",
                counts=summary["by_severity"],
                waived=summary["waived"],
                pairs=summary["pairs"],
                new=open_findings,
                failing=failing,
                fail_on=fail_on,
                hidden=hidden,
            )
        )
    elif args.format == "table":
        _print_table(findings, baseline, out)
    print(
        f"{summary['pairs']} pairs, {summary['findings']} findings "
        f"({', '.join(f'{n} {s}' for s, n in summary['by_severity'].items())}), {summary['waived']} waived; "
        f"{len(failing)} at or above '{fail_on}' not in the baseline.",
        file=out,
    )
    nothing = nothing_compared(report)
    if nothing is not None:
        print(f"paritydocs: error: nothing was compared: {nothing}", file=sys.stderr)
        return EXIT_USER_ERROR
    if args.strict and report.config_problems:
        for problem in report.config_problems:
            print(f"paritydocs: error: configuration: {problem} (--strict)", file=sys.stderr)
        return EXIT_USER_ERROR
    return EXIT_FINDINGS if failing else 0


def _sarif(report: Any, baseline: set[str], prefix: str) -> dict[str, Any]:
    from paritydocs.parity.sarif import sarif_log
    from paritydocs.version import __version__

    return sarif_log(report, version=__version__, baseline=baseline, port_prefix=prefix)


def _port_prefix(report: Any) -> str:
    """The port's folder in the repository the workflow runs in (`$GITHUB_WORKSPACE`, else the working
    directory), for locations code scanning and annotations resolve there; "" when it is the root or outside."""
    root = Path(report.elixir_model.source.root).resolve()
    base = Path(os.environ.get("GITHUB_WORKSPACE") or os.getcwd()).resolve()
    try:
        rel = root.relative_to(base)
    except ValueError:
        return ""
    return "" if str(rel) == "." else rel.as_posix()


def _looks_elixir(root: Path) -> bool:
    return (root / "mix.exs").is_file() or next(root.glob("lib/**/*.ex"), None) is not None


def _looks_python(root: Path) -> bool:
    markers = ("pyproject.toml", "setup.py", "setup.cfg")
    return any((root / m).is_file() for m in markers) or next(root.glob("src/**/*.py"), None) is not None


def nothing_compared(report: Any) -> str | None:
    """Why the report compares nothing (a side with no types, or no pair), naming the likely cause; else None."""
    py, ex = report.python_model, report.elixir_model
    if py.types and ex.types and report.pairs:
        return None
    if _looks_elixir(Path(py.source.root)) or _looks_python(Path(ex.source.root)):
        return (
            f"the Python side ({py.source.spec}) looks like an Elixir project, or the Elixir side "
            f"({ex.source.spec}) like a Python one: are --python and --elixir swapped?"
        )
    if not py.types:
        return (
            f"no Python types under {py.source.spec} (python_modules lists the modules read): check --python and "
            "python_modules"
        )
    if not ex.types:
        return (
            f"no Elixir modules under {ex.source.spec} (elixir_dirs lists the folders read): check --elixir and "
            "elixir_dirs"
        )
    if not report.pairs:
        return (
            f"{len(py.types)} Python types and {len(ex.types)} Elixir modules, none paired: check type_prefixes and "
            "type_map"
        )
    return None


def _print_table(findings: list[Any], baseline: set[str], out: TextIO) -> None:
    rows = []
    for f in sorted(findings, key=lambda f: (-f.level.rank, f.kind.value, f.subject)):
        status = "waived" if f.waived else ("baseline" if f.key in baseline else "")
        loc = f.elixir or f.python
        where = f"{loc.file}:{loc.line}" if loc and loc.line else (loc.file if loc else "")
        cells = (f.level.value, f.kind.value, status, where, f.message)
        rows.append(tuple(terminal_text(cell) for cell in cells))
    if not rows:
        print("No findings.", file=out)
        return
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4], file=out)


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
    p.add_argument("--json", metavar="OUT", help="also write parity.json here (- for stdout: the table goes to stderr)")
    p.add_argument(
        "--sarif", metavar="OUT", help="also write a SARIF 2.1.0 log of every finding here (for upload-sarif)"
    )
    p.add_argument(
        "--location-prefix",
        metavar="PATH",
        help="the port's folder in its repository, put before every location of the annotations and the SARIF log "
        "(default: the Elixir tree's path relative to $GITHUB_WORKSPACE or the working directory)",
    )
    p.add_argument("--baseline", metavar="FILE", help="ignore findings listed in this baseline")
    p.add_argument("--write-baseline", metavar="FILE", help="write the current unwaived findings as a baseline")
    p.add_argument("--fail-on", choices=FINDING_LEVELS, help="lowest severity that fails (default: config fail_on)")
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 2 when a configuration entry names nothing in the trees (as `mkdocs build --strict` fails)",
    )
    p.add_argument(
        "--format",
        choices=("table", "github", "sarif"),
        default="table",
        help="github: workflow annotations on stdout and the job summary ($GITHUB_STEP_SUMMARY); sarif: the SARIF "
        "log on stdout",
    )
    p.set_defaults(func=cmd_check)
