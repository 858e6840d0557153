"""The typed records of a parity report: rows, type pairs, client pairs and the report that holds them all.

Type pairs (`PairReport`, rows of `FieldRow`) and client pairs (`ClientPair`, rows of `MethodRow`, whose
parameters are `ParamRow`s) are read alike by the notes and the renderer: both have `python`/`elixir`
definitions, `findings`, `notes` and `rows`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from paritydocs.model import (
    ConstantDef,
    Default,
    FieldDef,
    FunctionDef,
    Location,
    ModuleDef,
    ParamDef,
    SdkModel,
    TypeDef,
    TypeKind,
)
from paritydocs.modelnames import Occurrence
from paritydocs.parity.direction import UNKNOWN, DirectionCall
from paritydocs.parity.findings import Finding, FindingKind, Severity
from paritydocs.parity.matching import PairReason
from paritydocs.python.docstrings import DocParts

__all__ = [
    "ClientPair",
    "ConstantRow",
    "FieldRow",
    "IndirectRead",
    "MethodRow",
    "ModuleRow",
    "PairReport",
    "ParamRow",
    "ParityReport",
    "Row",
    "Side",
    "doc_coverage",
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
    is_union: bool = False
    """A Python union alias paired with an Elixir union of struct types: rows are the member types."""
    is_alias: bool = False
    """A Python alias paired with an Elixir `@type` alias: one row, the type each stands for."""
    reason: PairReason | None = None
    """Why the two are a pair (`parity.matching.match_types`)."""
    direction: DirectionCall = UNKNOWN
    """Which way the type's data flows (`parity.direction`): it weighs the optionality findings."""
    unused_in_port: bool = False
    """Nothing of the port builds or reads the Elixir struct (`parity.direction.unused_structs`)."""

    @property
    def slug(self) -> str:
        return self.python.name

    @property
    def elixir_module(self) -> str:
        """The module whose HexDocs page documents the Elixir side: the module, or the one an alias is in."""
        return self.elixir.path.rsplit(".", 1)[0] if self.is_alias_type else self.elixir.path

    @property
    def elixir_anchor(self) -> str | None:
        """HexDocs' anchor of the type on its module's page: a `@type` alias's (`t:loss_fn_inputs/0`), a
        struct's or enum's `@type t` (`t:t/0`); None for a module without one."""
        if self.is_alias_type:
            return f"t:{self.elixir.name}/0"
        return "t:t/0" if self.elixir.annotation is not None else None

    @property
    def is_alias_type(self) -> bool:
        return self.elixir.kind in (TypeKind.TYPE_ALIAS, TypeKind.UNION_ALIAS)

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for row in self.rows for f in row.findings)]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "python": self.python.public_path or self.python.path,
            "python_path": self.python.path,
            "elixir": self.elixir.path,
            "kind": "members" if self.is_enum else "union" if self.is_union else "alias" if self.is_alias else "fields",
            "fields": [r.to_json() for r in self.rows],
            "findings": [f.to_json() for f in self.findings],
        }
        if self.reason is not None:
            data["paired_by"] = self.reason.to_json()
        if self.direction.evidence:
            data["direction"] = {"flow": self.direction.direction.value, "evidence": self.direction.evidence}
        if self.unused_in_port:
            data["unused_in_port"] = True
        if self.notes:
            data["notes"] = list(self.notes)
        return data


# --------------------------------------------------------------------------------------------
# Results: clients side by side


@dataclass(slots=True)
class IndirectRead:
    """An option the module reads from an opts-like variable outside the compared function."""

    key: str
    module: str
    file: str
    function: str
    """The function whose clause reads it (`handle_call`, a `defp` helper, …)."""
    arity: int
    keyword: str
    line: int
    default: Default | None
    how: str
    """`get`, `fetch`, `fetch!` or `access`."""

    def to_json(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "function": f"{self.function}/{self.arity}",
            "file": self.file,
            "line": self.line,
            "default": self.default.to_json() if self.default else None,
        }


@dataclass(slots=True)
class ParamRow(Row[ParamDef]):
    """One parameter, on either side or both. `how`: `name`, `alias`, `position`, `indirect` (an option the
    module reads elsewhere), `receiver`, `opts`, `variadic`, or ``."""

    indirect: list[IndirectRead] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = Row.to_json(self)  # zero-argument super() does not work in slotted dataclasses
        if self.indirect:
            data["read_in"] = [r.to_json() for r in self.indirect]
        return data


