"""The site: the demo builds strictly, pair pages hold both sides, SDK text stays inert, builds are stable."""

from __future__ import annotations

import json
import logging
from html import unescape
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, PluginError

from html_checks import live_markup
from paritydocs.config import load_settings, read_mkdocs_plugin_options
from paritydocs.pipeline import Caches
from paritydocs.site import build_site as build_pages
from site_helpers import DEMO, article, build_site, copy_demo


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Path:
    return build_site(DEMO / "mkdocs.yml", tmp_path_factory.mktemp("site"))


def test_demo_builds_strictly_with_every_section(demo_site):
    for page in (
        "index.html",
        "types/SubmitJobRequest/index.html",
        "checklist/index.html",
        "unmatched/index.html",
        "model-names/index.html",
        "api/orbit.types.SubmitJobRequest/index.html",
        "about/index.html",
        "parity.json",
        "llms.txt",
        "assets/paritydocs.css",
    ):
        assert (demo_site / page).is_file(), page


def test_search_finds_a_finding_on_its_type_page_not_again_on_the_checklist(demo_site):
    index = json.loads((demo_site / "search" / "search_index.json").read_text())
    pages = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "types/SubmitJobRequest/" in pages and "about/" in pages
    assert "checklist/" not in pages  # its `search: exclude` metadata
    assert "search:" not in (demo_site / "checklist" / "index.html").read_text()  # metadata, not text


def test_pair_page_has_both_sides_fields_and_findings(demo_site):
    html = article((demo_site / "types" / "SubmitJobRequest" / "index.html").read_text())
    for text in (
        "project_id",
        "max_runtime",
        "max_runtime_ms",
        "String.t()",
        "Optional[ResourceSpec]",
        "1_800_000",
        "default_mismatch",
        "Waived",
        "The port sends a default ResourceSpec on purpose",
    ):
        assert text in html, text
    assert 'class="pd-columns"' in html and html.count('class="pd-col"') == 2
    # links to both sources, HexDocs, and the Python API page
    assert "https://github.com/example/orbit-python/blob/main/src/orbit/types/submit_job_request.py#L" in html
    assert "https://hexdocs.pm/orbit/Orbit.Types.SubmitJobRequest.html" in html
    # cross-linked with autorefs: to the object's anchor on the API page, and back to the pair page's anchor
    assert 'href="../../api/orbit.types.SubmitJobRequest/#orbit.types.SubmitJobRequest"' in html


def test_python_api_page_links_back(demo_site):
    html = article((demo_site / "api" / "orbit.types.SubmitJobRequest" / "index.html").read_text())
    assert 'href="../../types/SubmitJobRequest/#parity-orbit.types.SubmitJobRequest"' in html
    assert "Project the job is billed to." in html  # rendered by mkdocstrings


def test_model_names_are_current_everywhere_but_the_report(demo_site):
    for html in demo_site.rglob("*.html"):
        if html.parent.name == "model-names":
            assert "Qwen/Qwen2.5-7B" in html.read_text()
        else:
            assert "Qwen/Qwen2.5-7B" not in html.read_text(), html
    assert "Qwen/Qwen3-8B" in (demo_site / "types" / "SubmitJobRequest" / "index.html").read_text()


def test_a_page_can_keep_old_model_names_on_purpose(tmp_path):
    demo = copy_demo(tmp_path)
    (demo / "docs" / "kept.md").write_text(
        "---\nparitydocs_keep_model_names: true\n---\n\n# Kept\n\nWas Qwen/Qwen2.5-7B.\n"
    )
    (demo / "docs" / "rewritten.md").write_text("# Rewritten\n\nWas Qwen/Qwen2.5-7B.\n")
    site = build_site(demo / "mkdocs.yml", tmp_path / "site")
    assert "Was Qwen/Qwen2.5-7B." in (site / "kept" / "index.html").read_text()
    assert "Was Qwen/Qwen3-8B." in (site / "rewritten" / "index.html").read_text()


def test_published_data(demo_site):
    data = json.loads((demo_site / "parity.json").read_text())
    assert data["summary"]["pairs"] == len(data["pairs"]) >= 6


