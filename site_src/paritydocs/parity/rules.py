"""One small rule per finding kind. Each takes a `FieldContext` (or `TypeContext`) and returns findings.

Rules never guess: when either side cannot be read (unknown type, unresolved default) they stay silent or
say so with `default_unresolved`, never with a mismatch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from paritydocs.model import Default, FieldDef, Location, TypeDef
from paritydocs.parity.annotations import (
    PyContext,
    elixir_atoms,
    nullable,
    python_atoms,
    types_compatible,
)
from paritydocs.parity.findings import Finding, FindingKind

MS_PER_S = 1000


@dataclass(slots=True)
class FieldContext:
    python_type: TypeDef
    elixir_type: TypeDef
    python: FieldDef | None
    elixir: FieldDef | None
    how: str
    py_ctx: PyContext
    same_model: Callable[[str, str], bool]
    ex_enums: Mapping[str, list[Any]] = field(default_factory=dict)
    memo: dict[tuple[Any, ...], frozenset[Any]] = field(default_factory=dict)
    """Reduced annotations of this run, shared by every field: the same few texts recur thousands of times."""

    def py_atoms(self, annotation: str, *, expand: bool = True) -> frozenset[Any]:
        key = ("py", annotation, expand)
        if key not in self.memo:
            self.memo[key] = python_atoms(annotation, self.py_ctx if expand else self.py_ctx.kept())
        return self.memo[key]

    def ex_atoms(self, spec: str, *, enums: bool = True) -> frozenset[Any]:
        key = ("ex", spec, enums)
        if key not in self.memo:
            self.memo[key] = elixir_atoms(spec, self.ex_enums if enums else None)
        return self.memo[key]

    @property
    def unit_scaled(self) -> bool:
        """Python seconds against Elixir milliseconds (`timeout` ↔ `timeout_ms`, or an alias to a `_ms` name)."""
        return bool(
            self.python and self.elixir and self.elixir.name.endswith("_ms") and not self.python.name.endswith("_ms")
        )

    @property
    def subject(self) -> str:
        py = f"{self.python_type.path}.{self.python.name}" if self.python else f"{self.python_type.path}.-"
        ex = f"{self.elixir_type.path}.{self.elixir.name}" if self.elixir else f"{self.elixir_type.path}.-"
        return f"{py}|{ex}"

    @property
    def py_loc(self) -> Location | None:
        if self.python is None:
            return None
        return Location(self.python_type.file, self.python.line or self.python_type.line)

    @property
    def ex_loc(self) -> Location | None:
        if self.elixir is None:
            return None
        return Location(self.elixir_type.file, self.elixir.line or self.elixir_type.line)

    def finding(self, kind: FindingKind, message: str) -> Finding:
        return Finding(kind, message, python=self.py_loc, elixir=self.ex_loc, subject=self.subject)


# ---- how values read in each language -------------------------------------------------------------


def py_value(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return repr(value)


def ex_value(value: Any) -> str:
    if value is None:
        return "nil"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        sign, digits = ("-", str(-value)) if value < 0 else ("", str(value))
        if len(digits) > 4:
            groups: list[str] = []
            while digits:
                groups.insert(0, digits[-3:])
                digits = digits[:-3]
            digits = "_".join(groups)
        return sign + digits
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(ex_value(v) for v in value) + "]"
    return str(value)


def values_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0) or a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def _elixir_default(field: FieldDef) -> Default:
    """A struct key without a default is nil."""
    return field.default or Default(expr="nil", value=None, resolved=True)


def _is_nil(default: Default) -> bool:
    return default.resolved and default.value is None


# ---- rules -------------------------------------------------------------------------------------


def rule_missing(ctx: FieldContext) -> list[Finding]:
    if ctx.python is not None and ctx.elixir is None:
        return [
            ctx.finding(
                FindingKind.MISSING_IN_ELIXIR,
                f"Python field `{ctx.python.name}` has no counterpart in Elixir `{ctx.elixir_type.path}`.",
            )
        ]
    if ctx.elixir is not None and ctx.python is None:
        return [
            ctx.finding(
                FindingKind.MISSING_IN_PYTHON,
                f"Elixir field `{ctx.elixir.name}` has no counterpart in Python `{ctx.python_type.name}`.",
            )
        ]
    return []


def rule_type(ctx: FieldContext) -> list[Finding]:
    if ctx.python is None or ctx.elixir is None or not ctx.python.annotation or not ctx.elixir.annotation:
        return []
    ex = ctx.ex_atoms(ctx.elixir.annotation)
    ex_kept = ctx.ex_atoms(ctx.elixir.annotation, enums=False)
    # Aliases may be carried either way: `LossFnType` as `LossFnType.t()` or as the strings it allows.
    for expand in (True, False):
        py = ctx.py_atoms(ctx.python.annotation, expand=expand)
        for ex_variant in (ex, ex_kept):
            if ctx.unit_scaled:
                # float seconds become integer milliseconds: the number kind may change with the unit.
                numeric = {("int",), ("float",), ("number",)}
                py = frozenset(("number",) if a in numeric else a for a in py)
                ex_variant = frozenset(("number",) if a in numeric else a for a in ex_variant)
            if types_compatible(py, ex_variant, ctx.same_model):
                return []
    return [
        ctx.finding(
            FindingKind.TYPE_MISMATCH,
            f"Python `{ctx.python.name}: {ctx.python.annotation}` vs "
            f"Elixir `{ctx.elixir.name}: {ctx.elixir.annotation}`.",
        )
    ]


def _optionality_problem(ctx: FieldContext) -> str | None:
    assert ctx.python is not None and ctx.elixir is not None
    py, ex = ctx.python, ctx.elixir
    ex_default = _elixir_default(ex)
    ex_nullable = nullable(ctx.ex_atoms(ex.annotation)) if ex.annotation else True
    py_nullable = nullable(ctx.py_atoms(py.annotation)) if py.annotation else False
    py_default_none = py.default is not None and _is_nil(py.default)
    if py.required and not ex.required and _is_nil(ex_default):
        return f"required in Python; optional in Elixir (`{ex.name}` is not in `@enforce_keys` and defaults to nil)."
    if not py.required and ex.required:
        return f"optional in Python (has a default); required in Elixir (`{ex.name}` is in `@enforce_keys`)."
    if py_default_none and py_nullable and not _is_nil(ex_default) and not ex_nullable:
        return (
            f"optional in Python (`{py.annotation}`, default None); in Elixir it defaults to "
            f"`{ex_default.expr}` and its typespec `{ex.annotation}` does not admit nil."
        )
    return None


def rule_optionality(ctx: FieldContext) -> list[Finding]:
    if ctx.python is None or ctx.elixir is None:
        return []
    problem = _optionality_problem(ctx)
    if problem is None:
        return []
    return [ctx.finding(FindingKind.OPTIONALITY_MISMATCH, f"`{ctx.python.name}` is {problem}")]


def rule_default(ctx: FieldContext) -> list[Finding]:
    if ctx.python is None or ctx.elixir is None or ctx.python.required or ctx.elixir.required:
        return []
    if _optionality_problem(ctx) is not None:
        return []  # the optionality finding already names both defaults
    py = ctx.python.default
    if py is None:
        return []
    ex = _elixir_default(ctx.elixir)
    if not py.resolved or not ex.resolved:
        side = " and ".join(s for s, d in (("Python", py), ("Elixir", ex)) if not d.resolved)
        return [
            ctx.finding(
                FindingKind.DEFAULT_UNRESOLVED,
                f"Default of `{ctx.python.name}` cannot be compared statically ({side} side): "
                f"Python `{py.expr}`, Elixir `{ex.expr}`.",
            )
        ]
    if ctx.unit_scaled:
        if _is_nil(py) or _is_nil(ex) or not _number(py.value) or not _number(ex.value):
            if values_equal(py.value, ex.value):
                return []
            return [
                ctx.finding(
                    FindingKind.DEFAULT_MISMATCH,
                    f"Python `{ctx.python.name}` = {py_value(py.value)} s; "
                    f"Elixir `{ctx.elixir.name}` = {ex_value(ex.value)} ms.",
                )
            ]
        if values_equal(py.value * MS_PER_S, ex.value):
            return []
        return [
            ctx.finding(
                FindingKind.DEFAULT_MISMATCH,
                f"Python `{ctx.python.name}` = {py_value(py.value)} s ({ex_value(_ms(py.value))} ms); "
                f"Elixir `{ctx.elixir.name}` = {ex_value(ex.value)} ms.",
            )
        ]
    if values_equal(py.value, ex.value):
        return []
    return [
        ctx.finding(
            FindingKind.DEFAULT_MISMATCH,
            f"Python `{ctx.python.name}` defaults to {py_value(py.value)}; "
            f"Elixir `{ctx.elixir.name}` defaults to {ex_value(ex.value)}.",
        )
    ]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ms(seconds: float) -> int | float:
    ms = seconds * MS_PER_S
    return int(ms) if float(ms).is_integer() else ms


def rule_unit(ctx: FieldContext) -> list[Finding]:
    if not ctx.unit_scaled:
        return []
    assert ctx.python is not None and ctx.elixir is not None
    py, ex = ctx.python.default, ctx.elixir.default
    if py and ex and py.resolved and ex.resolved and _number(py.value) and _number(ex.value):
        if not values_equal(py.value * MS_PER_S, ex.value):
            return []  # the default rule reports the mismatch
        text = (
            f"Python `{ctx.python.name}` {py_value(py.value)} s = Elixir `{ctx.elixir.name}` {ex_value(ex.value)} ms."
        )
    else:
        text = f"Python `{ctx.python.name}` is in seconds; Elixir `{ctx.elixir.name}` is in milliseconds."
    return [ctx.finding(FindingKind.UNIT_DIFFERENCE, text)]


def rule_docs(ctx: FieldContext) -> list[Finding]:
    if ctx.python is None or ctx.elixir is None:
        return []
    if ctx.python.doc and not ctx.elixir.doc:
        return [
            ctx.finding(
                FindingKind.DOC_MISSING_IN_ELIXIR,
                f"`{ctx.python.name}` is documented in Python (\u201c{_first_line(ctx.python.doc)}\u201d) "
                f"but `{ctx.elixir.name}` has no doc in Elixir.",
            )
        ]
    if ctx.elixir.doc and not ctx.python.doc:
        return [
            ctx.finding(
                FindingKind.DOC_MISSING_IN_PYTHON,
                f"`{ctx.elixir.name}` is documented in Elixir but `{ctx.python.name}` has no docstring in Python.",
            )
        ]
    return []


def _first_line(text: str, limit: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"


Rule = Callable[[FieldContext], list[Finding]]

FIELD_RULES: tuple[Rule, ...] = (rule_missing, rule_type, rule_optionality, rule_default, rule_unit, rule_docs)


def type_doc_findings(python_type: TypeDef, elixir_type: TypeDef) -> list[Finding]:
    subject = f"{python_type.path}|{elixir_type.path}"
    py_loc, ex_loc = python_type.location, elixir_type.location
    if python_type.doc and not elixir_type.doc:
        return [
            Finding(
                FindingKind.DOC_MISSING_IN_ELIXIR,
                f"`{python_type.name}` has a class docstring; `{elixir_type.path}` has no `@moduledoc`.",
                python=py_loc,
                elixir=ex_loc,
                subject=subject,
            )
        ]
    if elixir_type.doc and not python_type.doc:
        return [
            Finding(
                FindingKind.DOC_MISSING_IN_PYTHON,
                f"`{elixir_type.path}` has a `@moduledoc`; Python `{python_type.name}` has no class docstring.",
                python=py_loc,
                elixir=ex_loc,
                subject=subject,
            )
        ]
    return []
