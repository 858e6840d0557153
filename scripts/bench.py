"""Benchmark: extraction, parity, rendering, the MkDocs build and peak memory, on synthetic pairs and the real one.

    python scripts/bench.py                       # N = 100, 1000, 5000 synthetic types
    python scripts/bench.py --sizes 100 500       # other sizes
    python scripts/bench.py --python ~/src/tinker --elixir ~/src/tinkex   # also the real pair
    python scripts/bench.py --markdown            # print the table for docs/performance.md
    python scripts/bench.py --check-only --python ~/src/tinker --elixir ~/src/tinkex   # `paritydocs check` alone,
                                                  # cold (empty extraction cache) and warm
    python scripts/bench.py --rebuilds mkdocs.yml --python ~/src/tinker --elixir ~/src/tinkex --runs 3 --markdown
                                                  # the site's rebuilds against the anchor and the floor, serve
    python scripts/bench.py --rebuilds mkdocs.yml --python ~/src/tinker --elixir ~/src/tinkex --serve-only
                                                  # only serve's save-to-page figures and the floor of serve

Every figure is measured in a fresh child process (CPU time = user + system of that process), so the
numbers do not leak into each other. Targets (issue 8): whole site at most 1.2 times the
mkdocstrings-only build of the same Python types; cost per type at N=5000 within 1.2 times N=500; peak memory
< 500 MB at N=5000; a `serve` rebuild after one changed `.ex` file < 1.5 s on the real pair.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIFFERENCE_SHARE = 0.2


# ---- synthetic SDK pair ------------------------------------------------------------------------


def write_pair(base: Path, n: int, seed: int = 7) -> tuple[Path, Path]:
    """N pydantic-like Python types and their Elixir structs; a share of deliberate differences."""
    rng = random.Random(seed)
    py, ex = base / "python", base / "elixir"
    (py / "src" / "synth" / "types").mkdir(parents=True)
    (ex / "lib" / "synth" / "types").mkdir(parents=True)
    (py / "src" / "synth" / "__init__.py").write_text("")
    (py / "src" / "synth" / "_models.py").write_text("class BaseModel:\n    pass\n")
    exports = []
    for i in range(n):
        name = f"Thing{i:05d}"
        exports.append(name)
        differs = rng.random() < DIFFERENCE_SHARE
        py_fields, ex_fields, ex_types = [], [], []
        for j in range(6):
            field = f"field_{j}"
            default = j * 10 if j % 2 else None
            doc = f"Field {j} of {name}."
            py_fields.append(f'    {field}: {"int" if j % 2 else "Optional[str]"} = {default!r}\n    """{doc}"""\n')
            ex_default = default + 1 if (differs and j == 1) else default
            ex_fields.append(f"{field}: {'nil' if ex_default is None else ex_default}")
            ex_types.append(f"{field}: {'integer()' if j % 2 else 'String.t() | nil'}")
        if differs:
            py_fields.append('    only_python: bool = False\n    """Only on the Python side."""\n')
        (py / "src" / "synth" / "types" / f"thing_{i:05d}.py").write_text(
            "from typing import Optional\n\nfrom .._models import BaseModel\n\n\n"
            f'class {name}(BaseModel):\n    """Synthetic type {i}."""\n\n' + "\n".join(py_fields)
        )
        doc_line = "" if differs else f'  @moduledoc """\n  Synthetic type {i}.\n  """\n\n'
        (ex / "lib" / "synth" / "types" / f"thing_{i:05d}.ex").write_text(
            f"defmodule Synth.Types.{name} do\n{doc_line}"
            f"  defstruct [{', '.join(ex_fields)}]\n\n"
            f"  @type t :: %__MODULE__{{{', '.join(ex_types)}}}\nend\n"
        )
    (py / "src" / "synth" / "types" / "__init__.py").write_text(
        "".join(f"from .thing_{i:05d} import Thing{i:05d}\n" for i in range(n))
    )
    return py, ex


def write_configs(base: Path, py: Path, ex: Path, modules: list[str], prefixes: dict, api_idents: list[str]) -> None:
    """mkdocs.yml for the whole site, and one for mkdocstrings alone over the same Python types."""
    common = textwrap.dedent("""\
        theme: {name: material, font: false, features: [navigation.prune]}
        markdown_extensions: [admonition, attr_list, md_in_html, tables, toc, pymdownx.details, pymdownx.superfences]
        """)
    src = py / "src" if (py / "src").is_dir() else py
    (base / "full").mkdir()
    (base / "full" / "docs").mkdir()
    (base / "full" / "mkdocs.yml").write_text(
        "site_name: bench\n" + common + "plugins:\n  - search\n  - autorefs\n  - paritydocs:\n"
        f"      python: {py}\n      elixir: {ex}\n"
        f"      python_modules: {json.dumps(modules)}\n      python_clients: []\n"
        f"      type_prefixes: {json.dumps(prefixes)}\n"
        + (
            ""
            if "tinker.types" in prefixes
            else "      type_map: {}\n      field_aliases: {}\n      client_map: {}\n      model_names: {}\n"
        )
        + "  - mkdocstrings:\n      handlers:\n        python:\n          options: {show_source: false}\n"
    )
    api = base / "api"
    (api / "docs").mkdir(parents=True)
    for ident in api_idents:
        (api / "docs" / f"{ident}.md").write_text(f"# {ident.rsplit('.', 1)[-1]}\n\n::: {ident}\n")
    (api / "mkdocs.yml").write_text(
        "site_name: bench-api\n" + common + "plugins:\n  - search\n  - autorefs\n  - mkdocstrings:\n      handlers:\n"
        f"        python:\n          paths: [{src}]\n"
        # the same Griffe extension the plugin adds, so namespace subpackages (tinker/lib) load here too
        "          options: {show_source: false, extensions: [paritydocs.site.mkdocstrings:NamespaceSubpackages]}\n"
    )


# ---- measurements (each in a child process) ------------------------------------------------------


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_pipeline(py: Path, ex: Path, modules: list[str], prefixes: dict) -> dict:
    """Extraction per side, parity and rendering, in this (child) process."""
    sys.path.insert(0, str(ROOT / "site_src"))
    from paritydocs.config import load_settings
    from paritydocs.elixir import extract_elixir
    from paritydocs.model import Language, SourceInfo
    from paritydocs.parity import run_parity
    from paritydocs.python import extract_python
    from paritydocs.render import Renderer

    settings = load_settings(
        {
            "python": str(py),
            "elixir": str(ex),
            "python_modules": modules,
            "python_clients": [],
            "type_prefixes": prefixes,
            "python_api": False,
        },
        environ={},
    )
    figures = {}
    t = _cpu()
    python = extract_python(py, modules=modules, source=SourceInfo(str(py), str(py), Language.PYTHON))
    figures["extract_python_s"] = _cpu() - t
    t = _cpu()
    elixir = extract_elixir(ex, source=SourceInfo(str(ex), str(ex), Language.ELIXIR))
    figures["extract_elixir_s"] = _cpu() - t
    t = _cpu()
    report = run_parity(python, elixir, settings, model_names=True)
    figures["parity_s"] = _cpu() - t
    t = _cpu()
    pages = Renderer(settings).pages(report)
    figures["render_s"] = _cpu() - t
    figures["pairs"] = len(report.pairs)
    figures["pages"] = len(pages)
    figures["findings"] = len(report.all_findings())
    return figures


def measure_build(config: Path) -> dict:
    """One MkDocs build in this (child) process: CPU seconds and peak memory."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    t, wall = _cpu(), time.perf_counter()
    cfg = load_config(config_file=str(config), site_dir=str(config.parent / "site"))
    cfg.plugins.on_startup(command="build", dirty=False)
    build(cfg)
    cfg.plugins.on_shutdown()
    return {
        "build_cpu_s": _cpu() - t,
        "build_wall_s": time.perf_counter() - wall,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure_rebuild(config: Path, changed: Path, mode: str) -> dict:
    """Like `paritydocs serve` (mode `dirty`) or `mkdocs serve` and `paritydocs serve --full` (mode `full`):
    build, change one `.ex` file's moduledoc, build again with the plugin instances kept, as serve keeps them."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    dirty = mode == "dirty"
    site = str(config.parent / f"site-serve-{mode}")
    cfg = load_config(config_file=str(config), site_dir=site)
    cfg.plugins.on_startup(command="serve", dirty=dirty)
    build(cfg, serve_url="http://127.0.0.1:8000/", dirty=dirty)
    text = changed.read_text()
    marker = '@moduledoc """\n'
    if marker in text:  # a visible change: the type's page must be rebuilt
        changed.write_text(text.replace(marker, marker + "  Changed by the benchmark.\n\n", 1))
    else:
        changed.write_text("# Changed by the benchmark.\n" + text)
    t, wall = _cpu(), time.perf_counter()
    # MkDocs keeps plugins that define on_startup (ours, Material's search) across reloads, as serve does
    cfg2 = load_config(config_file=str(config), site_dir=site)
    assert cfg2.plugins["paritydocs"] is cfg.plugins["paritydocs"]
    build(cfg2, serve_url="http://127.0.0.1:8000/", dirty=dirty)
    result = {
        f"rebuild_{mode}_cpu_s": _cpu() - t,
        f"rebuild_{mode}_wall_s": time.perf_counter() - wall,
        f"reparsed_{mode}": cfg.plugins["paritydocs"].caches.elixir.parses,
    }
    changed.write_text(text)
    return result


def measure_check(py: Path, ex: Path, runs: int, *, warm: bool) -> list[float]:
    """Process time (user + system) of `paritydocs check` on a pair, one fresh process a run, as a user runs it.

    Cold: each run gets an empty cache directory (`PARITYDOCS_CACHE` a fresh temporary folder), so both SDKs are
    extracted and the extraction cache written. Warm: one cache directory, filled by an untimed run first, so every
    timed run is served by the extraction cache (the sources are local folders: nothing else lives there)."""
    times = []
    with tempfile.TemporaryDirectory(prefix="pd-bench-check-") as tmp:
        command = [sys.executable, "-m", "paritydocs.cli", "check", "--python", str(py), "--elixir", str(ex)]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PARITYDOCS_CACHE": str(Path(tmp) / "warm")}
        env.pop("PARITYDOCS_NO_CACHE", None)
        if warm:
            subprocess.run(command, capture_output=True, check=False, env=env)
        for i in range(runs):
            if not warm:
                env["PARITYDOCS_CACHE"] = str(Path(tmp) / f"cold-{i}")
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(command, capture_output=True, check=False, env=env)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return times


def measure_sync(old: str, new: str, ex: Path, runs: int, *, warm: bool) -> list[float]:
    """Wall time of `paritydocs sync --from OLD --to NEW --elixir EX`, one fresh process a run.

    The resolved sources (git trees, releases) are fetched by an untimed first run into a cache directory of this
    benchmark. Cold: the extraction cache (models, the sync report's Python half) emptied before each run, so
    both revisions are loaded and compared; warm: kept, so every timed run reads the Python half from it."""
    times = []
    with tempfile.TemporaryDirectory(prefix="pd-bench-sync-") as tmp:
        cache = Path(tmp) / "cache"
        command = [sys.executable, "-m", "paritydocs.cli", "sync", "--from", old, "--to", new, "--elixir", str(ex)]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PARITYDOCS_CACHE": str(cache)}
        env.pop("PARITYDOCS_NO_CACHE", None)
        subprocess.run(command, capture_output=True, check=False, env=env, cwd=ROOT)
        for _ in range(runs):
            if not warm:
                shutil.rmtree(cache / "extraction", ignore_errors=True)
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False, env=env, cwd=ROOT)
            times.append(time.perf_counter() - start)
    return times


