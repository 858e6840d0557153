"""`paritydocs sync`: what changed in the Python SDK between two revisions, mapped to the Elixir port."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from paritydocs.cli.common import add_common_options, settings_from_args, warn, write_json, write_text

if TYPE_CHECKING:
    from paritydocs.sync import SyncReport


def cmd_sync(args: argparse.Namespace) -> int:
    from paritydocs.parity.notes import load_notes
    from paritydocs.pipeline import load_elixir
    from paritydocs.render import Renderer
    from paritydocs.render.sync import render_markdown
    from paritydocs.sync import build_sync_report

    settings = settings_from_args(args)
    # links to the Elixir repository may use `elixir_repo.ref` only for the configured tree
    pinned = not args.elixir or args.elixir == settings_from_args(argparse.Namespace(config=args.config)).elixir
    notes = load_notes(settings.notes)  # a broken notes file is reported before any download
    elixir = load_elixir(settings)
    report = build_sync_report(settings, args.from_spec, args.to_spec, elixir=elixir, notes=notes, title=args.title)
    warn(report.warnings)
    markdown: str | None = None
    if args.format == "markdown" or args.out:
        markdown = render_markdown(Renderer(settings), settings, report, title=report.title, elixir_pinned=pinned)
    if args.out:
        write_text(markdown or "", args.out)
    if args.json:
        write_json(report.to_json(), args.json)
    if args.format == "markdown":
        sys.stdout.write(markdown or "")
    elif args.format == "json":
        if args.json != "-":
            write_json(report.to_json(), "-")
    else:
        sys.stdout.write(as_table(report))
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sync",
        help="report what changed in the Python SDK between two revisions, mapped to the Elixir port",
        description=(
            "Compare two revisions of the Python SDK (git:REPO@REF, pypi:NAME==VER or a directory): API changes "
            "(Griffe), docstrings, defaults, behaviour and model names, each with its Elixir target."
        ),
    )
    add_common_options(p, both=False)
    p.add_argument("--from", dest="from_spec", required=True, metavar="SPEC", help="the older Python revision")
    p.add_argument("--to", dest="to_spec", required=True, metavar="SPEC", help="the newer Python revision")
    p.add_argument("--elixir", metavar="SPEC", help="Elixir SDK: path, git:REPO@REF or hex:NAME==VER (default: config)")
    p.add_argument("--title", help="report title (default: 'FROM → TO')")
    p.add_argument("--json", metavar="OUT", help="also write the JSON report here ('-' for stdout)")
    p.add_argument("--out", metavar="FILE.md", help="also write the Markdown report here")
    p.add_argument(
        "--format",
        choices=("table", "markdown", "json"),
        default="table",
        help="stdout: a table (default), the Markdown report (paste it in an issue), or the JSON report",
    )
    p.set_defaults(func=cmd_sync)


def as_table(report: SyncReport) -> str:
    """Plain text, one change a line: class, kind, Python place, Elixir target, summary."""
    rows = []
    for c in report.changes:
        where = f"{c.python.file}:{c.python.line}" if c.python.file and c.python.line else (c.python.file or "")
        target = c.elixir.module or "" if c.elixir else ""
        if c.elixir is not None and c.elixir.field:
            target += f".{c.elixir.field}" if target else c.elixir.field
        if c.elixir is not None and not c.elixir.present:
            target += " (missing)"
        elif c.elixir is not None and c.elixir.matches is not None:
            target += " (done)" if c.elixir.matches else " (open)"
        rows.append((c.priority.lower(), c.kind, where, target or "—", c.summary))
    if not rows:
        return "No changes.\n"
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
    counts = report.summary()["by_class"]
    totals = ", ".join(f"{n} {cls}" for cls, n in counts.items())
    lines.append(f"{totals}; {len(report.other_files)} other files changed.")
    return "\n".join(lines) + "\n"
