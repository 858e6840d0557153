"""Suggest edits to the Elixir tree: port Python field docs into `@moduledoc`, update outdated model names.

`build_patch(report, settings)` returns a unified diff (git format) against the Elixir source root that

- (docs) adds a `## Fields` bullet (`` * `:field` - text ``) for every paired field Python documents and
  Elixir does not (the extractor's `FieldDef.doc` decides what is documented), appending to an existing
  `## Fields` section of the `@moduledoc`, adding a section at the end of it, or creating a `@moduledoc`;
- (model names) rewrites outdated model ids (`modelnames.scan_tree`) in the user-facing files of the tree.

Edits are byte ranges of the tree-sitter syntax tree (`elixir.parse_elixir`); everything else in a file stays
byte-identical. Each patched `.ex` file is parsed again: an edit that adds syntax errors, adds extraction
warnings, or does not make the extractor read the new bullets is dropped with a warning. SDK text never ends
a `@moduledoc`: it is escaped for the heredoc, a `~S` heredoc (no escapes) whose terminator the text contains
is not edited, and each module's edit is parsed again on its own: its do-block must keep its statements and
its `@moduledoc` one string ending where the edit puts its closing quotes (`verify.verify_module`).

The API:

- `build_patch(report, settings, modules=..., only=...)`: the `SuggestResult` (patch, new file texts, summary).
- `SuggestResult`, `SuggestSummary`: what `build_patch` returns; `ONLY_CHOICES`: the kinds of edit `only` takes.
- `unified_diff(rel, old, new)`: one file's diff in git format.
- `WRAP_COLUMN`: the column bullets are wrapped at.

The submodules: `edits` (the byte edits of one file: bullets, `## Fields` sections, `@moduledoc`s, model names)
and `verify` (each edit parsed and extracted again before it is kept).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paritydocs.config import Settings
from paritydocs.elixir import find_modules, parse_elixir
from paritydocs.elixir.docs import field_doc_text
from paritydocs.errors import ConfigError
from paritydocs.modelnames import apply_updates, compile_updates, scan_tree
from paritydocs.parity import PairReport, ParityReport
from paritydocs.suggest.edits import (
    WRAP_COLUMN,
    Edit,
    ModuleDocs,
    Skip,
    apply_edits,
    drop_overlaps,
    model_name_edits,
    module_docs_edits,
)
from paritydocs.suggest.verify import error_count, verify_file, verify_module
from paritydocs.textsafe import strip_controls

__all__ = [
    "ONLY_CHOICES",
    "WRAP_COLUMN",
    "SuggestResult",
    "SuggestSummary",
    "build_patch",
    "unified_diff",
]


ONLY_CHOICES = ("docs", "model-names")
_PARSED_SUFFIXES = (".ex", ".exs")


# ---- result ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class SuggestSummary:
    files_changed: int = 0
    bullets: dict[str, int] = field(default_factory=dict)
    """Elixir module → field bullets added to its `@moduledoc`."""
    moduledocs_created: list[str] = field(default_factory=list)
    """Modules that had no `@moduledoc` and get one."""
    model_names: int = 0
    """Outdated model ids rewritten."""
    model_name_files: int = 0

    @property
    def bullets_total(self) -> int:
        return sum(self.bullets.values())

    def __str__(self) -> str:
        if not self.files_changed:
            return "No changes suggested: 0 files changed, 0 field docs added, 0 model names updated."
        per_module = ", ".join(f"{m} {n}" for m, n in self.bullets.items())
        docs = f"{self.bullets_total} field docs added" + (f" ({per_module})" if per_module else "")
        created = f"; {len(self.moduledocs_created)} @moduledoc created" if self.moduledocs_created else ""
        names = f"{self.model_names} model names updated in {self.model_name_files} files"
        return f"{self.files_changed} files changed: {docs}{created}; {names}."

    def to_json(self) -> dict[str, Any]:
        return {
            "files_changed": self.files_changed,
            "bullets": dict(self.bullets),
            "moduledocs_created": list(self.moduledocs_created),
            "model_names": self.model_names,
            "model_name_files": self.model_name_files,
        }


@dataclass(slots=True)
class SuggestResult:
    patch: str
    """Unified diff in git format (`diff --git a/... b/...`), empty when nothing changes."""
    files: dict[str, str]
    """Path relative to the Elixir root → the file's new text, for every changed file."""
    summary: SuggestSummary
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Modules skipped on purpose (`@moduledoc false`)."""


# ---- diff ------------------------------------------------------------------------------------------


def _split_lines(text: str) -> list[str]:
    """Lines with their `\\n` (only `\\n` ends a line, as for git)."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


_UNPATCHABLE_PATH = re.compile(r'[\x00-\x1f\x7f"\\]')


def unified_diff(rel: str, old: str, new: str, context: int = 3) -> str:
    """One file's diff in git format (`diff --git`, `--- a/`, `+++ b/`, hunks), `\\ No newline` marked."""
    body = list(difflib.unified_diff(_split_lines(old), _split_lines(new), f"a/{rel}", f"b/{rel}", n=context))
    if not body:
        return ""
    out = [f"diff --git a/{rel} b/{rel}\n", f"--- a/{rel}\n", f"+++ b/{rel}\n"]
    for line in body[2:]:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# ---- the patch -------------------------------------------------------------------------------------


