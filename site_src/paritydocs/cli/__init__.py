"""The `paritydocs` command. Each subcommand is a thin wrapper over `pipeline` and the stage modules.

User errors (bad path, unreachable source, broken config) print one line and exit 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paritydocs import __version__
from paritydocs.config import FINDING_LEVELS, Settings, load_settings, read_mkdocs_plugin_options
from paritydocs.errors import ConfigError, ParitydocsError
from paritydocs.jsonfile import JsonOutput
from paritydocs.textsafe import terminal_text

EXIT_FINDINGS = 1
EXIT_USER_ERROR = 2


def _settings(args: argparse.Namespace) -> Settings:
    config = Path(getattr(args, "config", None) or "mkdocs.yml")
    raw: dict[str, Any] | None = None
    if config.is_file():
        raw = read_mkdocs_plugin_options(config)
    elif getattr(args, "config", None):
        raise ConfigError(f"{config}: no such file; pass --config PATH to an mkdocs.yml with a paritydocs plugin entry")
    settings = load_settings(raw, base_dir=config.parent if config.is_file() else Path.cwd())
    return settings.with_overrides(python=getattr(args, "python", None), elixir=getattr(args, "elixir", None))


def write_json(data: Any, out: str) -> None:
    """Indented JSON, encoded as it is written (a large report's `parity.json` is never one string)."""
    write_text(JsonOutput(lambda: data), out)


def write_text(text: str | JsonOutput, out: str) -> None:
    """Write to a file (its folder made), or to stdout for `-`; an unwritable path is one line."""
    if out == "-":
        if isinstance(text, JsonOutput):
            text.dump(sys.stdout, ascii_only=sys.stdout.isatty())  # SDK text must not drive the terminal
        else:
            sys.stdout.write(text)
        return
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, JsonOutput):
            text.write(path)
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise ParitydocsError(f"{out}: cannot write it ({err.strerror})") from err


def _warn(messages: Sequence[object]) -> None:
    for message in messages:
        print(f"paritydocs: warning: {terminal_text(message)}", file=sys.stderr)


def _annotation_data(text: str) -> str:
    """The message of a GitHub workflow command (`::error ...::message`), escaped as the runner reads it."""
    return terminal_text(text, one_line=False).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _annotation_property(text: str) -> str:
    """A value of a GitHub workflow-command property (`file=...`), escaped as the runner reads it."""
    return _annotation_data(text).replace(":", "%3A").replace(",", "%2C")


# ---- extract --------------------------------------------------------------------------------------


def cmd_extract(args: argparse.Namespace) -> int:
    from paritydocs.pipeline import load_elixir, load_python

    settings = _settings(args)
    if bool(args.python) == bool(args.elixir):
        raise ConfigError("extract needs exactly one of --python SPEC or --elixir SPEC")
    model = load_python(settings, args.python) if args.python else load_elixir(settings, args.elixir)
    _warn(model.warnings)
    write_json(model.to_json(), args.json)
    return 0


# ---- check ----------------------------------------------------------------------------------------


def _load_baseline(path: str | None) -> set[str]:
    if not path:
        return set()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(
            f"baseline {path}: cannot read it ({err.strerror}); create one with --write-baseline"
        ) from err
    except json.JSONDecodeError as err:
        raise ConfigError(f"baseline {path}: not valid JSON ({err.msg} at line {err.lineno})") from err
    keys = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(keys, list):
        raise ConfigError(f'baseline {path}: expected {{"findings": [keys...]}}')
    return {str(k) for k in keys}


def cmd_check(args: argparse.Namespace) -> int:
    from paritydocs.parity import Severity
    from paritydocs.pipeline import build_report

    settings = _settings(args)
    report = build_report(settings)
    _warn([*report.python_model.warnings, *report.elixir_model.warnings, *report.warnings])
    if args.json:
        write_json(report.to_json(), args.json)
    findings = report.all_findings()
    if args.write_baseline:
        keys = sorted({f.key for f in findings if not f.waived})
        write_json({"findings": keys}, args.write_baseline)
    baseline = _load_baseline(args.baseline)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paritydocs",
        description="Publish a Python SDK's types side by side with its Elixir port, and report where they differ.",
    )
    parser.add_argument("--version", action="version", version=f"paritydocs {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser, *, both: bool = True) -> None:
        p.add_argument(
            "--config", help="mkdocs.yml whose paritydocs plugin entry is the configuration (default ./mkdocs.yml)"
        )
        if both:
            p.add_argument("--python", metavar="SPEC", help="Python SDK: path, git:REPO@REF or pypi:NAME==VER")
            p.add_argument("--elixir", metavar="SPEC", help="Elixir SDK: path, git:REPO@REF or hex:NAME==VER")

    p = sub.add_parser("extract", help="extract one SDK's types as JSON")
    common(p)
    p.add_argument("--json", default="-", metavar="OUT", help="output file (default: stdout)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("check", help="compare the two SDKs; exit 1 on findings at or above --fail-on")
    common(p)
    p.add_argument("--json", metavar="OUT", help="also write parity.json here")
    p.add_argument("--baseline", metavar="FILE", help="ignore findings listed in this baseline")
    p.add_argument("--write-baseline", metavar="FILE", help="write the current unwaived findings as a baseline")
    p.add_argument("--fail-on", choices=FINDING_LEVELS, help="lowest severity that fails (default: config fail_on)")
    p.add_argument("--format", choices=("table", "github"), default="table", help="github: workflow annotations")
    p.set_defaults(func=cmd_check)

    _add_site_commands(sub, common)
    return parser


def _add_site_commands(sub: Any, common: Any) -> None:
    """Commands defined next to the stages they drive (each module imports its stage lazily)."""
    from paritydocs.cli import site as cli_site
    from paritydocs.cli import suggest as cli_suggest
    from paritydocs.cli import sync as cli_sync

    for module in (cli_site, cli_suggest, cli_sync):
        module.register(sub, common)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except ParitydocsError as err:
        print(f"paritydocs: error: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