def test_llms_txt_follows_llmstxt_org_and_every_link_resolves(demo_site):
    import re
    import subprocess
    import sys

    llms = (demo_site / "llms.txt").read_text()
    lines = llms.splitlines()
    # an H1, a blockquote summary, then H2 sections of "- [name](url): notes"
    assert lines[0].startswith("# ") and lines[2].startswith("> ")
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == ["## Reports", "## Types", "## Clients", "## Optional"]
    links = re.findall(r"^- \[[^\]]+\]\((\S+)\): \S", llms, re.MULTILINE)
    assert len(links) >= 10 and all(link.startswith("https://orbit.example.org/") for link in links)  # site_url
    for link in links:
        rel = link.removeprefix("https://orbit.example.org/")
        assert (demo_site / rel).is_file(), link  # the clean copy beside the HTML, and llms-full.txt
    copy = (demo_site / "types" / "SubmitJobRequest" / "index.html.md").read_text()
    assert copy.startswith("# SubmitJobRequest\n") and "| Python field |" in copy and "max_runtime_ms" in copy
    for markup in ("---\nhide:", "<div", "<span", "[](){#", "<!--"):
        assert markup not in copy, markup
    assert not re.search(r"\]\[[\w.]+\]", copy)  # no autorefs syntax left
    full = (demo_site / "llms-full.txt").read_text()
    assert full.startswith(lines[0]) and copy in full
    # the link check reads llms.txt and llms-full.txt too
    script = str(Path(__file__).parents[1] / "scripts" / "linkcheck.py")

    def linkcheck() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, script, str(demo_site)], capture_output=True, text=True, check=False)

    check = linkcheck()
    assert check.returncode == 0, check.stdout
    (demo_site / "types" / "SubmitJobRequest" / "index.html.md").unlink()
    check = linkcheck()
    assert check.returncode == 1 and "llms.txt: https://orbit.example.org/types/SubmitJobRequest/index.html.md" in (
        check.stdout
    )
    (demo_site / "types" / "SubmitJobRequest" / "index.html.md").write_text(copy)


def test_llms_copies_leave_code_as_the_sdk_wrote_it():
    """The copies drop autorefs syntax, HTML wrappers and tags, but never inside code: `[i][j]` in an example is
    indexing, and `<span>` in a code block is the SDK's text. A link whose text is code loses its syntax alone."""
    from paritydocs.render import Page
    from paritydocs.site.llms import llms_files

    content = "\n".join(
        [
            "# T",
            "",
            "See [`ModelData`][wid.types.ModelData] and `logprobs[i][j]` <span>x</span>.",
            "",
            '<div class="pd-col" markdown>',
            "",
            "- Diff:",
            "",
            "    ```diff",
            "    +    `target[i][j]` is scored at <span>i + 1</span>",
            "    ```",
            "</div>",
            "",
        ]
    )
    files = llms_files([Page("types/T.md", "T", content, "Types")], title="P", site_url=None)
    copy = files.copies["types/T/index.html.md"]
    assert "See `ModelData` and `logprobs[i][j]` x." in copy
    assert "    +    `target[i][j]` is scored at <span>i + 1</span>" in copy and "<div" not in copy


def test_a_serve_session_cleans_again_only_the_copies_whose_page_or_links_changed(monkeypatch):
    """`serve` keeps the cleaned copies of the previous build: a page whose Markdown and the site's links did not
    change is not cleaned again; the files are those a build without them makes."""
    from paritydocs.render import Page
    from paritydocs.site import llms
    from paritydocs.site.llms import CleanedCopies, llms_files

    cleaned: list[str] = []
    original = llms._clean

    def counting(page, *args):
        cleaned.append(page.path)
        return original(page, *args)

    monkeypatch.setattr(llms, "_clean", counting)

    def pages(extra: str = "") -> list[Page]:
        return [
            Page("types/A.md", "A", "# A\n\nSee [B](B.md) and <span>x</span>." + extra, "Types"),
            Page("types/B.md", "B", "# B\n\nSee [A](A.md).", "Types"),
        ]

    def files(kept, built, **options):
        made = llms_files(built, title="P", site_url=options.get("site_url"), kept=kept)
        return made.index, made.full.text(), made.copies

    def session_build(built, **options):
        """A build with the session's copies: the files, and the pages it cleaned."""
        cleaned.clear()
        made = files(kept, built, **options)
        return made, list(cleaned)

    kept = CleanedCopies()
    assert session_build(pages()) == (files(None, pages()), ["types/A.md", "types/B.md"])
    assert session_build(pages()) == (files(None, pages()), [])  # nothing changed: nothing cleaned
    edited = pages(" Edited.")
    assert session_build(edited) == (files(None, edited), ["types/A.md"])  # the edited page only
    elsewhere = {"site_url": "https://x.dev/"}
    assert session_build(edited, **elsewhere) == (files(None, edited, **elsewhere), ["types/A.md", "types/B.md"])


