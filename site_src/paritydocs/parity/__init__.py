"""Parity: match Python types to Elixir modules and fields to fields, then run one rule per finding kind.

`run_parity` assembles the whole `ParityReport`, in this order: type pairs and their field rules, then (when
asked) the outdated model names of both trees and the clients side by side, and the review notes last, so they
reach every finding. The public API:

- `run_parity(python, elixir, settings, notes, *, model_names=, clients=, warn_unused=)`: the report.
- `ParityReport`, `PairReport`, `Row`, `FieldRow`: the report, a type pair and its rows (`parity.report`).
- `PairReason`: why two types are a pair, strongest evidence first (`parity.matching`).
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
from paritydocs.parity.annotations import Atom, PyContext, enum_atoms
from paritydocs.parity.clients import compare_clients
from paritydocs.parity.constants import compare_constants
from paritydocs.parity.direction import ParameterTypes, type_direction, unused_structs
from paritydocs.parity.entries import unresolved_entries
from paritydocs.parity.findings import SEVERITY, Finding, FindingKind, Severity
from paritydocs.parity.matching import (
    ALIAS_KINDS,
    ELIXIR_ALIAS_KINDS,
    FieldPair,
    PairReason,
    elixir_union_members,
    field_aliases_for,
    match_fields,
    match_types,
    python_union_members,
)
from paritydocs.parity.model_names import add_model_name_findings
from paritydocs.parity.modules import compare_modules
from paritydocs.parity.notes import Note, apply_notes, load_notes
from paritydocs.parity.report import (
    ClientPair,
    ConstantRow,
    FieldRow,
    MethodRow,
    ModuleRow,
    PairReport,
    ParamRow,
    ParityReport,
    Row,
)
from paritydocs.parity.rules import (
    FIELD_RULES,
    FieldContext,
    Rule,
    UnionShape,
    property_function,
    rule_missing,
    rule_type,
    type_doc_findings,
    union_shape,
    with_prose_doc,
)
from paritydocs.parity.usage import PortUsage

__all__ = [
    "SEVERITY",
    "ClientPair",
    "ConstantRow",
    "FieldRow",
    "Finding",
    "FindingKind",
    "MethodRow",
    "ModuleRow",
    "Note",
    "PairReason",
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


def _enum_atoms(typedef: TypeDef) -> frozenset[Atom]:
    """The values of an enum-like module as its `@type t` writes them (atoms or strings)."""
    atoms = enum_atoms(typedef.annotation)
    if atoms and all(a[0] in ("atom_literal", "literal") for a in atoms):
        return atoms
    return frozenset(("atom_literal", str(m)) for m in typedef.members)  # members are atoms by their names


def _elixir_enums(model: SdkModel) -> dict[str, frozenset[Atom]]:
    """Enum-like modules by full and short name (short only where unambiguous)."""
    enums: dict[str, frozenset[Atom]] = {}
    shorts: dict[str, list[TypeDef]] = {}
    for t in model.types:
        if t.kind is TypeKind.ENUM_TYPE and t.members:
            enums[t.path] = _enum_atoms(t)
            shorts.setdefault(t.name, []).append(t)
    for short, found in shorts.items():
        if len(found) == 1 and short not in enums:
            enums[short] = _enum_atoms(found[0])
    return enums


def _member_fields(typedef: TypeDef) -> list[FieldDef]:
    return [FieldDef(name=str(m), line=typedef.member_lines.get(str(m), typedef.line)) for m in typedef.members]


def _recased_members(python: list[FieldDef], elixir: list[FieldDef]) -> dict[str, str]:
    """`"DEBUG"` ↔ `:debug`: a member of another case is the same member (the port converts at the wire),
    when that case-folding pairs one member with exactly one."""
    exact = {e.name for e in elixir}
    folded: dict[str, list[str]] = {}
    for e in elixir:
        folded.setdefault(e.name.lower(), []).append(e.name)
    return {
        p.name: folded[p.name.lower()][0]
        for p in python
        if p.name not in exact and len(folded.get(p.name.lower(), [])) == 1
    }


def _alias_value(typedef: TypeDef) -> FieldDef:
    """The aliased type of an alias as a row's one field (no optionality of its own: only its type compares)."""
    return FieldDef(name=typedef.name, annotation=typedef.annotation, line=typedef.line)


