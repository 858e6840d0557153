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
its `@moduledoc` one string ending where the edit puts its closing quotes (`_verify_module`).
"""

from __future__ import annotations

import difflib
import re
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paritydocs.config import Settings
from paritydocs.elixir import _ANY_BULLET, _BULLET, _FIELDS_HEADING, _HEADING, _extract_file, parse_elixir
from paritydocs.elixir.docs import _escape, _Quoting, field_doc_text
from paritydocs.elixir.syntax import _child, _find_modules, _first_named
from paritydocs.errors import ConfigError
from paritydocs.modelnames import ModelNameUpdate, apply_updates, compile_updates, scan_tree
from paritydocs.parity import PairReport, ParityReport

__all__ = [
    "ONLY_CHOICES",
    "WRAP_COLUMN",
    "SuggestResult",
    "SuggestSummary",
    "build_patch",
    "field_bullet",
    "field_doc_text",
    "unified_diff",
]

ONLY_CHOICES = ("docs", "model-names")
WRAP_COLUMN = 98
"""Bullets are wrapped so no line of the patched file is longer than this (a word longer stays whole)."""

_PARSED_SUFFIXES = (".ex", ".exs")


# ---- the text of one bullet ----------------------------------------------------------------------


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


# ---- edits -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Edit:
    start: int
    end: int
    text: bytes
    kind: str
    """`docs` or `names`."""


@dataclass(slots=True)
class _ModuleDocs:
    module: str
    fields: list[tuple[str, str]]
    """(Elixir field name, doc text) in the order of the struct's fields."""
    type_doc: str | None
    """The Python class docstring, model names updated: the intro of a `@moduledoc` created from nothing."""


def apply_edits(data: bytes, edits: Sequence[_Edit]) -> bytes:
    """Apply non-overlapping edits (insertions at one point keep their order)."""
    out: list[bytes] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(data[pos : edit.start])
        out.append(edit.text)
        pos = edit.end
    out.append(data[pos:])
    return b"".join(out)


def _drop_overlaps(edits: list[_Edit], rel: str, warnings: list[str]) -> list[_Edit]:
    """Docs edits win over model-name edits that overlap them."""
    docs = [e for e in edits if e.kind == "docs"]
    kept = list(docs)
    for edit in (e for e in edits if e.kind != "docs"):
        if any(edit.start < d.end and d.start < edit.end for d in docs):
            warnings.append(f"{rel}: a model-name update overlaps the docs edit; left out")
            continue
        kept.append(edit)
    return kept


# ---- tree-sitter helpers ---------------------------------------------------------------------------


def _error_count(tree: Any) -> int:
    """ERROR and MISSING nodes in a tree."""
    count = 0
    cursor = tree.walk()
    while True:
        node = cursor.node
        if node.type == "ERROR" or node.is_missing:
            count += 1
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return count


def _attribute(stmt: Any, src: bytes) -> tuple[str, Any] | None:
    """(name, operand) of a module attribute statement (`@name ...`), or None for any other statement."""
    if stmt.type != "unary_operator":
        return None
    op, operand = stmt.child_by_field_name("operator"), stmt.child_by_field_name("operand")
    if op is None or op.type != "@" or operand is None:
        return None
    name = operand.child_by_field_name("target") if operand.type == "call" else operand
    if name is None:
        return None
    return src[name.start_byte : name.end_byte].decode("utf-8", "replace"), operand


def _moduledoc_value(block: Any, src: bytes) -> tuple[Any, Any] | None:
    """(statement, value node) of the last `@moduledoc` directly in a do-block, or None."""
    found = None
    for stmt in block.named_children:
        attribute = _attribute(stmt, src)
        if attribute is None or attribute[0] != "moduledoc" or attribute[1].type != "call":
            continue
        args = _child(attribute[1], "arguments")
        value = _first_named(args) if args is not None else None
        if value is not None:
            found = (stmt, value)
    return found


