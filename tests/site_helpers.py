"""Build the demo site (or a copy of it) with MkDocs' own API, in a temporary directory."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

DEMO = Path(__file__).parents[1] / "examples" / "demo"


def count_griffe_loads(monkeypatch) -> list[str]:
    """The packages every Griffe loader is asked to load from now on, in order."""
    import griffe

    loads: list[str] = []
    original = griffe.GriffeLoader.load

    def counting(self, objspec, *args, **kwargs):
        loads.append(str(objspec))
        return original(self, objspec, *args, **kwargs)

    monkeypatch.setattr(griffe.GriffeLoader, "load", counting)
    return loads


def copy_demo(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("site", "__pycache__"))
    return target


def build_site(config_file: Path, site_dir: Path, *, strict: bool = True, **overrides) -> Path:
    config = load_config(config_file=str(config_file), site_dir=str(site_dir), strict=strict, **overrides)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site_dir


def article(html: str) -> str:
    """The page's content area: what Markdown produced, without the theme's own scripts."""
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', html, re.S)
    assert match, "no article in page"
    return match.group(1)


JOB_ID_DOC = '"""Unique identifier of the job."""'


def set_job_id_doc(demo: Path, text: str) -> Path:
    """Give the demo's `JobInfo.job_id` another docstring (the field the hostile-text tests write into)."""
    source = demo / "python" / "src" / "orbit" / "types" / "job_info.py"
    original = source.read_text()
    assert JOB_ID_DOC in original
    source.write_text(original.replace(JOB_ID_DOC, f'"""{text}"""'))
    return source
