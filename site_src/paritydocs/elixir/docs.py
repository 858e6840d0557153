"""ExDoc documentation as the port writes it: `## Fields` and `## Options` sections, read and written in one format.

Read: `doc_value` (a `@moduledoc`/`@doc`/`@typedoc` value), `fields_section` (a `## Fields` list: field → doc),
`elixir_option_docs` (a `## Options` list: option → doc). Written: `field_doc_text` and `field_bullet` (a Python
field doc ported to an ExDoc bullet), `escape` and `heredoc_text` (text escaped for the heredoc it goes into).
The regular expressions (`FIELDS_HEADING`, `HEADING`, `BULLET`, `ANY_BULLET`) are the one format both sides use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from paritydocs.elixir.literals import Unresolved, evaluate, string_value
from paritydocs.elixir.records import FileState, Module
from paritydocs.model import FieldDef
from paritydocs.modelnames import ModelNameUpdate, apply_updates
from paritydocs.textsafe import strip_controls

__all__ = [
    "ANY_BULLET",
    "BULLET",
    "FIELDS_HEADING",
    "HEADING",
    "FieldPair",
    "Quoting",
    "doc_value",
    "elixir_option_docs",
    "escape",
    "field_bullet",
    "field_doc_text",
    "fields_section",
    "heredoc_text",
]

# --------------------------------------------------------------------------------------------
# `## Fields` sections in docs (regular expressions over extracted doc strings only)

FIELDS_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+(?:struct[ \t]+)?fields:?[ \t]*#*|(?:struct[ \t]+)?fields:)[ \t]*$",
    re.IGNORECASE,
)
HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]")
BULLET = re.compile(
    r"^(?P<indent>[ \t]*)[*+-][ \t]+"
    r"(?:`(?P<quoted>:?[A-Za-z_]\w*[?!]?):?`|(?P<bare>:?[A-Za-z_]\w*[?!]?))"
    r"(?:[ \t]*\([^)\n]*\))?"  # an optional `(type)` after the name
    r"[ \t]*(?:[-\u2013\u2014:]+|(?<=:`))[ \t]*(?P<text>.*)$"  # `- `name:` text` needs no separator
)
ANY_BULLET = re.compile(r"^(?P<indent>[ \t]*)[*+-][ \t]+")


def fields_section(doc: str | None) -> dict[str, str]:
    """Field name to doc from the bullet list of a `## Fields` (`### Fields`, `Fields:`) section.

    An item is a bullet naming the field (`` * `:name` - text ``, `- name: text`, `` * `name` — text ``),
    with the more-indented lines under it; a blank line ends an item, a heading or a paragraph after
    the list ends the section. The first mention of a field wins.
    """
    if not doc:
        return {}
    result: dict[str, str] = {}
    items: list[tuple[str, list[str]]] = []
    in_section = False
    base_indent: int | None = None
    current: tuple[str, list[str]] | None = None
    for line in doc.split("\n"):
        if FIELDS_HEADING.match(line):
            in_section, base_indent, current = True, None, None
            continue
        if not in_section:
            continue
        if HEADING.match(line):
            in_section, current = False, None
            continue
        if not line.strip():
            current = None
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        if ANY_BULLET.match(line) and (base_indent is None or indent <= base_indent):
            base_indent = indent if base_indent is None else base_indent
            bullet = BULLET.match(line)
            current = None
            if bullet:
                name = (bullet.group("quoted") or bullet.group("bare") or "").lstrip(":")
                current = (name, [bullet.group("text").strip()])
                items.append(current)
        elif current is not None and base_indent is not None and indent > base_indent:
            current[1].append(line.strip())
        elif base_indent is not None and indent <= base_indent:
            in_section, current = False, None  # a paragraph after the list ends the section
    for name, parts in items:
        if name not in result:
            result[name] = " ".join(p for p in parts if p).strip()
    return result


def _clean_doc(text: str) -> str | None:
    lines = text.strip("\n").rstrip()
    return lines if lines.strip() else None


def doc_value(state: FileState, node: Any, module: Module) -> str | None:
    """A documentation string: string, heredoc, ~s/~S sigil (interpolations kept as written)."""
    if node.type in ("string", "sigil"):
        value = string_value(state, node, keep_interpolation=True)
        return _clean_doc(value) if value is not None else None
    if node.type == "unary_operator":  # @moduledoc @shared_doc
        try:
            value = evaluate(state, node, module, node.start_byte)
        except Unresolved:
            return None
        return _clean_doc(value) if isinstance(value, str) else None
    return None  # keyword metadata (`@doc since: "1.2"`), function calls, ...


_OPTION_DOC = re.compile(r"^\s*[*-]\s+`:?([a-z_]\w*[?!]?)`\s*(?:\([^)]*\))?\s*(?:-|\u2013|\u2014|:)\s*(.+)$")


def elixir_option_docs(doc: str | None) -> dict[str, str]:
    """`* `:key` - text` entries of an Elixir `@doc` (its `## Options` list): option name → description."""
    result: dict[str, str] = {}
    current: str | None = None
    indent = 0
    for line in (doc or "").splitlines():
        match = _OPTION_DOC.match(line)
        if match:
            current, indent = match.group(1), len(line) - len(line.lstrip())
            result.setdefault(current, match.group(2).strip())
        elif current is not None and line.strip() and len(line) - len(line.lstrip()) > indent:
            result[current] = result[current] + " " + line.strip()
        else:
            current = None
    return result


class FieldPair(Protocol):
    """A Python field and the Elixir field it is paired with, either possibly missing (a parity `FieldRow` is one)."""

    @property
    def python(self) -> FieldDef | None: ...

    @property
    def elixir(self) -> FieldDef | None: ...


def field_doc_text(row: FieldPair, updates: Iterable[ModelNameUpdate]) -> str | None:
    """The Elixir doc text for a paired field Python documents and Elixir does not; None for any other row.

    The Python docstring on one line, model names updated; a seconds ↔ milliseconds row says so.
    """
    py, ex = row.python, row.elixir
    if py is None or ex is None or not py.doc or ex.doc:
        return None
    # SDK text going into another repository: no invisible or bidirectional characters (Trojan Source), and
    # stripped before the model names are updated, so none can hide one from the rewrite
    text = " ".join(apply_updates(strip_controls(py.doc), updates).split())
    if not text:
        return None
    if ex.name.endswith("_ms") and not py.name.endswith("_ms"):
        converted = in_milliseconds(text)
        if converted == text:  # the text names no unit: say the port's
            converted += f" In milliseconds (Python `{py.name}` is in seconds)."
        text = converted
    return text


_SECONDS_VALUE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(\s*)(seconds|second|secs|sec|s)\b(?!-)")
_SECONDS_WORD = re.compile(r"\b(seconds|second|secs|sec)\b", re.IGNORECASE)
_MS_WORD = {"seconds": "milliseconds", "second": "millisecond", "secs": "ms", "sec": "ms", "s": "ms"}


def in_milliseconds(text: str) -> str:
    """A Python doc about seconds, spoken in the port's milliseconds: `0.5 seconds` → `500 milliseconds`, `30s` →
    `30000ms`, `in seconds` → `in milliseconds`. Numbers without a unit are left as they are (a count, a
    factor)."""

    def value(match: re.Match[str]) -> str:
        number, space, unit = match.groups()
        ms = float(number) * 1000
        shown = str(int(ms)) if ms.is_integer() else f"{ms:g}"
        word = _MS_WORD[unit.lower()]
        if word == "millisecond" and shown != "1":
            word = "milliseconds"
        return f"{shown}{space}{word}"

    def word(match: re.Match[str]) -> str:
        found = match.group(1)
        ms = _MS_WORD[found.lower()]
        return ms.capitalize() if found[:1].isupper() else ms

    return _SECONDS_WORD.sub(word, _SECONDS_VALUE.sub(value, text))


def field_bullet(row: FieldPair, updates: Iterable[ModelNameUpdate]) -> str | None:
    """The ExDoc bullet (`` * `:field` - text ``, unwrapped, unindented) porting a Python field doc, or None."""
    text = field_doc_text(row, updates)
    if text is None:
        return None
    assert row.elixir is not None
    return f"* `:{row.elixir.name}` - {text}"


@dataclass(frozen=True, slots=True)
class Quoting:
    """The heredoc text is written into: its closing quotes, and whether it is a `~S` sigil (no escapes)."""

    terminator: str = '"""'
    raw: bool = False


def escape(text: str, quoting: Quoting) -> str:
    """Text as it must be written inside a heredoc: `~S` takes it literally, other heredocs unescape.

    `~S` text must not contain the terminator (`_section_lines` skips the module): nothing can escape it there.
    """
    if quoting.raw:
        return text
    escaped = text.replace("\\", "\\\\").replace("#{", "\\#{")
    return escaped.replace(quoting.terminator, "\\" + quoting.terminator)


def heredoc_text(text: str) -> str:
    """`text` escaped for a `\"\"\"` heredoc, the usual `@moduledoc`: `\\`, `#{` and `\"\"\"` written as
    Elixir reads them."""
    return escape(text, Quoting())
