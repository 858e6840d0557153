"""The edits of one file, as byte ranges of its tree-sitter tree: `## Fields` bullets added to a module's
`@moduledoc` (an existing section, a new section, a one-line doc made a heredoc, or a new `@moduledoc`), and
outdated model ids rewritten. `Skip` says why a module's docs are not edited."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from paritydocs.elixir.docs import ANY_BULLET, BULLET, FIELDS_HEADING, HEADING, Quoting, escape
from paritydocs.elixir.syntax import child_of_type, first_named
from paritydocs.modelnames import ModelNameUpdate

__all__ = [
    "WRAP_COLUMN",
    "Edit",
    "ModuleDocs",
    "Skip",
    "apply_edits",
    "attribute_of",
    "drop_overlaps",
    "model_name_edits",
    "module_docs_edits",
    "moduledoc_value",
]


WRAP_COLUMN = 98
"""Bullets are wrapped so no line of the patched file is longer than this (a word longer stays whole)."""


# ---- edits -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Edit:
    start: int
    end: int
    text: bytes
    kind: str
    """`docs` or `names`."""


@dataclass(slots=True)
class ModuleDocs:
    module: str
    fields: list[tuple[str, str]]
    """(Elixir field name, doc text) in the order of the struct's fields."""
    type_doc: str | None
    """The Python class docstring, model names updated: the intro of a `@moduledoc` created from nothing."""


def apply_edits(data: bytes, edits: Sequence[Edit]) -> bytes:
    """Apply non-overlapping edits (insertions at one point keep their order)."""
    out: list[bytes] = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(data[pos : edit.start])
        out.append(edit.text)
        pos = edit.end
    out.append(data[pos:])
    return b"".join(out)


def drop_overlaps(edits: list[Edit], rel: str, warnings: list[str]) -> list[Edit]:
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


def attribute_of(stmt: Any, src: bytes) -> tuple[str, Any] | None:
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


def moduledoc_value(block: Any, src: bytes) -> tuple[Any, Any] | None:
    """(statement, value node) of the last `@moduledoc` directly in a do-block, or None."""
    found = None
    for stmt in block.named_children:
        attribute = attribute_of(stmt, src)
        if attribute is None or attribute[0] != "moduledoc" or attribute[1].type != "call":
            continue
        args = child_of_type(attribute[1], "arguments")
        value = first_named(args) if args is not None else None
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


def _bullet_lines(name: str, text: str, content_indent: str, style: _Style, quoting: Quoting) -> list[str]:
    label = f"`:{name}`" if style.colon else f"`{name}`"
    head = f"{style.indent}{style.marker} {label} - "
    lines = textwrap.wrap(
        escape(text, quoting),
        width=max(WRAP_COLUMN, len(content_indent + head) + 20),
        initial_indent=content_indent + head,
        subsequent_indent=content_indent + " " * len(head),
        break_long_words=False,
        break_on_hyphens=False,
    )
    return lines or [content_indent + head.rstrip()]


def _section_lines(docs: ModuleDocs, content_indent: str, style: _Style, quoting: Quoting) -> list[str]:
    """The bullets of `docs`. Raises `Skip` when a `~S` heredoc would get its own terminator (it would close
    there, and what follows would be Elixir code): nothing can be escaped in a `~S` sigil."""
    lines = [line for name, text in docs.fields for line in _bullet_lines(name, text, content_indent, style, quoting)]
    if quoting.raw:
        # the text, and the wrapped lines too (a line that, stripped, starts with the terminator closes the heredoc)
        ported = [name for name, text in docs.fields if quoting.terminator in text]
        if ported or any(quoting.terminator in line for line in lines):
            which = f" of {', '.join(f'`:{n}`' for n in ported)}" if ported else ""
            raise Skip(
                f"the Python doc{which} contains {quoting.terminator}, the terminator of this ~S heredoc, which "
                "~S cannot escape (it would end the @moduledoc and the rest would run as Elixir code); "
                "port it by hand; not edited"
            )
    return lines


def _style_of(line: str) -> _Style:
    match = BULLET.match(line)
    if match is None:
        return _Style()
    name = match.group("quoted") or match.group("bare") or ""
    return _Style(indent=match.group("indent"), marker=line.lstrip(" \t")[0], colon=name.startswith(":"))


# ---- one module ------------------------------------------------------------------------------------


class Skip(Exception):
    """This module's docs cannot be edited; the message says why."""

    def __init__(self, message: str, *, note: bool = False) -> None:
        super().__init__(message)
        self.note = note


