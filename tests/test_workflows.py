"""The CI workflows parse and run what they should."""

from __future__ import annotations

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


def test_port_workflow_example_runs_check_with_a_baseline():
    flow = _load(ROOT / "docs" / "ci" / "tinkex-parity-check.yml")
    runs = " ".join(step.get("run", "") for step in flow["jobs"]["parity"]["steps"])
    assert "paritydocs check" in runs and "--baseline" in runs and "--format github" in runs
    assert "pull_request" in flow["on"]


def test_ci_run_calls_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    assert command in readme and command in ci
    assert "scripts/docs.sh --offline" in ci