def _same_model_factory(pairs: list[tuple[TypeDef, TypeDef]]) -> Callable[[str, str], bool]:
    known = {(p.name, e.name) for p, e in pairs}

    def same_model(py_name: str, ex_name: str) -> bool:
        return py_name == ex_name or (py_name, ex_name) in known

    return same_model


def _unique_by_name(model: SdkModel) -> dict[str, TypeDef]:
    """A model's types by last name, a name two types share left out."""
    found: dict[str, TypeDef | None] = {}
    for t in model.types:
        found[t.name] = t if t.name not in found else None
    return {name: t for name, t in found.items() if t is not None}


_OBJECT_KINDS = frozenset({TypeKind.PYDANTIC_MODEL, TypeKind.DATACLASS, TypeKind.CLASS})


def _struct_for_factory(pairs: list[tuple[TypeDef, TypeDef]]) -> Callable[[str], str | None]:
    """A Python object type's short name → the Elixir struct it is paired with; a name two paired Python types
    share stands for neither (the comparison cannot tell which is meant)."""
    found: dict[str, str | None] = {}
    for py, ex in pairs:
        if py.kind in _OBJECT_KINDS and ex.kind is TypeKind.STRUCT:
            found[py.name] = ex.path if found.get(py.name, ex.path) == ex.path else None
    return found.get


_BEHAVIOUR_KINDS = frozenset(
    {
        FindingKind.MISSING_IN_ELIXIR,
        FindingKind.MISSING_IN_PYTHON,
        FindingKind.TYPE_MISMATCH,
        FindingKind.DEFAULT_MISMATCH,
        FindingKind.OPTIONALITY_MISMATCH,
        FindingKind.REPRESENTATION_DIFFERENCE,
    }
)


def _lost_params(client_pairs: list[ClientPair]) -> dict[str, list[str]]:
    """The Python client parameters the port's operations do not take (a high `missing_in_elixir` of the clients
    comparison), by name → the operations (`TrainingClient.load_state`), in report order."""
    lost: dict[str, list[str]] = {}
    for pair in client_pairs:
        for row in pair.rows:
            for param in row.params:
                missing = [
                    f for f in param.findings if f.kind is FindingKind.MISSING_IN_ELIXIR and f.severity is Severity.HIGH
                ]
                if missing and param.python is not None and row.python is not None:
                    lost.setdefault(param.python.name, []).append(f"{pair.python.name}.{row.python.name}")
    return lost


def _weigh_unused(ex_type: TypeDef, findings: list[Finding]) -> None:
    """A struct nothing of the port builds or reads (`direction.unused_structs`): what its fields do reaches no
    user, so behaviour findings about it are low, the reason in the message. Its docs keep their weight."""
    for finding in findings:
        if finding.kind in _BEHAVIOUR_KINDS and finding.level.rank > Severity.LOW.rank:
            finding.severity = Severity.LOW
            finding.message += (
                f" Nothing in the port builds or reads `{ex_type.path}` (no other module names it): this reaches no"
                " user of the port."
            )


