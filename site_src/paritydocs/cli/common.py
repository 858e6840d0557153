"""What every subcommand of the `paritydocs` command shares: its options, its settings, warnings and output files.

- `EXIT_FINDINGS`, `EXIT_USER_ERROR`: the exit codes besides 0.
- `add_common_options`: `--config`, and `--python`/`--elixir`, on a subcommand's parser.
- `settings_from_args`: the settings of the `--config` file, with `--python`/`--elixir` on top.
- `write_json`, `write_text`: write to a file (its folder made), or to stdout for `-`.
- `warn`: print warnings on stderr, as terminal-safe lines.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paritydocs.config import Settings, load_settings, read_mkdocs_plugin_options
from paritydocs.errors import ConfigError, ParitydocsError
from paritydocs.jsonfile import JsonOutput
from paritydocs.textsafe import terminal_text

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_USER_ERROR",
    "add_common_options",
    "settings_from_args",
    "warn",
    "write_json",
    "write_text",
]

EXIT_FINDINGS = 1
EXIT_USER_ERROR = 2


def add_common_options(p: argparse.ArgumentParser, *, both: bool = True) -> None:
    """`--config`, and with `both` the `--python` and `--elixir` specs, on a subcommand's parser."""
    p.add_argument(
        "--config", help="mkdocs.yml whose paritydocs plugin entry is the configuration (default ./mkdocs.yml)"
    )
    if both:
        p.add_argument("--python", metavar="SPEC", help="Python SDK: path, git:REPO@REF or pypi:NAME==VER")
        p.add_argument("--elixir", metavar="SPEC", help="Elixir SDK: path, git:REPO@REF or hex:NAME==VER")


def settings_from_args(args: argparse.Namespace) -> Settings:
    config = Path(getattr(args, "config", None) or "mkdocs.yml")
    raw: dict[str, Any] | None = None
    if config.is_file():
        raw = read_mkdocs_plugin_options(config)
        if raw is None:
            warn([f"{config} has no paritydocs plugin entry: the built-in Tinker/Tinkex profile is used"])
    elif getattr(args, "config", None):
        raise ConfigError(f"{config}: no such file; pass --config PATH to an mkdocs.yml with a paritydocs plugin entry")
    try:
        if raw is not None:
            from paritydocs.options import validate_options

            problems = validate_options(raw, config)  # as `mkdocs build` would: every mistake at once
            if problems:
                raise ConfigError("; ".join(problems), problems=problems)
        settings = load_settings(raw, base_dir=config.parent if config.is_file() else Path.cwd())
    except ConfigError as err:
        where = f"{config}: plugin 'paritydocs' " if raw is not None else ""
        problems = [f"{where}{p}" for p in err.problems or [str(err)]]
        raise ConfigError(f"{where}{err}", problems=problems) from err
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


def warn(messages: Sequence[object]) -> None:
    for message in messages:
        print(f"paritydocs: warning: {terminal_text(message)}", file=sys.stderr)
