"""Findings: one record per difference, with the kind, how much it matters, and where it is on each side."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from paritydocs.model import Location


class FindingKind(str, enum.Enum):
    MISSING_IN_ELIXIR = "missing_in_elixir"
    MISSING_IN_PYTHON = "missing_in_python"
    TYPE_MISMATCH = "type_mismatch"
    DEFAULT_MISMATCH = "default_mismatch"
    DEFAULT_UNRESOLVED = "default_unresolved"
    OPTIONALITY_MISMATCH = "optionality_mismatch"
    UNIT_DIFFERENCE = "unit_difference"
    REPRESENTATION_DIFFERENCE = "representation_difference"
    """Same values in another form: `Literal` strings as atoms, a `datetime` as its ISO 8601 string, bytes as text."""
    PYTHON_ONLY_CONVENIENCE = "python_only_convenience"
    """A Python `@property` (`tokens_np`) with no Elixir counterpart: computed, read-only, not a missing field."""
    DOC_MISSING_IN_ELIXIR = "doc_missing_in_elixir"
    DOC_MISSING_IN_PYTHON = "doc_missing_in_python"
    OUTDATED_MODEL_NAME = "outdated_model_name"
    CONSTANT_MISMATCH = "constant_mismatch"
    """A constant both sides have, with values that differ (after scaling seconds to milliseconds)."""
    CONSTANT_MISSING_IN_ELIXIR = "constant_missing_in_elixir"
    CONSTANT_MISSING_IN_PYTHON = "constant_missing_in_python"
    CONSTANT_EQUAL = "constant_equal"
    """A constant both sides have with the same value: listed so the page shows it was checked."""


class Severity(str, enum.Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"high": 3, "medium": 2, "low": 1, "info": 0}[self.value]


SEVERITY: dict[FindingKind, Severity] = {
    FindingKind.MISSING_IN_ELIXIR: Severity.HIGH,
    FindingKind.MISSING_IN_PYTHON: Severity.HIGH,
    FindingKind.TYPE_MISMATCH: Severity.HIGH,
    FindingKind.DEFAULT_MISMATCH: Severity.HIGH,
    FindingKind.OPTIONALITY_MISMATCH: Severity.HIGH,
    FindingKind.DOC_MISSING_IN_ELIXIR: Severity.MEDIUM,
    FindingKind.DOC_MISSING_IN_PYTHON: Severity.MEDIUM,
    # Cannot be compared statically: a person has to look, but nothing is known to differ.
    FindingKind.DEFAULT_UNRESOLVED: Severity.LOW,
    FindingKind.OUTDATED_MODEL_NAME: Severity.LOW,
    # A deliberate choice of the port more often than not, but the user of each side writes different values.
    FindingKind.REPRESENTATION_DIFFERENCE: Severity.LOW,
    FindingKind.UNIT_DIFFERENCE: Severity.INFO,
    FindingKind.PYTHON_ONLY_CONVENIENCE: Severity.INFO,
    FindingKind.CONSTANT_MISMATCH: Severity.HIGH,
    # medium for a public Python constant, low for a private one (`parity.constants`)
    FindingKind.CONSTANT_MISSING_IN_ELIXIR: Severity.MEDIUM,
    # the port keeps many values of its own (telemetry event names, pool sizes) that Python has no constant for
    FindingKind.CONSTANT_MISSING_IN_PYTHON: Severity.INFO,
    FindingKind.CONSTANT_EQUAL: Severity.INFO,
}


@dataclass(slots=True)
class Finding:
    kind: FindingKind
    message: str
    python: Location | None = None
    elixir: Location | None = None
    subject: str = ""
    """What it is about, stable across runs: `tinker.types.X.field|Tinkex.Types.X.field`. Baselines key on it."""
    severity: Severity | None = None
    note: str | None = None
    waived: bool = False
    waiver_reason: str | None = None

    def __post_init__(self) -> None:
        if self.severity is None:
            self.severity = SEVERITY[self.kind]

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.subject}"

    @property
    def level(self) -> Severity:
        assert self.severity is not None
        return self.severity

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind.value,
            "severity": self.level.value,
            "message": self.message,
            "python": self.python.to_json() if self.python else None,
            "elixir": self.elixir.to_json() if self.elixir else None,
            "key": self.key,
        }
        if self.note:
            data["note"] = self.note
        if self.waived:
            data["waived"] = True
            data["waiver_reason"] = self.waiver_reason
        return data