@dataclass(slots=True)
class MethodRow:
    """One operation: the Python method (and its `_async` twin) beside the Elixir function (all arities)."""

    python: FunctionDef | None
    python_async: FunctionDef | None
    elixir: FunctionDef | None
    """The arity with the most parameters; its params carry the options of every arity."""
    params: list[ParamRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """Findings about the operation itself (missing, docs); parameter findings are on `params`."""
    how: str = ""
    """`name`, `alias`, `suffix` (Elixir `!`/`?` stripped), `async` (only the twins' names agree), `hidden`
    (a public Elixir function without docs: `@doc false` / `@impl`), or `` when one-sided."""
    elixir_async: FunctionDef | None = None
    elixir_arities: list[int] = field(default_factory=list)
    elixir_variants: list[FunctionDef] = field(default_factory=list)
    """Other Elixir functions folded into the operation (a raising `name!`)."""
    notes: list[str] = field(default_factory=list)
    python_doc: DocParts = field(default_factory=DocParts)

    @property
    def name(self) -> str:
        fn = self.python or self.python_async or self.elixir or self.elixir_async
        assert fn is not None
        return fn.name

    @property
    def elixir_name(self) -> str | None:
        fn = self.elixir or self.elixir_async
        return fn.name if fn else None

    @property
    def hexdocs_anchor(self) -> str | None:
        """HexDocs' anchor of the Elixir function (`submit/3`)."""
        fn = self.elixir or self.elixir_async
        return f"{fn.name}/{fn.arity}" if fn is not None and fn.arity is not None else None

    @property
    def elixir_signature(self) -> str | None:
        """`name/2,3` for every arity of the function."""
        fn = self.elixir or self.elixir_async
        if fn is None:
            return None
        arities = self.elixir_arities or ([fn.arity] if fn.arity is not None else [])
        return f"{fn.name}/{','.join(str(a) for a in arities)}"

    @property
    def python_location(self) -> Location | None:
        fn = self.python or self.python_async
        return Location(fn.file or "", fn.line) if fn else None

    @property
    def elixir_location(self) -> Location | None:
        fn = self.elixir or self.elixir_async
        return Location(fn.file or "", fn.line) if fn else None

    @property
    def elixir_head(self) -> str | None:
        """The Elixir function head as written, defaults included: `add_item(client, sku, opts \\\\ [])`."""
        fn = self.elixir or self.elixir_async
        if fn is None:
            return None
        params = [f"{p.name} \\\\ {p.default.expr}" if p.default else p.name for p in fn.params if p.kind != "option"]
        return f"{fn.name}({', '.join(params)})"

    @property
    def status(self) -> str:
        if self.python is None and self.python_async is None:
            return "elixir_only"
        if self.elixir is None and self.elixir_async is None:
            return "python_only"
        return "both"

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for p in self.params for f in p.findings)]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "status": self.status,
            "match": self.how or None,
            "python": _fn_json(self.python),
            "python_async": _fn_json(self.python_async),
            "elixir": _fn_json(self.elixir),
            "elixir_async": _fn_json(self.elixir_async),
            "elixir_arities": list(self.elixir_arities),
            "params": [p.to_json() for p in self.params],
            "findings": [f.to_json() for f in self.findings],
        }
        if self.elixir_variants:
            data["elixir_variants"] = [f"{f.name}/{f.arity}" for f in self.elixir_variants]
        if self.notes:
            data["notes"] = list(self.notes)
        return data


def _fn_json(fn: FunctionDef | None) -> dict[str, Any] | None:
    if fn is None:
        return None
    data = fn.to_json()
    if fn.file:
        data["file"] = fn.file
    return data


@dataclass(slots=True)
class ClientPair:
    """A Python client class beside its Elixir module."""

    python: TypeDef
    elixir: TypeDef
    rows: list[MethodRow]
    findings: list[Finding] = field(default_factory=list)
    """Type-level findings (the class docstring against `@moduledoc`)."""
    notes: list[str] = field(default_factory=list)
    python_doc: DocParts = field(default_factory=DocParts)

    def all_findings(self) -> list[Finding]:
        return [*self.findings, *(f for row in self.rows for f in row.all_findings())]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "python": self.python.public_path or self.python.path,
            "python_path": self.python.path,
            "elixir": self.elixir.path,
            "operations": [r.to_json() for r in self.rows],
            "findings": [f.to_json() for f in self.findings],
        }
        if self.notes:
            data["notes"] = list(self.notes)
        return data


