"""What MkDocs made of each page, kept across builds (`site.rendercache`): a warm build publishes the site a cold
one does, byte for byte, and every kind of input still shows on the page the build after it changed."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from mkdocs.structure.pages import Page

from site_helpers import build_site, set_job_id_doc
from source_helpers import tree_files as tree


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages MkDocs converts from now on (a page whose conversion is reused is not converted)."""
    converted: list[str] = []
    original = Page.render

    def counting(self, config, files):
        converted.append(self.file.src_uri)
        return original(self, config, files)

    monkeypatch.setattr(Page, "render", counting)
    return converted


def themed_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The theme's HTML templates rendered from now on (`main.html` once a page, `404.html`)."""
    import jinja2

    rendered: list[str] = []
    original = jinja2.Template.render

    def counting(self, *args, **kwargs):
        if self.name and self.name.endswith(".html") and "/" not in self.name:
            rendered.append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counting)
    return rendered


def test_a_warm_build_converts_nothing_and_publishes_the_cold_build_byte_for_byte(
    demo: Path, tmp_path: Path, conversions: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = tree(build_site(demo / "mkdocs.yml", tmp_path / "cold"))
    pages = len(conversions)
    assert pages > 20 and "about.md" in conversions  # the user's own pages too
    conversions.clear()
    themed = themed_pages(monkeypatch)
    warm = tree(build_site(demo / "mkdocs.yml", tmp_path / "warm"))
    assert conversions == [] and themed == ["404.html"]  # no page's template rendered again
    assert warm == cold  # search index, objects.inv and sitemap included
    assert {"search/search_index.json", "objects.inv"} <= set(warm)
    monkeypatch.setenv("PARITYDOCS_NO_CACHE", "1")
    uncached = tree(build_site(demo / "mkdocs.yml", tmp_path / "uncached"))
    assert len(conversions) == pages and uncached == cold
    entries = list((tmp_path / "cache" / "render").glob("*.json"))
    # a conversion, search entries and the theme's HTML a page, the checklist not searched; a generated page's
    # cleaned HTML (all but the user's own pages)
    users = len(list((demo / "docs").rglob("*.md")))
    assert users == 1 and len(entries) == 3 * pages - 1 + (pages - users)


def page_text(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def replace_in(file: Path, old: str, new: str) -> None:
    text = file.read_text()
    assert old in text, (file, old)
    file.write_text(text.replace(old, new, 1))


def edit_python(demo: Path) -> tuple[str, str]:
    set_job_id_doc(demo, "Identifier given by the scheduler, edited.")
    return "types/JobInfo api/orbit.types.JobInfo", "Identifier given by the scheduler, edited."


def edit_elixir(demo: Path) -> tuple[str, str]:
    module = demo / "elixir" / "lib" / "orbit" / "types" / "job_info.ex"
    replace_in(module, "Status of a submitted job.", "Status of a job, edited.")
    return "types/JobInfo", "Status of a job, edited."


def edit_template(demo: Path) -> tuple[str, str]:
    replace_in(
        demo / "mkdocs.yml", "      notes: notes.yml\n", "      notes: notes.yml\n      custom_templates: overrides\n"
    )
    (demo / "overrides").mkdir()
    (demo / "overrides" / "pair.md.jinja").write_text(
        '{% extends "_base/pair.md.jinja" %}\n{% block snippet %}A line of the custom template.{% endblock %}\n'
    )
    return "types/JobInfo", "A line of the custom template."


def edit_config(demo: Path) -> tuple[str, str]:
    replace_in(demo / "mkdocs.yml", "      permalink: true\n", '      permalink: "§"\n')
    return "types/JobInfo", 'title="Permanent link">§</a>'


def edit_theme(demo: Path) -> tuple[str, str]:
    replace_in(demo / "mkdocs.yml", "  name: material\n", "  name: material\n  custom_dir: theme\n")
    (demo / "theme").mkdir()
    (demo / "theme" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block announce %}An announcement of the theme.{% endblock %}\n'
    )
    return "types/JobInfo . about", "An announcement of the theme."


def edit_site_name(demo: Path) -> tuple[str, str]:
    replace_in(demo / "mkdocs.yml", "site_name: Orbit parity (paritydocs demo)", "site_name: Orbit, renamed")
    return "types/JobInfo about api/orbit.types.JobInfo", "Orbit, renamed"


def edit_notes(demo: Path) -> tuple[str, str]:
    replace_in(demo / "notes.yml", "so the server never picks hardware", "so hardware is never left open")
    return "types/SubmitJobRequest", "so hardware is never left open"


@pytest.mark.parametrize(
    "edit", [edit_python, edit_elixir, edit_template, edit_config, edit_theme, edit_site_name, edit_notes]
)
def test_each_kind_of_input_shows_on_the_page_the_build_after_it_changed(demo: Path, tmp_path: Path, edit) -> None:
    build_site(demo / "mkdocs.yml", tmp_path / "before")  # the cache holds every page
    urls, shown = edit(demo)
    after = build_site(demo / "mkdocs.yml", tmp_path / "after")
    for url in urls.split():
        assert shown not in page_text(tmp_path / "before", url)
        assert shown in page_text(after, url)
    shutil.rmtree(tmp_path / "cache")
    assert tree(build_site(demo / "mkdocs.yml", tmp_path / "cold")) == tree(after)  # what a cold build makes


def test_a_page_that_logged_is_converted_and_says_it_again_every_build(
    demo: Path, tmp_path: Path, conversions: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    (demo / "docs" / "about.md").write_text("# About\n\nSee [the missing page](missing.md).\n")
    for build in ("first", "second"):
        conversions.clear()
        caplog.clear()
        with caplog.at_level(logging.INFO):
            build_site(demo / "mkdocs.yml", tmp_path / build, strict=False)
        assert "about.md" in conversions
        assert [r for r in caplog.records if "missing.md" in r.getMessage()]
    assert len(conversions) == 1  # the rest came from the cache


def test_an_extension_that_reads_other_files_turns_the_conversion_cache_off(
    demo: Path, tmp_path: Path, conversions: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    config = demo / "mkdocs.yml"
    config.write_text(config.read_text() + f"  - pymdownx.snippets:\n      base_path: [{demo / 'docs'}]\n")
    (demo / "docs" / "snippet.txt").write_text("The first snippet.\n")
    (demo / "docs" / "about.md").write_text('# About\n\n--8<-- "snippet.txt"\n')
    with caplog.at_level(logging.INFO):
        first = build_site(demo / "mkdocs.yml", tmp_path / "first", strict=False)
    assert "The first snippet." in page_text(first, "about")
    assert [r for r in caplog.records if "pymdownx.snippets" in r.getMessage()]
    (demo / "docs" / "snippet.txt").write_text("The second snippet.\n")
    conversions.clear()
    site = build_site(demo / "mkdocs.yml", tmp_path / "second", strict=False)
    assert "The second snippet." in page_text(site, "about")
    assert "about.md" in conversions and len(conversions) > 20


def test_a_damaged_entry_is_converted_again(demo: Path, tmp_path: Path, conversions: list[str]) -> None:
    first = tree(build_site(demo / "mkdocs.yml", tmp_path / "first"))
    for entry in (tmp_path / "cache" / "render").glob("*.json"):
        data = entry.read_bytes()
        entry.write_bytes(re.sub(rb"Status of a submitted job", b"Status of a damaged job!", data))
    conversions.clear()
    second = tree(build_site(demo / "mkdocs.yml", tmp_path / "second"))
    assert second == first
    assert [c for c in conversions if c.endswith("types/JobInfo.md")]  # its damaged entry was not used


def test_both_caches_are_bounded_and_a_build_after_pruning_is_whole(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paritydocs.site import files, rendercache

    monkeypatch.setattr(rendercache, "ENTRIES_KEPT", 10)
    monkeypatch.setattr(files, "PAGES_KEPT", 10)
    cache = tmp_path / "cache"
    first = build_site(demo / "mkdocs.yml", tmp_path / "first")
    assert len(list((cache / "render").glob("*.json"))) == 10
    kept = [p for p in (cache / "pages").glob("*/*/*") if not p.name.startswith(".")]
    assert len(kept) > 10  # a build never prunes what it used
    (before_edit,) = [p for p in kept if p.name == "JobInfo.md"]  # the pair page as the first build made it
    edit_elixir(demo)
    second = build_site(demo / "mkdocs.yml", tmp_path / "second")
    assert "Status of a job, edited." in page_text(second, "types/JobInfo")
    assert len(list((cache / "render").glob("*.json"))) == 10
    files.prune_pages(cache / "pages", used=0)
    left = [p for p in (cache / "pages").glob("*/*/*") if not p.name.startswith(".")]
    assert len(left) == 10
    # the least recently used went first: the page as it was before the edit, used by the first build only
    assert not before_edit.exists()
    third = build_site(demo / "mkdocs.yml", tmp_path / "third")  # after pruning: what was removed is made again
    assert tree(third) == tree(second)
    shutil.rmtree(cache)
    assert tree(build_site(demo / "mkdocs.yml", tmp_path / "cold")) == tree(second) != tree(first)


def test_the_key_names_the_installed_version_of_every_renderer() -> None:
    """A new mkdocstrings-python or Material renders differently: its version is in every key (a namespace
    package such as `mkdocstrings_handlers` has no version of its own, so distributions are asked by name)."""
    from paritydocs.site.rendercache import _renderer_versions

    versions = dict(v.split(" ", 1) for v in _renderer_versions())
    for name in ("markdown", "pymdown-extensions", "mkdocs", "mkdocs-material", "mkdocstrings", "mkdocstrings-python"):
        assert re.match(r"\d", versions[name]), (name, versions[name])


def test_with_hooks_or_another_plugin_the_theme_writes_every_page(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hook (or a plugin paritydocs does not know) may make a page's HTML from more than the page: the
    theme's output is then not kept, while conversions still are."""
    (demo / "hooks.py").write_text("def on_page_context(context, page, config, nav):\n    return context\n")
    config = demo / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks: [hooks.py]\n")
    build_site(config, tmp_path / "first")
    themed = themed_pages(monkeypatch)
    build_site(config, tmp_path / "second")
    assert themed.count("main.html") > 20


def test_a_generated_page_is_cleaned_once_for_the_same_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cleaner is a function of the HTML: an HTML cleaned by an earlier build is given as it was cleaned, and
    is not parsed again; another HTML, or another cleaner (paritydocs' code, nh3's version), is cleaned."""
    from paritydocs.site import rendercache
    from paritydocs.site.htmlsafe import clean_html
    from paritydocs.site.rendercache import RenderCache

    hostile = '<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x">link</a></p>'
    calls: list[str] = []

    def counted(html: str) -> str:
        calls.append(html)
        return clean_html(html)

    first = RenderCache(tmp_path / "render")
    assert first.cleaned(hostile, counted) == clean_html(hostile)
    assert "script" not in clean_html(hostile) and "onclick" not in clean_html(hostile)
    later = RenderCache(tmp_path / "render")  # the next build
    assert later.cleaned(hostile, counted) == clean_html(hostile)
    assert len(calls) == 1
    assert later.cleaned(hostile + "<p>more</p>", counted) == clean_html(hostile + "<p>more</p>")
    assert len(calls) == 2
    monkeypatch.setattr(rendercache, "_cleaner_version", lambda: "another cleaner")
    assert RenderCache(tmp_path / "render").cleaned(hostile, counted) == clean_html(hostile)
    assert len(calls) == 3
    inert = '<p>Hi <code>x</code> <a href="https://x.dev/">link</a></p>'
    assert clean_html(inert) == inert  # cleaning leaves it: the entry says so, without a copy of the HTML
    assert RenderCache(tmp_path / "render").cleaned(inert, counted) == inert
    assert RenderCache(tmp_path / "render").cleaned(inert, counted) == inert and len(calls) == 4
    assert not any("x.dev" in p.read_text() for p in (tmp_path / "render").glob("*.json"))
