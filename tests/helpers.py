"""Small builders shared by the test modules (add yours in clearly named functions).

Python extraction (`tests/test_python.py`):

- `write_python_package`: lay out a few `.py` files from inline text, so a test shows its input.
- `python_source_info`: a `SourceInfo` for a local Python tree.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from paritydocs.model import Language, SourceInfo


def write_python_package(root: Path, files: dict[str, str]) -> Path:
    """Write `{"pkg/__init__.py": "...", "pkg/mod.py": "..."}` under `root` and return `root`.

    Text is dedented and gets a final newline. Parent directories are created; nothing else
    is (no `__init__.py` appears unless listed, so namespace directories are easy to make).
    """
    root.mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        body = textwrap.dedent(text).lstrip("\n")
        if body and not body.endswith("\n"):
            body += "\n"
        path.write_text(body, encoding="utf-8")
    return root


def python_source_info(root: Path, spec: str | None = None) -> SourceInfo:
    """The `SourceInfo` of a local Python tree (spec defaults to the path)."""
    return SourceInfo(spec=spec or str(root), root=str(root), language=Language.PYTHON)
