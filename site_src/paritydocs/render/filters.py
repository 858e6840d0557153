"""Jinja filters: pure functions from SDK data to safe Markdown. Registered in one place (`FILTERS`).

SDK text is data. A filter does not leave SDK text for Markdown to interpret where Markdown could read it
differently from the filter: it decides the structure itself and writes it so that there is one reading.
- Code blocks (fenced or indented) are written again as fences of our own, at the start of a line, longer than
  any backtick run inside; a code span is kept as single backticks (the only backticks left, so Markdown pairs
  them as we did), or written as `<code>` with its text as entities when it holds a backtick, or a pipe in a
  table cell.
- Links to http(s), mailto or an anchor are written as `<a href>` (images too: viewing a page loads nothing from a
  host the SDK names); any other closing bracket that could end a link, reference or definition (`](`, `][`,
  `]:`, `]]`) is an entity, so no other link, reference or image can form, and `list[int]` reads as written.
- Outside code, `<`, `&`, `>`, `{`, `}` and stray backticks are entities: no raw HTML, attribute list or
  template expression. Headings are demoted to bold lines so a docstring cannot restructure the page.
- Syntax of extensions a site may enable is broken: mkdocstrings' `::: path`, pymdownx.blocks' `///`, emoji's
  `:name:`; code holding pymdownx.snippets' `--8<--` (which acts even in code) is written as HTML.
Emphasis and lists are left to Markdown: they only ever produce tags without attributes.
In a MkDocs build the plugin also cleans the HTML of every generated page (`htmlsafe`), whatever Markdown made.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from paritydocs.modelnames import ModelNameUpdate, apply_updates
from paritydocs.textsafe import strip_controls

_FENCE_OPEN = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")
# as Python-Markdown reads them: `#Title` without a space, and a setext underline of one `-`, are headings too
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_INDENTED = re.compile(r"^(?: {4}|\t)")
# a link or image whose target is safe and plain; anything else in brackets stays text
_LINK = re.compile(
    r"!?\[([^\[\]\n]{1,1000})\]\(\s*<?((?:https?://|mailto:|#)[^\s<>()\"'`\\\[\]{}|]*)>?"
    r"(?:\s+\"[^\"\n]*\")?\s*\)",
    re.I,
)
# syntax of extensions a site may enable, broken wherever it appears in prose: mkdocstrings' `::: path` (renders,
# or fails to collect, any object: the build aborts; `#::: path` too), pymdownx.blocks' `/// html | script`,
# pymdownx.emoji's `:name:` (an image from a CDN with its default index)
_EXTENSION_SYNTAX = re.compile(r":(?=::)|/(?=//)|:(?=[\w+-]+:)")
# pymdownx.snippets' marker `--8<--` includes a file from the build machine (or drops a line, as a section
# marker) wherever a line holds it, before code blocks are set aside: code holding it is written as HTML, where
# its `<` is an entity
_SNIPPET = re.compile(r"-+8<-+")
# a code span Markdown pairs as we do: one line, no backtick inside, none outside (they are entities), no
# backslash before it (see `_inline`); in a table cell no pipe either (the row would split there)
_PLAIN_CODE = re.compile(r"[^`\n]*")
# what stays as written in text that must be inert wherever it lands (code as entities, attribute values)
_ATTR_PLAIN = re.compile(r"[\w .,;?/-]|[^\x00-\x7f]")
_PROSE_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "&#96;", "{": "&#123;", "}": "&#125;"})
# a closing bracket that could end a link, reference, definition or wiki link: `](`, `][`, `] [`, `]:`, `]]`
_LINK_BRACKET = re.compile(r"\](?=\s?[\[(\]]|:)")
_HOLD = re.compile("\x02(\\d+)\x03")


def _entities(text: str) -> str:
    """Every ASCII character but letters, digits, space and `.,;?/-` as an entity: inert in any Markdown context."""
    return "".join(c if c != "_" and _ATTR_PLAIN.match(c) else f"&#{ord(c)};" for c in text)


def _code_span(code: str, cell: bool) -> str:
    code = " ".join(code.split())
    if _PLAIN_CODE.fullmatch(code) and code and not (cell and "|" in code) and not _SNIPPET.search(code):
        return f"`{code}`"
    return f"<code>{_entities(code)}</code>"  # never empty: the text around it must not join up


def _code_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, code) of each code span: backtick runs of equal length, the opening one not escaped."""
    spans: list[tuple[int, int, str]] = []
    pos = 0
    while (start := text.find("`", pos)) != -1:
        run = len(text[start:]) - len(text[start:].lstrip("`"))
        backslashes = len(text[:start]) - len(text[:start].rstrip("\\"))
        if backslashes % 2:  # an escaped backtick: a literal one
            pos = start + 1
            continue
        close = re.compile(r"(?<!`)" + "`" * run + r"(?!`)").search(text, start + run)
        if close is None:
            pos = start + run
            continue
        spans.append((start, close.end(), text[start + run : close.start()]))
        pos = close.end()
    return spans


