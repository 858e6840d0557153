"""Matching: which Elixir module is the port of which Python type, and which field of which field."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from paritydocs.model import FieldDef, SdkModel, TypeDef, TypeKind

PAIRABLE_ELIXIR_KINDS = {TypeKind.STRUCT, TypeKind.ENUM_TYPE}
ALIAS_KINDS = {TypeKind.LITERAL_ALIAS, TypeKind.UNION_ALIAS, TypeKind.ENUM}
PYTHON_ALIAS_KINDS = {TypeKind.TYPE_ALIAS, TypeKind.LITERAL_ALIAS, TypeKind.UNION_ALIAS}
ELIXIR_ALIAS_KINDS = {TypeKind.TYPE_ALIAS, TypeKind.UNION_ALIAS}
"""`@type` aliases of a module of aliases (`paritydocs.elixir.aliases`)."""

# The evidence that pairs two types, strongest first: a pair is made on the strongest evidence there is.
BY_TYPE_MAP = "type_map"
BY_MIRRORS = "mirrors"
BY_NAME = "name"
BY_TWIN = "twin"
BY_NAMESPACE = "namespace"
BY_ALIAS = "alias"
_RANK = {BY_TYPE_MAP: 0, BY_MIRRORS: 1, BY_NAME: 2, BY_TWIN: 2, BY_NAMESPACE: 3, BY_ALIAS: 4}
"""A `…Internal` wire twin is as strong as the name itself: field overlap decides between the two."""

_MIRRORS = re.compile(r"\bMirrors\s+(?:the\s+)?Python(?:'s)?\s+(?:`([A-Za-z_][\w.]*)[^`\n]*`|([A-Za-z_][\w.]*))")
_TWIN_SUFFIX = "Internal"
_REMOTE_T = re.compile(r"^[A-Z]\w*(?:\.[A-Z]\w*)*\.t\(\)$")


@dataclass(frozen=True, slots=True)
class PairReason:
    """Why two types are a pair: the evidence (`by`, one of the `BY_*` names) and the words that show it."""

    by: str
    evidence: str
    """What the evidence says, as it reads on the pair page: the `type_map` entry, the port's own sentence,
    the name under the prefix map."""
    passed_over: tuple[str, ...] = ()
    """Other candidates as strong, left for this one (their paths): the pair was chosen by field overlap."""

    @property
    def text(self) -> str:
        """One line for the pair page: the port's `@moduledoc` ("Mirrors Python tinker.types.X"), or what the
        evidence is and its words: the name under the prefix map (`tinker.types` → `Tinkex.Types`)."""
        what = {
            BY_TYPE_MAP: "configuration, `type_map`",
            BY_NAME: "the name under the prefix map",
            BY_TWIN: "the name of its `…Internal` wire twin under the prefix map",
            BY_NAMESPACE: "the name under a sub-namespace of the prefix map",
            BY_ALIAS: "the alias name",
        }.get(self.by)
        text = f"{what} ({self.evidence})" if what else self.evidence
        if self.passed_over:
            text += f"; chosen over {', '.join(f'`{p}`' for p in self.passed_over)}, whose fields overlap less"
        return text

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"by": self.by, "evidence": self.evidence}
        if self.passed_over:
            data["passed_over"] = list(self.passed_over)
        return data


@dataclass(slots=True)
class TypeMatch:
    pairs: list[tuple[TypeDef, TypeDef]]
    unmatched_python: list[TypeDef]
    unmatched_elixir: list[TypeDef]
    reasons: list[PairReason] = dataclass_field(default_factory=list)
    """Why each pair is one, in the order of `pairs`."""
    warnings: list[str] = dataclass_field(default_factory=list)
    """Choices a reader must know of: two candidates for one type, two types of one name."""


@dataclass(slots=True)
class _Candidate:
    python: TypeDef
    elixir: TypeDef
    reason: PairReason

    @property
    def rank(self) -> int:
        return _RANK[self.reason.by]


def _lookup(mapping: Mapping[str, str], typedef: TypeDef) -> str | None:
    for key in (typedef.path, typedef.public_path, typedef.name):
        if key and key in mapping:
            return mapping[key]
    return None


def _under(path: str | None, prefix: str) -> bool:
    return path is not None and (path == prefix or path.startswith(prefix + "."))


def _snake(name: str) -> str:
    """`LossFnInputs` → `loss_fn_inputs`, `ModelID` → `model_id`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _in_scope(module: TypeDef, prefixes: Mapping[str, str], explicit: set[str]) -> bool:
    """Elixir types we expect a Python counterpart for: structs, enums and `@type` aliases under a mapped
    prefix, or named in the map."""
    if module.path in explicit:
        return True
    if module.kind not in PAIRABLE_ELIXIR_KINDS | ELIXIR_ALIAS_KINDS:
        return False
    return any(module.path.startswith(ex + ".") for ex in prefixes.values())