def compile_package() -> None:
    """Write paritydocs' bytecode, as any installed package has it (an editable checkout run with
    `PYTHONDONTWRITEBYTECODE=1` would otherwise compile every module of its own on each start, ~0.15 s)."""
    package = ROOT / "site_src" / "paritydocs"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=False, env=env)


def child(kind: str, *args: str, env: dict[str, str] | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )
    if out.returncode != 0:
        raise SystemExit(f"bench child {kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_case(
    label: str,
    py: Path,
    ex: Path,
    modules: list[str],
    prefixes: dict,
    work: Path,
    api_idents: list[str],
    changed: Path | None,
) -> dict:
    write_configs(work, py, ex, modules, prefixes, api_idents)
    row: dict = {"case": label}
    row.update(child("pipeline", str(py), str(ex), json.dumps(modules), json.dumps(prefixes)))
    full = child("build", str(work / "full" / "mkdocs.yml"))
    api = child("build", str(work / "api" / "mkdocs.yml"))
    row.update({f"site_{k}": v for k, v in full.items()})
    row.update({f"api_{k}": v for k, v in api.items()})
    row["ratio_site_vs_api"] = full["build_cpu_s"] / api["build_cpu_s"]
    if changed is not None:
        for mode in ("full", "dirty"):
            row.update(child("rebuild", str(work / "full" / "mkdocs.yml"), str(changed), mode))
    return row