def run_parity(
    python: SdkModel,
    elixir: SdkModel,
    settings: Settings,
    notes: list[Note] | None = None,
    *,
    model_names: bool = False,
    clients: bool = False,
    constants: bool = False,
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
    struct_for = _struct_for_factory(matched.pairs)
    renamed = {p.name: e.name for p, e in matched.pairs if p.name != e.name}
    ex_by_name = _unique_by_name(elixir)
    # the port's type for a Python name: the one paired with it, else the one of that name
    paired = {**{name: t.path for name, t in ex_by_name.items()}, **{p.name: e.path for p, e in matched.pairs}}
    pairs: list[PairReport] = []
    client_types = ParameterTypes.of(python.clients)
    unused = unused_structs(elixir)
    usage = PortUsage.of(elixir)
    client_pairs = compare_clients(python, elixir, settings) if clients else []
    lost_params = _lost_params(client_pairs)
    for (py_type, ex_type), reason in zip(matched.pairs, matched.reasons, strict=True):
        direction = type_direction(py_type, ex_type, settings.type_directions, client_types)
        is_enum = py_type.kind in ALIAS_KINDS and ex_type.kind is TypeKind.ENUM_TYPE
        ex_union = elixir_union_members(ex_type)
        is_union = py_type.kind is TypeKind.UNION_ALIAS and len(ex_union) >= 2
        is_alias = not is_enum and not is_union and ex_type.kind in ELIXIR_ALIAS_KINDS
        rules: tuple[Rule, ...]
        shape: UnionShape | None = None
        if is_enum:
            py_members, ex_members = _member_fields(py_type), _member_fields(ex_type)
            rows_raw = match_fields(py_members, ex_members, _recased_members(py_members, ex_members))
            rules = (rule_missing,)  # members only exist or not
        elif is_union:
            # members by name, or by the names of types already paired (`Foo` ↔ `FooStruct`)
            py_members = [
                FieldDef(name=n, line=py_type.member_lines.get(n, py_type.line)) for n in python_union_members(py_type)
            ]
            ex_members = [FieldDef(name=n, line=ex_type.member_lines.get(n, ex_type.line)) for n in ex_union]
            rows_raw = match_fields(py_members, ex_members, renamed)
            rules = (rule_missing,)
            shape = union_shape(py_type, ex_type, [(r.python, r.elixir) for r in rows_raw], paired, ex_by_name)
        elif is_alias:
            # an alias has one thing to compare: the type it stands for
            rows_raw = [FieldPair(_alias_value(py_type), _alias_value(ex_type), "value")]
            rules = (rule_type,)
        else:
            aliases = field_aliases_for(py_type, settings.field_aliases)
            rows_raw = match_fields(py_type.fields, ex_type.fields, aliases)
            rules = FIELD_RULES
        rows = []
        for raw in rows_raw:
            ex_field, how = raw.elixir, raw.how
            if rules is FIELD_RULES:
                ex_field = with_prose_doc(ex_type, ex_field)
                if ex_field is None and (function := property_function(ex_type, raw.python)) is not None:
                    ex_field, how = function, "function"
            if shape is not None and (
                (raw.python is not None and raw.python.name in shape.python_members)
                or (raw.python is None and raw.elixir is not None and raw.elixir.name in shape.elixir_members)
            ):
                rows.append(FieldRow(raw.python, ex_field, how, []))  # the pair's `union_shape` finding says it
                continue
            ctx = FieldContext(
                py_type,
                ex_type,
                raw.python,
                ex_field,
                how,
                py_ctx,
                same_model,
                ex_enums,
                memo,
                struct_for,
                direction,
                usage,
                py_type.name in client_types.taken,
                lost_params,
            )
            rows.append(FieldRow(raw.python, ex_field, how, [f for rule in rules for f in rule(ctx)]))
        if ex_type.path in unused:
            _weigh_unused(ex_type, [f for row in rows for f in row.findings])
        pairs.append(
            PairReport(
                py_type,
                ex_type,
                rows,
                [*type_doc_findings(py_type, ex_type), *([shape.finding] if shape is not None else [])],
                is_enum=is_enum,
                is_union=is_union,
                is_alias=is_alias,
                reason=reason,
                direction=direction,
                unused_in_port=ex_type.path in unused,
            )
        )
    report = ParityReport(python, elixir, pairs, matched.unmatched_python, matched.unmatched_elixir)
    report.warnings.extend(matched.warnings)
    report.config_problems = unresolved_entries(settings, python, elixir)
    report.warnings.extend(f"configuration: {p}" for p in report.config_problems)
    if model_names:
        add_model_name_findings(report, settings)
    report.client_pairs = client_pairs
    if constants:
        report.constant_rows = compare_constants(python.constants, elixir.constants, settings.constant_map)
        report.module_rows = compare_modules(python.modules, elixir.types, matched.pairs, settings.module_map)
    if notes:
        apply_notes(report, notes, warn_unused=warn_unused)
    return report