def test_hexdocs_links_name_the_ports_release_and_the_type(tmp_path):
    from paritydocs.pipeline import load_elixir

    demo = copy_demo(tmp_path)
    (demo / "elixir" / "mix.exs").write_text(
        'defmodule Orbit.MixProject do\n  use Mix.Project\n  @version "1.2.3"\n'
        "  def project, do: [app: :orbit, version: @version]\nend\n"
    )
    site = build_site(demo / "mkdocs.yml", tmp_path / "site")
    page = (site / "types" / "SubmitJobRequest" / "index.html").read_text()
    assert "https://hexdocs.pm/orbit/1.2.3/Orbit.Types.SubmitJobRequest.html#t:t/0" in page
    settings = load_settings(read_mkdocs_plugin_options(demo / "mkdocs.yml"), base_dir=demo)
    assert load_elixir(settings).source.version == "1.2.3"


def test_no_third_party_requests_from_generated_pages(demo_site):
    for html in demo_site.rglob("*.html"):
        text = html.read_text()
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text
        assert 'data-md-component="source"' not in text  # Material would ask api.github.com for repo facts
        for tag in ('<script src="http', '<link href="http', '<img src="http'):
            assert tag not in text, html


def test_two_builds_are_byte_identical(tmp_path, demo_site):
    again = build_site(DEMO / "mkdocs.yml", tmp_path / "again")
    for html in sorted(demo_site.rglob("*")):
        if html.is_file() and html.suffix in (".html", ".json", ".txt"):
            assert html.read_bytes() == (again / html.relative_to(demo_site)).read_bytes(), html


HOSTILE = (
    '[hover](onmouseover=alert(4)//) <script>alert(1)</script> <img src=x onerror="alert(2)"> '
    "[x](javascript:alert(3)) {{ 7*7 }} | pipe `tick` ![t](https://tracker.example/p.png) \u202eoverride"
)


def test_hostile_sdk_text_comes_out_inert(tmp_path):
    demo = copy_demo(tmp_path)
    model = demo / "python" / "src" / "orbit" / "types" / "job_info.py"
    model.write_text(
        model.read_text()
        .replace('"""Unique identifier of the job."""', repr(HOSTILE))
        # mkdocstrings' block syntax in a class docstring: collecting a missing object would abort the build
        .replace(
            '"""Status of a submitted job."""', '"""Status of a submitted job.\n\n    ::: orbit.nothing_here\n    """'
        )
    )
    module = demo / "elixir" / "lib" / "orbit" / "types" / "node_info.ex"
    module.write_text(module.read_text().replace("A machine a job runs on.", HOSTILE.replace('"', "'")))
    site = build_site(demo / "mkdocs.yml", tmp_path / "site")
    shown = unescape(article((site / "types/JobInfo/index.html").read_text()))
    assert "{{ 7*7 }} | pipe" in shown and "<script>alert(1)</script>" in shown  # as text
    assert "::: orbit.nothing_here" in shown
    for page in ("types/JobInfo", "types/NodeInfo", "checklist", "unmatched", "api/orbit.types.JobInfo"):
        html = article((site / page / "index.html").read_text()) if page != "index" else ""
        assert live_markup(html) == [], page
        assert "49" not in unescape(html).split("7*7")[0][-20:], page  # never evaluated as a template
        assert 'src="https://tracker.example' not in html
        assert "\u202e" not in html


