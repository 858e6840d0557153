"""`llms.txt` as llmstxt.org describes it, `llms-full.txt`, and a clean Markdown copy of every generated page.

- `llms.txt`: an H1 (the site), a `>` summary, a paragraph on what the pages hold, then H2 sections of links
  (Reports, Types, Clients, Sync reports; Optional: the full text), each link absolute (from `site_url`) and
  followed by what the page is.
- A Markdown copy of each page, served beside its HTML at the page's URL with `.md` appended (`index.html.md`
  for a directory URL: `types/Datum/index.html.md`): front matter, HTML wrappers and badges, autorefs'
  `[text][identifier]` syntax and comments taken out; links to other generated pages point at their copies.
- `llms-full.txt`: the H1 and summary, then every copy in the order of `llms.txt`.

Without `site_url`, the links are relative to the site's root (and `check_urls` says so once).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from paritydocs.jsonfile import TextOutput
from paritydocs.render import Page

__all__ = ["LlmsFiles", "llms_files", "markdown_copy", "page_url"]

_SYNC = "Sync reports"
_SECTIONS = (("Reports", ("", "Reports")), ("Types", ("Types",)), ("Clients", ("Clients",)), (_SYNC, (_SYNC,)))
"""The H2 sections of `llms.txt`, in order: heading, and the page sections it lists."""
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_AUTOREF = re.compile(r"\[([^\[\]\n]+)\]\[[^\[\]\n]*\]")
_WRAPPER = re.compile(r"^[ \t]*</?div\b[^>]*>[ \t]*$\n?", re.MULTILINE)
_ANCHOR = re.compile(r"\[\]\(\)\{#[^}\n]*\}\n?")
_TITLE = re.compile(r'<p class="pd-col-title">(.*?)</p>')
_LINE_BREAK = re.compile(r"<br>[ \t]*$", re.MULTILINE)
_TAGS = re.compile(r"</?(?:span|small|div|abbr|sup|sub)\b[^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK = re.compile(r"\]\(([^()\s]+\.md)(#[^()\s]*)?\)")
_BLANKS = re.compile(r"\n{3,}")


def page_url(path: str, *, directory_urls: bool = True) -> str:
    """The URL MkDocs gives the page `path` (relative to the site root): `types/Datum/` or `types/Datum.html`."""
    stem = path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/" if directory_urls else f"{stem}.html"


def markdown_copy(path: str, *, directory_urls: bool = True) -> str:
    """Where the page's Markdown copy is served: its URL with `.md` appended (`index.html.md` for a folder)."""
    url = page_url(path, directory_urls=directory_urls)
    return f"{url}index.html.md" if url == "" or url.endswith("/") else f"{url}.md"


@dataclass(slots=True)
class LlmsFiles:
    """`llms.txt`, `llms-full.txt` (written as it is made) and the copies (path in the site → text)."""

    index: str
    full: TextOutput
    copies: dict[str, str] = field(default_factory=dict)


_CODE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^[ \t]*(?P=fence)[ \t]*$"  # a fenced block
    r"|(?P<ticks>`+)(?!`)[^\n]*?(?<!`)(?P=ticks)(?!`)",  # a code span
    re.MULTILINE | re.DOTALL,
)
"""Code, where SDK text is shown as it is: `[i][j]` in a docstring's example is no autorefs link."""


def _clean(page: Page, linked: dict[str, str], base: str, urls: dict[str, str]) -> str:
    """The page's Markdown without front matter, HTML wrappers, badges, comments or autorefs syntax; a link to
    another page points where `llms.txt` links it (`linked`), or at its URL (`urls`). Code blocks and code spans
    are left as they are (set aside while the rest is cleaned: a link's text may be code)."""
    text = _FRONT_MATTER.sub("", page.content.replace("\0", ""))
    kept: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return f"\0{len(kept) - 1}\0"

    text = _clean_prose(_CODE.sub(set_aside, text), page, linked, base, urls)
    text = re.sub(r"\0(\d+)\0", lambda m: kept[int(m.group(1))], text)
    return _BLANKS.sub("\n\n", text).strip() + "\n"


def _clean_prose(text: str, page: Page, linked: dict[str, str], base: str, urls: dict[str, str]) -> str:
    text = _COMMENT.sub("", text)
    text = _ANCHOR.sub("", text)
    text = _TITLE.sub(r"\n**\1**", text)
    text = _LINE_BREAK.sub("  ", text)  # a line break outside a table: Markdown's own
    text = _WRAPPER.sub("", text)
    text = _TAGS.sub("", text)
    text = _AUTOREF.sub(r"\1", text)
    here = posixpath.dirname(page.path)

    def link(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(here, match.group(1)))
        if target in linked:
            return f"]({base}{linked[target]}{match.group(2) or ''})"
        if target in urls:  # a page with no copy (the Python API): its own URL
            return f"]({base}{urls[target]}{match.group(2) or ''})"
        return match.group(0)

    return _LINK.sub(link, text)