def _prose(text: str, cell: bool) -> str:
    """Prose (code spans and links held apart) with what could start markup as entities: see the module
    docstring."""
    text = _LINK_BRACKET.sub("&#93;", text.translate(_PROSE_ENTITIES))
    if cell:
        text = text.replace("|", "&#124;")
    return _EXTENSION_SYNTAX.sub(lambda m: f"&#{ord(m.group(0))};", text)


def _inline(text: str, *, cell: bool = False) -> str:
    """One paragraph (or cell, or name) of SDK prose as inert Markdown: see the module docstring."""
    held: list[str] = []

    def hold(markup: str) -> str:
        held.append(markup)
        return f"\x02{len(held) - 1}\x03"

    out: list[str] = []
    pos = 0
    for start, end, code in _code_spans(text):
        out.append(text[pos:start])
        out.append(hold(_code_span(code, cell)))
        pos = end
    out.append(text[pos:])
    text = "".join(out)

    def link(match: re.Match[str]) -> str:
        label = _prose(match.group(1), cell).replace("[", "&#91;").replace("]", "&#93;").strip()
        url = match.group(2).replace("&", "&amp;").replace('"', "&quot;")
        return hold(f'<a href="{url}">{_HOLD.sub(lambda m: held[int(m.group(1))], label) or url}</a>')

    text = _prose(_LINK.sub(link, text), cell)
    # a `#` starting a line (or a list item the text is put in) would make a heading
    text = re.sub(r"(?m)^(\s*)#", r"\1&#35;", text)
    # a backslash before a held span would escape its first character
    text = re.sub(r"\\(?=\x02)", "&#92;", text)
    return _HOLD.sub(lambda m: held[int(m.group(1))], text)


def _dedent(lines: list[str], width: int) -> list[str]:
    return [line[width:] if line[:width].strip() == "" else line.lstrip() for line in lines]


