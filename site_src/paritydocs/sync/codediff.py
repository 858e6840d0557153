"""Code as the differ compares it: source lines, syntax trees, unified diffs, string and number literals,
model-name lines, the object around a line, and the files that differ between two trees."""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from paritydocs.modelnames import ModelNameUpdate, apply_updates, has_outdated
from paritydocs.python.loader import walk_objects
from paritydocs.sources.trees import tree_files
from paritydocs.sync.report import FileStatus
from paritydocs.sync.revisions import Tree

__all__ = [
    "DIFF_CONTEXT",
    "Enclosing",
    "added_literals",
    "added_numbers",
    "changed_files",
    "classify_file",
    "code_lines",
    "distinctive",
    "elixir_numbers",
    "number_value",
    "read_lines",
    "replaced_lines",
    "syntax",
    "unified",
]

DIFF_CONTEXT = 2
_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


def read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def code_lines(obj: Any) -> list[tuple[int, str]] | None:
    """An object's source lines (number, text), its docstring left out."""
    filepath = getattr(obj, "filepath", None)
    if not isinstance(filepath, Path) or not obj.lineno or not obj.endlineno:
        return None
    lines = read_lines(filepath)
    skip: set[int] = set()
    doc = getattr(obj, "docstring", None)
    if doc is not None and doc.lineno and doc.endlineno and not obj.is_attribute:
        skip = set(range(doc.lineno, doc.endlineno + 1))
    return [(n, lines[n - 1]) for n in range(obj.lineno, obj.endlineno + 1) if n not in skip and n <= len(lines)]


def syntax(obj: Any) -> str | None:
    """What runs, as text: a function's decorators and body without its docstring (its signature is API, compared
    by Griffe), an attribute's statement. Equal for a reformatting; None when the slice does not parse."""
    filepath = getattr(obj, "filepath", None)
    if not isinstance(filepath, Path) or not obj.lineno or not obj.endlineno:
        return None
    lines = read_lines(filepath)[obj.lineno - 1 : obj.endlineno]
    source = "if 1:\n" + "\n".join(" " + line for line in lines)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            value = first.value if isinstance(first, ast.Expr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                node.body = node.body[1:]
    statements = tree.body[0].body if isinstance(tree.body[0], ast.If) else tree.body
    parts = []
    for node in statements:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            parts.append(ast.dump(ast.Module(body=node.body, type_ignores=[]), include_attributes=False))
            parts.append(
                ast.dump(
                    ast.Module(body=[ast.Expr(d) for d in node.decorator_list], type_ignores=[]),
                    include_attributes=False,
                )
            )
            parts.append(str(isinstance(node, ast.AsyncFunctionDef)))
        else:
            parts.append(ast.dump(node, include_attributes=False))
    return "\n".join(parts)


def unified(before: list[tuple[int, str]], after: list[tuple[int, str]], file_new: str, file_old: str) -> str:
    """`difflib.unified_diff` of the code lines, hunk headers renumbered to the files' own lines."""
    out = []
    for line in difflib.unified_diff(
        [t for _, t in before],
        [t for _, t in after],
        fromfile=f"a/{file_old or file_new}",
        tofile=f"b/{file_new}",
        n=DIFF_CONTEXT,
        lineterm="",
    ):
        match = _HUNK.match(line)
        if match:
            start_old = int(match.group(1))
            start_new = int(match.group(3))
            real_old = before[start_old - 1][0] if 0 < start_old <= len(before) else start_old
            real_new = after[start_new - 1][0] if 0 < start_new <= len(after) else start_new
            line = f"@@ -{real_old}{match.group(2) or ''} +{real_new}{match.group(4) or ''} @@"
        out.append(line)
    return "\n".join(out)


_STRING = re.compile(r""""((?:[^"\\]|\\.){2,200})"|'((?:[^'\\]|\\.){2,200})'""")


def added_literals(diff: str) -> list[str]:
    """String literals on the added lines of a diff that no removed line has (new messages, prefixes, keys)."""
    added: list[str] = []
    removed: set[str] = set()
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            continue
        if line[:1] in "+-":
            for match in _STRING.finditer(line[1:]):
                text = match.group(1) if match.group(1) is not None else match.group(2)
                if line[0] == "-":
                    removed.add(text)
                elif text not in added:
                    added.append(text)
    return [text for text in added if text not in removed]


_NUMBER = r"(?:\d[\d_]*(?:\.[\d_]*)?(?:[eE][-+]?\d+)?|\.\d[\d_]*(?:[eE][-+]?\d+)?)"
_NUMBER_LITERAL = re.compile(rf"(?<![\w.@?]){_NUMBER}(?:\s*\*\s*{_NUMBER})*(?![\w.])")
"""A number literal, or a product of them (`128 * 1024`: one number, 131072, not 128 and 1024), written alike in
Python and Elixir (`5_000_000`, `1.5e3`)."""


def number_value(text: str) -> int | float | None:
    """The value of a number literal as Python or Elixir writes it (`5_000_000`, `1e-3`, `2.5`), or of a product
    of them (`128 * 1024`), or None."""
    result: int | float = 1
    for factor in text.split("*"):
        clean = factor.strip().replace("_", "")
        try:
            result *= float(clean) if any(c in clean for c in ".eE") else int(clean)
        except ValueError:
            return None
    if isinstance(result, float) and result.is_integer() and abs(result) < 2**53:
        return int(result)
    return result


def distinctive(value: int | float | None) -> bool:
    """A number worth looking for in another code base: an integer of at least 100 that is no power of two up to
    1024 and, when it is one digit and zeros, at least 10,000; or a fraction other than 0.5. `0`, `3`, `60`, `300`
    (an HTTP status as often as five minutes), `5000`, `1024` and `0.5` stand for too many things to be a target;
    `254`, `131072`, `30000` and `5000000` do not."""
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, float) and not value.is_integer():
        return value not in (0.5, -0.5)
    magnitude = abs(int(value))
    if magnitude < 100 or (magnitude <= 1024 and magnitude & (magnitude - 1) == 0):
        return False
    digits = magnitude
    while digits % 10 == 0:
        digits //= 10
    return digits >= 10 or magnitude >= 10_000