class CleanedCopies:
    """The pages' cleaned copies of the previous build, kept by a `serve` session (`pipeline.Caches`): a page
    whose Markdown and the site's links did not change is not cleaned again. Only the last build's are held."""

    def __init__(self) -> None:
        self._links: tuple[str, dict[str, str], dict[str, str]] | None = None
        self._copies: dict[str, tuple[str, str]] = {}
        """Page path → (its Markdown, its cleaned copy)."""

    def clean(self, pages: Sequence[Page], linked: dict[str, str], base: str, urls: dict[str, str]) -> dict[str, str]:
        """`_clean` of each page (its path → its cleaned copy), the unchanged ones as cleaned before."""
        same = self._links == (base, linked, urls)
        previous = self._copies if same else {}
        copies: dict[str, tuple[str, str]] = {}
        for page in pages:
            kept = previous.get(page.path)
            copies[page.path] = (
                kept
                if kept is not None and kept[0] == page.content
                else (page.content, _clean(page, linked, base, urls))
            )
        self._links, self._copies = (base, dict(linked), dict(urls)), copies
        return {path: cleaned for path, (_, cleaned) in copies.items()}


def llms_files(
    pages: Sequence[Page],
    *,
    title: str,
    site_url: str | None,
    directory_urls: bool = True,
    copies: bool = True,
    kept: CleanedCopies | None = None,
) -> LlmsFiles:
    """The three kinds of file for `pages` (Python API pages left out: mkdocstrings renders them from the SDK).
    `copies=False` (no built site: `paritydocs generate` writes a docs folder): the links go to the pages' URLs.
    `kept`: a `serve` session's copies of the previous build, reused where nothing they are made of changed."""
    base = (site_url or "").rstrip("/") + "/" if site_url else ""
    shown = [p for p in pages if p.section != "Python API"]
    where = markdown_copy if copies else page_url
    copy_of = {p.path: where(p.path, directory_urls=directory_urls) for p in shown}
    lines = [
        f"# {title}",
        "",
        "> Field-by-field parity between a Python SDK and its Elixir port: every pair of types and clients side by"
        " side, with each difference found (fields, defaults, optionality, units, constants, docs) and a checklist"
        " of what to port.",
        "",
        "Each page below is the Markdown copy of a page of the site. The dashboard counts the findings; the"
        " checklist groups them by Elixir file and action; each type and client page lists both sides and the"
        " findings of that pair.",
        "",
    ]
    ordered: list[Page] = []
    for heading, names in _SECTIONS:
        members = [p for p in shown if p.section in names]
        if not members:
            continue
        lines += [f"## {heading}", ""]
        for page in members:
            lines.append(f"- [{page.title}]({base}{copy_of[page.path]}): {_describe(page)}")
            ordered.append(page)
        lines.append("")
    lines += [
        "## Optional",
        "",
        f"- [Full text]({base}llms-full.txt): every page above, in one file",
        "",
    ]
    urls = {p.path: page_url(p.path, directory_urls=directory_urls) for p in pages}
    cleaned = (
        kept.clean(shown, copy_of, base, urls)
        if kept is not None
        else {p.path: _clean(p, copy_of, base, urls) for p in shown}
    )
    head = [lines[0], "", lines[2], ""]
    markers = [f"<!-- {base}{copy_of[page.path]} -->" for page in ordered]
    texts = [cleaned[page.path] for page in ordered]

    def full() -> Iterator[str]:  # the lines joined by "\n", one piece at a time
        yield "\n".join(head)
        for marker, text in zip(markers, texts, strict=True):
            yield f"\n{marker}\n\n"
            yield text

    written = {copy_of[p.path]: cleaned[p.path] for p in shown} if copies else {}
    return LlmsFiles("\n".join(lines), TextOutput(full), written)


def _describe(page: Page) -> str:
    if page.section == "Types":
        return "one type beside its port: fields, defaults, optionality, docs, findings"
    if page.section == "Clients":
        return "one client beside its port: operations, parameters, options, findings"
    if page.section == _SYNC and page.group and page.title != page.group:
        return f"its changes in full in {page.group}: diffs, docstrings before and after, Elixir targets"
    if page.section == _SYNC:
        return "what changed between two Python revisions and where it lands in the port"
    return "a report over every pair" if page.path != "index.md" else "the counts and the findings by kind"