def _selected_pairs(report: ParityReport, modules: Sequence[str] | None, warnings: list[str]) -> list[PairReport]:
    if not modules:
        return list(report.pairs)
    known = {t.path for t in report.elixir_model.types}
    unknown = [m for m in modules if m not in known]
    if unknown:
        raise ConfigError(f"--module {', '.join(unknown)}: no such Elixir module in {report.elixir_model.source.spec}")
    chosen = set(modules)
    paired = {p.elixir.path for p in report.pairs}
    for module in modules:
        if module not in paired:
            warnings.append(f"{module} is not paired with a Python type; no field docs to port")
    return [p for p in report.pairs if p.elixir.path in chosen]


def build_patch(
    report: ParityReport,
    settings: Settings,
    *,
    modules: Sequence[str] | None = None,
    only: str | None = None,
) -> SuggestResult:
    """The suggested edits to the Elixir tree of `report`, as a patch and as new file texts.

    `modules` limits both kinds of edit to those Elixir modules (and their files); `only` is `docs`
    or `model-names` to make one kind of edit.
    """
    if only is not None and only not in ONLY_CHOICES:
        raise ConfigError(f"--only must be one of {', '.join(ONLY_CHOICES)}, got {only!r}")
    root = Path(report.elixir_model.source.root).resolve()
    updates = compile_updates(settings.model_names)
    warnings: list[str] = []
    notes: list[str] = []
    pairs = _selected_pairs(report, modules, warnings)

    planned: dict[str, list[ModuleDocs]] = {}
    if only in (None, "docs"):
        for pair in pairs:
            if pair.is_enum:
                continue
            order = {f.name: i for i, f in enumerate(pair.elixir.fields)}  # struct order, as Elixir readers expect
            ported = sorted(
                (
                    (row.elixir.name, text)
                    for row in pair.rows
                    if row.elixir is not None and (text := field_doc_text(row, updates)) is not None
                ),
                key=lambda item: order.get(item[0], len(order)),
            )
            if ported:
                type_doc = apply_updates(strip_controls(pair.python.doc), updates).strip() if pair.python.doc else None
                planned.setdefault(pair.elixir.file, []).append(ModuleDocs(pair.elixir.path, ported, type_doc))

    name_files: set[str] = set()
    if only in (None, "model-names") and updates:
        occurrences = [o for o in scan_tree(root, "elixir", updates) if o.audience == "user-facing"]
        name_files = {o.file for o in occurrences}
        if modules:
            chosen = set(modules)
            name_files &= {t.file for t in report.elixir_model.types if t.path in chosen}

    summary = SuggestSummary()
    files: dict[str, str] = {}
    diffs: list[str] = []
    for rel in sorted(set(planned) | name_files):
        if _UNPATCHABLE_PATH.search(rel):
            # git would quote it, a patch header would break on it: a newline can forge a `+++ b/...` line
            warnings.append(f"{rel!r}: a path with a control character, quote or backslash; not edited")
            continue
        path = root / rel
        if any(p.is_symlink() for p in (path, *path.parents) if p != root and root in p.parents):
            # git apply refuses a patch "beyond a symbolic link", every other edit with it
            warnings.append(f"{rel}: reached through a symbolic link; not edited")
            continue
        try:
            data = path.read_bytes()
        except OSError as err:
            warnings.append(f"{rel}: cannot read it ({err.strerror}); not edited")
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            warnings.append(f"{rel}: not UTF-8; not edited")
            continue
        nl = "\r\n" if b"\r\n" in data else "\n"
        parsed = rel.endswith(_PARSED_SUFFIXES)
        tree = parse_elixir(data) if parsed else None

        docs_edits: list[Edit] = []
        done: list[ModuleDocs] = []
        created: list[str] = []
        if rel in planned and tree is not None:
            found = find_modules(tree, data)
            for docs in planned[rel]:
                node = found.get(docs.module)
                if node is None:
                    warnings.append(f"{rel}: cannot find `defmodule {docs.module}`; its docs are not edited")
                    continue
                try:
                    edits, new_doc = module_docs_edits(data, node, docs, nl)
                    unsafe = verify_module(data, tree, docs.module, edits, created=new_doc)
                    if unsafe is not None:
                        raise Skip(unsafe)
                except Skip as skip:
                    (notes if skip.note else warnings).append(f"{docs.module} ({rel}): {skip}")
                    continue
                docs_edits += edits
                done.append(docs)
                if new_doc:
                    created.append(docs.module)
        name_edits = model_name_edits(text, updates) if rel in name_files else []

        candidates = [(docs_edits, name_edits), ([], name_edits)] if docs_edits else [([], name_edits)]
        new: bytes | None = None
        kept_names: list[Edit] = []
        for docs_part, names_part in candidates:
            edits = drop_overlaps([*docs_part, *names_part], rel, warnings if docs_part else [])
            if not edits:
                break
            attempt = apply_edits(data, edits)
            problem: str | None
            if tree is not None and error_count(parse_elixir(attempt)) > error_count(tree):
                problem = "the patched file has more syntax errors than the original"
            elif docs_part and rel.endswith(".ex"):
                problem = verify_file(rel, data, attempt, done)
            else:
                problem = None
            if problem is None:
                new = attempt
                if not docs_part:
                    done, created = [], []
                kept_names = [e for e in edits if e.kind == "names"]
                break
            what = "docs edit" if docs_part else "edit"
            warnings.append(f"{rel}: {problem}; its {what} is left out")
        if new is None or new == data:
            continue
        new_text = new.decode("utf-8")
        files[rel] = new_text
        diffs.append(unified_diff(rel, text, new_text))
        summary.files_changed += 1
        for docs in done:
            summary.bullets[docs.module] = summary.bullets.get(docs.module, 0) + len(docs.fields)
        summary.moduledocs_created += created
        if kept_names:
            summary.model_names += len(kept_names)
            summary.model_name_files += 1
    return SuggestResult("".join(diffs), files, summary, warnings, notes)
