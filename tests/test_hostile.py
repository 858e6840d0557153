"""Inputs nobody planned for: huge lines, control characters, broken SDK files, two builds on one cache."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from html_checks import live_markup
from site_helpers import article, build_site, copy_demo, set_job_id_doc


def test_huge_lines_and_control_characters_build_inert(tmp_path):
    demo = copy_demo(tmp_path)
    model = demo / "python" / "src" / "orbit" / "types" / "job_info.py"
    huge = "x<b>" * 25_000  # a 100 k-character line
    controls = "bell\\x07 escape\\x1b[31m nul-ish\\x01 rtl\\u202e ltr\\u202d"
    model.write_text(model.read_text().replace('"""Unique identifier of the job."""', f'"""{huge} {controls}"""'))
    module = demo / "elixir" / "lib" / "orbit" / "types" / "node_info.ex"
    module.write_text(module.read_text().replace("A machine a job runs on.", "y<i>" * 25_000))
    # 25 000 `<` are past the punctuation budget: plain text, and one warning (so not a strict build)
    site = build_site(demo / "mkdocs.yml", tmp_path / "site", strict=False)
    for page in ("types/JobInfo", "types/NodeInfo", "checklist"):
        html = article((site / page / "index.html").read_text())
        assert live_markup(html) == []
        assert "<b>" not in html and "<i>" not in html
        assert "\x07" not in html and "\x1b" not in html and "\u202e" not in html


def test_broken_sdk_files_warn_with_file_and_line_and_the_rest_builds(tmp_path, caplog):
    demo = copy_demo(tmp_path)
    (demo / "python" / "src" / "orbit" / "types" / "broken.py").write_text("class Broken(:\n    pass\n")
    (demo / "elixir" / "lib" / "orbit" / "broken.ex").write_bytes(
        b'defmodule Orbit.Broken do\n  @moduledoc """\n  \xff\xfe never closed\n'
    )
    (demo / "elixir" / "lib" / "orbit" / "loop").symlink_to(demo / "elixir" / "lib")
    site = build_site(demo / "mkdocs.yml", tmp_path / "site", strict=False)
    messages = [r.getMessage() for r in caplog.records]
    assert any("broken.py" in m and ":1" in m for m in messages), messages
    assert any("broken.ex" in m for m in messages), messages
    assert (site / "types" / "SubmitJobRequest" / "index.html").is_file()


def test_two_builds_at_once_on_one_cache(tmp_path):
    demo = copy_demo(tmp_path)
    env = {**os.environ, "PARITYDOCS_CACHE": str(tmp_path / "cache"), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PARITYDOCS_PYTHON", None)
    env.pop("PARITYDOCS_ELIXIR", None)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "-q",
                "-f",
                str(demo / "mkdocs.yml"),
                "-d",
                str(tmp_path / f"site{i}"),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    for page in ("types/SubmitJobRequest/index.html", "index.html", "parity.json"):
        assert (tmp_path / "site0" / page).read_bytes() == (tmp_path / "site1" / page).read_bytes()
    leftovers = [p for p in Path(tmp_path / "cache").rglob("*.tmp")]
    assert leftovers == []


def test_two_builds_of_one_configuration_with_different_sources_keep_their_own_pages(tmp_path):
    """One mkdocs.yml, two Elixir trees (`PARITYDOCS_ELIXIR`), built at the same time on one cache, ten rounds:
    each site holds only its own data (the page cache was keyed by the configuration's path: each build read
    back the other's files)."""
    demo = copy_demo(tmp_path)
    other = tmp_path / "other-elixir"
    import shutil

    shutil.copytree(demo / "elixir", other)
    node = other / "lib" / "orbit" / "types" / "node_info.ex"
    node.write_text(node.read_text().replace("A machine a job runs on.", "A host of the other tree."))
    base = {**os.environ, "PARITYDOCS_CACHE": str(tmp_path / "cache"), "NO_MKDOCS_2_WARNING": "1"}
    base.pop("PARITYDOCS_PYTHON", None)
    trees = {"own": str(demo / "elixir"), "other": str(other)}
    for round_ in range(10):
        procs = {
            name: subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "mkdocs",
                    "build",
                    "-q",
                    "-f",
                    str(demo / "mkdocs.yml"),
                    "-d",
                    str(tmp_path / f"{name}{round_}"),
                ],
                env={**base, "PARITYDOCS_ELIXIR": tree},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name, tree in trees.items()
        }
        for proc in procs.values():
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
        own = (tmp_path / f"own{round_}" / "types" / "NodeInfo" / "index.html").read_text()
        theirs = (tmp_path / f"other{round_}" / "types" / "NodeInfo" / "index.html").read_text()
        assert "A host of the other tree." not in own  # (the Python side says "A machine a job runs on." in both)
        assert "A host of the other tree." in theirs
        own_json = (tmp_path / f"own{round_}" / "parity.json").read_text()
        assert str(other) not in own_json and str(demo / "elixir") in own_json


