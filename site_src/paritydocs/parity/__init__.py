"""Parity: match Python types to Elixir modules and fields to fields, then run one rule per finding kind.

`run_parity` assembles the whole `ParityReport`, in this order: type pairs and their field rules, then (when
asked) the outdated model names of both trees and the clients side by side, and the review notes last, so they
reach every finding. The public API:

- `run_parity(python, elixir, settings, notes, *, model_names=, clients=, warn_unused=)`: the report.
- `ParityReport`, `PairReport`, `Row`, `FieldRow`: the report, a type pair and its rows (`parity.report`).
- `ClientPair`, `MethodRow`, `ParamRow`: a client pair, its operations and their parameters (`parity.report`).
- `Finding`, `FindingKind`, `Severity`, `SEVERITY`: one finding, its kinds and levels (`parity.findings`).
- `compare_clients`: clients side by side alone (`parity.clients`).
- `Note`, `load_notes`, `apply_notes`: review notes and waivers (`parity.notes`).

The parts: `matching` (types and fields), `annotations` (annotation compatibility), `rules` (the field rules),
`clients` and `client_params` (clients side by side), `model_names`, `notes`, `findings` and `report`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paritydocs.config import Settings
from paritydocs.model import FieldDef, SdkModel, TypeDef, TypeKind
from paritydocs.parity.annotations import PyContext
from paritydocs.parity.clients import compare_clients
from paritydocs.parity.findings import SEVERITY, Finding, FindingKind, Severity
from paritydocs.parity.matching import ALIAS_KINDS, field_aliases_for, match_fields, match_types
from paritydocs.parity.model_names import add_model_name_findings
from paritydocs.parity.notes import Note, apply_notes, load_notes
from paritydocs.parity.report import ClientPair, FieldRow, MethodRow, PairReport, ParamRow, ParityReport, Row
from paritydocs.parity.rules import FIELD_RULES, FieldContext, Rule, rule_missing, type_doc_findings

__all__ = [
    "SEVERITY",
    "ClientPair",
    "FieldRow",
    "Finding",
    "FindingKind",
    "MethodRow",
    "Note",
    "PairReport",
    "ParamRow",
    "ParityReport",
    "Row",
    "Severity",
    "apply_notes",
    "compare_clients",
    "load_notes",
    "run_parity",
]


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


def _same_model_factory(pairs: list[tuple[TypeDef, TypeDef]]) -> Callable[[str, str], bool]:
    known = {(p.name, e.name) for p, e in pairs}

    def same_model(py_name: str, ex_name: str) -> bool:
        return py_name == ex_name or (py_name, ex_name) in known

    return same_model


def run_parity(
    python: SdkModel,
    elixir: SdkModel,
    settings: Settings,
    notes: list[Note] | None = None,
    *,
    model_names: bool = False,
    clients: bool = False,
    warn_unused: bool = True,
) -> ParityReport:
    """The parity report of two models: type pairs and their findings; with `model_names`, the outdated model
    names found in both trees (`model_names.add_model_name_findings`); with `clients`, the clients side by side
    (`clients.compare_clients`); the review `notes` last, so they reach every finding.

    `warn_unused=False` (a side could not be read) keeps notes that match nothing quiet: they cannot be checked.
    """
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
    if model_names:
        add_model_name_findings(report, settings)
    if clients:
        report.client_pairs = compare_clients(python, elixir, settings)
    if notes:
        apply_notes(report, notes, warn_unused=warn_unused)
    return report