def _blocks(text: str) -> list[tuple[str, list[str], str]]:
    """(kind, lines, info) of a docstring: `code` (a fenced or indented block), `heading`, `prose` (a run of
    lines between blank lines) and `blank`."""
    lines = strip_controls(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[tuple[str, list[str], str]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        opening = _FENCE_OPEN.match(line)
        if opening:
            indent, fence, info = len(opening.group(1)), opening.group(2), opening.group(3)
            closing = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$")
            j = i + 1
            while j < len(lines) and not closing.match(lines[j]):
                j += 1
            blocks.append(("code", _dedent(lines[i + 1 : j], indent), info))
            i = j + 1
            continue
        if _INDENTED.match(line) and (not blocks or blocks[-1][0] in ("blank", "code", "heading")):
            j = i
            while j < len(lines) and (_INDENTED.match(lines[j]) or not lines[j].strip()):
                j += 1
            body = lines[i:j]
            while body and not body[-1].strip():
                body.pop()
            if not body:  # only spaces: a blank line
                lines[i] = ""
                continue
            blocks.append(("code", _dedent(body, 4 if body[0].startswith(" ") else 1), ""))
            i += len(body)
            continue
        if not line.strip():
            if not blocks or blocks[-1][0] != "blank":
                blocks.append(("blank", [], ""))
            i += 1
            continue
        if _HEADING.match(line):
            blocks.append(("heading", [line], ""))
            i += 1
            continue
        if _SETEXT.match(line) and blocks and blocks[-1][0] == "prose":
            last = blocks[-1][1].pop()
            if not blocks[-1][1]:
                blocks.pop()
            blocks.append(("heading", [last], ""))
            i += 1
            continue
        if blocks and blocks[-1][0] == "prose":
            blocks[-1][1].append(line)
        else:
            blocks.append(("prose", [line], ""))
        i += 1
    return blocks


def do_fence(text: str, language: str = "") -> Markup:
    """A fenced code block whose fence is longer than any backtick run inside; code holding a snippets marker as
    a `<pre>` block of HTML (see `_SNIPPET`)."""
    body = strip_controls(text)
    if _SNIPPET.search(body):
        # entities throughout: inert even where Markdown would not take the block as raw HTML
        escaped = "\n".join(_entities(line) for line in body.split("\n"))
        return Markup(f'<pre class="pd-code"><code>{escaped}</code></pre>')
    longest = max((len(m) for m in re.findall(r"`{3,}", body)), default=0)
    fence = "`" * max(3, longest + 1)
    info = re.sub(r"[^\w+-]", "", language)
    return Markup(f"{fence}{info}\n{body}\n{fence}")


def sanitize_markdown(text: str | None) -> str:
    """Docstring/moduledoc Markdown made inert: see the module docstring."""
    if not text:
        return ""
    return _sanitize_blocks(_blocks(text))


def _sanitize_blocks(blocks: list[tuple[str, list[str], str]]) -> str:
    out: list[str] = []
    for kind, lines, info in blocks:
        if kind == "blank":
            out.append("")
        elif kind == "code":
            language = re.sub(r"[^\w+-]", "", info.strip().split(" ")[0]) if info.strip() else ""
            # a fence of our own, on its own lines: Markdown reads it as code, whatever came before
            out.extend(["", str(do_fence("\n".join(lines), language)), ""])
        elif kind == "heading":
            heading = _HEADING.match(lines[0])
            title = heading.group(2) if heading else lines[0].strip()
            out.extend(["", f"**{_inline(title)}**", ""])
        else:
            out.extend(_inline("\n".join(lines)).split("\n"))
    # at most one blank line in a row, none at the ends
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


PUNCTUATION_BUDGET = 1000
"""Markdown punctuation (`_MARKUP_CHARS`) one SDK text may hold before it is shown as plain text: Python-Markdown
reads brackets, entities and the like in time quadratic in their number (6 KB of nested brackets took a build
from 1 s to 22 s), so past this budget the text goes around it. A real docstring holds tens."""
_MARKUP_CHARS = frozenset("[]<>&:/{}|\\*_!`")
_CELL_EXCERPT = 160
PLAIN_MARK = 'class="pd-code pd-plain"'
"""What a docstring shown as plain text carries (a build counts them, and says where, in one warning)."""
CELL_MARK = "too much Markdown punctuation to show</em>"


def _over_budget(blocks: list[tuple[str, list[str], str]]) -> bool:
    """More Markdown punctuation than `PUNCTUATION_BUDGET` outside code blocks (a code block is read in linear
    time, however much punctuation a long example holds)."""
    count = 0
    for kind, lines, _ in blocks:
        if kind != "code":
            count += sum(1 for line in lines for c in line if c in _MARKUP_CHARS)
            if count > PUNCTUATION_BUDGET:
                return True
    return False


def _plain_block(text: str) -> str:
    """A raw HTML `<pre>` block Markdown stashes whole (no inline pattern runs over it): linear in its size."""
    body = html.escape(strip_controls(text).replace("\r\n", "\n"), quote=False)
    return f"<pre {PLAIN_MARK}><code>{body}</code></pre>"


def do_doc(text: str | None, updates: Iterable[ModelNameUpdate] = ()) -> Markup:
    """A docstring as a Markdown block: model names updated, sanitised. Past `PUNCTUATION_BUDGET`, plain text."""
    text = apply_updates(text or "", updates)
    if not text:
        return Markup("")
    blocks = _blocks(text)  # split once: for the budget and for the Markdown
    if _over_budget(blocks):
        note = "<p><em>Shown as plain text: too much Markdown punctuation to render it in time.</em></p>"
        return Markup(f"{note}\n\n{_plain_block(text)}")
    return Markup(_sanitize_blocks(blocks))


def do_cell(text: str | None, updates: Iterable[ModelNameUpdate] = ()) -> Markup:
    """Text for one table cell: one line, pipes and newlines survive, sanitised. Code blocks become lines of
    `<code>`, paragraphs and headings lines of text."""
    if not text:
        return Markup("")
    text = apply_updates(text, updates)
    blocks = _blocks(text)
    if _over_budget(blocks):  # the start, as plain text; the rest said, not rendered (see `PUNCTUATION_BUDGET`)
        start = html.escape(" ".join(strip_controls(text)[:_CELL_EXCERPT].split()), quote=False)
        start = start.replace("|", "&#124;")
        rest = len(text) - _CELL_EXCERPT
        return Markup(
            f"<code>{start}</code> … <em>and {rest} more characters, too much Markdown punctuation to show</em>"
        )
    parts: list[str] = []
    for kind, lines, _ in blocks:
        if kind == "code":
            parts.extend(f"<code>{_entities(line.rstrip())}</code>" for line in lines if line.strip())
        elif kind == "heading":
            heading = _HEADING.match(lines[0])
            parts.append(_inline(heading.group(2) if heading else lines[0].strip(), cell=True))
        elif kind == "prose":
            parts.extend(p.strip() for p in _inline("\n".join(lines), cell=True).split("\n") if p.strip())
    return Markup("<br>".join(parts))


def do_code(text: Any) -> Markup:
    """An inline code span that survives backticks, pipes and newlines in the value."""
    if text is None or text == "":
        return Markup("")
    value = strip_controls(" ".join(str(text).split()))
    if _SNIPPET.search(value):
        return Markup(f"<code>{_entities(value)}</code>")
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or longest else ""
    return Markup(f"{fence}{pad}{value}{pad}{fence}")


def do_text(text: Any) -> Markup:
    """Plain text on one line (names, messages, paths): escaped, pipes as entities; code spans and safe links
    kept."""
    if text is None:
        return Markup("")
    return Markup(_inline(strip_controls(" ".join(str(text).split())), cell=True))


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
    plain: list[str] = []
    pos = 0
    for start, end, code in _code_spans(value):
        plain += [value[pos:start], code.strip()]
        pos = end
    plain.append(value[pos:])
    return Markup(_entities("".join(plain)))


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


_DOC_SOURCES = {
    "attribute_docstring": "from the attribute docstring",
    "comment": "from a comment",
    "field_description": "from `Field(description=…)`",
    "docstring": "from the property docstring",
    "args_section": "from `Args:` of `__init__`",
    "moduledoc_fields": "from `@moduledoc` `## Fields`",
    "typedoc_fields": "from `@typedoc`",
    "moduledoc_prose": "from `@moduledoc` prose",
    "typedoc_prose": "from `@typedoc` prose",
    "function_doc": "from the function's `@doc`",
}
"""Where a field's doc came from (`FieldDef.doc_source`), in the words a reader checks the source by."""

_ORIGINS = {
    "property": ("property", "a @property: read-only, not passed in"),
    "init": ("`__init__` parameter", "a parameter of the custom __init__ that no field declares"),
}
"""What part of the Python surface a member is when no field declares it (`FieldDef.origin`)."""


def do_doc_source(source: str | None) -> Markup:
    """A short note on where a doc came from (`from @moduledoc prose`); a key we do not know yet is shown as
    code rather than dropped, so a new extractor key is visible, never wrong."""
    if not source:
        return Markup("")
    words = _DOC_SOURCES.get(source)
    if words is None:
        return Markup(f'<small class="pd-doc-source">from {do_code(source)}</small>')
    return Markup(f'<small class="pd-doc-source">{words}</small>')


def do_origin(origin: str | None) -> Markup:
    """A note on a Python member that is not a declared field: `property` (read-only) or `__init__` parameter."""
    if not origin:
        return Markup("")
    words, title = _ORIGINS.get(origin) or (do_code(origin), origin)
    return Markup(f'<small class="pd-origin" title="{do_attr(title)}">{words}</small>')


def do_first_line(text: str | None, limit: int = 120) -> str:
    if not text:
        return ""
    line = text.strip().split("\n\n")[0].replace("\n", " ")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "\u2026"


def do_pct(part: int, whole: int) -> str:
    return "—" if not whole else f"{100 * part / whole:.0f}%"


def do_anchor(name: str) -> str:
    """An HTML id from a field or method name (`max_delay_ms` → `f-max_delay_ms`); other characters by their code,
    so `valid?` and `valid!` get two ids (`f-valid-3f`, `f-valid-21`)."""
    return "f-" + re.sub(r"[^\w\-]", lambda m: f"-{ord(m.group(0)):x}", name)


def do_slug(text: str) -> str:
    return re.sub(r"[^\w\-]+", "-", text).strip("-").lower() or "x"


@dataclass(frozen=True, slots=True)
class Badge:
    """A status badge: its words, its level (the CSS class) and its tooltip (every message it stands for)."""

    label: str
    level: str
    title: str


def do_op_badges(op: Any) -> list[Badge]:
    """The badges of a client operation's row, saying in the badge itself what each is about: the function
    (`function missing in elixir`) or its options (`2 options missing in elixir`), one badge per kind."""
    badges: list[Badge] = []
    groups: dict[tuple[str, str], list[Any]] = {}
    for finding in op.findings:
        if not finding.waived:
            groups.setdefault(("function", finding.kind.value), []).append(finding)
    for param in op.params:
        for finding in param.findings:
            if not finding.waived:
                groups.setdefault(("option", finding.kind.value), []).append(finding)
    for (what, kind), found in groups.items():
        level = max(found, key=lambda f: f.level.rank).level.value
        count = len(found) if what == "option" else 0
        subject = f"{count} option{'s' if count != 1 else ''}" if count else what
        badges.append(Badge(f"{subject} {kind.replace('_', ' ')}", level, "\n".join(f.message for f in found)))
    return badges


FILTERS: dict[str, Callable[..., Any]] = {
    "doc": do_doc,
    "cell": do_cell,
    "code": do_code,
    "text": do_text,
    "message": do_message,
    "attr": do_attr,
    "value": do_default,
    "doc_source": do_doc_source,
    "origin": do_origin,
    "first_line": do_first_line,
    "pct": do_pct,
    "anchor": do_anchor,
    "slug": do_slug,
    "fence": do_fence,
    "op_badges": do_op_badges,
}