# Text the Markdown filters read differently from Python-Markdown: an escaped backtick, a code span that wraps,
# a loose closing fence, an image behind "!!", a link whose title is in single quotes. The HTML of every
# generated page is cleaned after Markdown (htmlsafe), so none of it may come out live.
PARSER_DIFFERENTIALS = [
    "Escaped \\\\`<img src=x onerror=alert(1)>\\\\` tick.",
    "Wrapped `span\\ncontinues` <img src=x onerror=alert(2)> `end`.",
    "~~~\\n<img src=x onerror=alert(3)>\\n~~~ x",
    "Double !![i](https://tracker.example/p.png) bang.",
    "Titled [t](javascript:alert(4) 'x') link.",
    "- item\\n\\n    <svg onload=alert(5)></svg>",
    "Indexing nodes[zone][rank] is not an autorefs link (a strict build fails on those it cannot resolve).",
]


def test_markdown_parser_differentials_come_out_inert(tmp_path):
    demo = copy_demo(tmp_path)
    model = demo / "python" / "src" / "orbit" / "types" / "job_info.py"
    text = model.read_text()
    for doc in ('"""Unique identifier of the job."""', '"""Where the job is in its life cycle."""'):
        assert doc in text
    text = text.replace('"""Unique identifier of the job."""', '"""' + " ".join(PARSER_DIFFERENTIALS[:3]) + '"""')
    text = text.replace('"""Status of a submitted job."""', '"""' + "\\n\\n".join(PARSER_DIFFERENTIALS) + '"""')
    model.write_text(text)
    module = demo / "elixir" / "lib" / "orbit" / "types" / "node_info.ex"
    module.write_text(module.read_text().replace("A machine a job runs on.", "\n\n".join(PARSER_DIFFERENTIALS)))
    site = build_site(demo / "mkdocs.yml", tmp_path / "site")
    for page in ("types/JobInfo", "types/NodeInfo", "checklist", "api/orbit.types.JobInfo"):
        html = article((site / page / "index.html").read_text())
        assert live_markup(html) == [], page
        assert "<img" not in html and "<svg" not in html and "tracker.example/p.png" not in html.split("href=")[0]
        if page.startswith("types/"):
            assert "alert(2)" in html  # shown as text, not dropped