def _line_start(src: bytes, pos: int) -> int:
    return src.rfind(b"\n", 0, pos) + 1


def _indent_at(src: bytes, pos: int) -> str:
    start = _line_start(src, pos)
    line = src[start:pos].decode("utf-8", "replace")
    return line[: len(line) - len(line.lstrip(" \t"))]


# ---- writing bullets -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Style:
    """How the bullets of a `## Fields` list look (new sections use the ExDoc convention)."""

    indent: str = "  "
    marker: str = "*"
    colon: bool = True


def _bullet_lines(name: str, text: str, content_indent: str, style: _Style, quoting: _Quoting) -> list[str]:
    label = f"`:{name}`" if style.colon else f"`{name}`"
    head = f"{style.indent}{style.marker} {label} - "
    lines = textwrap.wrap(
        _escape(text, quoting),
        width=max(WRAP_COLUMN, len(content_indent + head) + 20),
        initial_indent=content_indent + head,
        subsequent_indent=content_indent + " " * len(head),
        break_long_words=False,
        break_on_hyphens=False,
    )
    return lines or [content_indent + head.rstrip()]


def _section_lines(docs: _ModuleDocs, content_indent: str, style: _Style, quoting: _Quoting) -> list[str]:
    """The bullets of `docs`. Raises `_Skip` when a `~S` heredoc would get its own terminator (it would close
    there, and what follows would be Elixir code): nothing can be escaped in a `~S` sigil."""
    lines = [line for name, text in docs.fields for line in _bullet_lines(name, text, content_indent, style, quoting)]
    if quoting.raw:
        # the text, and the wrapped lines too (a line that, stripped, starts with the terminator closes the heredoc)
        ported = [name for name, text in docs.fields if quoting.terminator in text]
        if ported or any(quoting.terminator in line for line in lines):
            which = f" of {', '.join(f'`:{n}`' for n in ported)}" if ported else ""
            raise _Skip(
                f"the Python doc{which} contains {quoting.terminator}, the terminator of this ~S heredoc, which "
                "~S cannot escape (it would end the @moduledoc and the rest would run as Elixir code); "
                "port it by hand; not edited"
            )
    return lines


def _style_of(line: str) -> _Style:
    match = _BULLET.match(line)
    if match is None:
        return _Style()
    name = match.group("quoted") or match.group("bare") or ""
    return _Style(indent=match.group("indent"), marker=line.lstrip(" \t")[0], colon=name.startswith(":"))


# ---- one module ------------------------------------------------------------------------------------


class _Skip(Exception):
    """This module's docs cannot be edited; the message says why."""

    def __init__(self, message: str, *, note: bool = False) -> None:
        super().__init__(message)
        self.note = note


def _docs_edits(src: bytes, module_node: Any, docs: _ModuleDocs, nl: str) -> tuple[list[_Edit], bool]:
    """The edits adding `docs` to one module, and whether a `@moduledoc` is created. Raises `_Skip`."""
    block = _child(module_node, "do_block")
    if block is None:
        raise _Skip("defmodule has no do-block (`, do:` form); not edited")
    found = _moduledoc_value(block, src)
    if found is None:
        return [_new_moduledoc(src, block, docs, nl)], True
    stmt, value = found
    if value.type == "boolean" and src[value.start_byte : value.end_byte] == b"false":
        raise _Skip("@moduledoc false (hidden from the docs); skipped", note=True)
    raw = False
    if value.type == "sigil":
        name = _child(value, "sigil_name")
        sigil = src[name.start_byte : name.end_byte].decode() if name is not None else ""
        if sigil not in ("s", "S"):
            raise _Skip(f"@moduledoc is a ~{sigil} sigil; not edited")
        raw = sigil == "S"
    elif value.type != "string":
        raise _Skip("@moduledoc is not a string literal; not edited")
    start, end = value.child_by_field_name("quoted_start"), value.child_by_field_name("quoted_end")
    if start is None or end is None:
        raise _Skip("@moduledoc string is not terminated; not edited")
    delimiter = src[start.start_byte : start.end_byte]
    if delimiter in (b'"""', b"'''"):
        return [_heredoc_edit(src, start, end, docs, nl=nl, quoting=_Quoting(delimiter.decode(), raw))], False
    if delimiter == b'"':
        return _one_line_edits(src, stmt, (start, end), docs, nl=nl, quoting=_Quoting('"""', raw)), False
    raise _Skip(f"@moduledoc uses the {delimiter.decode(errors='replace')} delimiter; not edited")


