"""The whole report as one SARIF 2.1.0 log, for GitHub code scanning (`github/codeql-action/upload-sarif`).

- one rule per finding kind (`ruleId` the kind, `defaultConfiguration.level` its usual severity);
- one result per finding, waived ones included (as suppressed, with the review note's reason), findings in the
  baseline marked `baselineState: unchanged`, the others `new`;
- `level` by the finding's own severity: high → `error`, medium → `warning`, low and info → `note`;
- every result located **in the port**, the repository code scanning runs on: the finding's Elixir place, else
  the port module of its pair or client, else `mix.exs` (a Python constant or model name the port has no module
  for); the Python place is in the message and in `properties.python`;
- `partialFingerprints` from the finding's key (`kind:subject`, stable across runs and line moves), so code
  scanning tracks an alert as open, fixed or new by what it is about.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from paritydocs.model import Location
from paritydocs.parity.findings import SEVERITY, Finding, FindingKind, Severity
from paritydocs.parity.report import ParityReport

__all__ = ["KIND_SUMMARY", "SARIF_LEVEL", "SARIF_SCHEMA", "in_repository", "sarif_log"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note", Severity.INFO: "note"}
FINGERPRINT = "paritydocsFindingKey/v1"
"""The `partialFingerprints` entry: a hash of the finding's key."""

KIND_SUMMARY: dict[FindingKind, str] = {
    FindingKind.MISSING_IN_ELIXIR: "A field, member, function, option or type Python has and the port lacks.",
    FindingKind.MISSING_IN_PYTHON: "Something only the port has.",
    FindingKind.TYPE_MISMATCH: "The two sides' types admit different values.",
    FindingKind.DEFAULT_MISMATCH: "The two sides default a field or parameter to different values.",
    FindingKind.DEFAULT_UNRESOLVED: "A default that cannot be compared statically.",
    FindingKind.OPTIONALITY_MISMATCH: "Required on one side, optional on the other.",
    FindingKind.UNIT_DIFFERENCE: "Seconds in Python, milliseconds in the port, with matching values.",
    FindingKind.REPRESENTATION_DIFFERENCE: "The same values in another form (strings as atoms, a datetime as text).",
    FindingKind.PYTHON_ONLY_CONVENIENCE: "A Python property or helper with no port counterpart.",
    FindingKind.DOC_MISSING_IN_ELIXIR: "Documented in Python, not in the port.",
    FindingKind.DOC_MISSING_IN_PYTHON: "Documented in the port, not in Python.",
    FindingKind.OUTDATED_MODEL_NAME: "A model name the configuration says to update.",
    FindingKind.CONSTANT_MISMATCH: "A constant both sides have, with different values.",
    FindingKind.CONSTANT_MISSING_IN_ELIXIR: "A Python constant the port has no counterpart for.",
    FindingKind.CONSTANT_MISSING_IN_PYTHON: "A constant only the port has.",
    FindingKind.CONSTANT_EQUAL: "A constant both sides have with the same value (checked, nothing to do).",
}


def _camel(kind: FindingKind) -> str:
    return "".join(part.capitalize() for part in kind.value.split("_"))


def _rules(help_uri: str | None) -> list[dict[str, Any]]:
    rules = []
    for kind in FindingKind:
        rule: dict[str, Any] = {
            "id": kind.value,
            "name": _camel(kind),
            "shortDescription": {"text": KIND_SUMMARY[kind]},
            "fullDescription": {"text": f"{KIND_SUMMARY[kind]} Usually {SEVERITY[kind].value}."},
            "defaultConfiguration": {"level": SARIF_LEVEL[SEVERITY[kind]]},
            "properties": {"severity": SEVERITY[kind].value},
        }
        if help_uri:
            rule["helpUri"] = help_uri
        rules.append(rule)
    return rules


def _homes(report: ParityReport) -> dict[int, Location]:
    """Each finding's place in the port when it has no Elixir place of its own: its pair's or client's module."""
    homes: dict[int, Location] = {}
    for pair in report.pairs:
        for finding in pair.all_findings():
            homes[id(finding)] = pair.elixir.location
    for client in report.client_pairs:
        for finding in client.all_findings():
            homes[id(finding)] = client.elixir.location
    return homes


def in_repository(prefix: str, file: str) -> str:
    """`file` (relative to the port's root) relative to the repository, the port being in its folder `prefix`
    (`""` or `.`: the root)."""
    return f"{prefix.rstrip('/')}/{file}" if prefix and prefix != "." else file


def _result(finding: Finding, index: int, home: Location | None, *, prefix: str, baseline: set[str]) -> dict[str, Any]:
    place = finding.elixir or home or Location("mix.exs", 1)
    message = finding.message
    if finding.elixir is None and finding.python is not None:
        where = f"{finding.python.file}:{finding.python.line}" if finding.python.line else finding.python.file
        message += f" (Python: {where})"
    result: dict[str, Any] = {
        "ruleId": finding.kind.value,
        "ruleIndex": index,
        "level": SARIF_LEVEL[finding.level],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": in_repository(prefix, place.file), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(place.line or 1, 1)},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT: hashlib.sha256(finding.key.encode("utf-8")).hexdigest()},
        "baselineState": "unchanged" if finding.key in baseline else "new",
        "properties": {"severity": finding.level.value, "key": finding.key},
    }
    if finding.python is not None:
        result["properties"]["python"] = finding.python.to_json()
    if finding.waived:
        result["suppressions"] = [{"kind": "external", "justification": finding.waiver_reason or "waived"}]
    return result


def sarif_log(
    report: ParityReport,
    *,
    version: str,
    baseline: Iterable[str] = (),
    port_prefix: str = "",
    help_uri: str | None = None,
) -> dict[str, Any]:
    """The SARIF log of every finding of `report`. `port_prefix`: the port's folder in its repository (`""` when
    the port is the repository's root), put before every location; `baseline`: the keys a baseline file lists."""
    index = {kind: i for i, kind in enumerate(FindingKind)}
    homes = _homes(report)
    known = set(baseline)
    results = [
        _result(f, index[f.kind], homes.get(id(f)), prefix=port_prefix, baseline=known) for f in report.all_findings()
    ]
    driver: dict[str, Any] = {
        "name": "paritydocs",
        "version": version,
        "semanticVersion": version,
        "rules": _rules(help_uri),
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "automationDetails": {"id": "paritydocs/"},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
