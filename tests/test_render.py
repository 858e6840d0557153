"""Render: filters are pure and make SDK text inert; templates render a pair; custom templates override."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser

import markdown
import pytest

from conftest import default, ex_type, py_type, sdk_models
from html_checks import live_markup
from paritydocs.config import load_settings
from paritydocs.errors import ConfigError
from paritydocs.model import ConstantDef, Default, FieldDef, Language, Location, SdkModel, SourceInfo, TypeDef, TypeKind
from paritydocs.modelnames import compile_updates
from paritydocs.parity import run_parity
from paritydocs.render import Renderer
from paritydocs.render.filters import (
    do_cell,
    do_code,
    do_doc,
    do_doc_source,
    do_fence,
    do_origin,
    do_text,
    sanitize_markdown,
)
from paritydocs.render.links import Links

EXTENSIONS = ["tables", "admonition", "md_in_html", "attr_list", "pymdownx.details", "pymdownx.superfences"]
# inline extensions a Material site often adds: each acts on more characters
MORE_EXTENSIONS = [
    "pymdownx.betterem",
    "pymdownx.caret",
    "pymdownx.emoji",
    "pymdownx.inlinehilite",
    "pymdownx.keys",
    "pymdownx.magiclink",
    "pymdownx.mark",
    "pymdownx.smartsymbols",
    "pymdownx.tilde",
]


def html(md_text: str) -> str:
    return markdown.markdown(md_text, extensions=EXTENSIONS)


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click]( javascript:alert(1) )",
    "![x](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
    "[ref]: javascript:alert(1)\n\n[ref]",
    "{{ 7*7 }} {% raw %}",
    'text {: onclick="alert(1)" }',
    '<a href="//evil.example/x">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<div markdown="1">*x*</div>',
    "\u202eevil\u202c",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_docstrings_render_inert(text):
    for rendered in (html(str(do_doc(text))), html("| a |\n|---|\n| " + str(do_cell(text)) + " |")):
        assert live_markup(rendered) == []
        assert "<img" not in rendered and "<div" not in rendered  # raw HTML never passes through
        assert "49" not in rendered  # never evaluated as Jinja
        assert "\u202e" not in rendered


def test_code_survives_backticks_pipes_and_newlines():
    assert str(do_code("a`b")) == "`` a`b ``"
    assert str(do_code("x\ny")) == "`x y`"
    cell = str(do_cell("left | right\nnext `a|b`"))
    out = html(f"| h |\n|---|\n| {cell} |")
    assert out.count("<td>") == 1
    shown = out.replace("&#124;", "|")
    assert "left | right" in shown and "<br" in out and "<code>a|b</code>" in shown


def test_doc_keeps_code_blocks_and_demotes_headings():
    text = "Intro\n\n## Fields\n\n    iex> <b>raw</b>\n\n```elixir\n<script>x</script>\n```\n"
    out = sanitize_markdown(text)
    assert "**Fields**" in out and "## Fields" not in out
    # code blocks are written again as fences of our own: Markdown shows them literally
    assert "```\niex> <b>raw</b>\n```" in out and "```elixir\n<script>x</script>\n```" in out
    rendered = html(out)
    assert live_markup(rendered) == []
    assert "script" in rendered  # shown, as code


def test_unterminated_fence_is_closed():
    assert sanitize_markdown("```\n<b>").endswith("```")


def test_fence_is_longer_than_any_inner_fence():
    assert str(do_fence("a\n```\nb", "elixir")).startswith("````elixir\n")


def test_model_names_applied_in_docs_and_cells():
    updates = compile_updates({"Qwen/Qwen2.5-7B": "Qwen/Qwen3-8B"})
    assert "Qwen/Qwen3-8B" in str(do_doc("e.g. 'Qwen/Qwen2.5-7B'", updates))
    assert "Qwen/Qwen3-8B" in str(do_cell("e.g. `Qwen/Qwen2.5-7B`", updates))


def _report(doc: str):
    py = SdkModel(
        SourceInfo("p", "", Language.PYTHON),
        types=[
            TypeDef(
                path="acme.types.thing.Thing",
                public_path="acme.types.Thing",
                name="Thing",
                kind=TypeKind.PYDANTIC_MODEL,
                doc=doc,
                file="acme/types/thing.py",
                line=1,
                fields=[
                    FieldDef("size", "int", default=Default("3", 3, True), doc=doc),
                    FieldDef("py_only", "str", required=True),
                ],
            )
        ],
    )
    ex = SdkModel(
        SourceInfo("e", "", Language.ELIXIR),
        types=[
            TypeDef(
                path="Acme.Types.Thing",
                name="Thing",
                kind=TypeKind.STRUCT,
                doc="Port.",
                file="lib/thing.ex",
                line=1,
                fields=[FieldDef("size", "integer()", default=Default("4", 4, True))],
            )
        ],
    )
    settings = load_settings(
        {
            "python": "p",
            "elixir": "e",
            "type_prefixes": {"acme.types": "Acme.Types"},
            "model_names": {},
            "python_api": False,
        },
        environ={},
    )
    return settings, run_parity(py, ex, settings)


def test_pair_page_has_both_sides_fields_and_findings():
    settings, report = _report("Size of the thing.")
    pages = {p.path: p for p in Renderer(settings).pages(report)}
    page = pages["types/Thing.md"].content
    assert "`size`" in page and "`integer()`" in page and "`py_only`" in page
    assert "default_mismatch" in page and "missing_in_elixir" in page
    assert "Size of the thing." in page
    assert {"index.md", "checklist.md", "unmatched.md", "model-names.md"} <= set(pages)


def _four_items_pair():
    """Two types whose port lacks a field, has another default and documents nothing: four checklist items."""
    thing_py = py_type("Thing", [FieldDef("size", "int", required=False, default=default(3)), FieldDef("color", "str")])
    thing_py.fields[0].doc, thing_py.fields[1].doc = "Size.", "Color."
    other_py = py_type("Other", [FieldDef("name", "str", doc="Its name.")])
    thing_ex = ex_type("Thing", [FieldDef("size", "integer()", default=default(5), required=False)])
    other_ex = ex_type("Other", [FieldDef("name", "String.t()")])
    py, ex = sdk_models([thing_py, other_py], [thing_ex, other_ex])
    return py, ex


def test_the_checklist_has_one_item_per_port_file_and_action():
    from paritydocs.render.checklist import checklist_groups

    py, ex = _four_items_pair()
    settings = load_settings({"python": "x", "elixir": "y", "type_prefixes": {"acme.types": "Acme.Types"}}, environ={})
    report = run_parity(py, ex, settings)
    groups = dict(
        checklist_groups(report, Links(settings, pair_pages={t.path: f"types/{t.name}.md" for t in py.types}))
    )
    items = {(item.action, item.file): item for level in groups.values() for item in level}
    assert set(items) == {
        ("Add the missing fields", "lib/acme/types/thing.ex"),
        ("Fix types, defaults and optionality", "lib/acme/types/thing.ex"),
        ("Document the fields", "lib/acme/types/thing.ex"),
        ("Document the fields", "lib/acme/types/other.ex"),
    }
    assert [item.action for item in groups["high"]] == ["Add the missing fields", "Fix types, defaults and optionality"]
    docs = items[("Document the fields", "lib/acme/types/thing.ex")]
    assert docs.level == "medium" and docs.snippet and docs.counts == {"medium": len(docs.findings)}
    assert [(s.title, s.page, s.names) for s in docs.subjects] == [("Thing", "types/Thing.md", ["size"])]
    page = next(p for p in Renderer(settings).pages(report) if p.path == "checklist.md").content
    assert page.count("- [ ] ") == 4 and "4 items" in page
    assert "[Thing](types/Thing.md#suggested-elixir-docs): `size`" in page
    assert "New since the baseline" not in page


def test_a_long_checklist_continues_on_pages_of_its_bound_and_holds_each_item_once(tmp_path, monkeypatch):
    import paritydocs.render as render_module
    from paritydocs.site.nav import build_nav

    py, ex = _four_items_pair()
    options = {"python": "x", "elixir": "y", "type_prefixes": {"acme.types": "Acme.Types"}}
    report = run_parity(py, ex, load_settings(options, environ={}))
    (tmp_path / "baseline.json").write_text(json.dumps({"findings": []}))
    settings = load_settings({**options, "baseline": str(tmp_path / "baseline.json")}, environ={})
    whole = next(p for p in Renderer(settings).pages(report) if p.path == "checklist.md")
    assert whole.group == "" and whole.content.count("- [ ] ") == 8  # 4 items, each also new since the baseline

    monkeypatch.setattr(render_module, "CHECKLIST_PAGE_ITEMS", 3)
    pages = [p for p in Renderer(settings).pages(report) if p.path.startswith("checklist")]
    assert [(p.path, p.title, p.group) for p in pages] == [
        ("checklist.md", "Parity checklist", "Parity checklist"),
        ("checklist-2.md", "Page 2", "Parity checklist"),
        ("checklist-3.md", "Page 3", "Parity checklist"),
    ]
    items = [line for p in pages for line in p.content.splitlines() if line.startswith("- [ ] ")]
    assert items == [line for line in whole.content.splitlines() if line.startswith("- [ ] ")]  # same, in order
    first, second, third = (p.content for p in pages)
    assert "4 items" in first and "## New since the baseline\n" in first and "## High priority\n" not in first
    assert "## New since the baseline (continued)" in second and "## High priority\n" in second
    assert "Page 2 of 3 of the [parity checklist](checklist.md): 4 items of open work" in second
    assert "(continued)" not in third and "## Medium priority\n" in third and "Nothing open." in third  # Low
    assert "pages of at most 3 items:\n[1](checklist.md) · **2** · [3](checklist-3.md)." in second
    assert all("search:\n  exclude: true" in p.content for p in pages)
    nav = build_nav(pages, [])
    assert nav == [
        {
            "Reports": [
                {
                    "Parity checklist": [
                        {"Parity checklist": "checklist.md"},
                        {"Page 2": "checklist-2.md"},
                        {"Page 3": "checklist-3.md"},
                    ]
                }
            ]
        }
    ]


def test_the_checklist_shows_what_is_new_since_the_baseline(tmp_path):
    thing_py = py_type("Thing", [FieldDef("size", "int", doc="Size."), FieldDef("color", "str")])
    thing_ex = ex_type("Thing", [FieldDef("size", "integer()")])
    py, ex = sdk_models([thing_py], [thing_ex])
    options = {"python": "x", "elixir": "y", "type_prefixes": {"acme.types": "Acme.Types"}}
    report = run_parity(py, ex, load_settings(options, environ={}))
    doc_key = next(f.key for f in report.all_findings() if f.kind.value == "doc_missing_in_elixir")
    (tmp_path / "baseline.json").write_text(json.dumps({"findings": [doc_key]}))
    settings = load_settings({**options, "baseline": str(tmp_path / "baseline.json")}, environ={})
    page = next(p for p in Renderer(settings).pages(report) if p.path == "checklist.md").content
    new = page.split("## New since the baseline", 1)[1].split("## High priority", 1)[0]
    assert "1 item, 1 finding" in new and "Add the missing fields" in new and "Document the fields" not in new
    (tmp_path / "baseline.json").write_text("[]")
    with pytest.raises(ConfigError, match="expected"):
        Renderer(settings).pages(report)


def test_pair_page_with_hostile_doc_builds_inert_html():
    settings, report = _report("<script>alert(1)</script> | {{ 7*7 }} [x](javascript:alert(1))")
    page = next(p for p in Renderer(settings).pages(report) if p.path == "types/Thing.md").content
    out = html(page)
    assert live_markup(out) == []
    assert "&lt;script&gt;" in out  # shown as text
    assert "49" not in out


def test_custom_template_overrides_by_name(tmp_path):
    (tmp_path / "checklist.md.jinja").write_text(
        '{% extends "_base/checklist.md.jinja" %}{% block title %}# Our list{% endblock %}'
    )
    settings, report = _report("x")
    settings = load_settings(
        {"python": "p", "elixir": "e", "custom_templates": str(tmp_path), "python_api": False}, environ={}
    )
    page = next(p for p in Renderer(settings).pages(report) if p.path == "checklist.md")
    assert page.content.startswith("---\nsearch:\n  exclude: true\n---\n# Our list")  # the base's meta block kept


def test_broken_custom_template_is_one_line_error(tmp_path):
    (tmp_path / "checklist.md.jinja").write_text("{% if %}")
    settings = load_settings(
        {"python": "p", "elixir": "e", "custom_templates": str(tmp_path), "python_api": False}, environ={}
    )
    _, report = _report("x")
    with pytest.raises(ConfigError) as err:
        Renderer(settings).pages(report)
    assert "checklist.md.jinja:1" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "doc",
    [
        "[x](onmouseover=alert(1)//) tail",
        "`a` *b* _c_ [y](#z) ![i](https://t.example/p.png) \"q\" 's' | p <b>x</b> {{ 7*7 }} a\\*b",
        "<https://auto.example> x=y ~~s~~ ^^i^^ ==m== ++ctrl+alt++ :smile: @someone https://bare.example",
    ],
)
@pytest.mark.parametrize("extensions", [EXTENSIONS, EXTENSIONS + MORE_EXTENSIONS], ids=["basic", "pymdownx"])
def test_badge_tooltips_stay_plain_text(doc, extensions):
    settings, report = _report(doc)
    page = next(p for p in Renderer(settings).pages(report) if p.path == "types/Thing.md").content
    out = markdown.markdown(page, extensions=extensions)
    assert live_markup(out) == []

    class Titles(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.titles: list[str] = []

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name == "title" and value and "documented in Python" in value:
                    self.titles.append(value)
            if tag == "span" and dict(attrs).get("class", "").startswith("pd-badge"):
                assert set(dict(attrs)) == {"class", "title"}, attrs

    titles = Titles()
    titles.feed(out)
    # the whole message, as plain text: the quoted docstring survives with its punctuation, no markup
    (message,) = [f.message for f in report.all_findings() if f.kind.value == "doc_missing_in_elixir"]
    assert message.startswith("`size` is documented in Python (“") and len(message) > 60
    assert titles.titles == [re.sub(r"`([^`]*)`", r"\1", message)]


def test_source_links_survive_odd_file_names():
    settings = load_settings(
        {
            "python": "p",
            "elixir": "e",
            "python_api": False,
            "elixir_repo": {"url": "https://github.com/acme/port", "ref": "v1.0"},
            "hexdocs": "port",
        },
        environ={},
    )
    links = Links(settings)
    url = links.elixir(Location("lib/odd dir/thing (copy).ex", 3))
    assert url == "https://github.com/acme/port/blob/v1.0/lib/odd%20dir/thing%20%28copy%29.ex#L3"
    out = html(f"[x]({url})")
    assert f'href="{url}"' in out
    assert links.hexdocs("Acme.Thing", "new/1") == "https://hexdocs.pm/port/Acme.Thing.html#new/1"
    assert links.hexdocs("Acme.Thing", "valid?/1").endswith("#valid?/1")


def test_extension_block_syntax_in_docstrings_stays_text(tmp_path):
    """Block syntax of extensions a site may enable: include a file, add a tag, collect an object."""
    (tmp_path / "secret.txt").write_text("SECRET=hunter2\n")
    doc = (
        "::: orbit.nothing_here\n\n/// html | script\nalert(1)\n///\n\n*[HTML]: Hyper\n\nHTML here.\n\n"
        '    --8<-- "secret.txt"\n\n```\n--8<-- "secret.txt"\n```\n\n--8<--\nsecret.txt\n--8<--\n'
    )
    extensions = ["abbr", "pymdownx.blocks.html", "pymdownx.snippets", "pymdownx.superfences"]
    config = {"pymdownx.snippets": {"base_path": [str(tmp_path)]}}
    for source in (str(do_doc(doc)), str(do_fence('--8<-- "secret.txt"')), "- " + str(do_text("/// html | b"))):
        assert not [line for line in source.split("\n") if line.lstrip("- ").startswith((":::", "///"))]
        out = markdown.markdown(source, extensions=extensions, extension_configs=config)
        assert "hunter2" not in out and "<script" not in out and "<abbr" not in out and "<b>" not in out, out
    shown = unescape(markdown.markdown(str(do_doc(doc)), extensions=extensions, extension_configs=config))
    assert "::: orbit.nothing_here" in shown and '--8<-- "secret.txt"' in shown and "/// html | script" in shown


# Where a regex reading of Markdown and Python-Markdown disagree (an audit found each of these live before the
# filters decided the structure themselves): the filters alone must keep them inert, without the HTML cleaning.
DIFFERENTIALS = [
    "Escaped \\`<img src=x onerror=alert(1)>\\` tick.",
    "x `spans\ncan wrap` <img src=x onerror=alert(2)> `lines`",
    "Double !![i](https://tracker.example/p.png) bang.",
    "[t](javascript:alert%28102%29 'x')",
    "[t](javascript:alert(1) (y))",
    "[t](javascript:alert(1)\n)",
    "[c](javascript:alert`(603)`)",
    "[ref]: <javascript:alert(602)>\n\n[ref]",
    "[r1]:\n    javascript:alert(104)\n\n[r1]",
    "[r]: <svg/onload=alert(605)> junk",
    "w](javascript:alert%28701%29 'y').ex",
    "Doc.\n\n```\n<img src=x onerror=alert(105)>\n```",
    "- item\n\n    <img src=x onerror=alert(607)>",
    "```\nfenced\n```\n    <img src=x onerror=alert(608)>",
    "~~~\n<img src=x onerror=alert(606)>\n~~~ x\n\nafter",
    "```\npolicy = new()\n````\n\nStill shown.",
    "Escaped \\`a|b\\` pipe | and `c|d`.",
    "nodes[zone][rank] and [a][b]",
]


# A second audit, against the filters that decide the structure themselves.
DIFFERENTIALS += [
    "[x]` `(javascript:alert(1)) and ![t]` `(https://tracker.example/p.png)",  # an empty code span joined `](`
    "[r]` `: javascript:alert(2)\n\n[r]",
    "` `::: orbit.nothing_here\n` `# Heading",
    "#::: orbit.nothing_here",
    "#Title without a space\n\nTitle\n-",
    "Smile :smile: and :x:",
    "A link [a|b :smile: `c|d`](https://x.example) in a cell.",
]


@pytest.mark.parametrize("text", DIFFERENTIALS)
@pytest.mark.parametrize("extensions", [EXTENSIONS, EXTENSIONS + MORE_EXTENSIONS], ids=["basic", "pymdownx"])
def test_parser_differentials_stay_inert_in_markdown(text, extensions):
    sources = (str(do_doc(text)), f"| a | b |\n|---|---|\n| {do_cell(text)} | end |", f"- {do_text(text)}")
    block, row, line = (markdown.markdown(source, extensions=extensions) for source in sources)
    for out in (block, row, line):
        assert live_markup(out) == [], out
        assert "<img" not in out and "<svg" not in out and "<h1" not in out and "<h2" not in out, out
        assert "javascript:" not in "".join(re.findall(r'href="[^"]*"', out)), out
    # no line starts mkdocstrings' block syntax
    assert not [x for s in sources for x in s.split("\n") if re.match(r"^[-| ]*#*\s*:::", x)], sources
    assert row.count("<td>") == 2 and "<td>end</td>" in row  # the cell's row did not split
    if "alert(" in text:
        assert "alert(" in unescape(block)  # shown as text
    if "Still shown" in text:
        assert "Still shown" in block


@pytest.mark.parametrize("text", ["Summary.\n\n        \n    More.", "\t", "    ", "\n    \n\t\n"])
def test_whitespace_only_lines_do_not_crash(text):
    assert live_markup(html(str(do_doc(text)))) == []
    assert "More." in str(do_doc(text)) or "More" not in text
    do_cell(text)


def test_snippet_section_markers_in_code_keep_the_line(tmp_path):
    """pymdownx.snippets drops a line holding `--8<-- [start:name]` anywhere: a changed line must not vanish."""
    diff = "- old()\n+ evil()  # --8<-- [start:a]\n+ more()"
    extensions = ["pymdownx.snippets", "pymdownx.superfences", "md_in_html"]
    config = {"pymdownx.snippets": {"base_path": [str(tmp_path)]}}
    for source in (
        f"<div markdown>\n\n{do_fence(diff, 'diff')}\n\n</div>",
        str(do_doc(f"Doc.\n\n```\n{diff}\n```\n\nUse `x --8<-- [end:a]` here.")),
        f"| a |\n|---|\n| {do_code('v --8<-- [start:q]')} |",
    ):
        out = unescape(markdown.markdown(source, extensions=extensions, extension_configs=config))
        assert "--8<-- [" in out, out
        assert "evil()" in out or "evil" not in source


def test_anchors_of_names_that_differ_only_in_punctuation_differ():
    from paritydocs.render.filters import do_anchor

    assert do_anchor("max_delay_ms") == "f-max_delay_ms"
    assert len({do_anchor("op-valid?"), do_anchor("op-valid!"), do_anchor("op-valid")}) == 3
    assert re.fullmatch(r"[\w-]+", do_anchor("op-a?b!c.d"))


def test_doc_source_and_origin_notes_are_fixed_words_and_unknown_keys_stay_inert():
    assert str(do_doc_source("moduledoc_prose")) == '<small class="pd-doc-source">from `@moduledoc` prose</small>'
    assert "`Args:` of `__init__`" in str(do_doc_source("args_section"))
    assert do_doc_source(None) == "" and do_origin(None) == ""
    assert ">property</small>" in str(do_origin("property"))
    hostile = "<script>alert(1)</script>"
    for note in (do_doc_source(hostile), do_origin(hostile)):
        assert live_markup(html(str(note))) == [] and "&lt;script&gt;" in html(str(note))
    # the tooltip is plain text: `__init__` does not become emphasis inside the attribute
    title = re.search(r'title="([^"]*)"', html(str(do_origin("init"))))
    assert title and "<" not in title.group(1) and "__init__" in unescape(title.group(1))


def _row(page: str, name: str) -> list[str]:
    """The cells of the field table's row whose Python or Elixir field is `name`."""
    line = next(line for line in page.splitlines() if line.startswith("| ") and f"**`{name}`**" in line)
    return [cell.strip() for cell in line.strip("|").split(" | ")]


