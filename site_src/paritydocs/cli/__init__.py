"""The `paritydocs` command. Each subcommand is a thin wrapper over `pipeline` and the stage modules.

User errors (bad path, unreachable source, broken config) print one line and exit 2; never a traceback.

- `main`: run the command (`paritydocs` and `python -m paritydocs.cli`); returns the exit code.
- `build_parser`: the argument parser, with every subcommand.

Submodules, one per group of subcommands: `check` (extract, check), `site` (generate, build, serve),
`suggest`, `sync`; and `common` (their shared options, settings, warnings and output files).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from paritydocs.cli import check as cli_check
from paritydocs.cli import site as cli_site
from paritydocs.cli import suggest as cli_suggest
from paritydocs.cli import sync as cli_sync
from paritydocs.cli.common import EXIT_USER_ERROR
from paritydocs.errors import ConfigError, ParitydocsError
from paritydocs.version import __version__

__all__ = ["build_parser", "main"]


# ---- wiring ---------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paritydocs",
        description="Publish a Python SDK's types side by side with its Elixir port, and report where they differ.",
    )
    parser.add_argument("--version", action="version", version=f"paritydocs {__version__}")
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument("-v", "--verbose", action="store_true", help="show debug logging")
    noise.add_argument("-q", "--quiet", action="store_true", help="silence progress lines and warnings: errors only")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # Commands defined next to the stages they drive (each module imports its stage lazily).
    for module in (cli_check, cli_site, cli_suggest, cli_sync):
        module.register(sub)
    return parser


def set_up_logging(command: str, *, verbose: bool, quiet: bool) -> None:
    """`build` and `serve` log as `mkdocs build` and `mkdocs serve` do (MkDocs' own format and handler, INFO: the
    serving URL, the build time, one line per source fetched); the other commands print their results and show
    paritydocs' progress lines (a source fetched) on stderr. `-q`: errors only; `-v`: debug."""
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.INFO
    if command in ("build", "serve"):
        from mkdocs.__main__ import ColorFormatter

        mkdocs_logger = logging.getLogger("mkdocs")
        mkdocs_logger.setLevel(level)
        mkdocs_logger.propagate = False
        if not any(h.name == "MkDocsStreamHandler" for h in mkdocs_logger.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(ColorFormatter())
            handler.name = "MkDocsStreamHandler"
            mkdocs_logger.addHandler(handler)
        return
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s: %(message)s")
    ours = logging.getLogger("mkdocs.plugins.paritydocs")
    if quiet or ours.level == logging.NOTSET or ours.level > level:  # a level set lower (a test's) is kept
        ours.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    set_up_logging(args.command, verbose=args.verbose, quiet=args.quiet)
    try:
        return int(args.func(args) or 0)
    except ConfigError as err:
        for line in err.problems if len(err.problems) > 1 else [str(err)]:
            print(f"paritydocs: error: {line}", file=sys.stderr)  # every mistake, one line each
        return EXIT_USER_ERROR
    except ParitydocsError as err:
        print(f"paritydocs: error: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
