"""ExDoc documentation as the port writes it: `## Fields` and `## Options` sections, read and written in one format."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from paritydocs.modelnames import ModelNameUpdate, apply_updates
from paritydocs.parity import FieldRow

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


def field_doc_text(row: FieldRow, updates: Iterable[ModelNameUpdate]) -> str | None:
    """The Elixir doc text for a paired field Python documents and Elixir does not; None for any other row.

    The Python docstring on one line, model names updated; a seconds ↔ milliseconds row says so.
    """
    py, ex = row.python, row.elixir
    if py is None or ex is None or not py.doc or ex.doc:
        return None
    text = " ".join(apply_updates(py.doc, updates).split())
    if not text:
        return None
    if ex.name.endswith("_ms") and not py.name.endswith("_ms"):
        text += f" In milliseconds here (Python `{py.name}` is in seconds)."
    return text


def field_bullet(row: FieldRow, updates: Iterable[ModelNameUpdate]) -> str | None:
    """The ExDoc bullet (`` * `:field` - text ``, unwrapped, unindented) porting a Python field doc, or None."""
    text = field_doc_text(row, updates)
    if text is None:
        return None
    assert row.elixir is not None
    return f"* `:{row.elixir.name}` - {text}"


@dataclass(frozen=True, slots=True)
class _Quoting:
    """The heredoc text is written into: its closing quotes, and whether it is a `~S` sigil (no escapes)."""

    terminator: str = '"""'
    raw: bool = False


def _escape(text: str, quoting: _Quoting) -> str:
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
    return _escape(text, _Quoting())