def test_pair_page_marks_python_surface_origins_and_each_docs_source():
    py = py_type(
        "Chunk",
        [
            FieldDef("data", "list[int]", required=True, doc="The tokens.", doc_source="attribute_docstring"),
            FieldDef("length", "int", doc="How many tokens.", doc_source="docstring", origin="property"),
            FieldDef(
                "shape", "tuple[int, ...]", required=True, doc="Its shape.", doc_source="args_section", origin="init"
            ),
            FieldDef("dtype", "str", doc="Element type.", doc_source="comment"),
        ],
    )
    ex = ex_type(
        "Chunk",
        [
            FieldDef("data", "[integer()]", required=True, doc="The tokens.", doc_source="moduledoc_fields"),
            FieldDef("length", "non_neg_integer()", doc="How many.", doc_source="typedoc_fields"),
            FieldDef("shape", "[integer()]"),
            FieldDef("dtype", "atom()"),
        ],
        doc="A chunk of tokens. The `dtype` names the element type.",
    )
    settings = load_settings(
        {"python": "p", "elixir": "e", "type_prefixes": {"acme.types": "Acme.Types"}, "python_api": False},
        environ={},
    )
    report = run_parity(*sdk_models([py], [ex]), settings)
    page = next(p for p in Renderer(settings).pages(report) if p.path == "types/Chunk.md").content
    data, length, shape, dtype = (_row(page, n) for n in ("data", "length", "shape", "dtype"))
    # the Python cell says what part of the surface the member is; a declared field says nothing
    assert "pd-origin" not in data[0] and "pd-origin" not in dtype[0]
    assert ">property</small>" in length[0] and "`__init__` parameter</small>" in shape[0]
    # each doc cell names where its doc came from, Elixir prose found by the parity stage included
    assert data[1].endswith("from the attribute docstring</small>") and data[3].endswith("`## Fields`</small>")
    assert length[1].endswith("from the property docstring</small>") and length[3].endswith("`@typedoc`</small>")
    assert shape[1].endswith("`Args:` of `__init__`</small>") and "pd-doc-source" not in shape[3]
    assert dtype[1].endswith("from a comment</small>") and dtype[3].endswith("from `@moduledoc` prose</small>")
    out = html(page)
    assert live_markup(out) == []
    assert "<code>__init__</code> parameter</small>" in out and "from <code>@moduledoc</code> prose</small>" in out


