"""`paritydocs generate | build | serve`: the site, with or without MkDocs."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path
from typing import Any

from paritydocs.cli.common import add_common_options, settings_from_args, warn
from paritydocs.errors import ConfigError, ParitydocsError


def cmd_generate(args: argparse.Namespace) -> int:
    from paritydocs.jsonfile import STREAMED
    from paritydocs.site import build_site
    from paritydocs.site.project import DOCS_DIR, project_config

    settings = settings_from_args(args)
    site_url, directory_urls = _site_options(args)
    # a docs folder, not a built site: no Markdown copies beside HTML pages (llms.txt links the pages)
    site = build_site(settings, site_url=site_url, directory_urls=directory_urls, markdown_copies=False)
    warn(site.warnings)
    for error in site.errors:
        print(f"paritydocs: error: {error}")
    out = Path(args.out)
    docs = out / DOCS_DIR
    try:
        docs.mkdir(parents=True, exist_ok=True)
        for page in site.pages:
            target = docs / page.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.content, encoding="utf-8")
        for rel, content in site.outputs.items():
            if isinstance(content, STREAMED):
                content.write(docs / rel)
            else:
                (docs / rel).write_text(content, encoding="utf-8")
        css = Path(__file__).parents[1] / "assets" / "paritydocs.css"
        (docs / "assets").mkdir(exist_ok=True)
        shutil.copyfile(css, docs / "assets" / "paritydocs.css")
        config = project_config(site, out.resolve(), site_url=site_url, directory_urls=directory_urls)
        (out / "mkdocs.yml").write_text(config, encoding="utf-8")
    except OSError as err:
        raise ParitydocsError(f"{out}: cannot write the pages ({err.strerror})") from err
    print(f"Wrote {len(site.pages)} pages and {len(site.outputs)} data files to {docs}, and {out / 'mkdocs.yml'}")
    return 2 if site.errors else 0


def _site_options(args: argparse.Namespace) -> tuple[str | None, bool]:
    """`site_url` and `use_directory_urls` of the `--config` file (none and MkDocs' default without one)."""
    config = Path(args.config or "mkdocs.yml")
    if not config.is_file():
        return None, True
    from mkdocs.utils.yaml import yaml_load

    try:
        with config.open("rb") as handle:
            data = yaml_load(handle) or {}
    except Exception:  # settings_from_args read it already: its mistakes were said there
        return None, True
    site_url = data.get("site_url") if isinstance(data, dict) else None
    directory_urls = data.get("use_directory_urls", True) if isinstance(data, dict) else True
    return (site_url if isinstance(site_url, str) else None), directory_urls is not False


def _mkdocs_env(args: argparse.Namespace) -> None:
    """`--python`/`--elixir` reach the plugin through the same variables a user would set."""
    if args.python:
        os.environ["PARITYDOCS_PYTHON"] = args.python
    if args.elixir:
        os.environ["PARITYDOCS_ELIXIR"] = args.elixir


def _config_file(args: argparse.Namespace) -> str:
    config = args.config or "mkdocs.yml"
    if not Path(config).is_file():
        raise ConfigError(f"{config}: no such file; pass --config PATH to an mkdocs.yml")
    return config


def cmd_build(args: argparse.Namespace) -> int:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    _mkdocs_env(args)
    try:
        config = load_config(config_file=_config_file(args), strict=args.strict, site_dir=args.site_dir)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (Abort, ConfigurationError) as err:
        raise ParitydocsError(f"mkdocs build failed: {err}") from err
    except OSError as err:  # the site folder (or a file in it) cannot be written: one line, as generate says it
        where = err.filename or args.site_dir or "the site folder"
        raise ParitydocsError(
            f"{where}: cannot write the site ({err.strerror or err}); pass --site-dir PATH to a writable folder"
        ) from err
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import Abort, ConfigurationError

    from paritydocs.site.watcher import live_reload_server

    _mkdocs_env(args)
    dirty = not args.full  # the plugin's serve session keeps a dirty rebuild's nav, links and search right
    try:
        with live_reload_server(poll=args.poll):
            serve(
                config_file=_config_file(args),
                dev_addr=args.dev_addr,
                livereload=True,
                build_type="dirty" if dirty else None,
            )
    except (Abort, ConfigurationError) as err:
        raise ParitydocsError(f"mkdocs serve failed: {err}") from err
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("generate", help="write the generated Markdown pages and data files to a directory")
    add_common_options(p)
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("build", help="build the site with MkDocs (same as `mkdocs build`)")
    add_common_options(p)
    p.add_argument("--strict", action="store_true", help="fail on warnings")
    p.add_argument("--site-dir", help="output directory (default: from mkdocs.yml)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="preview the site with live reload (same as `mkdocs serve`)")
    add_common_options(p)
    p.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on (default 127.0.0.1:8000)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--full",
        action="store_true",
        help="render every page on each rebuild, as `mkdocs serve` does (default: only the pages that changed, "
        "and all of them when the navigation or configuration changed)",
    )
    mode.add_argument("--dirty", action="store_true", help="the default: render only the pages that changed")
    p.add_argument(
        "--poll",
        action="store_true",
        help="look for edits every 0.5 s, as `mkdocs serve` does, instead of the system's file events (for a "
        "network share or a container's mounted folder, whose edits made elsewhere raise no event)",
    )
    p.set_defaults(func=cmd_serve)