# ---- rebuilds: the anchor, the floor, cold, unchanged, one .ex edit, serve, peak memory (issue 19) ---------------

EX_EDIT = ("lib/tinkex/types/model_data.ex", "types/ModelData/")
PY_EDIT = ("src/tinker/types/model_input.py", "api/tinker.types.ModelInput/")
DERIVED = ("extraction", "render", "pages", "jinja")
"""The cache folders a cold build starts without; the fetched sources (PyPI releases of the sync ranges) stay."""


def _edit(path: Path, marker: str) -> str:
    """Add `marker` to the first docstring or `@moduledoc` of `path` (a Markdown page: a paragraph at its end);
    returns the text before."""
    text = path.read_text()
    if path.suffix == ".md":
        path.write_text(f"{text}\n\n{marker}\n")
        return text
    for opening in ('@moduledoc """\n', '"""'):
        if opening in text:
            path.write_text(text.replace(opening, opening + marker + " ", 1))
            return text
    raise SystemExit(f"bench: {path} has no docstring to edit")


def _best(runs: list[dict], key: str) -> dict:
    return min(runs, key=lambda r: r[key])


def _floor_config(generated: Path, config: Path, user_pages: list[str]) -> None:
    """The generated project's configuration with the site's theme, Markdown extensions and plugins (all but
    paritydocs, whose pages are already there; mkdocstrings as generated, pointing at the same SDK), and the
    user's pages in the nav: MkDocs then builds what the site builds, without the plugin."""
    import yaml

    floor = yaml.safe_load(generated.read_text())
    site = yaml.safe_load(config.read_text())
    floor["site_name"], floor["theme"] = site["site_name"], site["theme"]
    floor["markdown_extensions"] = [e for e in site.get("markdown_extensions", []) if e != "paritydocs.guard"]
    generated_plugins = {next(iter(p)) if isinstance(p, dict) else p: p for p in floor.get("plugins", [])}
    plugins = []
    for entry in site.get("plugins", []):
        name = next(iter(entry)) if isinstance(entry, dict) else entry
        if name != "paritydocs":
            plugins.append(generated_plugins.get(name, entry))
    floor["plugins"] = plugins
    floor["nav"] = [*floor.get("nav", []), {"Guide": sorted(user_pages)}]
    generated.write_text(yaml.safe_dump(floor, allow_unicode=True, sort_keys=False))


