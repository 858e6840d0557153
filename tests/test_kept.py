"""A whole site kept across one-off builds (`site.kept`): a build whose inputs did not change reads the site back
(no comparison, no template rendered) and publishes what a cold build does, byte for byte, its warnings and
logged lines included; anything it cannot trust makes the site again."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

import paritydocs.site as site_module
from paritydocs.site.kept import recording, replay
from site_helpers import build_site
from source_helpers import tree_files as tree


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry each time a build compares the SDKs and renders the pages (a site read back does neither)."""
    calls: list[str] = []
    original = site_module._make_site

    def counting(*args, **kwargs):
        calls.append("made")
        return original(*args, **kwargs)

    monkeypatch.setattr(site_module, "_make_site", counting)
    return calls


def manifests(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "extraction" / "site").glob("*.json"))


def said(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int, str]]:
    return [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name.startswith("mkdocs.plugins")]


def test_a_build_whose_inputs_did_not_change_reads_the_site_back_and_publishes_the_same_bytes(
    demo: Path, tmp_path: Path, made: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = tree(build_site(demo / "mkdocs.yml", tmp_path / "cold"))
    assert made == ["made"] and len(manifests(tmp_path)) == 1
    warm = tree(build_site(demo / "mkdocs.yml", tmp_path / "warm"))
    assert made == ["made"]  # read back: nothing compared or rendered
    assert warm == cold
    assert {"parity.json", "llms.txt", "llms-full.txt", "types/JobInfo/index.html.md"} <= set(warm)
    monkeypatch.setenv("PARITYDOCS_NO_CACHE", "1")
    assert tree(build_site(demo / "mkdocs.yml", tmp_path / "uncached")) == cold
    assert made == ["made", "made"]


def test_what_the_pipeline_said_is_said_again_when_the_site_is_read_back(
    demo: Path, tmp_path: Path, made: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    # a client mapped to a module the port does not define: the comparison logs a warning itself
    config = demo / "mkdocs.yml"
    text = config.read_text()
    config.write_text(text.replace("JobsClient: Orbit.JobsClient}", "JobsClient: Orbit.NoSuchClient}", 1))
    lines = []
    for build in ("first", "second"):
        caplog.clear()
        with caplog.at_level(logging.INFO):
            build_site(config, tmp_path / build, strict=False)
        lines.append(said(caplog))
    assert made == ["made"]
    assert any("Orbit.NoSuchClient" in message for _, level, message in lines[0] if level == logging.WARNING)
    assert lines[1] == lines[0]  # the same lines, at the same levels, in the same order


def test_a_kept_file_that_is_gone_makes_the_site_again(demo: Path, tmp_path: Path, made: list[str]) -> None:
    cold = tree(build_site(demo / "mkdocs.yml", tmp_path / "cold"))
    pages = tmp_path / "cache" / "pages"
    for kept in pages.rglob("parity.json"):
        kept.unlink()
    again = tree(build_site(demo / "mkdocs.yml", tmp_path / "again"))
    assert made == ["made", "made"] and again == cold


def test_a_damaged_manifest_makes_the_site_again(demo: Path, tmp_path: Path, made: list[str]) -> None:
    cold = tree(build_site(demo / "mkdocs.yml", tmp_path / "cold"))
    (manifest,) = manifests(tmp_path)
    manifest.write_bytes(manifest.read_bytes()[:-40])
    assert tree(build_site(demo / "mkdocs.yml", tmp_path / "again")) == cold
    assert made == ["made", "made"]


def test_a_build_with_an_error_is_not_kept(demo: Path, tmp_path: Path, made: list[str]) -> None:
    shutil.rmtree(demo / "elixir")
    for build in ("first", "second"):
        build_site(demo / "mkdocs.yml", tmp_path / build, strict=False)
    assert made == ["made", "made"] and manifests(tmp_path) == []


def test_a_users_file_in_place_of_a_data_file_keeps_nothing(demo: Path, tmp_path: Path, made: list[str]) -> None:
    (demo / "docs" / "parity.json").write_text("{}\n")
    first = tree(build_site(demo / "mkdocs.yml", tmp_path / "first"))
    assert first["parity.json"] == b"{}\n" and manifests(tmp_path) == []
    build_site(demo / "mkdocs.yml", tmp_path / "second")
    assert made == ["made", "made"]


def test_a_different_site_url_is_another_site(demo: Path, tmp_path: Path, made: list[str]) -> None:
    build_site(demo / "mkdocs.yml", tmp_path / "first")
    other = build_site(demo / "mkdocs.yml", tmp_path / "second", site_url="https://elsewhere.example.org/")
    assert made == ["made", "made"] and len(manifests(tmp_path)) == 2
    assert "https://elsewhere.example.org/" in (other / "llms.txt").read_text()


def test_recorded_lines_are_said_again_once_each(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("mkdocs.plugins.paritydocs")
    with recording() as lines, caplog.at_level(logging.DEBUG):
        log.warning("one %s", "warning")
        log.info("an info line")
        log.debug("a debug line")  # below info: neither kept nor said again
        logging.getLogger("griffe").warning("from elsewhere")
    assert lines == [
        ("mkdocs.plugins.paritydocs", logging.WARNING, "one warning"),
        ("mkdocs.plugins.paritydocs", logging.INFO, "an info line"),
        ("griffe", logging.WARNING, "from elsewhere"),
    ]
    caplog.clear()
    with caplog.at_level(logging.INFO):
        replay(lines)
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == lines
    with recording(on=False) as nothing:
        log.warning("not recorded")
    assert nothing == []


def test_a_changed_baseline_shows_on_the_checklist_the_build_after(demo: Path, tmp_path: Path) -> None:
    config = demo / "mkdocs.yml"
    config.write_text(
        config.read_text().replace("      python: python\n", "      python: python\n      baseline: base.json\n", 1)
    )
    (demo / "base.json").write_text('{"findings": []}\n')
    before = (build_site(config, tmp_path / "before") / "checklist" / "index.html").read_text()
    accepted = json.loads((tmp_path / "before" / "parity.json").read_text())
    keys = [f["key"] for pair in accepted["pairs"] for f in pair["findings"]]
    assert keys and "New since the baseline" in before
    (demo / "base.json").write_text(json.dumps({"findings": keys}))
    after = build_site(config, tmp_path / "after")
    assert (after / "checklist" / "index.html").read_text() != before
    shutil.rmtree(tmp_path / "cache")
    assert tree(build_site(config, tmp_path / "cold")) == tree(after)


def test_a_python_edit_that_changes_no_type_is_not_read_back_stale(demo: Path, tmp_path: Path) -> None:
    # a comment: the models stay the same (no line moves), but an API page carries its module's content digest
    source = demo / "python" / "src" / "orbit" / "types" / "job_info.py"
    before = tree(build_site(demo / "mkdocs.yml", tmp_path / "before"))
    text = source.read_text()
    source.write_text(text.replace("from typing import List, Optional\n", "from typing import List, Optional  # ok\n"))
    after = build_site(demo / "mkdocs.yml", tmp_path / "after")
    api = "api/orbit.types.JobInfo/index.html"
    assert tree(after)[api] != before[api]
    shutil.rmtree(tmp_path / "cache")
    assert tree(build_site(demo / "mkdocs.yml", tmp_path / "cold")) == tree(after)


def test_a_strict_build_fails_on_the_warnings_read_back_as_it_did_when_it_was_made(
    demo: Path, tmp_path: Path, made: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.exceptions import Abort

    config = demo / "mkdocs.yml"
    config.write_text(config.read_text().replace("JobsClient: Orbit.JobsClient}", "JobsClient: Orbit.NoSuchClient}", 1))
    build_site(config, tmp_path / "made", strict=False)  # kept, with its warnings
    assert len(manifests(tmp_path)) == 1
    caplog.clear()
    with caplog.at_level(logging.WARNING), pytest.raises(Abort, match="warnings"):
        build_site(config, tmp_path / "strict")
    assert made == ["made"]  # the strict build read the site back
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("is mapped to Elixir module Orbit.NoSuchClient" in m for m in warned)  # logged by the comparison
    assert any(m.startswith("configuration: 'client_map'") for m in warned)  # one of the site's warnings