def test_clean_html_keeps_what_markdown_and_the_plugins_write():
    from paritydocs.site.htmlsafe import clean_html

    kept = [
        '<h2 id="fields">Fields<a class="headerlink" href="#fields" title="Permanent link">¶</a></h2>',
        '<autoref identifier="orbit.types.JobInfo" optional hover>JobInfo</autoref>',
        '<label class="task-list-control"><input type="checkbox" disabled checked>',
        '<th style="text-align: left;">Python field</th>',
        '<span class="pd-bar" role="img" aria-label="40%"><span style="width: 40%"></span></span>',
        '<div class="language-elixir highlight"><pre><span></span><code><span class="kd">defmodule</span>',
        '<details class="warning"><summary>x</summary><p>y</p></details>',
        '<a href="https://github.com/acme/port/blob/v1/lib/x.ex#L3">x.ex</a> <a href="../x/#f-a">a</a>',
        '<input checked id="__tabbed_1_1" name="__tabbed_1" type="radio"><label for="__tabbed_1_1">A</label>',
        '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup> <abbr title="Hyper">HTML</abbr>',
    ]
    cleaned = clean_html("<table><thead><tr>" + "".join(kept) + "</tr></thead></table>")
    for fragment in ("identifier=", "optional", 'type="checkbox"', "checked", "text-align", "width:", "kd"):
        assert fragment in cleaned, fragment
    for fragment in ('type="radio"', 'for="__tabbed_1_1"', 'href="#fn:1"', 'id="fnref:1"', 'title="Hyper"'):
        assert fragment in cleaned, fragment
    for fragment in ('class="headerlink"', 'id="fields"', "<details", "<summary>", "blob/v1/lib/x.ex#L3", "../x/#f-a"):
        assert fragment in cleaned, fragment
    dropped = clean_html(
        '<img src="https://t.example/p.png"><a href="javascript:alert(1)">j</a><span onclick="x()">s</span>'
        '<input type="text"><svg onload="x()"></svg><script>alert(1)</script><iframe src="https://e.example"></iframe>'
        '<span style="background: url(https://t.example/x)">b</span><form action="https://e.example"></form>'
    )
    assert live_markup(dropped) == []
    for fragment in ("<img", "javascript:", "onclick", 'type="text"', "<svg", "<script", "alert(1)", "<iframe"):
        assert fragment not in dropped, fragment
    assert "background" not in dropped and "<form" not in dropped


def test_python_file_that_is_not_a_module_name_is_skipped_with_a_warning(tmp_path, caplog):
    demo = copy_demo(tmp_path)
    types = demo / "python" / "src" / "orbit" / "types"
    (types / "g&h.py").write_text('from .._models import BaseModel\n\n\nclass Odd(BaseModel):\n    """Odd."""\n')
    site = build_site(demo / "mkdocs.yml", tmp_path / "site", strict=False)
    messages = [r.getMessage() for r in caplog.records]
    assert any("g&h" in m and "not a Python module name" in m for m in messages), messages
    assert not list(site.glob("api/*g&*")) and (site / "api" / "orbit.types.JobInfo" / "index.html").is_file()