def test_constants_page_groups_by_module_and_keeps_sdk_text_inert():
    settings, _ = _report("Size.")
    py = SdkModel(
        SourceInfo("p", "", Language.PYTHON),
        constants=[
            ConstantDef("MAX_CHUNK_LEN", "acme.lib.uploads", Default("1024", 1024, True), "acme/lib/uploads.py", 3),
            ConstantDef(
                "BANNER",
                "acme.lib.text",
                Default("'<b>{{ 7*7 }}</b>'", "<b>{{ 7*7 }}</b>", True),
                "acme/lib/text.py",
                1,
                doc="<script>alert(1)</script>",
            ),
        ],
    )
    ex = SdkModel(
        SourceInfo("e", "", Language.ELIXIR),
        constants=[
            ConstantDef("max_chunk_len", "Acme.Uploads", Default("128", 128, True), "lib/uploads.ex", 5, "attribute"),
            ConstantDef("pool_size", "Acme.Pool", Default("10", 10, True), "lib/pool.ex", 2, "attribute"),
        ],
    )
    report = run_parity(py, ex, settings, constants=True)
    pages = {p.path: p for p in Renderer(settings).pages(report)}
    page = pages["constants.md"].content
    assert page.index("## `acme.lib.text`") < page.index("## `acme.lib.uploads`") < page.index("## Only in Elixir (1)")
    assert "| Differ | 1 |" in page and "| Only in Python | 1 |" in page and "| Only in Elixir | 1 |" in page
    assert "`Acme.Uploads.@max_chunk_len`" in page and "constant_mismatch" in page
    out = html(page)
    assert live_markup(out) == [] and "49" not in out
    no_constants = {p.path for p in Renderer(settings).pages(run_parity(py, ex, settings))}
    assert "constants.md" not in no_constants  # a report without the comparison has no such page


