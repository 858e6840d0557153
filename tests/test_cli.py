"""The `paritydocs` command: extract, check (exit codes, baseline, annotations), generate, one-line errors."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from paritydocs.cli import main
from paritydocs.cli.github import _property as _annotation_property
from paritydocs.textsafe import logger, terminal_text
from site_helpers import DEMO, copy_demo, set_job_id_doc

SCHEMAS = Path(__file__).parents[1] / "site_src" / "paritydocs" / "schemas"
CONFIG = str(DEMO / "mkdocs.yml")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_python_and_elixir_validate_against_their_schemas(tmp_path, capsys):
    for side, schema in (("--python", "python-extract"), ("--elixir", "elixir-extract")):
        out = tmp_path / f"{schema}.json"
        folder = "python" if side == "--python" else "elixir"
        code, _, _ = run(capsys, "extract", "--config", CONFIG, side, str(DEMO / folder), "--json", str(out))
        assert code == 0
        data = json.loads(out.read_text())
        jsonschema.validate(data, json.loads((SCHEMAS / f"{schema}.schema.json").read_text()))
        names = [t["name"] for t in data["types" if side == "--python" else "modules"]]
        assert "SubmitJobRequest" in names


def test_check_exit_codes_follow_fail_on_and_baseline(tmp_path, capsys):
    code, out, _ = run(capsys, "check", "--config", CONFIG, "--json", str(tmp_path / "parity.json"))
    assert code == 1 and "default_mismatch" in out
    jsonschema.validate(
        json.loads((tmp_path / "parity.json").read_text()), json.loads((SCHEMAS / "parity.schema.json").read_text())
    )
    baseline = tmp_path / "baseline.json"
    code, _, _ = run(capsys, "check", "--config", CONFIG, "--write-baseline", str(baseline))
    assert code == 1
    code, out, _ = run(capsys, "check", "--config", CONFIG, "--baseline", str(baseline), "--fail-on", "low")
    assert code == 0, out
    assert "0 at or above 'low' not in the baseline" in out


def test_check_github_annotations_and_job_summary(capsys, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, err = run(capsys, "check", "--config", CONFIG, "--format", "github", "--location-prefix", "")
    assert code == 1
    lines = out.splitlines()
    assert lines and all(line.startswith("::") and "title=parity " in line for line in lines)  # stdout: commands only
    assert lines[0].startswith("::error file=lib/orbit/")  # the failing ones first: the ones GitHub shows
    levels = [line.split(" ", 1)[0] for line in lines]
    assert levels == sorted(levels, key=["::error", "::warning", "::notice"].index)
    # more than GitHub shows of one level: said, and the summary lists them all
    hidden = {lvl: levels.count(lvl) - 10 for lvl in set(levels) if levels.count(lvl) > 10}
    text = summary.read_text()
    assert text.startswith("earlier step\n## Parity: ")  # appended to what earlier steps wrote
    assert "the check fails" in text and f"### New findings ({len(lines)})" in text
    assert text.count("\n| ") == len(lines) + 1  # the header and one row per finding
    if hidden:
        assert "annotations are not shown on the files" in text and "are not shown on the files" in err
    # the port's folder in the repository, by default relative to the working directory
    code, out, _ = run(capsys, "check", "--config", CONFIG, "--format", "github")
    assert out.splitlines()[0].startswith("::error file=examples/demo/elixir/lib/orbit/")


def test_check_json_on_stdout_is_pure_json(capsys):
    code, out, err = run(capsys, "check", "--config", CONFIG, "--json", "-")
    assert code == 1
    data = json.loads(out)  # the whole of stdout
    assert data["summary"]["pairs"] > 0 and "default_mismatch" in err and "pairs," in err


def test_check_sarif_holds_every_finding_located_in_the_port(capsys, tmp_path):
    from sarif_pydantic import Sarif

    from paritydocs.config import load_settings, read_mkdocs_plugin_options
    from paritydocs.pipeline import build_report

    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"findings": []}))
    code, out, err = run(capsys, "check", "--config", CONFIG, "--format", "sarif", "--location-prefix", "")
    assert code == 1 and "pairs," in err
    log = json.loads(out)
    Sarif.model_validate(log)  # a SARIF 2.1.0 model from the package index
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    settings = load_settings(read_mkdocs_plugin_options(Path(CONFIG)), base_dir=DEMO)
    findings = build_report(settings).all_findings()
    assert len(run_["results"]) == len(findings)  # every finding, waived ones included
    assert {r["id"] for r in rules} >= {f.kind.value for f in findings}
    levels = {"high": "error", "medium": "warning", "low": "note", "info": "note"}
    for result, finding in zip(run_["results"], findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.kind.value
        assert result["level"] == levels[finding.level.value]
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and ":" not in uri  # in the repository, never a path of this machine
        assert (DEMO / "elixir" / uri).is_file() or uri == "mix.exs", uri  # a file of the port's tree
        assert len(result["partialFingerprints"]["paritydocsFindingKey/v1"]) == 64
        assert result["properties"]["key"] == finding.key
    # the same finding, the same fingerprint, whatever the run
    again = json.loads(run(capsys, "check", "--config", CONFIG, "--sarif", "-", "--location-prefix", "")[1])
    assert [r["partialFingerprints"] for r in again["runs"][0]["results"]] == [
        r["partialFingerprints"] for r in run_["results"]
    ]


def test_check_sarif_marks_the_baseline_and_the_waived(tmp_path, capsys):
    demo = copy_demo(tmp_path)
    (demo / "notes.yml").write_text("- python: SubmitJobRequest\n  note: Reviewed.\n  waive: [all]\n")
    config = str(demo / "mkdocs.yml")
    baseline = tmp_path / "baseline.json"
    run(capsys, "check", "--config", config, "--write-baseline", str(baseline))
    sarif = tmp_path / "parity.sarif"
    run(capsys, "check", "--config", config, "--baseline", str(baseline), "--sarif", str(sarif))
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    waived = [r for r in results if "suppressions" in r]
    assert waived and all(r["suppressions"][0]["justification"] == "Reviewed." for r in waived)
    assert {r["baselineState"] for r in results if "suppressions" not in r} == {"unchanged"}


def test_check_with_nothing_to_compare_exits_2_naming_the_cause(capsys):
    python, elixir = str(DEMO / "python"), str(DEMO / "elixir")
    code, _, err = run(capsys, "check", "--config", CONFIG, "--python", elixir, "--elixir", python)
    assert code == 2
    (line,) = [line for line in err.splitlines() if line.startswith("paritydocs: error:")]
    assert "nothing was compared" in line and "swapped" in line
    code, _, err = run(capsys, "check", "--config", CONFIG, "--elixir", str(DEMO / "docs"))
    (line,) = [line for line in err.splitlines() if line.startswith("paritydocs: error:")]
    assert code == 2 and "no Elixir modules under" in line


def test_two_documents_on_stdout_are_refused(capsys):
    code, _, err = run(capsys, "check", "--config", CONFIG, "--json", "-", "--format", "sarif")
    assert code == 2 and "--json and --format sarif all write to stdout" in err


def test_waived_findings_do_not_fail(tmp_path, capsys):
    demo = copy_demo(tmp_path)
    types = [
        "SubmitJobRequest",
        "ResourceSpec",
        "JobInfo",
        "NodeInfo",
        "JobState",
        "Priority",
        "RetryPolicy",
        "JobsClient",
    ]
    types.append("orbit._constants.LAST_BACKOFF")  # a constant, by its path
    (demo / "notes.yml").write_text("".join(f"- python: {t}\n  note: Reviewed.\n  waive: [all]\n" for t in types))
    code, out, _ = run(capsys, "check", "--config", str(demo / "mkdocs.yml"), "--fail-on", "medium")
    assert code == 0, out
    assert "waived" in out and "0 at or above 'medium'" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["extract", "--python", "/no/such/dir", "--json", "-"], "/no/such/dir: no such directory"),
        (["check", "--config", "/no/such/mkdocs.yml"], "/no/such/mkdocs.yml: no such file"),
        (["check", "--config", CONFIG, "--elixir", "hex:orbit==1.0.0"], "hex:orbit==1.0.0"),
        (["check", "--config", CONFIG, "--baseline", "/no/such/baseline.json"], "baseline /no/such/baseline.json"),
        (["extract", "--config", CONFIG, "--python", "nope:thing", "--json", "-"], "nope:thing"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(capsys, monkeypatch, argv, needle):
    monkeypatch.setenv("HEX_MIRROR", "http://127.0.0.1:9")  # a closed port: unreachable, offline
    code, _, err = run(capsys, *argv)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("paritydocs: error:")]
    assert len(lines) == 1 and needle in lines[0], err
    assert "Traceback" not in err


def test_generate_writes_a_project_any_generator_builds_without_the_plugin(tmp_path, capsys):
    import yaml

    from site_helpers import build_site

    out = tmp_path / "out"
    code, _, _ = run(capsys, "generate", "--config", CONFIG, "--out", str(out))
    assert code == 0
    page = (out / "docs" / "types" / "SubmitJobRequest.md").read_text()
    assert page.startswith("---\nhide:\n  - toc\n---\n# SubmitJobRequest") and "| Python field |" in page
    assert (out / "docs" / "parity.json").is_file() and (out / "docs" / "llms.txt").is_file()
    config = yaml.safe_load((out / "mkdocs.yml").read_text())
    names = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert names == ["search", "mkdocstrings"] and config["docs_dir"] == "docs"  # no paritydocs plugin
    (handler,) = [p["mkdocstrings"]["handlers"]["python"] for p in config["plugins"] if isinstance(p, dict)]
    assert not any(Path(p).is_absolute() for p in handler["paths"])  # relative to the project: it can move
    assert (out / handler["paths"][0] / "orbit").is_dir() and handler["options"]["allow_inspection"] is False
    # the project builds as it is, strictly: here with MkDocs (CI builds it with Zensical too)
    site = build_site(out / "mkdocs.yml", tmp_path / "site")
    assert (site / "types" / "SubmitJobRequest" / "index.html").is_file()
    api = (site / "api" / "orbit.types.SubmitJobRequest" / "index.html").read_text()
    assert "doc-object" in api  # mkdocstrings rendered the SDK's docs: the paths reach it
    llms = (site / "llms.txt").read_text()
    assert "https://orbit.example.org/types/SubmitJobRequest/)" in llms  # no copies in a docs folder: the pages


def test_the_guard_fails_a_build_that_skipped_the_plugin(monkeypatch):
    import markdown

    from paritydocs import guard

    monkeypatch.setitem(guard._STARTED, "plugin", False)
    markdown.Markdown(extensions=["paritydocs.guard"])  # building the extension, as MkDocs does to check it: fine
    with pytest.raises(guard.PluginMissing, match="the paritydocs plugin did not run"):
        markdown.markdown("# A page", extensions=["paritydocs.guard"])
    guard.plugin_started()
    assert markdown.markdown("# A page", extensions=["paritydocs.guard"]) == "<h1>A page</h1>"


def test_check_output_has_no_terminal_control_characters(tmp_path, capsys):
    """SDK text (here a Python docstring quoted in a finding) cannot send ESC/BEL/CSI sequences to the terminal."""
    demo = copy_demo(tmp_path)
    set_job_id_doc(demo, "Unique \\x1b[31mred\\x1b]0;title\\x07 id \\x9b2J of the job.\\r\\nMore.")
    config = str(demo / "mkdocs.yml")
    shown = "Unique [31mred]0;title id 2J of the job."  # the controls dropped

    code, out, err = run(capsys, "check", "--config", config)
    assert code == 1
    assert any("`job_id` is documented in Python" in line and shown in line for line in out.splitlines())
    code, annotations, _ = run(capsys, "check", "--config", config, "--format", "github")
    assert code == 1 and shown in annotations
    for output in (out, err, annotations):
        assert not any(c in output for c in "\x1b\x07\x9b\t\r"), repr(output)

    json_out = tmp_path / "parity.json"
    run(capsys, "check", "--config", config, "--json", str(json_out))
    assert "Unique \\u001b[31mred\\u001b]0;title\\u0007 id " in json_out.read_text()  # JSON escapes them

    assert terminal_text("a\nb\tc\r\x1b[0m\u202e") == "a b c [0m"  # a table cell is one line
    assert _annotation_property("lib/a,line=9:\x07x.ex") == "lib/a%2Cline=9%3Ax.ex"


def test_every_paritydocs_log_message_is_terminal_text(caplog):
    """`mkdocs build` logs warnings quoting SDK file and type names: one line each, no escape sequences."""
    with caplog.at_level(logging.WARNING, logger=logger.name):
        logger.warning("%s: %s", "lib/x\n::error title=forged::owned\x1b]0;t\x07.ex", "bad")
    assert [r.getMessage() for r in caplog.records] == ["lib/x ::error title=forged::owned]0;t.ex: bad"]


def test_json_to_a_terminal_escapes_every_control_character(monkeypatch, capsys):
    from paritydocs.cli.common import write_json

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    write_json({"doc": "csi\x9b2J bidi\u202e ok é"}, "-")
    out = capsys.readouterr().out
    assert "\x9b" not in out and "\u202e" not in out and "\\u009b" in out and json.loads(out)["doc"].endswith("é")


def _paritydocs(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARITYDOCS_")}
    return subprocess.run(
        [sys.executable, "-m", "paritydocs.cli", *argv], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )


def test_build_prints_what_mkdocs_build_prints_and_q_silences_it(tmp_path):
    demo = copy_demo(tmp_path)
    built = _paritydocs("build", "--config", str(demo / "mkdocs.yml"), "--site-dir", str(tmp_path / "site"))
    assert built.returncode == 0
    lines = built.stderr.splitlines()
    assert any(line.startswith("INFO    -  Building documentation to directory:") for line in lines)
    assert any(line.startswith("INFO    -  Documentation built in ") for line in lines)
    quiet = _paritydocs("-q", "build", "--config", str(demo / "mkdocs.yml"), "--site-dir", str(tmp_path / "q"))
    assert (quiet.returncode, quiet.stderr) == (0, "")


def test_a_source_fetched_into_the_cache_says_so_once(tmp_path, caplog):
    from paritydocs.sources.cache import populate

    def fill(tree: Path, work: Path) -> None:
        (tree / "x.py").write_text("X = 1\n")

    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.paritydocs"):
        populate("pypi:acme==1.0", tmp_path / "pypi", "acme-1.0", fill)
        populate("pypi:acme==1.0", tmp_path / "pypi", "acme-1.0", fill)  # cached: no line
    fetched = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert fetched == [f"paritydocs: fetching pypi:acme==1.0 (first use; cached in {tmp_path / 'pypi'})"]


def test_configuration_entries_that_name_nothing_warn_and_fail_under_strict(tmp_path, capsys):
    demo = copy_demo(tmp_path)
    config = demo / "mkdocs.yml"
    text = config.read_text()
    config.write_text(
        text.replace(
            "type_map: {orbit.lib.retry.RetryPolicy: Orbit.RetryPolicy}",
            "type_map: {orbit.lib.retry.RetryPolicy: Orbit.RetryPolicy, orbit.types.Gone: Orbit.Types.Gone}",
        ).replace("jitter: jitter_pct}", "jitter: jitter_pct, jitterr: x}")
    )
    code, _, err = run(capsys, "check", "--config", str(config))
    assert code == 1  # a warning: the check itself runs as before
    warnings = [line for line in err.splitlines() if "configuration:" in line]
    assert any("'type_map': `orbit.types.Gone` names no Python type" in w for w in warnings), err
    assert any("the Elixir tree has no module `Orbit.Types.Gone`" in w for w in warnings)
    assert any("'field_aliases': `RetryPolicy` has no field `jitterr`" in w for w in warnings)
    code, _, err = run(capsys, "check", "--config", str(config), "--strict")
    errors = [line for line in err.splitlines() if line.startswith("paritydocs: error: configuration:")]
    assert code == 2 and len(errors) == 3
    # the profile's own entries (Tinker's types, clients and aliases) name nothing in the demo: never a warning
    code, _, err = run(capsys, "check", "--config", CONFIG, "--strict")
    assert code == 1 and "configuration:" not in err


@pytest.fixture
def mkdocs_logging():
    """`paritydocs build` sets MkDocs' own handler up on the `mkdocs` logger, writing to this test's captured
    stderr: taken off again, or a later test's log line would go to a closed stream."""
    mkdocs_logger = logging.getLogger("mkdocs")
    handlers, propagate, level = list(mkdocs_logger.handlers), mkdocs_logger.propagate, mkdocs_logger.level
    yield
    mkdocs_logger.handlers[:] = handlers
    mkdocs_logger.propagate, mkdocs_logger.level = propagate, level


def test_an_unwritable_site_folder_is_one_line_for_build_as_for_generate(tmp_path, capsys, mkdocs_logging):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for argv in (
        ["build", "--config", CONFIG, "--site-dir", str(blocker / "site")],
        ["generate", "--config", CONFIG, "--out", str(blocker / "out")],
    ):
        code, _, err = run(capsys, *argv)
        lines = [line for line in err.splitlines() if line.startswith("paritydocs: error:")]
        assert code == 2 and len(lines) == 1 and str(blocker) in lines[0], err
        assert "Traceback" not in err
