"""Jinja filters: pure functions from SDK data to safe Markdown. Registered in one place (`FILTERS`).

SDK text is data. Outside code, every character that could start HTML (`<`, `&`), an attribute list or a
template expression (`{`, `}`) is written as an entity; link targets with a scheme other than http(s) or
mailto are dropped; images become links (viewing a page loads nothing from a host the SDK names); headings
are demoted to bold lines so a docstring cannot restructure the page.
Code spans and fenced/indented code blocks are left as written: Markdown already shows them literally.
Block syntax of extensions a site may enable is broken where a line starts: mkdocstrings' `::: path`,
pymdownx.blocks' `///`, abbreviation definitions, and pymdownx.snippets' `--8<--`, which acts even in code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from paritydocs.modelnames import ModelNameUpdate, apply_updates

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FENCE = re.compile(r"^(\s{0,3})(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
_LINK_TARGET = re.compile(r"(\]\()\s*<?([^)\s>]*)>?((?:\s+\"[^\"]*\")?\))")
_REF_DEF = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*)(\S+)(.*)$")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-{2,})\s*$")
# block syntax of extensions a site may enable, where a line (or list item) starts: mkdocstrings' `::: path`
# (renders, or fails to collect, any object: the build aborts), pymdownx.blocks' `/// html | script`,
# abbreviation definitions `*[X]: …` (rewrite the whole page)
_BLOCK_MARKER = re.compile(r"(^|[ \t])(?:(:)(?=::)|(/)(?=//)|(\*)(?=\[[^\]]*\]:))", re.M)
# pymdownx.snippets' `--8<-- "file"` includes a file from the build machine; it acts before code blocks are
# set aside, so in code a marker line gets a trailing space, which its pattern does not accept
_SNIPPET = re.compile(r"^[ \t]*;*-+8<-+")


def strip_controls(text: str) -> str:
    """Drop control characters and bidirectional overrides, which can disguise text."""
    return _CONTROL.sub("", text)


def _safe_url(url: str) -> str:
    lowered = url.strip().lower()
    if not lowered or lowered.startswith(_SAFE_SCHEMES) or lowered.startswith("#"):
        return url
    if re.match(r"^[a-z][a-z0-9+.\-]*:", lowered):
        return "#"  # javascript:, data:, vbscript: …
    if lowered.startswith("//"):
        return "#"  # protocol-relative: a third-party host
    return url


def _escape_prose(text: str) -> str:
    """Escape one run of prose (no code inside)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("{", "&#123;").replace("}", "&#125;")
    text = _BLOCK_MARKER.sub(lambda m: m.group(1) + f"&#{ord(m.group(0)[len(m.group(1))])};", text)
    # an image would load from wherever the SDK text points when the page is viewed: show it as a link
    text = text.replace("![", "[")
    text = _LINK_TARGET.sub(lambda m: m.group(1) + _safe_url(m.group(2)) + m.group(3), text)
    return text