def test_rebuild_after_one_changed_elixir_file_reparses_one_file(tmp_path):
    demo = copy_demo(tmp_path)
    settings = load_settings(read_mkdocs_plugin_options(demo / "mkdocs.yml"), base_dir=demo, environ={})
    caches = Caches()
    build_pages(settings, caches=caches)
    first = caches.elixir.parses
    changed = demo / "elixir" / "lib" / "orbit" / "types" / "node_info.ex"
    changed.write_text(changed.read_text().replace("A machine a job runs on.", "A host a job runs on."))
    site = build_pages(settings, caches=caches)
    assert caches.elixir.parses == first + 1
    page = next(p for p in site.pages if p.path == "types/NodeInfo.md")
    assert "A host a job runs on." in page.content


BAD_OPTIONS = "nav_title: Orbit parity\n      fail_on: never\n      python_modules: 3\n      fail_onn: medium"
MISTAKES = [
    "option 'fail_on': must be one of high, medium, low, info, got 'never'",
    "option 'python_modules': must be a list of strings, got 3",
    "option 'fail_onn': unknown option (known: ",
]


def test_every_bad_plugin_option_is_reported_at_once(tmp_path, caplog):
    demo = copy_demo(tmp_path)
    config = demo / "mkdocs.yml"
    config.write_text(config.read_text().replace("nav_title: Orbit parity", BAD_OPTIONS))
    with caplog.at_level(logging.ERROR), pytest.raises((PluginError, Abort)):
        build_site(config, tmp_path / "site")
    (error,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]  # MkDocs' own report
    lines = error.removeprefix("Config value 'plugins': ").splitlines()
    assert len(lines) == len(MISTAKES)  # every one, not the first only
    for line, mistake in zip(sorted(lines), sorted(MISTAKES), strict=True):
        assert line.startswith(f"Plugin 'paritydocs' {mistake}"), line


def test_the_cli_reports_the_same_mistakes_in_both_plugins_forms(tmp_path, capsys):
    from paritydocs.cli import main

    demo = copy_demo(tmp_path)
    config = demo / "mkdocs.yml"
    text = config.read_text()
    config.write_text(text.replace("nav_title: Orbit parity", BAD_OPTIONS))
    assert main(["check", "--config", str(config)]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("paritydocs: error:")]
    assert len(errors) == len(MISTAKES)
    for mistake in MISTAKES:
        assert any(f"plugin 'paritydocs' {mistake}" in line for line in errors), errors
    # `plugins:` as one mapping (MkDocs 1.4+) is the same entry
    import yaml

    data = yaml.safe_load(text)
    data["plugins"] = {
        next(iter(e)) if isinstance(e, dict) else e: (e[next(iter(e))] if isinstance(e, dict) else {})
        for e in data["plugins"]
    }
    data["plugins"]["paritydocs"]["fail_on"] = "low"
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    code = main(["check", "--config", str(config)])
    out = capsys.readouterr().out
    assert code == 1 and "at or above 'low'" in out  # the entry was read: not the built-in profile
    data["plugins"]["paritydocs"]["fail_on"] = "bogus"
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    assert main(["check", "--config", str(config)]) == 2
    assert "option 'fail_on': must be one of" in capsys.readouterr().err


def test_unreachable_source_is_one_error_line_and_the_rest_builds(tmp_path, caplog):
    demo = copy_demo(tmp_path)
    config = demo / "mkdocs.yml"
    config.write_text(config.read_text().replace("elixir: elixir", "elixir: missing-elixir-dir"))
    with caplog.at_level(logging.WARNING):
        site = build_site(config, tmp_path / "site", strict=False)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "missing-elixir-dir: no such directory" in errors[0]
    # notes cannot be checked against a side that is not there: no cascade of warnings about them
    assert not [r for r in caplog.records if "points at nothing" in r.getMessage()]
    html = article((site / "index.html").read_text())
    assert "source unavailable" in html
    assert (site / "unmatched" / "index.html").is_file()


def test_a_baseline_that_cannot_be_read_is_one_error_line_and_the_checklist_still_builds(tmp_path, caplog):
    demo = copy_demo(tmp_path)
    config = demo / "mkdocs.yml"
    text = config.read_text()
    config.write_text(
        text.replace("      python: python\n", "      python: python\n      baseline: no-baseline.json\n", 1)
    )
    assert config.read_text() != text
    with caplog.at_level(logging.WARNING):
        site = build_site(config, tmp_path / "site", strict=False)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "no-baseline.json: cannot read it" in errors[0]
    checklist = article((site / "checklist" / "index.html").read_text())
    assert "Parity checklist" in checklist and "New since the baseline" not in checklist