def added_numbers(diff: str) -> list[str]:
    """Distinctive numbers of the code on the added lines of a diff that no removed line has (a new limit, a
    changed timeout), as the Python code writes them; numbers inside strings and comments left out."""
    added: dict[int | float, str] = {}
    removed: set[int | float] = set()
    for line in diff.splitlines():
        if line.startswith(("+++", "---")) or line[:1] not in "+-":
            continue
        code = _STRING.sub('""', line[1:]).split("#", 1)[0]
        for match in _NUMBER_LITERAL.finditer(code):
            value = number_value(match.group(0))
            if value is None or not distinctive(value):
                continue
            if line[0] == "-":
                removed.add(value)
            else:
                added.setdefault(value, match.group(0))
    return [text for value, text in added.items() if value not in removed]


def elixir_numbers(text: str) -> set[int | float]:
    """The values of the number literals of an Elixir file (`5_000_000`, `1.5e3`), a product of them counted as
    one number (`128 * 1024`)."""
    values: set[int | float] = set()
    for match in _NUMBER_LITERAL.finditer(text):
        value = number_value(match.group(0))
        if value is not None:
            values.add(value)
    return values


def replaced_lines(
    before: list[str], after: list[str], updates: Sequence[ModelNameUpdate]
) -> Iterator[tuple[int, int, ModelNameUpdate]]:
    """(old index, new index, update) for lines where an outdated model name became its new name."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue
        used: set[int] = set()
        for i in range(i1, i2):
            if not has_outdated(before[i], updates):
                continue
            expected = apply_updates(before[i], updates)
            j = next((k for k in range(j1, j2) if k not in used and after[k] == expected), None)
            if j is None:
                k = j1 + (i - i1)
                if (
                    k < j2
                    and k not in used
                    and not has_outdated(after[k], updates)
                    and any(u.new in after[k] for u in updates)
                ):
                    j = k
            if j is None:
                continue
            used.add(j)
            update = next(
                (u for u in updates if u.pattern.search(before[i]) and u.new in after[j]),
                next(u for u in updates if u.pattern.search(before[i])),
            )
            yield i, j, update


class Enclosing:
    """The innermost Griffe object (module, class, function) around a line of a file of one revision."""

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.index: dict[str, list[tuple[int, int, str]]] | None = None

    def find(self, rel: str, line: int) -> str | None:
        if self.index is None:
            self.index = {}
            for top in self.tree.tops.values():
                for obj in walk_objects(top):
                    file = self.tree.rel(obj)
                    if file is None:
                        continue
                    start = obj.lineno or 1
                    end = obj.endlineno or (10**9 if obj.is_module else start)
                    self.index.setdefault(file, []).append((start, end, obj.path))
        best: tuple[int, str] | None = None
        for start, end, path in self.index.get(rel, []):
            if start <= line <= end and (best is None or end - start < best[0]):
                best = (end - start, path)
        return best[1] if best else None


def changed_files(old_root: Path, new_root: Path) -> list[FileStatus]:
    old, new = tree_files(old_root), tree_files(new_root)
    out = []
    for rel in sorted(set(old) | set(new)):
        if rel not in new:
            out.append(FileStatus(rel, "removed"))
        elif rel not in old:
            out.append(FileStatus(rel, "added"))
        else:
            a, b = Path(old[rel]), Path(new[rel])
            with suppress(OSError):
                if a.stat().st_size != b.stat().st_size or a.read_bytes() != b.read_bytes():
                    out.append(FileStatus(rel, "modified"))
    return out


_PACKAGING = ("pyproject.toml", "setup.py", "setup.cfg", "uv.lock", "poetry.lock", "MANIFEST.in", "requirements")


def classify_file(rel: str, old_root: Path, new_root: Path) -> tuple[str, str | None]:
    """What a changed file outside the compared modules is (`tests`, `docs`, `packaging`, `ci`, `other`), and
    what changed in it when that can be said: the `[project] version` of a `pyproject.toml`."""
    from paritydocs.sources import pyproject_version

    parts = rel.split("/")
    name = parts[-1]
    if parts[0] in ("tests", "test") or name.startswith("test_") or name.endswith("_test.py"):
        return "tests", None
    if parts[0] in ("docs", "doc") or name.lower().endswith((".md", ".rst")):
        return "docs", None
    if parts[0] in (".github", ".gitlab", ".circleci") or name in (".gitlab-ci.yml", ".pre-commit-config.yaml"):
        return "ci", None
    if name.startswith(_PACKAGING):
        note = None
        if rel == "pyproject.toml":
            before, after = pyproject_version(old_root), pyproject_version(new_root)
            if before != after:
                note = f"version {before or '?'} → {after or '?'}"
        return "packaging", note
    return "other", None