def _heredoc_edit(src: bytes, start: Any, end: Any, docs: _ModuleDocs, *, nl: str, quoting: _Quoting) -> _Edit:
    closing = _line_start(src, end.start_byte)
    indent = src[closing : end.start_byte].decode("utf-8", "replace")
    if indent.strip(" \t") or closing <= start.end_byte:
        raise _Skip("@moduledoc heredoc's closing quotes are not on a line of their own; not edited")
    first = src.index(b"\n", start.end_byte) + 1
    lines: list[tuple[int, str]] = []  # (end byte of the line's text, the line dedented)
    pos = first
    while pos < closing:
        newline = src.index(b"\n", pos)
        text = src[pos:newline].decode("utf-8", "replace")
        text_end = newline - (1 if text.endswith("\r") else 0)
        text = text.rstrip("\r")
        stripped = text.lstrip(" \t")
        lines.append((text_end, text[min(len(text) - len(stripped), len(indent)) :]))
        pos = newline + 1

    heading = next((i for i, (_, line) in enumerate(lines) if _FIELDS_HEADING.match(line)), None)
    if heading is None:
        section = [f"{indent}## Fields", "", *_section_lines(docs, indent, _Style(), quoting)]
        last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i][1].strip()), None)
        if last is None:  # an empty moduledoc
            return _Edit(closing, closing, nl.join([*section, ""]).encode(), "docs")
        return _Edit(lines[last][0], lines[last][0], nl.join(["", "", *section]).encode(), "docs")

    # The section's end, as the extractor reads it: the next heading, or a paragraph after the list.
    last, base, first_bullet = heading, None, None
    for i in range(heading + 1, len(lines)):
        line = lines[i][1]
        if _HEADING.match(line) or _FIELDS_HEADING.match(line):
            break
        if not line.strip():
            continue
        width = len(line) - len(line.lstrip(" \t"))
        if _ANY_BULLET.match(line) and (base is None or width <= base):
            base = width if base is None else base
            first_bullet = first_bullet or line
        elif base is not None and width <= base:
            break
        last = i
    style = _style_of(first_bullet) if first_bullet else _Style()
    bullets = _section_lines(docs, indent, style, quoting)
    lead = ["", ""] if last == heading else [""]
    return _Edit(lines[last][0], lines[last][0], nl.join([*lead, *bullets]).encode(), "docs")


def _one_line_edits(
    src: bytes, stmt: Any, value: tuple[Any, Any], docs: _ModuleDocs, *, nl: str, quoting: _Quoting
) -> list[_Edit]:
    """`@moduledoc "Text."` becomes a heredoc with a `## Fields` section (the text between the quotes kept)."""
    start, end = value
    if b"\n" in src[start.end_byte : end.start_byte]:
        raise _Skip('@moduledoc is a multi-line "..." string; not edited')
    indent = _indent_at(src, stmt.start_byte)
    opening = f'"""{nl}{indent}'.encode()
    section = ["", "", f"{indent}## Fields", "", *_section_lines(docs, indent, _Style(), quoting), f'{indent}"""']
    return [
        _Edit(start.start_byte, start.end_byte, opening, "docs"),
        _Edit(end.start_byte, end.end_byte, nl.join(section).encode(), "docs"),
    ]