def test_every_internal_link_and_anchor_resolves(demo_site):
    import importlib.util

    spec = importlib.util.spec_from_file_location("linkcheck", Path(__file__).parents[1] / "scripts" / "linkcheck.py")
    assert spec and spec.loader
    linkcheck = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(linkcheck)
    assert linkcheck.check(demo_site) == []
    # and the checker does find a broken one
    (demo_site / "broken.html").write_text('<a href="types/Nope/">x</a><a href="index.html#no-such-anchor">y</a>')
    try:
        assert len(linkcheck.check(demo_site)) == 2
    finally:
        (demo_site / "broken.html").unlink()


def test_without_autorefs_pages_link_by_relative_path(tmp_path):
    demo = copy_demo(tmp_path)
    config = demo / "mkdocs.yml"
    config.write_text("\n".join(line for line in config.read_text().splitlines() if "- autorefs" not in line))
    site = build_site(config, tmp_path / "site")  # strict: no unresolved cross-reference
    pair = article((site / "types" / "SubmitJobRequest" / "index.html").read_text())
    assert 'href="../../api/orbit.types.SubmitJobRequest/"' in pair
    api = article((site / "api" / "orbit.types.SubmitJobRequest" / "index.html").read_text())
    assert 'href="../../types/SubmitJobRequest/"' in api


@pytest.mark.parametrize("expanded", [False, True])
def test_long_nav_sections_are_grouped_where_the_theme_can_fold_them(expanded):
    """Material renders every open nav item on every page: a long section's pages go in groups the theme folds
    (with tabs and sections, its second level is always open, so the groups go one level deeper)."""
    from paritydocs.render import Page
    from paritydocs.site.nav import NAV_CHUNK, NAV_SECTION_LIMIT, build_nav

    pages = [Page(f"types/T{i:04d}.md", f"T{i:04d}", "", "Types") for i in range(NAV_SECTION_LIMIT + 1)]
    (types,) = [item["Types"] for item in build_nav(pages, [], expanded_second_level=expanded) if "Types" in item]
    if expanded:
        ((name, types),) = [next(iter(item.items())) for item in types]
        assert name == "Types"
    assert [next(iter(group)) for group in types][:2] == ["T0000 to T0049", "T0050 to T0099"]
    assert all(len(next(iter(group.values()))) <= NAV_CHUNK for group in types)
    short = build_nav(pages[:3], [], expanded_second_level=expanded)
    assert short == [{"Types": [{"T0000": "types/T0000.md"}, {"T0001": "types/T0001.md"}, {"T0002": "types/T0002.md"}]}]


def test_a_sync_report_is_a_group_of_its_section_its_page_first_its_file_pages_folded_when_long():
    """A range's pages are a group of *Sync reports* named by its title, the range's `index.md` first (Material's
    `navigation.indexes` makes it the group's own page); a long group's file pages go in groups like a section's."""
    from paritydocs.render import Page
    from paritydocs.site.nav import NAV_CHUNK, NAV_SECTION_LIMIT, build_nav

    def report(slug, title, files):
        pages = [Page(f"sync/{slug}/index.md", title, "", "Sync reports", group=title)]
        pages += [Page(f"sync/{slug}/f{i:03d}.md", f"f{i:03d}.py", "", "Sync reports", group=title) for i in files]
        return pages

    small = report("a", "v1 → v2", range(2))
    big = report("b", "declared → latest", range(NAV_SECTION_LIMIT + 1))
    nav = build_nav([Page("index.md", "Home", "", ""), *small, *big], ["guide.md"])
    assert nav[0] == {"Home": "index.md"} and nav[-1] == "guide.md"
    (sync,) = [item["Sync reports"] for item in nav if isinstance(item, dict) and "Sync reports" in item]
    assert sync[0] == {
        "v1 → v2": [{"v1 → v2": "sync/a/index.md"}, {"f000.py": "sync/a/f000.md"}, {"f001.py": "sync/a/f001.md"}]
    }
    ((name, members),) = sync[1].items()
    assert name == "declared → latest" and members[0] == {"declared → latest": "sync/b/index.md"}
    assert [next(iter(group)) for group in members[1:3]] == ["f000.py to f049.py", "f050.py to f099.py"]
    assert all(len(next(iter(group.values()))) <= NAV_CHUNK for group in members[1:])


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("output_dir", "../outside"),
        ("output_dir", "a/../../b"),
        ("sync_ranges", [{"from": "a", "to": "b", "slug": "../../escaped"}]),
        ("sync_ranges", [{"from": "a", "to": "b", "slug": "a/b"}]),
    ],
)
def test_configured_paths_stay_inside_their_folder(option, value):
    from paritydocs.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        load_settings({"python": "p", "elixir": "e", option: value}, environ={})
    assert option in str(err.value) and "\n" not in str(err.value)