def _escape_inline(text: str) -> str:
    """Escape a line of prose, keeping inline code spans as they are."""
    out: list[str] = []
    pos = 0
    for match in _INLINE_CODE.finditer(text):
        out.append(_escape_prose(text[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_escape_prose(text[pos:]))
    return "".join(out)


def _code_line(line: str) -> str:
    """A line of a code block, as written, unless it is a snippet marker (see `_SNIPPET`)."""
    return line + " " if _SNIPPET.match(line) else line


def sanitize_markdown(text: str | None) -> str:
    """Docstring/moduledoc Markdown made inert: no raw HTML, no unsafe links, no headings, no attr lists."""
    if not text:
        return ""
    lines = strip_controls(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    fence: str | None = None
    previous_blank = True
    for line in lines:
        if fence is not None:
            out.append(_code_line(line))
            if line.strip().startswith(fence):
                fence = None
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(2)[0] * len(opening.group(2))
            # keep the info string harmless: it becomes a class name
            info = re.sub(r"[^\w+\-.]", "", line.strip()[len(fence) :])
            out.append(f"{opening.group(1)}{fence}{info}")
            continue
        if line.startswith(("    ", "\t")) and (previous_blank or (out and out[-1].startswith(("    ", "\t")))):
            out.append(_code_line(line))  # indented code block (iex> examples)
            previous_blank = False
            continue
        heading = _HEADING.match(line)
        if heading:
            out.append(f"**{_escape_inline(heading.group(2))}**")
            out.append("")
            previous_blank = True
            continue
        if _SETEXT.match(line) and out and out[-1].strip():
            out[-1] = f"**{out[-1]}**"
            continue
        ref = _REF_DEF.match(line)
        if ref:
            out.append(_escape_prose(ref.group(1)) + _safe_url(ref.group(2)) + _escape_prose(ref.group(3)))
            previous_blank = False
            continue
        out.append(_escape_inline(line))
        previous_blank = not line.strip()
    if fence is not None:
        out.append(fence)  # close an unterminated fence so the rest of the page is not swallowed
    return "\n".join(out).strip("\n")


def do_doc(text: str | None, updates: Iterable[ModelNameUpdate] = ()) -> Markup:
    """A docstring as a Markdown block: model names updated, sanitised."""
    return Markup(sanitize_markdown(apply_updates(text or "", updates)))


def do_cell(text: str | None, updates: Iterable[ModelNameUpdate] = ()) -> Markup:
    """Text for one table cell: one line, pipes and newlines survive, sanitised."""
    if not text:
        return Markup("")
    body = sanitize_markdown(apply_updates(text, updates))
    # fenced code in a cell cannot work: show its content as plain lines
    body = re.sub(r"^\s*(`{3,}|~{3,}).*$", "", body, flags=re.M)
    parts = [p.strip() for p in body.split("\n")]
    joined = "<br>".join(p for p in parts if p) if len(parts) > 1 else parts[0]
    # pipes inside code spans are safe in tables; elsewhere write them as an entity
    return Markup(_outside_code(joined, lambda s: s.replace("|", "&#124;")))


def _outside_code(text: str, fn: Any) -> str:
    out: list[str] = []
    pos = 0
    for match in _INLINE_CODE.finditer(text):
        out.append(fn(text[pos : match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(fn(text[pos:]))
    return "".join(out)


def do_code(text: Any) -> Markup:
    """An inline code span that survives backticks, pipes and newlines in the value."""
    if text is None or text == "":
        return Markup("")
    value = strip_controls(" ".join(str(text).split()))
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or longest else ""
    return Markup(f"{fence}{pad}{value}{pad}{fence}")


def do_text(text: Any) -> Markup:
    """Plain text on one line (names, messages): escaped, pipes as entities."""
    if text is None:
        return Markup("")
    return Markup(_escape_inline(strip_controls(" ".join(str(text).split()))).replace("|", "&#124;"))


# what may stay as written in an attribute value: Python-Markdown's inline patterns, and those of any
# extension a site enables (keys `++`, emoji `:`, magiclink `@`, critic `{`), act on the rest
_ATTR_PLAIN = re.compile(r"[\w .,;?/-]|[^\x00-\x7f]")


def do_attr(text: Any) -> Markup:
    """Plain text for an HTML attribute value (a tooltip) inside a Markdown page.

    Markdown's inline patterns run over raw HTML too: a code span, emphasis or link in a message would turn
    into tags inside the attribute, and the quotes of a generated `<a href="…">` would end it early. So code
    spans lose their backticks and every ASCII character but letters, digits, space and `.,;?/-` is written as
    an entity (`_` included: an extension could treat it as emphasis before the tag is set aside).
    """
    if text is None:
        return Markup("")
    value = strip_controls(" ".join(str(text).split()))
    value = _INLINE_CODE.sub(lambda m: m.group(2).strip(), value)
    return Markup("".join(c if c != "_" and _ATTR_PLAIN.match(c) else f"&#{ord(c)};" for c in value))


def do_message(text: str, updates: Iterable[ModelNameUpdate] = ()) -> Markup:
    """A finding message: keeps its backtick code spans, escapes the rest."""
    return do_cell(text, ())


def do_default(default: Any, language: str) -> Markup:
    """A default as its language writes it; unresolved ones as their expression, marked."""
    if default is None:
        return Markup("")
    from paritydocs.parity.rules import ex_value, py_value

    if not default.resolved:
        return Markup(f'{do_code(default.expr)} <small title="not evaluated statically">(unresolved)</small>')
    shown = py_value(default.value) if language == "python" else ex_value(default.value)
    if language == "elixir" and default.expr.startswith(":"):
        shown = default.expr
    return do_code(shown)


def do_first_line(text: str | None, limit: int = 120) -> str:
    if not text:
        return ""
    line = text.strip().split("\n\n")[0].replace("\n", " ")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "\u2026"


def do_pct(part: int, whole: int) -> str:
    return "—" if not whole else f"{100 * part / whole:.0f}%"


def do_anchor(name: str) -> str:
    """An HTML id from a field or method name (`max_delay_ms` → `f-max_delay_ms`)."""
    return "f-" + re.sub(r"[^\w\-]", "-", name)


def do_slug(text: str) -> str:
    return re.sub(r"[^\w\-]+", "-", text).strip("-").lower() or "x"


FILTERS = {
    "doc": do_doc,
    "cell": do_cell,
    "code": do_code,
    "text": do_text,
    "message": do_message,
    "attr": do_attr,
    "value": do_default,
    "first_line": do_first_line,
    "pct": do_pct,
    "anchor": do_anchor,
    "slug": do_slug,
}


def do_fence(text: str, language: str = "") -> Markup:
    """A fenced code block whose fence is longer than any backtick run inside."""
    body = "\n".join(_code_line(line) for line in strip_controls(text).split("\n"))
    longest = max((len(m) for m in re.findall(r"`{3,}", body)), default=0)
    fence = "`" * max(3, longest + 1)
    info = re.sub(r"[^\w+-]", "", language)
    return Markup(f"{fence}{info}\n{body}\n{fence}")


FILTERS["fence"] = do_fence