def _new_moduledoc(src: bytes, block: Any, docs: _ModuleDocs, nl: str) -> _Edit:
    """A `@moduledoc` heredoc on the line after `defmodule ... do`: the Python class doc, then `## Fields`."""
    do = _child(block, "do")
    if do is None:
        raise _Skip("defmodule's do-block has no `do`; not edited")
    newline = src.find(b"\n", do.end_byte)
    if newline < 0 or newline + 1 >= block.end_byte:
        raise _Skip("defmodule ... do has nothing after its line; not edited")
    statements = [c for c in block.named_children if c.type != "comment"]
    if statements and statements[0].start_byte < newline:
        raise _Skip("defmodule ... do has code on its own line; not edited")
    first = statements[0].start_byte if statements else None
    indent = _indent_at(src, first) if first is not None else _indent_at(src, block.start_byte) + "  "
    lines = [f'{indent}@moduledoc """']
    if docs.type_doc:
        lines += [f"{indent}{line}" if line.strip() else "" for line in _escape(docs.type_doc, _Quoting()).split("\n")]
        lines.append("")
    lines += [f"{indent}## Fields", "", *_section_lines(docs, indent, _Style(), _Quoting()), f'{indent}"""']
    after = newline + 1
    next_end = src.find(b"\n", after)
    next_line = src[after : next_end if next_end >= 0 else len(src)]
    if next_line.strip():
        lines.append("")
    return _Edit(after, after, (nl.join(lines) + nl).encode(), "docs")


# ---- model names -----------------------------------------------------------------------------------


def _name_edits(text: str, updates: Sequence[ModelNameUpdate]) -> list[_Edit]:
    """Every outdated id in `text` (first listed update wins where two would overlap), as byte edits."""
    spans: list[tuple[int, int, str]] = []
    for update in updates:
        if update.old not in text:
            continue
        for match in update.pattern.finditer(text):
            if any(match.start() < e and s < match.end() for s, e, _ in spans):
                continue
            spans.append((match.start(), match.end(), update.new))
    edits = []
    for s, e, new in spans:
        start = len(text[:s].encode("utf-8"))
        edits.append(_Edit(start, start + len(text[s:e].encode("utf-8")), new.encode("utf-8"), "names"))
    return edits


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


def _verify(rel: str, old: bytes, new: bytes, planned: list[_ModuleDocs]) -> str | None:
    """Why the patched file is worse than the original for the extractor, or None."""
    before, after = _extract_file(rel, old), _extract_file(rel, new)
    new_warnings = Counter(w.message for w in after.warnings) - Counter(w.message for w in before.warnings)
    if new_warnings:
        return f"the patched file gives new extraction warnings ({'; '.join(sorted(new_warnings))})"
    types = {t.path: t for t in after.types}
    for docs in planned:
        typedef = types.get(docs.module)
        if typedef is None:
            return f"{docs.module} is no longer extracted from the patched file"
        unread = [n for n, _ in docs.fields if (f := typedef.field_named(n)) is None or not f.doc]
        if unread:
            return f"the extractor does not read the new docs of {docs.module} ({', '.join(unread)})"
    return None


def _statement_kind(stmt: Any, src: bytes) -> str:
    """`@name` for a module attribute, the node type for anything else."""
    attribute = _attribute(stmt, src)
    return "@" + attribute[0] if attribute is not None else str(stmt.type)


def _module_shape(tree: Any, src: bytes, module: str) -> tuple[list[str], Any] | None:
    """The statement kinds of a module's do-block and its last `@moduledoc` value node (or None)."""
    node = _find_modules(tree, src).get(module)
    block = _child(node, "do_block") if node is not None else None
    if block is None:
        return None
    kinds = [_statement_kind(s, src) for s in block.named_children if s.type != "comment"]
    found = _moduledoc_value(block, src)
    return kinds, found[1] if found is not None else None