@pytest.mark.parametrize("side", ["python", "elixir"])
@pytest.mark.parametrize("hazard", ["outside-file", "outside-folder", "loop", "mutual-loop", "fifo"])
def test_sdk_tree_that_reaches_outside_or_never_ends_is_refused_in_one_line(tmp_path, caplog, side, hazard):
    """An upstream tree is not trusted: a link to the build machine's files would publish them, a folder link
    loop made Griffe walk without end, a fifo never ends when read."""
    demo = copy_demo(tmp_path)
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    secret = "SECRET=hunter2"
    (outside / "thing.py").write_text(f'class Thing:\n    """{secret}"""\n')
    (outside / "thing.ex").write_text(f'defmodule Orbit.Types.Thing do\n  @moduledoc "{secret}"\nend\n')
    where = demo / "python" / "src" / "orbit" / "types" if side == "python" else demo / "elixir" / "lib" / "orbit"
    suffix = ".py" if side == "python" else ".ex"
    if hazard == "outside-file":
        (where / f"thing{suffix}").symlink_to(outside / f"thing{suffix}")
    elif hazard == "outside-folder":
        (where / "ext").symlink_to(outside)
    elif hazard == "loop":
        (where / "loop").symlink_to(where)
        (where / "up").symlink_to(where.parent)
    elif hazard == "mutual-loop":  # neither link points at a folder holding it; together they loop
        (where / "x").mkdir()
        (where / "y").mkdir()
        (where / "x" / "to_y").symlink_to(where / "y")
        (where / "y" / "to_x").symlink_to(where / "x")
    else:
        os.mkfifo(where / f"fifo{suffix}")
    with caplog.at_level(logging.WARNING):
        site = build_site(demo / "mkdocs.yml", tmp_path / "site", strict=False)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    if side == "elixir" and hazard.endswith("loop"):
        assert errors == []  # the Elixir extractor notices loops itself
    else:
        assert len(errors) == 1 and "remove it from the tree" in errors[0], errors
        expected = {"outside-file": "links outside", "outside-folder": "links outside", "fifo": "fifo"}
        assert expected.get(hazard, "a loop") in errors[0]
    assert (site / "index.html").is_file()
    published = [p for p in site.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
    assert published == []


INVISIBLE = "\u202e\u2066\u200b\u200d\ufeff\u00ad\u2060"


def test_no_invisible_or_bidirectional_character_reaches_a_page_or_the_patch(tmp_path):
    """Trojan Source: bidi controls and zero-width characters in a Python docstring go neither into the Elixir
    `@moduledoc` the `suggest` patch writes nor onto a page; stripped first, they cannot split a model name so
    the rewrite misses it."""
    from paritydocs.config import load_settings, read_mkdocs_plugin_options
    from paritydocs.pipeline import build_report
    from paritydocs.suggest import build_patch

    demo = copy_demo(tmp_path)
    set_job_id_doc(demo, "Unique\u202e identifier\u200b of the\u00ad job, on Qwen/Qwen2.5\u200b-7B\ufeff.")
    settings = load_settings(read_mkdocs_plugin_options(demo / "mkdocs.yml"), base_dir=demo)
    patch = build_patch(build_report(settings), settings).patch
    assert "Unique identifier of the job, on Qwen/Qwen3-8B." in patch  # stripped, then rewritten
    assert not any(c in patch for c in INVISIBLE)
    site = build_site(demo / "mkdocs.yml", tmp_path / "site")
    html = (site / "types" / "JobInfo" / "index.html").read_text()
    assert "Unique identifier of the job, on Qwen/Qwen3-8B." in html
    assert not any(c in html for c in INVISIBLE)


def test_the_same_sources_at_two_paths_build_byte_identical_sites(tmp_path):
    """Relative specs are published as written: no path of the build machine reaches a page, the search index,
    parity.json or llms-full.txt, so where the checkout lives changes nothing."""
    sites = []
    for name in ("first", "second/deeper"):
        demo = copy_demo(tmp_path / name)
        sites.append(build_site(demo / "mkdocs.yml", tmp_path / f"site-{name.replace('/', '-')}"))
    first, second = sites
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file() and p.suffix != ".gz")
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file() and p.suffix != ".gz")
    different = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert different == []
    leaked = [str(f) for f in files if str(tmp_path).encode() in (first / f).read_bytes()]
    assert leaked == []