def measure_rebuilds(config: Path, py: Path, ex: Path, runs: int, *, serve_only: bool = False) -> dict:
    """On a copy of both trees, the figures issue 19 asks for, each the best of `runs` fresh processes (CPU
    seconds, as everywhere in this file); `serve` in wall seconds from saving the file to the reloaded page.
    `serve_only`: only the two `serve` figures and the floor of serve, after one build that fills the cache."""
    from paritydocs.config import TINKER_PROFILE
    from paritydocs.model import Language, SourceInfo
    from paritydocs.python import extract_python

    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="pd-bench-rebuild-") as tmp:
        work = Path(tmp)
        ignore = shutil.ignore_patterns(".git", "_build", "deps", "__pycache__")
        py_copy, ex_copy = work / "python", work / "elixir"
        shutil.copytree(py, py_copy, ignore=ignore)
        shutil.copytree(ex, ex_copy, ignore=ignore)
        cache = work / "cache"
        env = {"PARITYDOCS_CACHE": str(cache), "PARITYDOCS_PYTHON": str(py_copy), "PARITYDOCS_ELIXIR": str(ex_copy)}
        # the anchor: mkdocstrings alone over the same Python types, one page a type
        modules = TINKER_PROFILE["python_modules"]
        model = extract_python(py_copy, modules=modules, source=SourceInfo(str(py_copy), str(py_copy), Language.PYTHON))
        write_configs(
            work,
            py_copy,
            ex_copy,
            modules,
            TINKER_PROFILE["type_prefixes"],
            [t.public_path or t.path for t in model.types],
        )
        # fill the sources, then the floor: MkDocs on the generated project (the same pages, the user's too)
        subprocess.run(
            [sys.executable, "-m", "paritydocs.cli", "generate", "--config", str(config), "--out", str(work / "floor")],
            capture_output=True,
            check=True,
            env={**os.environ, **env, "NO_MKDOCS_2_WARNING": "1"},
            cwd=config.parent,
        )
        docs, floor_docs = config.parent / "docs", work / "floor" / "docs"
        for page in sorted(docs.rglob("*")) if docs.is_dir() else []:  # the user's pages, beside the generated
            target = floor_docs / page.relative_to(docs)
            if page.is_file() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(page, target)
        _floor_config(
            work / "floor" / "mkdocs.yml", config, [p.relative_to(docs).as_posix() for p in docs.rglob("*.md")]
        )
        if serve_only:
            figures.update(measure_serve_floor(work / "floor" / "mkdocs.yml", runs))
            child("build", str(config), env=env)  # the cache a serve session starts with
            figures.update(measure_serve(config, env, ex_copy, py_copy, runs))
            return figures
        figures["floor"] = _best(
            [child("build", str(work / "floor" / "mkdocs.yml")) for _ in range(runs)], "build_cpu_s"
        )
        figures.update(measure_serve_floor(work / "floor" / "mkdocs.yml", runs))
        colds = []
        for _ in range(runs):
            for name in DERIVED:
                shutil.rmtree(cache / name, ignore_errors=True)
            colds.append(child("build", str(config), env=env))
        figures["cold"] = _best(colds, "build_cpu_s")
        figures["cold_peak_mb"] = max(r["peak_mb"] for r in colds)
        # interleaved, so a machine whose speed drifts (this one does, by up to 50% in an hour) drifts for all
        anchors, unchanged, edited = [], [], []
        target = ex_copy / EX_EDIT[0]
        for i in range(runs):
            anchors.append(child("build", str(work / "api" / "mkdocs.yml")))
            unchanged.append(child("build", str(config), env=env))
            before = _edit(target, f"Edited by the benchmark ({i}).")
            edited.append(child("build", str(config), env=env))
            target.write_text(before)
            child("build", str(config), env=env)  # the cache as before the edit again
        figures["anchor"] = _best(anchors, "build_cpu_s")
        figures["unchanged"] = _best(unchanged, "build_cpu_s")
        figures["one_ex_edit"] = _best(edited, "build_cpu_s")
        figures.update(measure_serve(config, env, ex_copy, py_copy, runs))
    anchor = figures["anchor"]["build_cpu_s"]
    figures["ratios"] = {
        "unchanged_vs_anchor": figures["unchanged"]["build_cpu_s"] / anchor,
        "one_ex_edit_vs_anchor": figures["one_ex_edit"]["build_cpu_s"] / anchor,
        "cold_vs_floor": figures["cold"]["build_cpu_s"] / figures["floor"]["build_cpu_s"],
    }
    return figures


