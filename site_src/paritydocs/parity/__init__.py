"""Parity: match Python types to Elixir modules and fields to fields, then run one rule per finding kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from paritydocs.config import Settings
from paritydocs.model import FieldDef, ParamDef, SdkModel, TypeDef, TypeKind
from paritydocs.parity.annotations import PyContext
from paritydocs.parity.findings import SEVERITY, Finding, FindingKind, Severity
from paritydocs.parity.matching import ALIAS_KINDS, field_aliases_for, match_fields, match_types
from paritydocs.parity.notes import Note
from paritydocs.parity.rules import FIELD_RULES, FieldContext, Rule, rule_missing, type_doc_findings

__all__ = [
    "SEVERITY",
    "FieldRow",
    "Finding",
    "FindingKind",
    "PairReport",
    "ParityReport",
    "Row",
    "Severity",
    "apply_notes",
    "run_parity",
]


Side = TypeVar("Side", FieldDef, ParamDef)


@dataclass(slots=True)
class Row(Generic[Side]):
    """One row of a side-by-side table: a field (or enum member), or a client method's parameter."""

    python: Side | None
    elixir: Side | None
    how: str
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return (self.python or self.elixir).name  # type: ignore[union-attr]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "python": self.python.to_json() if self.python else None,
            "elixir": self.elixir.to_json() if self.elixir else None,
            "match": self.how or None,
            "findings": [f.to_json() for f in self.findings],
        }
        if self.notes:
            data["notes"] = list(self.notes)
        return data


@dataclass(slots=True)
class FieldRow(Row[FieldDef]):
    """A field (or enum member) of a type pair."""


@dataclass(slots=True)
class PairReport:
    python: TypeDef
    elixir: TypeDef
    rows: list[FieldRow]
    findings: list[Finding]
    """Type-level findings (docs of the type itself)."""
    notes: list[str] = field(default_factory=list)
    is_enum: bool = False
    """A Literal alias / Enum paired with an enum-like module: rows are its members."""

    @property
    def slug(self) -> str:
        return self.python.name

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for row in self.rows for f in row.findings)]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "python": self.python.public_path or self.python.path,
            "python_path": self.python.path,
            "elixir": self.elixir.path,
            "kind": "members" if self.is_enum else "fields",
            "fields": [r.to_json() for r in self.rows],
            "findings": [f.to_json() for f in self.findings],
        }
        if self.notes:
            data["notes"] = list(self.notes)
        return data


@dataclass(slots=True)
class ParityReport:
    python_model: SdkModel
    elixir_model: SdkModel
    pairs: list[PairReport]
    unmatched_python: list[TypeDef]
    unmatched_elixir: list[TypeDef]
    extra_findings: list[Finding] = field(default_factory=list)
    """Findings that belong to no pair (e.g. model names in files outside any type)."""
    warnings: list[str] = field(default_factory=list)
    model_names: list[Any] = field(default_factory=list)
    """`modelnames.Occurrence`s of outdated model names in either tree."""
    client_pairs: list[Any] = field(default_factory=list)
    """Client class ↔ client module comparisons (`clients.ClientPair`)."""

    def all_findings(self) -> list[Finding]:
        return [
            *(f for p in self.pairs for f in p.all_findings()),
            *self.extra_findings,
            *(f for cp in self.client_pairs for f in cp.all_findings()),  # clients side by side
        ]

    def summary(self) -> dict[str, Any]:
        findings = self.all_findings()
        active = [f for f in findings if not f.waived]
        by_kind = {k.value: sum(1 for f in active if f.kind is k) for k in FindingKind}
        by_severity = {s.value: sum(1 for f in active if f.level is s) for s in Severity}
        return {
            "pairs": len(self.pairs),
            "unmatched": {"python": len(self.unmatched_python), "elixir": len(self.unmatched_elixir)},
            "findings": len(active),
            "waived": len(findings) - len(active),
            "by_kind": by_kind,
            "by_severity": by_severity,
            "doc_coverage": {
                "python": doc_coverage(self.python_model.types),
                "elixir": doc_coverage(
                    self.elixir_model.types,
                    only={p.elixir.path for p in self.pairs} | {t.path for t in self.unmatched_elixir},
                ),
            },
        }

    def to_json(self) -> dict[str, Any]:
        py, ex = self.python_model.source, self.elixir_model.source
        return {
            "python": {"source": py.spec, "version": py.version, "ref": py.ref},
            "elixir": {"source": ex.spec, "version": ex.version, "ref": ex.ref},
            "pairs": [p.to_json() for p in self.pairs],
            "unmatched": {
                "python": [t.public_path or t.path for t in self.unmatched_python],
                "elixir": [t.path for t in self.unmatched_elixir],
            },
            "findings": [f.to_json() for f in self.extra_findings],
            "model_names": [o.to_json() for o in self.model_names],
            "clients": [cp.to_json() for cp in self.client_pairs],  # clients side by side
            "summary": self.summary(),
        }


def doc_coverage(types: list[TypeDef], only: set[str] | None = None) -> dict[str, Any]:
    """Share of types and of fields that carry documentation."""
    chosen = [t for t in types if only is None or t.path in only]
    fields = [f for t in chosen for f in t.fields]
    typed = sum(1 for t in chosen if t.doc)
    documented = sum(1 for f in fields if f.doc)
    return {
        "types": len(chosen),
        "types_documented": typed,
        "fields": len(fields),
        "fields_documented": documented,
        "ratio": round(documented / len(fields), 4) if fields else None,
    }