def _interpolations(value: Any) -> int:
    return sum(1 for child in value.children if child.type == "interpolation")


def _verify_module(src: bytes, tree: Any, module: str, edits: Sequence[_Edit], *, created: bool) -> str | None:
    """Why one module's docs edits, applied alone and parsed again, change more than its `@moduledoc` text, or None.

    Defence in depth against inserted text that ends the `@moduledoc` early (what follows would be Elixir
    code, run at compile time): the do-block must hold the same statements (plus the `@moduledoc` created),
    and its `@moduledoc` must still be one string, starting and ending where the edited one does, with no
    new interpolation. A patched file with more syntax errors is left to the whole file's check.
    """
    new = apply_edits(src, edits)
    new_tree = parse_elixir(new)
    if _error_count(new_tree) > _error_count(tree):
        return None
    problem = (
        "the inserted text would end the @moduledoc early or change the code of the module "
        "(re-parsed, its do-block no longer matches); port the docs by hand; not edited"
    )
    before, after = _module_shape(tree, src, module), _module_shape(new_tree, new, module)
    if before is None:
        return None  # not edited: `_docs_edits` found no do-block
    if after is None:
        return problem
    kinds, value = before
    if created:
        (edit,) = edits
        opening = edit.text.index(b'@moduledoc """') + len("@moduledoc ")
        span = (edit.start + opening, edit.start + edit.text.rindex(b'"""') + 3)
        kinds, kind, interpolations = ["@moduledoc", *kinds], "string", 0
    else:

        def shifted(pos: int) -> int:
            return pos + sum(len(e.text) - (e.end - e.start) for e in edits if e.end <= pos)

        span = (shifted(value.start_byte), shifted(value.end_byte))
        kind, interpolations = value.type, _interpolations(value)
    new_kinds, new_value = after
    if (
        new_kinds != kinds
        or new_value is None
        or new_value.type != kind
        or (new_value.start_byte, new_value.end_byte) != span
        or _interpolations(new_value) != interpolations
    ):
        return problem
    return None


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

    planned: dict[str, list[_ModuleDocs]] = {}
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
                type_doc = apply_updates(pair.python.doc, updates).strip() if pair.python.doc else None
                planned.setdefault(pair.elixir.file, []).append(_ModuleDocs(pair.elixir.path, ported, type_doc))

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

        docs_edits: list[_Edit] = []
        done: list[_ModuleDocs] = []
        created: list[str] = []
        if rel in planned and tree is not None:
            found = _find_modules(tree, data)
            for docs in planned[rel]:
                node = found.get(docs.module)
                if node is None:
                    warnings.append(f"{rel}: cannot find `defmodule {docs.module}`; its docs are not edited")
                    continue
                try:
                    edits, new_doc = _docs_edits(data, node, docs, nl)
                    unsafe = _verify_module(data, tree, docs.module, edits, created=new_doc)
                    if unsafe is not None:
                        raise _Skip(unsafe)
                except _Skip as skip:
                    (notes if skip.note else warnings).append(f"{docs.module} ({rel}): {skip}")
                    continue
                docs_edits += edits
                done.append(docs)
                if new_doc:
                    created.append(docs.module)
        name_edits = _name_edits(text, updates) if rel in name_files else []

        candidates = [(docs_edits, name_edits), ([], name_edits)] if docs_edits else [([], name_edits)]
        new: bytes | None = None
        kept_names: list[_Edit] = []
        for docs_part, names_part in candidates:
            edits = _drop_overlaps([*docs_part, *names_part], rel, warnings if docs_part else [])
            if not edits:
                break
            attempt = apply_edits(data, edits)
            problem: str | None
            if tree is not None and _error_count(parse_elixir(attempt)) > _error_count(tree):
                problem = "the patched file has more syntax errors than the original"
            elif docs_part and rel.endswith(".ex"):
                problem = _verify(rel, data, attempt, done)
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