def test_configured_paths_that_stay_inside_are_accepted():
    settings = load_settings(
        {
            "python": "p",
            "elixir": "e",
            "output_dir": "parity/",
            "sync_ranges": [{"from": "a", "to": "b", "slug": "v0.8"}],
        },
        environ={},
    )
    assert settings.output_dir == "parity" and settings.sync_ranges[0].slug == "v0.8"


def test_maps_add_to_the_profile_unless_replaced():
    from paritydocs.config import TINKER_PROFILE, load_settings

    added = load_settings({"type_map": {"acme.Thing": "Acme.Thing"}}, environ={})
    assert added.type_map == {**TINKER_PROFILE["type_map"], "acme.Thing": "Acme.Thing"}
    assert added.user_entries["type_map"] == frozenset({"acme.Thing"})
    aliases = load_settings({"field_aliases": {"RetryConfig": {"timeout": "timeout_ms"}}}, environ={})
    assert aliases.field_aliases["RetryConfig"] == {
        **TINKER_PROFILE["field_aliases"]["RetryConfig"],
        "timeout": "timeout_ms",
    }
    replaced = load_settings(
        {"type_map": {"acme.Thing": "Acme.Thing"}, "replace": ["type_map", "client_map"]}, environ={}
    )
    assert replaced.type_map == {"acme.Thing": "Acme.Thing"} and replaced.client_map == {}
    assert load_settings({"python_modules": ["acme"]}, environ={}).python_modules == ("acme",)  # lists replace
    from paritydocs.errors import ConfigError

    with pytest.raises(ConfigError, match="'replace' 'python_modules' is not an option the profile has entries for"):
        load_settings({"replace": ["python_modules"]}, environ={})


def test_a_strict_build_fails_on_an_entry_that_names_nothing(tmp_path, caplog):
    demo = copy_demo(tmp_path)
    config = demo / "mkdocs.yml"
    config.write_text(config.read_text().replace("Orbit.RetryPolicy}", "Orbit.RetryPolicy, orbit.Nope: Orbit.Nope}"))
    with caplog.at_level(logging.WARNING), pytest.raises((PluginError, Abort)):
        build_site(config, tmp_path / "site")
    assert any("'type_map': `orbit.Nope` names no Python type" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("name", ['../evil"x', "Tinkex", "tin-kex", "1tinkex", ""])
def test_hexdocs_must_be_a_hex_package_name(name):
    from paritydocs.errors import ConfigError
    from paritydocs.options import validate_options

    with pytest.raises(ConfigError, match="'hexdocs' must be a Hex package name"):
        load_settings({"hexdocs": name}, environ={})
    assert validate_options({"hexdocs": name})[0].startswith("option 'hexdocs': must be a Hex package name")
    assert load_settings({"hexdocs": "tinkex_ex"}, environ={}).hexdocs == "tinkex_ex"


def test_compiled_templates_are_kept_across_builds_and_never_stale(tmp_path, monkeypatch):
    demo = copy_demo(tmp_path)
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    (demo / "overrides").mkdir()
    template = demo / "overrides" / "pair.md.jinja"
    template.write_text(
        '{% extends "_base/pair.md.jinja" %}{% block title %}# First {{ py.name | text }}{% endblock %}'
    )
    config = demo / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "nav_title: Orbit parity", "nav_title: Orbit parity\n      custom_templates: overrides"
        )
    )
    site = build_site(config, tmp_path / "one")
    assert "First NodeInfo" in (site / "types" / "NodeInfo" / "index.html").read_text()
    for role in ("paritydocs", "theme"):  # compiled once, kept on disk: paritydocs' templates and the theme's
        assert list((tmp_path / "cache" / "jinja" / role).glob("__jinja2_*.cache")), role
    template.write_text(template.read_text().replace("First", "Second"))
    site = build_site(config, tmp_path / "two")
    page = (site / "types" / "NodeInfo" / "index.html").read_text()
    assert "Second NodeInfo" in page and "First NodeInfo" not in page  # the edit is seen: checked by source