def test_source_links_name_the_revision_that_was_read_or_none():
    from paritydocs.config import RepoLink
    from paritydocs.render.links import source_ref

    repo = RepoLink(url="https://example.invalid/acme", ref="abc1234", prefix="src/")
    tagged = RepoLink(url="https://example.invalid/acme", ref="abc1234", release="v{version}")
    configured = "pypi:acme==0.8.0"

    def source(spec: str, version: str | None = None, ref: str | None = None) -> SourceInfo:
        return SourceInfo(spec, "/x", Language.PYTHON, version=version, ref=ref)

    assert source_ref(repo, source(configured, "0.8.0"), configured) == (None, True, None)  # the pinned `ref`
    assert source_ref(repo, source("git:acme@main", "main", "f" * 40), configured) == ("f" * 40, True, None)
    assert source_ref(tagged, source("pypi:acme==0.38.0", "0.38.0"), configured) == ("v0.38.0", True, None)
    ref, on, why = source_ref(repo, source("pypi:acme==0.38.0", "0.38.0"), configured)
    assert (ref, on) == (None, False)
    assert why is not None and why.startswith("pypi:acme==0.38.0: no source links to https://example.invalid/acme")
    links = Links(load_settings({"python": "x", "elixir": "y"}, environ={}), python_on=False)
    assert links.python(Location("src/acme/x.py", 3)) is None  # never a link to a revision that was not read