def measure_serve(config: Path, env: dict[str, str], ex: Path, py: Path, runs: int) -> dict:
    """`paritydocs serve` on 127.0.0.1: from saving an edited `.ex` (then `.py`) file to the first response of
    its page that shows the edit, watcher and rebuild included; the best of `runs` edits each."""
    command = [sys.executable, "-m", "paritydocs.cli", "serve", "--config", str(config)]
    return _serve_saves(
        command, config, env, [("ex", ex / EX_EDIT[0], EX_EDIT[1]), ("py", py / PY_EDIT[0], PY_EDIT[1])], runs
    )


def measure_serve_floor(floor_config: Path, runs: int) -> dict:
    """The floor of `serve`: `mkdocs serve --dirty` (MkDocs' watcher and rebuild of only the changed page, as
    `paritydocs serve` does) on the floor project, no plugin, from saving the `.ex` edit's page (its generated
    Markdown) to the reloaded page."""
    page = floor_config.parent / "docs" / (EX_EDIT[1].rstrip("/") + ".md")
    command = [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--config-file", str(floor_config)]
    return _serve_saves(command, floor_config, {}, [("floor", page, EX_EDIT[1])], runs)


def _serve_saves(
    command: list[str], config: Path, env: dict[str, str], edits: list[tuple[str, Path, str]], runs: int
) -> dict:
    """Start `command` on a free port of 127.0.0.1; for each `(label, file, url)` of `edits`, `runs` times: save
    `file` with a marker, and time until `url` shows it (`serve_<label>_s`, the best; `serve_<label>_all`)."""
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    import urllib.parse

    import yaml

    # MkDocs serves the site under the path of its `site_url`
    mount = urllib.parse.urlsplit(yaml.safe_load(config.read_text()).get("site_url") or "/").path or "/"
    base = f"http://127.0.0.1:{port}{mount.rstrip('/')}/"
    server = subprocess.Popen(
        [*command, "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **env, "NO_MKDOCS_2_WARNING": "1"},
        cwd=config.parent,
    )

    def page(url: str) -> str:
        try:
            with urllib.request.urlopen(base + url, timeout=5) as response:
                return response.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def wait(url: str, marker: str, present: bool, limit: float = 300.0) -> float:
        start = time.perf_counter()
        while (marker in page(url)) != present:
            if time.perf_counter() - start > limit:
                raise SystemExit(f"bench: serve never showed the edit on {url}")
            time.sleep(0.01)
        return time.perf_counter() - start

    figures: dict = {}
    try:
        wait(edits[0][2], "</html>", True)
        time.sleep(2.0)  # the watcher settles
        for label, file, url in edits:
            times = []
            for i in range(runs):
                marker = f"Saved by the benchmark {label} {i}."
                before = _edit(file, marker)
                times.append(wait(url, marker, True))
                file.write_text(before)
                wait(url, marker, False)
                time.sleep(1.0)
            figures[f"serve_{label}_s"] = min(times)
            figures[f"serve_{label}_all"] = times
    finally:
        server.terminate()
        server.wait(timeout=30)
    return figures


def print_rebuilds(figures: dict, *, markdown: bool) -> None:
    rows = [
        ("Anchor: mkdocstrings only, the same Python types", figures["anchor"]),
        ("Floor: MkDocs on the generated pages, no plugin", figures["floor"]),
        ("Cold build (extraction, render, page and template caches empty)", figures["cold"]),
        ("Rebuild, inputs unchanged", figures["unchanged"]),
        ("Rebuild after one `.ex` edit", figures["one_ex_edit"]),
    ]
    ratios = figures["ratios"]
    lines = ["| Case | CPU (s) | Wall (s) | Peak MB |", "|---|---|---|---|"]
    for label, row in rows:
        lines.append(f"| {label} | {row['build_cpu_s']:.2f} | {row['build_wall_s']:.2f} | {row['peak_mb']:.0f} |")
    lines.append(f"| `paritydocs serve`: `.ex` saved → page reloaded | — | {figures['serve_ex_s']:.2f} | — |")
    lines.append(f"| `paritydocs serve`: `.py` saved → page reloaded | — | {figures['serve_py_s']:.2f} | — |")
    lines.append(
        f"| Floor of serve: `mkdocs serve --dirty` on the generated pages, one page saved → reloaded | — |"
        f" {figures['serve_floor_s']:.2f} | — |"
    )
    lines.append("")
    lines.append(
        f"Unchanged rebuild / anchor {ratios['unchanged_vs_anchor']:.2f}x (target ≤ 1.25); one `.ex` edit / anchor"
        f" {ratios['one_ex_edit_vs_anchor']:.2f}x (≤ 1.5); cold / floor {ratios['cold_vs_floor']:.2f}x (≤ 1.15);"
        f" serve `.ex` {figures['serve_ex_s']:.2f} s (≤ 0.5), `.py` {figures['serve_py_s']:.2f} s (≤ 1.0)."
    )
    text = "\n".join(lines)
    print(text if markdown else text.replace("|", " ").replace("---", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 5000])
    parser.add_argument("--python", type=Path, help="real Python SDK checkout (e.g. tinker)")
    parser.add_argument("--elixir", type=Path, help="real Elixir SDK checkout (e.g. tinkex)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--check-only", action="store_true", help="only time `paritydocs check` on --python/--elixir")
    parser.add_argument("--runs", type=int, default=5, help="runs of --check-only, cold and warm each (default 5)")
    parser.add_argument(
        "--no-compile",
        action="store_true",
        help="--check-only: do not write paritydocs' bytecode first (measure imports compiled from source)",
    )
    parser.add_argument(
        "--sync",
        nargs=2,
        metavar=("FROM", "TO"),
        help="only time `paritydocs sync --from FROM --to TO` against --elixir, cold and warm (--runs each)",
    )
    parser.add_argument(
        "--rebuilds",
        type=Path,
        metavar="MKDOCS_YML",
        help="only the rebuild figures of MKDOCS_YML on --python/--elixir: anchor, floor, cold, unchanged, one .ex"
        " edit, serve save-to-page for .ex and .py, peak memory (best of --runs each)",
    )
    parser.add_argument(
        "--serve-only",
        action="store_true",
        help="--rebuilds: only `serve` save-to-page for .ex and .py, and the floor of serve",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rebuilds:
        if not (args.python and args.elixir):
            parser.error("--rebuilds needs --python and --elixir")
        compile_package()
        figures = measure_rebuilds(
            args.rebuilds.resolve(), args.python.resolve(), args.elixir.resolve(), args.runs, serve_only=args.serve_only
        )
        print(json.dumps(figures), file=sys.stderr)
        if args.serve_only:
            for label in ("ex", "py", "floor"):
                times = ", ".join(f"{t:.2f}" for t in figures[f"serve_{label}_all"])
                print(f"serve, {label} saved → page reloaded: best {figures[f'serve_{label}_s']:.2f} s ({times})")
        else:
            print_rebuilds(figures, markdown=args.markdown)
        return 0
    if args.sync:
        if not args.elixir:
            parser.error("--sync needs --elixir")
        if not args.no_compile:
            compile_package()
        for label, warm in (("cold (extraction cache empty)", False), ("warm (Python half cached)", True)):
            times = measure_sync(*args.sync, args.elixir, args.runs, warm=warm)
            print(
                f"paritydocs sync, {label}: {min(times):.2f}-{max(times):.2f} s wall over {len(times)} runs"
                f" ({', '.join(f'{t:.2f}' for t in times)})"
            )
        return 0
    if args.check_only:
        if not (args.python and args.elixir):
            parser.error("--check-only needs --python and --elixir")
        if not args.no_compile:
            compile_package()
        for label, warm in (("cold (empty cache)", False), ("warm (extraction cache filled)", True)):
            times = measure_check(args.python, args.elixir, args.runs, warm=warm)
            print(
                f"paritydocs check, {label}: {min(times):.2f}-{max(times):.2f} s process time over {len(times)} runs"
                f" ({', '.join(f'{t:.2f}' for t in times)})"
            )
        return 0
    if args.child:
        kind, *rest = args.child
        if kind == "pipeline":
            result = measure_pipeline(Path(rest[0]), Path(rest[1]), json.loads(rest[2]), json.loads(rest[3]))
        elif kind == "build":
            result = measure_build(Path(rest[0]))
        else:
            result = measure_rebuild(Path(rest[0]), Path(rest[1]), rest[2])
        print(json.dumps(result))
        return 0

    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"pd-bench-{n}-") as tmp:
            work = Path(tmp)
            py, ex = write_pair(work / "sdk", n)
            idents = [f"synth.types.Thing{i:05d}" for i in range(n)]
            changed = ex / "lib" / "synth" / "types" / "thing_00000.ex"
            rows.append(
                run_case(
                    f"synthetic N={n}", py, ex, ["synth.types"], {"synth.types": "Synth.Types"}, work, idents, changed
                )
            )
            print(json.dumps(rows[-1]), file=sys.stderr)
    if args.python and args.elixir:
        with tempfile.TemporaryDirectory(prefix="pd-bench-real-") as tmp:
            work = Path(tmp)
            ex_copy = work / "elixir"
            shutil.copytree(args.elixir, ex_copy, ignore=shutil.ignore_patterns(".git", "_build", "deps"))
            sys.path.insert(0, str(ROOT / "site_src"))
            from paritydocs.config import TINKER_PROFILE
            from paritydocs.model import Language, SourceInfo
            from paritydocs.python import extract_python

            modules = TINKER_PROFILE["python_modules"]
            model = extract_python(
                args.python, modules=modules, source=SourceInfo(str(args.python), str(args.python), Language.PYTHON)
            )
            idents = [t.public_path or t.path for t in model.types]
            rows.append(
                run_case(
                    "Tinker/Tinkex",
                    args.python.resolve(),
                    ex_copy,
                    modules,
                    TINKER_PROFILE["type_prefixes"],
                    work,
                    idents,
                    ex_copy / "lib" / "tinkex" / "types" / "model_data.ex",
                )
            )
            print(json.dumps(rows[-1]), file=sys.stderr)
    print_table(rows, markdown=args.markdown)
    return 0


COLUMNS = [
    ("case", "Case", "{}"),
    ("pairs", "Pairs", "{}"),
    ("extract_python_s", "Extract Py (s)", "{:.2f}"),
    ("extract_elixir_s", "Extract Ex (s)", "{:.2f}"),
    ("parity_s", "Parity (s)", "{:.2f}"),
    ("render_s", "Render (s)", "{:.2f}"),
    ("site_build_cpu_s", "Whole site (s)", "{:.1f}"),
    ("api_build_cpu_s", "mkdocstrings only (s)", "{:.1f}"),
    ("ratio_site_vs_api", "Ratio", "{:.2f}"),
    ("site_peak_mb", "Peak MB", "{:.0f}"),
    ("rebuild_dirty_wall_s", "paritydocs serve rebuild, 1 .ex (s)", "{:.2f}"),
    ("rebuild_full_wall_s", "mkdocs serve / serve --full rebuild (s)", "{:.2f}"),
]


def print_table(rows: list[dict], *, markdown: bool) -> None:
    header = [title for _, title, _ in COLUMNS]
    body = [[fmt.format(row[key]) if key in row else "—" for key, _, fmt in COLUMNS] for row in rows]
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for line in body:
            print("| " + " | ".join(line) + " |")
        return
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for line in body:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))


if __name__ == "__main__":
    sys.exit(main())
