"""`paritydocs suggest`: a patch for the Elixir tree porting Python field docs and current model names."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from paritydocs.cli.common import add_common_options, settings_from_args, warn
from paritydocs.errors import ParitydocsError


def cmd_suggest(args: argparse.Namespace) -> int:
    from paritydocs.pipeline import build_report
    from paritydocs.suggest import build_patch

    settings = settings_from_args(args)
    report = build_report(settings)
    result = build_patch(report, settings, modules=args.modules, only=args.only)
    if args.out == "-":
        sys.stdout.write(result.patch)
    else:
        out = Path(args.out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(result.patch, encoding="utf-8", newline="")
        except OSError as err:
            raise ParitydocsError(f"{args.out}: cannot write the patch ({err.strerror})") from err
    for note in result.notes:
        print(f"paritydocs: note: {note}", file=sys.stderr)
    warn(result.warnings)
    where = f" Patch written to {args.out}." if args.out != "-" and result.patch else ""
    print(f"{result.summary}{where}", file=sys.stderr if args.out == "-" else sys.stdout)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "suggest",
        help="write a patch for the Elixir tree: Python field docs as `## Fields`, current model names",
        description=(
            "Write a unified diff (git format) against the Elixir tree that ports the Python field docstrings "
            "into each paired module's @moduledoc `## Fields` section and updates outdated model names in "
            "user-facing files. Apply it with `git apply`."
        ),
    )
    add_common_options(p)
    p.add_argument("--out", required=True, metavar="FILE.patch", help="where to write the patch ('-': stdout)")
    p.add_argument(
        "--module",
        dest="modules",
        action="append",
        metavar="MODULE",
        help="only this Elixir module (and its file); repeatable",
    )
    p.add_argument(
        "--only",
        choices=("docs", "model-names"),
        help="only port field docs, or only update model names (default: both)",
    )
    p.set_defaults(func=cmd_suggest)