PATHOLOGICAL = ["[" * 3000 + "x" + "]" * 3000, ":" * 100_000, "/" * 100_000, "[]:/&<" * 20_000]


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=["nested-brackets", "colons", "slashes", "mixed"])
def test_pathological_sdk_text_reaches_markdown_as_plain_text(text):
    """Python-Markdown reads brackets and entities in quadratic time: past the budget the filters hand it plain
    text it reads in one piece (a stashed `<pre>` block, or a short excerpt in a cell)."""
    from paritydocs.render.filters import do_cell, do_doc

    doc = str(do_doc(text))
    assert "pd-plain" in doc and "Shown as plain text" in doc
    assert html_unescape(doc.split("<code>", 1)[1].rsplit("</code>", 1)[0]) == text  # nothing lost in the block
    cell = str(do_cell(text))
    assert "more characters, too much Markdown punctuation to show" in cell and len(cell) < 600


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_a_long_code_example_is_not_pathological():
    from paritydocs.render.filters import do_doc

    example = "Example:\n\n```python\n" + "\n".join(f"x_{i} = {{'a': [1, 2]}}  # {i}" for i in range(400)) + "\n```"
    assert "pd-plain" not in str(do_doc(example))  # a code block reads in linear time: rendered as code


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="[]()<>&:/{}|\\*_!`#- x\n", min_size=0, max_size=6000))
def test_the_markup_markdown_meets_is_bounded_whatever_the_text(text):
    """No timing: what makes Python-Markdown slow is how many inline patterns it can start on, and the filters
    bound it (the budget) whatever the input, so its work stays linear in the text."""
    from paritydocs.render.filters import PUNCTUATION_BUDGET, do_cell, do_doc

    for out in (str(do_doc(text)), str(do_cell(text))):
        outside = out.split('<pre class="pd-code pd-plain">', 1)[0]  # a stashed block is read in one piece
        starts = sum(outside.count(c) for c in "[&<`")
        assert starts <= 12 * PUNCTUATION_BUDGET + 200, (len(text), starts)


def test_a_deep_nesting_is_one_warning_and_a_stray_end_is_reported():
    from paritydocs.elixir import extract_file

    deep = "".join(f"defmodule M{i} do\n" for i in range(200)) + "end\n" * 200
    (warning,) = extract_file("deep.ex", deep.encode()).warnings  # was 100 identical warnings
    assert warning.line == 101 and "nested more than 100 deep; skipped (100 modules, to line 200)" in warning.message
    stray = b"defmodule A do\n  def f do\n    1\n  end\n  end\n  def g, do: 2\nend\n"
    (warning,) = extract_file("stray.ex", stray).warnings  # `g` fell outside `A` without a word
    assert warning.line == 7 and "`end` with no `do` to close" in warning.message


def test_a_build_killed_midway_then_a_rebuild_is_byte_identical_to_a_clean_build(tmp_path):
    demo = copy_demo(tmp_path)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PARITYDOCS_CACHE": str(tmp_path / "cache")}
    env.pop("PARITYDOCS_PYTHON", None)
    env.pop("PARITYDOCS_ELIXIR", None)
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(demo / "mkdocs.yml"), "-d"]
    killed = subprocess.Popen([*command, str(tmp_path / "killed")], env=env, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    killed.kill()
    killed.wait()
    subprocess.run([*command, str(tmp_path / "rebuilt")], env=env, check=True)
    clean_env = {**env, "PARITYDOCS_CACHE": str(tmp_path / "clean-cache")}
    subprocess.run([*command, str(tmp_path / "clean")], env=clean_env, check=True)
    rebuilt, clean = tmp_path / "rebuilt", tmp_path / "clean"
    files = sorted(p.relative_to(clean) for p in clean.rglob("*") if p.is_file() and p.suffix != ".gz")
    assert files == sorted(p.relative_to(rebuilt) for p in rebuilt.rglob("*") if p.is_file() and p.suffix != ".gz")
    assert [str(f) for f in files if (clean / f).read_bytes() != (rebuilt / f).read_bytes()] == []


def test_a_build_says_once_where_sdk_text_was_shown_as_plain_text(tmp_path, caplog):
    demo = copy_demo(tmp_path)
    set_job_id_doc(demo, "[" * 3000 + "x" + "]" * 3000)
    with caplog.at_level(logging.WARNING):
        site = build_site(demo / "mkdocs.yml", tmp_path / "site", strict=False)
    said = [r.getMessage() for r in caplog.records if "shown as plain text" in r.getMessage()]
    assert len(said) == 1 and "types/JobInfo.md" in said[0]
    assert (
        "pd-plain" in (site / "types" / "JobInfo" / "index.html").read_text()
        or "more characters" in (site / "types" / "JobInfo" / "index.html").read_text()
    )