def test_a_repository_release_pattern_is_checked():
    with pytest.raises(ConfigError, match=r"'python_repo\.release' must be a ref pattern with"):
        load_settings({"python": "x", "elixir": "y", "python_repo": {"url": "u", "release": "v1"}}, environ={})


def test_the_filter_memo_returns_what_the_filter_made_of_the_same_arguments():
    from markupsafe import Markup

    from paritydocs.render.filters import FILTERS
    from paritydocs.render.memo import MEMOIZED_FILTERS, FilterMemo

    memo = FilterMemo(size=3)
    wrapped = memo.wrap(FILTERS)
    assert {name for name, f in wrapped.items() if f is not FILTERS[name]} == MEMOIZED_FILTERS
    updates = compile_updates({"Qwen/Qwen2.5-7B": "Qwen/Qwen3-8B"})
    for text in [*HOSTILE, "Use `Qwen/Qwen2.5-7B`.\n\n```py\nx = 1\n```", None, ""]:
        for name in ("doc", "cell"):
            first = wrapped[name](text, updates)
            assert first == FILTERS[name](text, updates)
            assert wrapped[name](text, updates) is first  # kept: the same result, not made again
            assert wrapped[name](text, ()) == FILTERS[name](text, ())  # other arguments, another result
    assert len(memo) == 3  # bounded: the most recently used
    memo = FilterMemo(size=2)
    code = memo.wrap(FILTERS)["code"]
    code("a"), code("b"), code("a"), code("c")  # "b" is the least recently used
    assert memo.hits == 1 and memo.misses == 3
    code("a"), code("b")
    assert memo.hits == 2 and memo.misses == 4
    # not kept: a text that is not a plain str (its type could change the result), an argument that cannot be a
    # key, a keyword
    calls = memo.hits + memo.misses
    assert code(7) == FILTERS["code"](7) and code(Markup("x|y")) == FILTERS["code"](Markup("x|y"))
    cell = memo.wrap(FILTERS)["cell"]
    assert cell("a `b`", [updates[0]]) == FILTERS["cell"]("a `b`", [updates[0]])
    assert cell("a `b`", updates=updates) == FILTERS["cell"]("a `b`", updates)
    assert memo.hits + memo.misses == calls


def test_pages_rendered_with_a_filter_memo_are_the_pages_rendered_without():
    from paritydocs.render.memo import FilterMemo

    settings, report = _report("Use `Qwen/Qwen2.5-7B` | not [this](javascript:x).\n\n# Head\n\n    code")
    plain = [(p.path, p.content) for p in Renderer(settings).pages(report)]
    memo = FilterMemo()
    first = [(p.path, p.content) for p in Renderer(settings, filter_memo=memo).pages(report)]
    misses = memo.misses
    again = [(p.path, p.content) for p in Renderer(settings, filter_memo=memo).pages(report)]
    assert plain == first == again
    assert misses and memo.misses == misses and memo.hits  # the second build filtered nothing again