def mirrored_names(doc: str | None) -> list[tuple[str, str]]:
    """The Python names a doc says the port mirrors, each with the words that say it (a backticked name kept
    whole): `Mirrors Python tinker.types.Datum.`, "Mirrors the Python `TryAgainResponse` schema",
    "Mirrors Python `LossFnInputs = Dict[str, TensorData]`"."""
    found = []
    for match in _MIRRORS.finditer(doc or ""):
        name = (match.group(1) or match.group(2)).rstrip(".")
        words = match.group(0) if match.group(1) else match.group(0).rstrip(".")
        found.append((name, " ".join(words.split())))
    return found


class _PythonIndex:
    """Python types by path, public path and short name, to resolve the names a port's doc mirrors."""

    def __init__(self, types: list[TypeDef]) -> None:
        self.by_path: dict[str, TypeDef] = {}
        self.by_name: dict[str, list[TypeDef]] = {}
        for t in types:
            for key in (t.path, t.public_path):
                if key:
                    self.by_path.setdefault(key, t)
            self.by_name.setdefault(t.name, []).append(t)

    def resolve(self, mirrored: str) -> TypeDef | None:
        """The one type a mirrored name means: by path, else by its last part when only one type has that
        name, in the same top-level package when the name is dotted (the port may cite the defining module,
        `tinker.types.stop_reason.StopReason`); else None."""
        if mirrored in self.by_path:
            return self.by_path[mirrored]
        root, _, _ = mirrored.partition(".")
        named = self.by_name.get(mirrored.rsplit(".", 1)[-1], [])
        if "." in mirrored:
            named = [t for t in named if t.path.partition(".")[0] == root]
        return named[0] if len(named) == 1 else None


def _mirror_index(python: SdkModel, elixir: SdkModel) -> dict[int, list[tuple[TypeDef, str]]]:
    """Python type (by id) → the Elixir types whose doc says they mirror it, with the sentence's words.

    A doc that mirrors several types (a module of aliases naming each of them) is evidence for none of them.
    """
    index = _PythonIndex(python.types)
    found: dict[int, list[tuple[TypeDef, str]]] = {}
    for module in elixir.types:
        said = mirrored_names(module.doc)
        resolved = {id(t): (t, words) for name, words in said if (t := index.resolve(name)) is not None}
        if len(resolved) == 1:
            ((typedef, words),) = resolved.values()
            where = "`@typedoc`" if module.kind in ELIXIR_ALIAS_KINDS else "`@moduledoc`"
            found.setdefault(id(typedef), []).append((module, f'the port\'s {where} ("{words}")'))
    return found


def _candidates(
    typedef: TypeDef,
    *,
    modules: Mapping[str, list[TypeDef]],
    by_name: Mapping[str, list[TypeDef]],
    mirrors: Mapping[int, list[tuple[TypeDef, str]]],
    prefixes: Mapping[str, str],
    type_map: Mapping[str, str],
) -> list[_Candidate]:
    """Every Elixir type that evidence proposes for a Python type, strongest evidence first."""
    found: list[_Candidate] = []

    def add(targets: list[TypeDef], by: str, evidence: str) -> None:
        found.extend(_Candidate(typedef, t, PairReason(by, evidence)) for t in targets)

    explicit = _lookup(type_map, typedef)
    if explicit:
        add(modules.get(explicit, []), BY_TYPE_MAP, f"`{typedef.public_path or typedef.path}` → `{explicit}`")
    for module, evidence in mirrors.get(id(typedef), []):
        found.append(_Candidate(typedef, module, PairReason(BY_MIRRORS, evidence)))
    plain_alias = typedef.kind is TypeKind.TYPE_ALIAS
    for py_prefix, ex_prefix in prefixes.items():
        if not any(_under(p, py_prefix) for p in (typedef.public_path, typedef.path)):
            continue
        rule = f"`{py_prefix}` → `{ex_prefix}`"
        if not plain_alias:
            add(modules.get(f"{ex_prefix}.{typedef.name}", []), BY_NAME, rule)
            if typedef.name.endswith(_TWIN_SUFFIX) and len(typedef.name) > len(_TWIN_SUFFIX):
                add(modules.get(f"{ex_prefix}.{typedef.name[: -len(_TWIN_SUFFIX)]}", []), BY_TWIN, rule)
            add(modules.get(f"{ex_prefix}.{typedef.name}{_TWIN_SUFFIX}", []), BY_TWIN, rule)
            nested = [
                m
                for m in by_name.get(typedef.name, [])
                if m.path.startswith(ex_prefix + ".") and m.path != f"{ex_prefix}.{typedef.name}"
            ]
            for module in nested:
                namespace = module.path.rsplit(".", 1)[0]
                add([module], BY_NAMESPACE, f"{rule}, under `{namespace}`")
        if typedef.kind in PYTHON_ALIAS_KINDS:
            snake = _snake(typedef.name)
            aliases = [
                m for m in by_name.get(snake, []) if m.kind in ELIXIR_ALIAS_KINDS and m.path.startswith(ex_prefix + ".")
            ]
            add(aliases, BY_ALIAS, f"`{typedef.name}` ↔ `@type {snake}` ({rule})")
    found.sort(key=lambda c: c.rank)  # stable: within one rank, the order above
    return found