ALIAS_TYPE_KINDS = {TypeKind.TYPE_ALIAS, TypeKind.LITERAL_ALIAS, TypeKind.UNION_ALIAS}


def _python_context(model: SdkModel) -> PyContext:
    aliases = {t.name: t.annotation for t in model.types if t.kind in ALIAS_TYPE_KINDS and t.annotation}
    return PyContext(aliases=aliases)


def _elixir_enums(model: SdkModel) -> dict[str, list[Any]]:
    """Enum-like modules by full and short name (short only where unambiguous)."""
    enums: dict[str, list[Any]] = {}
    shorts: dict[str, list[TypeDef]] = {}
    for t in model.types:
        if t.kind is TypeKind.ENUM_TYPE and t.members:
            enums[t.path] = list(t.members)
            shorts.setdefault(t.name, []).append(t)
    for short, found in shorts.items():
        if len(found) == 1 and short not in enums:
            enums[short] = list(found[0].members)
    return enums


def _member_fields(typedef: TypeDef) -> list[FieldDef]:
    return [FieldDef(name=str(m), line=typedef.line) for m in typedef.members]


def _same_model_factory(pairs: list[tuple[TypeDef, TypeDef]]):
    known = {(p.name, e.name) for p, e in pairs}

    def same_model(py_name: str, ex_name: str) -> bool:
        return py_name == ex_name or (py_name, ex_name) in known

    return same_model


def run_parity(python: SdkModel, elixir: SdkModel, settings: Settings, notes: list[Note] | None = None) -> ParityReport:
    matched = match_types(python, elixir, prefixes=settings.type_prefixes, type_map=settings.type_map)
    py_ctx = _python_context(python)
    ex_enums = _elixir_enums(elixir)
    memo: dict[tuple[Any, ...], frozenset[Any]] = {}
    same_model = _same_model_factory(matched.pairs)
    pairs: list[PairReport] = []
    for py_type, ex_type in matched.pairs:
        is_enum = py_type.kind in ALIAS_KINDS and ex_type.kind is TypeKind.ENUM_TYPE
        rules: tuple[Rule, ...]
        if is_enum:
            rows_raw = match_fields(_member_fields(py_type), _member_fields(ex_type), {})
            rules = (rule_missing,)  # members only exist or not
        else:
            aliases = field_aliases_for(py_type, settings.field_aliases)
            rows_raw = match_fields(py_type.fields, ex_type.fields, aliases)
            rules = FIELD_RULES
        rows = []
        for raw in rows_raw:
            ctx = FieldContext(py_type, ex_type, raw.python, raw.elixir, raw.how, py_ctx, same_model, ex_enums, memo)
            rows.append(FieldRow(raw.python, raw.elixir, raw.how, [f for rule in rules for f in rule(ctx)]))
        pairs.append(PairReport(py_type, ex_type, rows, type_doc_findings(py_type, ex_type), is_enum=is_enum))
    report = ParityReport(python, elixir, pairs, matched.unmatched_python, matched.unmatched_elixir)
    if notes:
        apply_notes(report, notes)
    return report


def _type_matches(target: str, typedef: TypeDef) -> bool:
    return target in (typedef.path, typedef.public_path, typedef.name)


def apply_notes(report: ParityReport, notes: list[Note], *, warn_unused: bool = True) -> None:
    """Attach each note to its type, field, client or method; waive the kinds it names.

    Notes pointing at nothing become warnings. Type pairs and client pairs are read alike: both have
    `python`/`elixir` definitions, `findings`, `notes` and `rows` whose `python`/`elixir` carry a `name`.
    """
    groups: list[Any] = [*report.pairs, *report.client_pairs]
    for note in notes:
        for group in groups:
            typedef = group.python if note.side == "python" else group.elixir
            if _type_matches(note.target, typedef):
                note.used = True
                group.notes.append(note.text)
                _waive(group.findings, note)
                # a note on a whole type can waive its kinds on every row; the note text stays on the type
                _waive([f for row in group.rows for f in _row_findings(row)], note, attach=False)
                continue
            head, _, member = note.target.rpartition(".")
            if not head or not _type_matches(head, typedef):
                continue
            for row in group.rows:
                if member in _row_names(row, note.side):
                    note.used = True
                    row.notes.append(note.text)
                    _waive(_row_findings(row), note)
        if not note.used and warn_unused:
            report.warnings.append(
                f"{note.describe()} points at nothing: no matched type, field, client or method is named "
                f"'{note.target}'"
            )


def _row_findings(row: Any) -> list[Finding]:
    return row.all_findings() if hasattr(row, "all_findings") else list(row.findings)


def _row_names(row: Any, side: str) -> set[str]:
    """The names a note can use for a row: the field, or the method and its async twin."""
    names = set()
    for attr in (side, f"{side}_async"):
        definition = getattr(row, attr, None)
        if definition is not None:
            names.add(definition.name)
    return names


def _waive(findings: list[Finding], note: Note, *, attach: bool = True) -> None:
    for finding in findings:
        if attach:
            finding.note = note.text if not finding.note else f"{finding.note}\n{note.text}"
        if "all" in note.waive or finding.kind.value in note.waive:
            finding.waived = True
            finding.waiver_reason = note.text
