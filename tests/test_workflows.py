"""The CI workflows parse and run what they should."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    # YAML reads the key `on` as True
    data["on"] = data.pop(True, data.get("on"))
    return data


def test_docs_workflow_builds_on_pull_requests_and_deploys_main():
    flow = _load(ROOT / ".github" / "workflows" / "docs.yml")
    assert "pull_request" in flow["on"] and flow["on"]["push"]["branches"] == ["main"]
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    runs = " ".join(step.get("run", "") for step in build["steps"])
    assert "bash scripts/docs.sh" in runs and "pip install -e ." in runs
    uses = [step.get("uses", "") for step in build["steps"] + deploy["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert deploy["needs"] == "build" and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "refs/heads/main" in deploy["if"]


def test_docs_script_runs_the_strict_build_linkcheck_and_check():
    script = (ROOT / "scripts" / "docs.sh").read_text()
    assert "mkdocs build --strict" in script and "scripts/linkcheck.py" in script
    assert "paritydocs.cli check --format" in script


CURRENT_MAJORS = {
    "actions/checkout": "v6",
    "actions/setup-python": "v6",
    "actions/cache": "v5",
    "actions/configure-pages": "v6",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v4",
    "github/codeql-action/upload-sarif": "v4",
}


def _uses(steps: list[dict]) -> list[str]:
    return [step["uses"] for step in steps if "uses" in step]


def test_workflows_and_the_action_use_current_action_majors():
    flows = [
        _load(ROOT / ".github" / "workflows" / "docs.yml"),
        _load(ROOT / "docs" / "ci" / "tinkex-parity-check.yml"),
    ]
    steps = [s for flow in flows for job in flow["jobs"].values() for s in job["steps"]]
    steps += yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]
    for use in _uses(steps):
        name, _, ref = use.partition("@")
        if name in CURRENT_MAJORS:
            assert ref == CURRENT_MAJORS[name], use


def test_pages_deploys_are_configured_and_never_cancelled():
    flow = _load(ROOT / ".github" / "workflows" / "docs.yml")
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert any(u.startswith("actions/configure-pages@") for u in _uses(build["steps"]))
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert "pull_request" in flow["concurrency"]["cancel-in-progress"]  # only a pull request's older run stops
    cache = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".paritydocs-cache" and flow["env"]["PARITYDOCS_CACHE"].endswith(
        cache["with"]["path"]
    )


def test_port_workflow_example_uses_the_action_by_tag():
    flow = _load(ROOT / "docs" / "ci" / "tinkex-parity-check.yml")
    (step,) = [s for s in flow["jobs"]["parity"]["steps"] if s.get("uses", "").startswith("North-Shore-AI/paritydocs@")]
    assert re.fullmatch(r"North-Shore-AI/paritydocs@v\d+\.\d+\.\d+", step["uses"])  # a tag, never a branch
    assert step["with"]["baseline"] == "parity-baseline.json" and step["with"]["upload-sarif"] == "true"
    assert flow["jobs"]["parity"]["permissions"]["security-events"] == "write"
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert set(step["with"]) <= set(action["inputs"])
    assert "pull_request" in flow["on"]
    readme = (ROOT / "README.md").read_text()
    assert "uses: North-Shore-AI/paritydocs@v" in readme


def test_the_action_runs_the_check_and_reports_its_exit_code(tmp_path):
    """The composite action's check step, run as GitHub would: its script with the inputs in the environment."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite" and set(action["inputs"]) >= {
        "python",
        "port",
        "baseline",
        "fail-on",
        "upload-sarif",
    }
    steps = {s.get("id") or s.get("name"): s for s in action["runs"]["steps"]}
    install = steps["Install paritydocs (this action's own tag)"]["run"]
    assert '"${GITHUB_ACTION_PATH}"' in install  # the action's own checkout: the tag it is used by
    upload = steps["Upload to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@") and "upload-sarif == 'true'" in upload["if"]
    demo = ROOT / "examples" / "demo"
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_WORKSPACE": str(demo),
        "INPUT_PYTHON": str(demo / "python"),
        "INPUT_PORT": "elixir",
        "INPUT_CONFIG": str(demo / "mkdocs.yml"),
        "INPUT_BASELINE": "",
        "INPUT_FAIL_ON": "high",
        "INPUT_SARIF": str(tmp_path / "parity.sarif"),
    }
    done = subprocess.run(
        ["bash", "-c", steps["check"]["run"]], cwd=demo, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr  # the step itself passes: the verdict step fails the job
    assert output.read_text() == "exit-code=1\n"
    assert done.stdout.startswith("::error file=elixir/lib/orbit/")  # relative to the workspace
    log = json.loads((tmp_path / "parity.sarif").read_text())
    assert log["runs"][0]["results"] and "## Parity: " in summary.read_text()
    verdict = steps["Verdict"]
    failed = subprocess.run(["bash", "-c", verdict["run"]], env={**env, "CODE": "1"}, check=False)
    assert failed.returncode == 1


def test_ci_run_calls_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    assert command in readme and command in ci
    assert "scripts/docs.sh --offline" in ci
    assert "scripts/generators.sh" in ci  # the distribution (build, twine check), Zensical and ProperDocs
    generators = (ROOT / "scripts" / "generators.sh").read_text()
    for step in ('python" -m build', 'twine" check --strict', 'zensical" build --strict', 'properdocs" build --strict'):
        assert step in generators, step