def _field_names(typedef: TypeDef) -> set[str]:
    return {f.name for f in typedef.fields} | {str(m) for m in typedef.members}


def _overlap(a: TypeDef, b: TypeDef) -> int:
    return len(_field_names(a) & _field_names(b))


def _best(options: list[_Candidate], other: Callable[[_Candidate], TypeDef], anchor: TypeDef) -> _Candidate:
    """The candidate whose fields overlap `anchor`'s most; on a tie, a Python type the package exports (it has a
    public path: what users import) before one it does not, then the first (in evidence order)."""

    def score(option: _Candidate) -> tuple[int, bool]:
        candidate = other(option)
        return _overlap(candidate, anchor), candidate.public_path is not None

    best = options[0]
    for option in options[1:]:
        if score(option) > score(best):
            best = option
    return best


def _describe(typedef: TypeDef) -> str:
    where = f"{typedef.file}:{typedef.line}" if typedef.line else typedef.file
    return f"`{typedef.public_path or typedef.path}` ({where})"


def _duplicate_warnings(python: SdkModel, modules: Mapping[str, list[TypeDef]]) -> list[str]:
    """Two definitions of one name: both stay (in pairing and, when unpaired, in the unmatched lists)."""
    warnings = [
        f"Elixir module `{path}` is defined {len(found)} times ({', '.join(_describe(m) for m in found)}); "
        "the one whose fields overlap its Python type most is paired, the other stays unmatched"
        for path, found in modules.items()
        if len(found) > 1
    ]
    seen: dict[str, list[TypeDef]] = {}
    for t in python.types:
        seen.setdefault(t.public_path or t.path, []).append(t)
    warnings.extend(
        f"Python type `{path}` is defined {len(found)} times ({', '.join(f'`{t.path}`' for t in found)}); "
        "both take part in matching, and the one not paired is listed unmatched"
        for path, found in seen.items()
        if len(found) > 1
    )
    return warnings


