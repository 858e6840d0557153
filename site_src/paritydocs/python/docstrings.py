"""The one reader of Python docstrings: Google `Args:` sections and plain lists, into summary, body and arguments.

- `parse_python_doc(text, args_from=...)`: a docstring as `DocParts`; `args_from` picks how `Args:` entries are read
  (`"sections"` for the client pages, `"lines"` for the extracted parameters' docs).
- `DocParts`: summary, description, args, returns, examples and other sections.
- `raw_docstring(obj)`: a Griffe object's docstring as written in the source.
"""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import griffe

__all__ = ["ArgsReader", "DocParts", "parse_python_doc", "raw_docstring"]


@dataclass(slots=True)
class DocParts:
    """A Python docstring split into what a client page shows: summary, Args, Returns, Example, the rest."""

    summary: str = ""
    """The first paragraph."""
    description: str = ""
    """The text after the summary, before the first section."""
    args: dict[str, str] = field(default_factory=dict)
    """Parameter name → description, from the `Args:` section (Google style or a `- `name`: text` list)."""
    returns: str = ""
    examples: str = ""
    """Markdown; doctest examples are fenced as `pycon`."""
    sections: list[tuple[str, str]] = field(default_factory=list)
    """Other sections (`Raises`, `Note`, `Key methods`, …): (title, Markdown body)."""

    def __bool__(self) -> bool:
        return bool(self.summary or self.description or self.args or self.returns or self.examples or self.sections)

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "description": self.description,
            "args": dict(self.args),
            "returns": self.returns,
            "examples": self.examples,
            "sections": [{"title": t, "body": b} for t, b in self.sections],
        }


def raw_docstring(obj: griffe.Object) -> str | None:
    """The docstring as written: the `SdkDocstrings` extension rewrites it for mkdocstrings, keeping the original."""
    raw = obj.extra.get("paritydocs", {}).get("raw_docstring")
    if isinstance(raw, str):
        return raw
    return obj.docstring.value if obj.docstring else None


_SECTION_HEADER = re.compile(r"^([A-Z][A-Za-z]*(?: [A-Za-z]+){0,3}):\s*$")


_SECTION_KINDS = {
    "args": "args",
    "arguments": "args",
    "parameters": "args",
    "params": "args",
    "keyword args": "args",
    "keyword arguments": "args",
    "other parameters": "args",
    "returns": "returns",
    "return": "returns",
    "yields": "returns",
    "example": "examples",
    "examples": "examples",
}


_LIST_ARG = re.compile(r"^[-*+]\s+`?\*{0,2}([A-Za-z_]\w*)`?\s*(?:\([^)]*\))?\s*(?::|\s[-\u2013\u2014]\s)\s*(.*)$")


_FENCE_LINE = re.compile(r"^\s*(`{3,}|~{3,})")


ArgsReader = Literal["sections", "lines"]
"""How `parse_python_doc` reads the entries of `Args:` sections (the one point where its two users differ)."""


def parse_python_doc(text: str | None, *, args_from: ArgsReader = "sections") -> DocParts:
    """Split a Google-style docstring (also the `- `name`: text` list style) into `DocParts`.

    `args_from` says how `DocParts.args` is read:

    - `"sections"` (the client pages): the `Args:` sections found above (outside code fences), their
      `- `name`: text` entries (a later section's entry replaces an earlier one), then the Google-style
      entries as Griffe parses them.
    - `"lines"` (the parameters' `doc` in the extracted model): a line scanner over the whole docstring
      (`_param_docs`): it also reads `Keyword Args:` and `Other Parameters:` entries written Google-style, a
      header inside a code fence, and a non-entry line indented like the entries as a continuation; an
      unindented paragraph after a blank line ends a list-style section; the first entry of a name wins.
      The two agree on every docstring of the real SDKs; converging them changes outputs.
    """
    if not text or not text.strip():
        return DocParts()
    lines = inspect.cleandoc(text).splitlines()
    chunks: list[tuple[str | None, list[str]]] = [(None, [])]
    fence: str | None = None
    for line in lines:
        opening = _FENCE_LINE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
        elif opening:
            fence = opening.group(1)
        elif not line.startswith((" ", "\t")) and (header := _SECTION_HEADER.match(line)):
            chunks.append((header.group(1), []))
            continue
        chunks[-1][1].append(line)
    intro = "\n".join(chunks[0][1]).strip()
    summary, _, description = intro.partition("\n\n")
    parts = DocParts(summary=summary.strip(), description=description.strip())
    for title, body_lines in chunks[1:]:
        assert title is not None
        body = textwrap.dedent("\n".join(body_lines)).strip("\n")
        kind = _SECTION_KINDS.get(title.lower())
        if kind == "args":
            if args_from == "sections":
                parts.args.update(_list_args(body))
        elif kind == "returns":
            parts.returns = (parts.returns + "\n\n" + body).strip() if parts.returns else body
        elif kind == "examples":
            parts.examples = (parts.examples + "\n\n" + _fence_doctest(body)).strip()
        else:
            parts.sections.append((title, body))
    if args_from == "lines":
        parts.args = _param_docs(text)
        return parts
    for name, description_text in _google_args(text).items():
        parts.args.setdefault(name, description_text)
    return parts


