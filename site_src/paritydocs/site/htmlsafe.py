"""The last guard on the pages paritydocs generates: their HTML, as Markdown made it, cleaned by an allowlist.

The filters (`render.filters`) keep SDK text inert at the Markdown level, but they guess how a Markdown parser
will read the text, and a parser can disagree (a code span that wraps, a loose fence, an escaped backtick). So the
plugin also cleans the HTML of every page it generated, the Python API pages included, with nh3 (html5ever's
parser, as a browser parses): no script, style, frame, form, image or SVG; no event-handler attribute; links only
to http(s), mailto and the site itself. Tags and attributes that Markdown, the pymdownx extensions, mkdocstrings,
autorefs and Material write stay as they are. Pages the user wrote are not touched.
"""

from __future__ import annotations

from functools import cache

import nh3

# everything Python-Markdown, pymdownx, mkdocstrings and Material's content write; not img, svg, math,
# script, style, iframe, object, embed, form, input (but the task list's checkbox), base, meta, link
_TAGS = {
    *("a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details"),
    *("dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i"),
    *("ins", "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong"),
    *("sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var", "wbr"),
    "input",  # pymdownx.tasklist's checkbox, pymdownx.tabbed's radio; their attributes are restricted below
    "autoref",  # mkdocs-autorefs' cross-reference, resolved after every page is rendered
}
_GENERIC = {"class", "id", "title", "role", "lang", "dir", "tabindex", "name"}
_ATTRIBUTES = {
    "*": _GENERIC,
    "a": {"href", "hreflang"},
    "abbr": set(),
    "autoref": {
        *("identifier", "optional", "hover", "domain", "role", "origin", "filepath", "lineno", "slug"),
        *("backlink-type", "backlink-anchor"),
    },
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
    "input": {"checked", "disabled"},
    "label": {"for"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "span": {"style"},
    "li": {"value"},
}
_SCHEMES = {"http", "https", "mailto"}
_STYLES = {"text-align", "width"}  # the tables extension's alignment; the dashboard's coverage bars


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        tag_attribute_values={"input": {"type": {"checkbox", "radio"}}},
        generic_attribute_prefixes={"data-", "aria-"},
        strip_comments=False,
        link_rel=None,
        url_schemes=_SCHEMES,
        filter_style_properties=_STYLES,
    )


def clean_html(html: str) -> str:
    """`html` (a page's content) with anything that could run, load or submit removed."""
    return _cleaner().clean(html)