def match_types(
    python: SdkModel, elixir: SdkModel, *, prefixes: Mapping[str, str], type_map: Mapping[str, str]
) -> TypeMatch:
    """Pair each Python type with its Elixir port on the strongest evidence there is (`PairReason`).

    Evidence, strongest first: `type_map`; the port's own "Mirrors Python X" in its `@moduledoc` (or an alias's
    `@typedoc`); the name under the prefix map (or its `…Internal` wire twin); the name under any sub-namespace
    of the prefix; a Python alias ↔ an Elixir `@type` alias of the same snake-case name. Two candidates as
    strong for one type (or two types for one module): the one whose fields overlap most wins, and a warning
    names both. Pairs follow Python order.
    """
    modules: dict[str, list[TypeDef]] = {}
    by_name: dict[str, list[TypeDef]] = {}
    for m in elixir.types:
        modules.setdefault(m.path, []).append(m)
        by_name.setdefault(m.name, []).append(m)
    mirrors = _mirror_index(python, elixir)
    candidates = {
        id(t): _candidates(t, modules=modules, by_name=by_name, mirrors=mirrors, prefixes=prefixes, type_map=type_map)
        for t in python.types
    }
    warnings: dict[str, None] = dict.fromkeys(_duplicate_warnings(python, modules))
    chosen: dict[int, _Candidate] = {}
    taken: set[int] = set()
    warned: set[tuple[int, int]] = set()
    for rank in sorted(set(_RANK.values())):
        while True:
            proposals: dict[int, list[_Candidate]] = {}
            for typedef in python.types:
                if id(typedef) in chosen:
                    continue
                options: list[_Candidate] = []
                for c in candidates[id(typedef)]:
                    if c.rank == rank and id(c.elixir) not in taken and all(o.elixir is not c.elixir for o in options):
                        options.append(c)
                if not options:
                    continue
                best = _best(options, lambda c: c.elixir, typedef)
                others = [c.elixir for c in options if c is not best]
                if others:
                    best.reason = PairReason(best.reason.by, best.reason.evidence, tuple(m.path for m in others))
                if others and (id(typedef), rank) not in warned:  # once: a loser re-proposes with fewer options
                    warned.add((id(typedef), rank))
                    warnings[
                        f"`{typedef.public_path or typedef.path}` has {len(options)} Elixir candidates as strong "
                        f"({', '.join(_describe(c.elixir) for c in options)}); paired with `{best.elixir.path}`, "
                        "whose fields overlap most"
                    ] = None
                proposals.setdefault(id(best.elixir), []).append(best)
            if not proposals:
                break
            for claims in proposals.values():
                claims.sort(key=lambda c: c.reason.by == BY_TWIN)  # on a tie, the exact name before the twin
                winner = _best(claims, lambda c: c.python, claims[0].elixir)
                if len(claims) > 1:
                    losers = tuple(c.python.public_path or c.python.path for c in claims if c is not winner)
                    reason = winner.reason
                    winner.reason = PairReason(reason.by, reason.evidence, (*reason.passed_over, *losers))
                    warnings[
                        f"`{winner.elixir.path}` has {len(claims)} Python candidates as strong "
                        f"({', '.join(_describe(c.python) for c in claims)}); paired with "
                        f"`{winner.python.public_path or winner.python.path}`, whose fields overlap most"
                    ] = None
                chosen[id(winner.python)] = winner
                taken.add(id(winner.elixir))
    pairs = [chosen[id(t)] for t in python.types if id(t) in chosen]
    unmatched_python = [t for t in python.types if id(t) not in chosen and _expects_port(t)]
    explicit_targets = set(type_map.values())
    unmatched_elixir = [
        m
        for m in elixir.types
        if id(m) not in taken and (_in_scope(m, prefixes, explicit_targets) or len(modules[m.path]) > 1)
    ]
    return TypeMatch(
        [(c.python, c.elixir) for c in pairs],
        unmatched_python,
        unmatched_elixir,
        reasons=[c.reason for c in pairs],
        warnings=list(warnings),
    )


def _expects_port(typedef: TypeDef) -> bool:
    """Unpaired Python types listed as unmatched: all but plain `TypeAlias = str` names, which need no port."""
    return typedef.kind is not TypeKind.TYPE_ALIAS


def python_union_members(typedef: TypeDef) -> list[str]:
    """The member type names of a Python union alias: `Annotated[Union[A, B], ...]`, `Union[A, B]`, `A | B`
    (`None` left out: optionality is not a member)."""
    text = (typedef.annotation or "").strip()
    if text.startswith("Annotated[") and text.endswith("]"):
        text = _split_top(text[len("Annotated[") : -1], ",")[0]
    if text.startswith(("Union[", "typing.Union[")) and text.endswith("]"):
        parts = _split_top(text[text.index("[") + 1 : -1], ",")
    else:
        parts = _split_top(text, "|")
    names = [p.rsplit(".", 1)[-1].strip("'\"") for p in parts]
    return [n for n in names if n and n != "None"] if len(parts) >= 2 else []


def elixir_union_members(typedef: TypeDef) -> list[str]:
    """The member module names (last part) of an Elixir union of struct types, `A.t() | B.t() | nil`: empty
    unless two or more members are `X.t()` and every member is one (or `nil`)."""
    parts = [p for p in _split_top(typedef.annotation or "", "|") if p != "nil"]
    if len(parts) < 2 or not all(_REMOTE_T.match(p) for p in parts):
        return []
    return [p[: -len(".t()")].rsplit(".", 1)[-1] for p in parts]


def _split_top(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside brackets, each part stripped (`||` is never a union bar)."""
    parts: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == sep and depth == 0 and text[i - 1 : i + 2] != "||":
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


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
    """`name`, `alias`, `unit`, `value` (an alias's aliased type), or `` for a one-sided row."""


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