def _list_args(body: str) -> dict[str, str]:
    """`- `name`: text` entries (with continuation lines) of an Args section written as a list."""
    result: dict[str, str] = {}
    current: str | None = None
    for line in body.splitlines():
        match = _LIST_ARG.match(line.strip())
        if match and not line.startswith((" ", "\t")):
            current = match.group(1)
            result[current] = match.group(2).strip()
        elif current is not None and line.strip():
            result[current] = (result[current] + " " + line.strip()).strip()
    return result


def _google_args(text: str) -> dict[str, str]:
    """Parameter descriptions of a Google-style `Args:` section, parsed by Griffe (silently)."""
    import griffe

    docstring = griffe.Docstring(inspect.cleandoc(text), lineno=1)
    try:
        sections = griffe.parse_google(docstring, warn_unknown_params=False, warn_missing_types=False, warnings=False)
    except TypeError:  # an older Griffe without the `warnings` switch
        sections = griffe.parse_google(docstring)
    result: dict[str, str] = {}
    for section in sections:
        if section.kind is griffe.DocstringSectionKind.parameters:
            for param in section.value:
                if param.description:
                    result[param.name.lstrip("*")] = " ".join(param.description.split())
    return result


def _fence_doctest(body: str) -> str:
    """Doctest examples (`>>> ...`) as a fenced `pycon` block; Markdown examples as written."""
    if "```" in body or "~~~" in body or not body.lstrip().startswith(">>>"):
        return body
    return f"```pycon\n{body}\n```"


# --------------------------------------------------------------------------------------
# Docstring `Args:` sections, read line by line (`args_from="lines"`)
# --------------------------------------------------------------------------------------

_ARG_SECTIONS = {"args", "arguments", "parameters", "params", "keyword args", "keyword arguments", "other parameters"}
_SECTION_RE = re.compile(r"^([A-Za-z][A-Za-z ]*):\s*$")
_LIST_ENTRY_RE = re.compile(r"^[-*+]\s+`?(\*{0,2}[A-Za-z_]\w*)`?\s*(?:\([^)]*\))?\s*(?::|\s[-\u2013\u2014]\s)\s*(.*)$")
_GOOGLE_ENTRY_RE = re.compile(r"^`?(\*{0,2}[A-Za-z_]\w*)`?\s*(?:\([^)]*\))?\s*:\s*(.*)$")


def _param_docs(doc: str | None) -> dict[str, str]:
    """Parameter descriptions from a Google-style `Args:` section (also `- `name`: text` lists)."""
    if not doc:
        return {}
    lines = doc.splitlines()
    result: dict[str, str] = {}
    i = 0
    while i < len(lines):
        header = _SECTION_RE.match(lines[i].strip())
        if not header or header.group(1).strip().lower() not in _ARG_SECTIONS:
            i += 1
            continue
        base = len(lines[i]) - len(lines[i].lstrip())
        i += 1
        current: str | None = None
        entry_indent = -1
        parts: dict[str, list[str]] = {}
        while i < len(lines):
            raw = lines[i]
            stripped = raw.strip()
            indent = len(raw) - len(raw.lstrip())
            if not stripped:
                # A blank line ends the section unless the next line is still indented in it.
                nxt = next((ln for ln in lines[i + 1 :] if ln.strip()), None)
                if nxt is None or ((len(nxt) - len(nxt.lstrip())) <= base and not _LIST_ENTRY_RE.match(nxt.strip())):
                    break
                i += 1
                continue
            if indent <= base and _SECTION_RE.match(stripped):
                break
            match = _LIST_ENTRY_RE.match(stripped)
            if match is None and (entry_indent < 0 or indent <= entry_indent) and indent > base:
                match = _GOOGLE_ENTRY_RE.match(stripped)
            if match is not None and (entry_indent < 0 or indent <= entry_indent):
                current = match.group(1).lstrip("*")
                entry_indent = indent
                parts[current] = [match.group(2).strip()] if match.group(2).strip() else []
            elif current is not None and (indent > entry_indent or indent > base):
                parts[current].append(stripped)
            elif indent <= base:
                break
            i += 1
        for name, texts in parts.items():
            text = " ".join(t for t in texts if t)
            if text and name not in result:
                result[name] = text
    return result
