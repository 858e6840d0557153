"""Matching: which Elixir module is the port of which Python type, and which field of which field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from paritydocs.model import FieldDef, SdkModel, TypeDef, TypeKind

PAIRABLE_ELIXIR_KINDS = {TypeKind.STRUCT, TypeKind.ENUM_TYPE}
ALIAS_KINDS = {TypeKind.LITERAL_ALIAS, TypeKind.UNION_ALIAS, TypeKind.ENUM}


@dataclass(slots=True)
class TypeMatch:
    pairs: list[tuple[TypeDef, TypeDef]]
    unmatched_python: list[TypeDef]
    unmatched_elixir: list[TypeDef]


def _lookup(mapping: Mapping[str, str], typedef: TypeDef) -> str | None:
    for key in (typedef.path, typedef.public_path, typedef.name):
        if key and key in mapping:
            return mapping[key]
    return None


def _python_candidates(typedef: TypeDef, prefixes: Mapping[str, str]) -> list[str]:
    """Elixir module names the naming convention proposes for a Python type."""
    names = []
    for py_prefix, ex_prefix in prefixes.items():
        for path in (typedef.public_path, typedef.path):
            if path and (path == py_prefix or path.startswith(py_prefix + ".")):
                names.append(f"{ex_prefix}.{typedef.name}")
    return names


def _in_scope(module: TypeDef, prefixes: Mapping[str, str], explicit: set[str]) -> bool:
    """Elixir modules we expect a Python counterpart for: structs/enums under a mapped prefix, or named in the map."""
    if module.path in explicit:
        return True
    if module.kind not in PAIRABLE_ELIXIR_KINDS:
        return False
    return any(module.path.startswith(ex + ".") for ex in prefixes.values())


def is_pairable_python(typedef: TypeDef) -> bool:
    """Plain `TypeAlias = str` names have nothing to compare field by field; they stay out of pairing."""
    return typedef.kind is not TypeKind.TYPE_ALIAS


def match_types(
    python: SdkModel, elixir: SdkModel, *, prefixes: Mapping[str, str], type_map: Mapping[str, str]
) -> TypeMatch:
    modules = {m.path: m for m in elixir.types}
    pairs: list[tuple[TypeDef, TypeDef]] = []
    unmatched_python: list[TypeDef] = []
    taken: set[str] = set()
    for typedef in python.types:
        if not is_pairable_python(typedef):
            continue
        explicit = _lookup(type_map, typedef)
        candidates = [explicit] if explicit else _python_candidates(typedef, prefixes)
        target = next((modules[c] for c in candidates if c in modules and c not in taken), None)
        if target is None:
            unmatched_python.append(typedef)
            continue
        taken.add(target.path)
        pairs.append((typedef, target))
    explicit_targets = set(type_map.values())
    unmatched_elixir = [m for m in elixir.types if m.path not in taken and _in_scope(m, prefixes, explicit_targets)]
    return TypeMatch(pairs, unmatched_python, unmatched_elixir)


def unit_partner(name: str) -> str:
    """The millisecond twin of a seconds field: `progress_timeout` → `progress_timeout_ms`."""
    return f"{name}_ms"


def field_aliases_for(typedef: TypeDef, aliases: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    merged: dict[str, str] = dict(aliases.get("*", {}))
    for key in (typedef.name, typedef.public_path, typedef.path):
        if key and key in aliases:
            merged.update(aliases[key])
    return merged


@dataclass(slots=True)
class FieldPair:
    python: FieldDef | None
    elixir: FieldDef | None
    how: str
    """`name`, `alias`, `unit`, or `` for a one-sided row."""


def match_fields(
    python_fields: list[FieldDef], elixir_fields: list[FieldDef], aliases: Mapping[str, str]
) -> list[FieldPair]:
    """Pair fields: configured aliases first, then equal names, then the `x` ↔ `x_ms` convention.

    Rows follow Python order; Elixir-only fields come last in Elixir order.
    """
    by_name = {f.name: f for f in elixir_fields}
    used: set[str] = set()
    rows: list[FieldPair] = []
    for field in python_fields:
        partner: FieldDef | None = None
        how = ""
        for candidate, kind in (
            (aliases.get(field.name), "alias"),
            (field.name, "name"),
            (unit_partner(field.name), "unit"),
        ):
            if candidate and candidate in by_name and candidate not in used:
                partner, how = by_name[candidate], kind
                break
        if partner is not None:
            used.add(partner.name)
        rows.append(FieldPair(field, partner, how))
    rows.extend(FieldPair(None, f, "") for f in elixir_fields if f.name not in used)
    return rows