@dataclass(slots=True)
class ConstantRow:
    """One constant on both sides (or on one side only), with its findings."""

    python: ConstantDef | None
    elixir: ConstantDef | None
    how: str
    """`name`, `unit` (the names differ by a unit: seconds against milliseconds), `config` or `` (one side)."""
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """`equal`, `differs`, `unresolved`, `python_only` or `elixir_only`."""
        if self.elixir is None:
            return "python_only"
        if self.python is None:
            return "elixir_only"
        kinds = {f.kind for f in self.findings}
        if FindingKind.CONSTANT_MISMATCH in kinds:
            return "differs"
        if FindingKind.CONSTANT_EQUAL in kinds:
            return "equal"
        return "unresolved"

    @property
    def group(self) -> str:
        """The module the row is listed under: the Python constant's, else the Elixir one's."""
        return (self.python or self.elixir).owner  # type: ignore[union-attr]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "python": self.python.to_json() if self.python else None,
            "elixir": self.elixir.to_json() if self.elixir else None,
            "match": self.how or None,
            "status": self.status,
            "findings": [f.to_json() for f in self.findings],
        }
        if self.notes:
            data["notes"] = list(self.notes)
        return data


@dataclass(slots=True)
class ModuleRow:
    """A module of the Python SDK, and the port's module that implements it (or None: listed as unmapped)."""

    python: ModuleDef
    elixir: TypeDef | None
    how: str
    """`module_map`, `mirrors`, `types`, `name`, or `` when unmapped."""
    evidence: str
    """Why the two are paired, or what was searched (or why the module is not compared)."""

    @property
    def status(self) -> str:
        """`mapped`, `unmapped`, or `empty` (the module defines nothing public)."""
        if self.elixir is not None:
            return "mapped"
        return "empty" if not self.python.classes and not self.python.functions else "unmapped"

    def to_json(self) -> dict[str, Any]:
        return {
            "python": self.python.path,
            "file": self.python.file,
            "classes": list(self.python.classes),
            "functions": list(self.python.functions),
            "elixir": self.elixir.path if self.elixir else None,
            "match": self.how or None,
            "status": self.status,
            "evidence": self.evidence,
        }


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
    config_problems: list[str] = field(default_factory=list)
    """Configuration entries that name nothing in the trees (`parity.entries`); also among `warnings`."""
    model_names: list[Occurrence] = field(default_factory=list)
    """`modelnames.Occurrence`s of outdated model names in either tree."""
    client_pairs: list[ClientPair] = field(default_factory=list)
    """Client class ↔ client module comparisons (`clients.ClientPair`)."""
    constant_rows: list[ConstantRow] = field(default_factory=list)
    """Constants side by side (`constants.compare_constants`)."""
    module_rows: list[ModuleRow] = field(default_factory=list)
    """Every Python module beside the port's module (`modules.compare_modules`)."""

    def all_findings(self) -> list[Finding]:
        return [
            *(f for p in self.pairs for f in p.all_findings()),
            *self.extra_findings,
            *(f for cp in self.client_pairs for f in cp.all_findings()),  # clients side by side
            *(f for row in self.constant_rows for f in row.findings),
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
            "elixir": {
                "source": ex.spec,
                "version": ex.version,
                "ref": ex.ref,
                **({"mirrors": ex.mirrors} if ex.mirrors else {}),
            },
            "pairs": [p.to_json() for p in self.pairs],
            "unmatched": {
                "python": [t.public_path or t.path for t in self.unmatched_python],
                "elixir": [t.path for t in self.unmatched_elixir],
            },
            "findings": [f.to_json() for f in self.extra_findings],
            "model_names": [o.to_json() for o in self.model_names],
            "clients": [cp.to_json() for cp in self.client_pairs],  # clients side by side
            "constants": [row.to_json() for row in self.constant_rows],
            "modules": [row.to_json() for row in self.module_rows],
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