def test_a_python_edit_changes_only_the_api_pages_of_its_module(tmp_path):
    """A dirty `serve` rebuild renders again the pages whose content changed: the API pages carry their own
    module's digest, not the whole tree's, so a `.py` edit re-renders that module's pages only."""
    demo = copy_demo(tmp_path)
    settings = load_settings(read_mkdocs_plugin_options(demo / "mkdocs.yml"), base_dir=demo)

    def api_pages() -> dict[str, str]:
        return {p.path: p.content for p in build_pages(settings).pages if p.section == "Python API"}

    before = api_pages()
    module = demo / "python" / "src" / "orbit" / "types" / "job_info.py"
    module.write_text(module.read_text() + "\n# an edit\n")
    after = api_pages()
    changed = sorted(path for path in before if before[path] != after[path])
    assert changed == ["api/orbit.types.JobInfo.md", "api/orbit.types.NodeInfo.md"]  # both live in job_info.py


def test_serve_keeps_the_filtered_texts_and_a_changed_text_is_filtered_again(tmp_path):
    demo = copy_demo(tmp_path)
    settings = load_settings(read_mkdocs_plugin_options(demo / "mkdocs.yml"), base_dir=demo, environ={})
    alone = {p.path: p.content for p in build_pages(settings).pages}
    caches = Caches()
    assert {p.path: p.content for p in build_pages(settings, caches=caches).pages} == alone
    memo = caches.filters
    misses = memo.misses
    changed = demo / "elixir" / "lib" / "orbit" / "types" / "node_info.ex"
    changed.write_text(changed.read_text().replace("A machine a job runs on.", "A host a *job* runs on."))
    pages = {p.path: p.content for p in build_pages(settings, caches=caches).pages}
    assert caches.filters is memo and 0 < memo.misses - misses < 10  # the new texts only
    assert "A host a *job* runs on." in pages["types/NodeInfo.md"]
    assert pages == {p.path: p.content for p in build_pages(settings).pages}  # as a build without the memo


def test_markdown_copies_are_copied_when_they_changed_and_a_serve_build_skips_the_ones_it_left(tmp_path, caplog):
    from paritydocs.site.files import write_markdown_copies

    site, cache = tmp_path / "site", tmp_path / "cache"
    for folder in ("a", "b", "gone"):
        (site / folder).mkdir(parents=True)
    (site / "gone" / "index.html.md").write_text("a page this build no longer has")
    cache.mkdir()

    def cached(name: str, text: str) -> str:
        (cache / name).write_text(text)
        return str(cache / name)

    copies = {"a/index.html.md": cached("a1", "# A"), "b/index.html.md": cached("b1", "# B")}
    written = write_markdown_copies(site, copies)
    assert written == copies and not (site / "gone" / "index.html.md").exists()
    assert (site / "a" / "index.html.md").read_text() == "# A"
    # the next serve build: `a` from the same cached file (deleted here: were it read, the copy would fail and
    # say so), `b` from a new one, `a`'s folder's old neighbour no longer built
    Path(copies["a/index.html.md"]).unlink()
    again = {"a/index.html.md": copies["a/index.html.md"], "b/index.html.md": cached("b2", "# B, edited")}
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.paritydocs"):
        assert write_markdown_copies(site, again, written) == again
    assert not [r for r in caplog.records if "Markdown copy" in r.getMessage()]
    assert (site / "b" / "index.html.md").read_text() == "# B, edited"
    assert (site / "a" / "index.html.md").read_text() == "# A"
    # MkDocs' clean build emptied the folder: the copy is written again, and its source read
    (site / "b" / "index.html.md").unlink()
    assert write_markdown_copies(site, {"b/index.html.md": again["b/index.html.md"]}, again) == {
        "b/index.html.md": again["b/index.html.md"]
    }
    assert (site / "b" / "index.html.md").read_text() == "# B, edited"
    assert not (site / "a" / "index.html.md").exists()  # no longer built: removed, found in what was written