def module_docs_edits(src: bytes, module_node: Any, docs: ModuleDocs, nl: str) -> tuple[list[Edit], bool]:
    """The edits adding `docs` to one module, and whether a `@moduledoc` is created. Raises `Skip`."""
    block = child_of_type(module_node, "do_block")
    if block is None:
        raise Skip("defmodule has no do-block (`, do:` form); not edited")
    found = moduledoc_value(block, src)
    if found is None:
        return [_new_moduledoc(src, block, docs, nl)], True
    stmt, value = found
    if value.type == "boolean" and src[value.start_byte : value.end_byte] == b"false":
        raise Skip("@moduledoc false (hidden from the docs); skipped", note=True)
    raw = False
    if value.type == "sigil":
        name = child_of_type(value, "sigil_name")
        sigil = src[name.start_byte : name.end_byte].decode() if name is not None else ""
        if sigil not in ("s", "S"):
            raise Skip(f"@moduledoc is a ~{sigil} sigil; not edited")
        raw = sigil == "S"
    elif value.type != "string":
        raise Skip("@moduledoc is not a string literal; not edited")
    start, end = value.child_by_field_name("quoted_start"), value.child_by_field_name("quoted_end")
    if start is None or end is None:
        raise Skip("@moduledoc string is not terminated; not edited")
    delimiter = src[start.start_byte : start.end_byte]
    if delimiter in (b'"""', b"'''"):
        return [_heredoc_edit(src, start, end, docs, nl=nl, quoting=Quoting(delimiter.decode(), raw))], False
    if delimiter == b'"':
        return _one_line_edits(src, stmt, (start, end), docs, nl=nl, quoting=Quoting('"""', raw)), False
    raise Skip(f"@moduledoc uses the {delimiter.decode(errors='replace')} delimiter; not edited")


def _heredoc_edit(src: bytes, start: Any, end: Any, docs: ModuleDocs, *, nl: str, quoting: Quoting) -> Edit:
    closing = _line_start(src, end.start_byte)
    indent = src[closing : end.start_byte].decode("utf-8", "replace")
    if indent.strip(" \t") or closing <= start.end_byte:
        raise Skip("@moduledoc heredoc's closing quotes are not on a line of their own; not edited")
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

    heading = next((i for i, (_, line) in enumerate(lines) if FIELDS_HEADING.match(line)), None)
    if heading is None:
        section = [f"{indent}## Fields", "", *_section_lines(docs, indent, _Style(), quoting)]
        last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i][1].strip()), None)
        if last is None:  # an empty moduledoc
            return Edit(closing, closing, nl.join([*section, ""]).encode(), "docs")
        return Edit(lines[last][0], lines[last][0], nl.join(["", "", *section]).encode(), "docs")

    # The section's end, as the extractor reads it: the next heading, or a paragraph after the list.
    last, base, first_bullet = heading, None, None
    for i in range(heading + 1, len(lines)):
        line = lines[i][1]
        if HEADING.match(line) or FIELDS_HEADING.match(line):
            break
        if not line.strip():
            continue
        width = len(line) - len(line.lstrip(" \t"))
        if ANY_BULLET.match(line) and (base is None or width <= base):
            base = width if base is None else base
            first_bullet = first_bullet or line
        elif base is not None and width <= base:
            break
        last = i
    style = _style_of(first_bullet) if first_bullet else _Style()
    bullets = _section_lines(docs, indent, style, quoting)
    lead = ["", ""] if last == heading else [""]
    return Edit(lines[last][0], lines[last][0], nl.join([*lead, *bullets]).encode(), "docs")


def _one_line_edits(
    src: bytes, stmt: Any, value: tuple[Any, Any], docs: ModuleDocs, *, nl: str, quoting: Quoting
) -> list[Edit]:
    """`@moduledoc "Text."` becomes a heredoc with a `## Fields` section (the text between the quotes kept)."""
    start, end = value
    if b"\n" in src[start.end_byte : end.start_byte]:
        raise Skip('@moduledoc is a multi-line "..." string; not edited')
    indent = _indent_at(src, stmt.start_byte)
    opening = f'"""{nl}{indent}'.encode()
    section = ["", "", f"{indent}## Fields", "", *_section_lines(docs, indent, _Style(), quoting), f'{indent}"""']
    return [
        Edit(start.start_byte, start.end_byte, opening, "docs"),
        Edit(end.start_byte, end.end_byte, nl.join(section).encode(), "docs"),
    ]


def _new_moduledoc(src: bytes, block: Any, docs: ModuleDocs, nl: str) -> Edit:
    """A `@moduledoc` heredoc on the line after `defmodule ... do`: the Python class doc, then `## Fields`."""
    do = child_of_type(block, "do")
    if do is None:
        raise Skip("defmodule's do-block has no `do`; not edited")
    newline = src.find(b"\n", do.end_byte)
    if newline < 0 or newline + 1 >= block.end_byte:
        raise Skip("defmodule ... do has nothing after its line; not edited")
    statements = [c for c in block.named_children if c.type != "comment"]
    if statements and statements[0].start_byte < newline:
        raise Skip("defmodule ... do has code on its own line; not edited")
    first = statements[0].start_byte if statements else None
    indent = _indent_at(src, first) if first is not None else _indent_at(src, block.start_byte) + "  "
    lines = [f'{indent}@moduledoc """']
    if docs.type_doc:
        lines += [f"{indent}{line}" if line.strip() else "" for line in escape(docs.type_doc, Quoting()).split("\n")]
        lines.append("")
    lines += [f"{indent}## Fields", "", *_section_lines(docs, indent, _Style(), Quoting()), f'{indent}"""']
    after = newline + 1
    next_end = src.find(b"\n", after)
    next_line = src[after : next_end if next_end >= 0 else len(src)]
    if next_line.strip():
        lines.append("")
    return Edit(after, after, (nl.join(lines) + nl).encode(), "docs")


# ---- model names -----------------------------------------------------------------------------------


def model_name_edits(text: str, updates: Sequence[ModelNameUpdate]) -> list[Edit]:
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
        edits.append(Edit(start, start + len(text[s:e].encode("utf-8")), new.encode("utf-8"), "names"))
    return edits
