"""The one reader of Python docstrings: Google `Args:` sections and plain lists, into summary, body and arguments."""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any


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


def parse_python_doc(text: str | None) -> DocParts:
    """Split a Google-style docstring (also the `- `name`: text` list style) into `DocParts`."""
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
            parts.args.update(_list_args(body))
        elif kind == "returns":
            parts.returns = (parts.returns + "\n\n" + body).strip() if parts.returns else body
        elif kind == "examples":
            parts.examples = (parts.examples + "\n\n" + _fence_doctest(body)).strip()
        else:
            parts.sections.append((title, body))
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
