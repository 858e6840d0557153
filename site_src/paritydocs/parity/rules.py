"""One small rule per finding kind. Each takes a `FieldContext` (or `TypeContext`) and returns findings.

Rules never guess: when either side cannot be read (unknown type, unresolved default) they stay silent or
say so with `default_unresolved`, never with a mismatch.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from paritydocs.model import Default, FieldDef, Location, TypeDef, TypeKind
from paritydocs.parity.annotations import (
    BYTES_AS_STRING,
    DATETIME_AS_STRING,
    STRINGS_AS_ATOMS,
    STRINGS_AS_ATOMS_RECASED,
    Atom,
    PyContext,
    TypeComparison,
    compare_types,
    describe_atom,
    elixir_atoms,
    expand_local_types,
    model_as_map_names,
    nullable,
    python_atoms,
)
from paritydocs.parity.direction import UNKNOWN, Direction, DirectionCall, port_encoders
from paritydocs.parity.findings import Finding, FindingKind, Severity
from paritydocs.parity.usage import PortUsage, sites_text

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
    ex_enums: Mapping[str, frozenset[Atom]] = field(default_factory=dict)
    memo: dict[tuple[Any, ...], frozenset[Any]] = field(default_factory=dict)
    """Reduced annotations of this run, shared by every field: the same few texts recur thousands of times."""
    struct_for: Callable[[str], str | None] = lambda _name: None
    """A Python object type's name → the Elixir struct it is paired with (`annotations.compare_types`)."""
    direction: DirectionCall = UNKNOWN
    """Which way the pair's data flows (`parity.direction`)."""
    usage: PortUsage = field(default_factory=PortUsage)
    """Where the port builds and decodes each struct (`parity.usage`)."""
    handed_in: bool = False
    """A Python client method takes the type as a parameter: users build it, not only the port's code."""
    lost_params: Mapping[str, list[str]] = field(default_factory=dict)
    """Python client parameters the port's operation does not take (a high `missing_in_elixir`), by name →
    the operations (`TrainingClient.load_state`)."""

    def py_atoms(self, annotation: str, *, expand: bool = True) -> frozenset[Any]:
        key = ("py", annotation, expand)
        if key not in self.memo:
            self.memo[key] = python_atoms(annotation, self.py_ctx if expand else self.py_ctx.kept())
        return self.memo[key]

    def ex_atoms(self, spec: str, *, enums: bool = True) -> frozenset[Any]:
        # the module's own `@type format :: :png | :jpeg` stands in for `format()`: what a user may put there
        spec = expand_local_types(spec, self.elixir_type.local_types)
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


def _ex_default_text(field: FieldDef) -> str:
    """`` `32` `` or `` `false` (set by `from_map/1 ||`) ``: the Elixir default and, when it is not the
    `defstruct` entry, where it comes from."""
    text = f"`{_elixir_default(field).expr}`"  # as written: `:info` stays an atom, `%LoraConfig{}` a struct
    return f"{text} (set by `{field.default_source}`)" if field.default_source else text


def _is_property(field: FieldDef | None) -> bool:
    """A read-only Python property: computed from the fields, never passed, so it has no default to compare."""
    return field is not None and field.origin == "property"


def _single_literal(ctx: FieldContext, py: FieldDef) -> Default | None:
    """`type: Literal["sample"]`: a field that can hold one value only behaves as if it defaulted to it."""
    if not py.annotation:
        return None
    atoms = [a for a in ctx.py_atoms(py.annotation) if a[0] != "none"]
    if len(atoms) == 1 and atoms[0][0] == "literal":
        value = atoms[0][1]
        return Default(expr=py_value(value), value=value, resolved=True)
    return None


def _same_as_single_literal(ctx: FieldContext, py: FieldDef, ex_default: Default) -> bool:
    single = _single_literal(ctx, py)
    return single is not None and ex_default.resolved and values_equal(single.value, ex_default.value)


def _documented_bare_struct(ctx: FieldContext) -> bool:
    """The `@moduledoc` shows the struct built literally (`%Name{...}`): users are told to write it, so a key
    left out is nil whatever the typespec says."""
    doc = ctx.elixir_type.doc or ""
    return f"%{ctx.elixir_type.name}{{" in doc or f"%{ctx.elixir_type.path}{{" in doc


# ---- rules -------------------------------------------------------------------------------------


def rule_missing(ctx: FieldContext) -> list[Finding]:
    if ctx.python is not None and ctx.elixir is None:
        convenience = _python_only_convenience(ctx.python_type, ctx.python)
        if convenience:
            return [
                ctx.finding(
                    FindingKind.PYTHON_ONLY_CONVENIENCE,
                    f"Python `{ctx.python.name}` ({convenience}) has no counterpart in Elixir "
                    f"`{ctx.elixir_type.path}`: a Python-only convenience.",
                )
            ]
        what = "`__init__` parameter" if ctx.python.origin == "init" else _member_word(ctx.python_type)
        finding = ctx.finding(
            FindingKind.MISSING_IN_ELIXIR,
            f"Python {what} `{ctx.python.name}` has no counterpart in Elixir `{ctx.elixir_type.path}`.",
        )
        tag = _single_literal(ctx, ctx.python) if ctx.direction.direction is not Direction.UNKNOWN else None
        runtime = _python_runtime_annotation(ctx.python.annotation)
        if tag is not None and ctx.direction.direction.only_received:
            # `type: Literal["create_model"]` on a response: the one value it can hold tells a port user nothing
            finding.severity = Severity.LOW
            finding.message += (
                f" It can only be {tag.expr}, on a struct the port receives ({ctx.direction.evidence}): a tag the"
                " port need not keep."
            )
        elif tag is not None:
            # on a request: the API may read the tag, or default it; the port leaves it out
            finding.severity = Severity.MEDIUM
            finding.message += (
                f" It can only be {tag.expr}, on a struct the port sends ({ctx.direction.evidence}): check that the"
                " API does without it."
            )
        elif runtime is not None:
            finding.severity = Severity.LOW
            finding.message += (
                f" Its type `{ctx.python.annotation}` holds Python runtime objects ({runtime}): nothing the port"
                " could hold as data."
            )
        elif (lost := ctx.lost_params.get(ctx.python.name)) and not ctx.python.required:
            finding.message += (
                f" A Python user sets it through {_listed(lost)}, which the port does not take: see that finding."
            )
        elif (
            ctx.direction.direction is Direction.SENT
            and not ctx.handed_in
            and not ctx.python.required
            and ctx.python.default is not None
        ):
            # a value a Python caller may leave out, on a struct the port only sends and builds itself: nothing
            # required goes missing, and no parameter a user passes is lost (that would be the client's finding)
            finding.severity = Severity.MEDIUM
            finding.message += (
                f" It is optional in Python (default `{ctx.python.default.expr}`), on a struct the port sends"
                f" ({ctx.direction.evidence}): the port never sets it, so a port user cannot choose another value;"
                " check that what the port does without it is what Python's default does."
            )
        return [finding]
    if ctx.elixir is not None and ctx.python is None:
        finding = ctx.finding(
            FindingKind.MISSING_IN_PYTHON,
            f"Elixir {_member_word(ctx.python_type)} `{ctx.elixir.name}` has no counterpart in Python "
            f"`{ctx.python_type.name}`.",
        )
        if ctx.python_type.kind not in (TypeKind.UNION_ALIAS, TypeKind.LITERAL_ALIAS, TypeKind.ENUM):
            # on the wire only when the port's own code encodes the struct (a Python client taking the type is
            # not the port sending it)
            sent = bool(port_encoders(ctx.elixir_type)) and ctx.elixir.wire is not False
            finding.severity = Severity.MEDIUM if sent else Severity.LOW
            finding.message += (
                " The port sends it, which Python never does: check that the API accepts it."
                if sent
                else " An addition of the port's: nothing a Python user has is missing."
            )
        return [finding]
    return []


_RUNTIME_TYPE = re.compile(
    r"\b(?:[Tt]ype\[|Callable\b|Awaitable\b|Coroutine\b|Logger\b|threading\.|asyncio\.|concurrent\.futures\.)"
)


def _python_runtime_annotation(annotation: str | None) -> str | None:
    """What makes an annotation hold Python runtime objects (`type[...]`: classes, `Callable`: functions, a
    logger, a thread or event-loop object), or None: a field of such a type has no value the port could hold."""
    match = _RUNTIME_TYPE.search(annotation or "")
    if match is None:
        return None
    word = match.group(0).rstrip("[.")
    return {"type": "classes", "Type": "classes", "Callable": "functions"}.get(word, f"`{word}` objects")


def _python_only_convenience(python_type: TypeDef, python: FieldDef) -> str | None:
    """Why a Python member without an Elixir counterpart is a convenience rather than a missing field, or None.

    A property is computed from the fields; an `x_np` member beside an `x` of the same type is the numpy form of
    `x` (`tokens_np` ↔ `tokens`), and the port carries `x`.
    """
    if _is_property(python):
        return "a read-only property, computed"
    stem = python.name.removesuffix("_np")
    if stem != python.name and stem and python_type.field_named(stem) is not None:
        return f"the numpy form of `{stem}`"
    return None


def _member_word(python_type: TypeDef) -> str:
    """What a row of the pair is: a field, a member of a Literal/Enum, or a member of a union."""
    if python_type.kind is TypeKind.UNION_ALIAS:
        return "union member"
    if python_type.kind in (TypeKind.LITERAL_ALIAS, TypeKind.ENUM):
        return "member"
    return "field"


def _unit_numbers(atoms: frozenset[Atom]) -> frozenset[Atom]:
    """Float seconds become integer milliseconds: the number kind may change with the unit."""
    numeric = {("int",), ("float",), ("number",)}
    return frozenset(("number",) if a in numeric else a for a in atoms)


def _names(atoms: frozenset[Atom]) -> set[str]:
    return {str(a[1]) for a in atoms if a[0] == "model"}


def compare_field_types(ctx: FieldContext) -> TypeComparison | None:
    """The two annotations member by member, aliases and enum modules expanded; None when either is absent.

    An alias is compared by name (`LossFnType` ↔ `LossFnType.t()`, a Python `Enum` ↔ an enum module) only when
    expansion leaves a name on one side that the other side expanded: then the expanded values are not visible
    on both sides, and the name is the best evidence. Otherwise the expanded comparison is the verdict, so
    names never hide differing values.
    """
    if ctx.python is None or ctx.elixir is None or not ctx.python.annotation or not ctx.elixir.annotation:
        return None
    py_ann, ex_ann = ctx.python.annotation, ctx.elixir.annotation

    def compare(py: frozenset[Atom], ex: frozenset[Atom]) -> TypeComparison:
        if ctx.unit_scaled:
            py, ex = _unit_numbers(py), _unit_numbers(ex)
        return compare_types(py, ex, ctx.same_model, ctx.struct_for)

    py, ex = ctx.py_atoms(py_ann), ctx.ex_atoms(ex_ann)
    first = compare(py, ex)
    if first.same:
        return first
    py_kept, ex_kept = ctx.py_atoms(py_ann, expand=False), ctx.ex_atoms(ex_ann, enums=False)
    expanded_away = (_names(ex) & (_names(py_kept) - _names(py))) | (_names(py) & (_names(ex_kept) - _names(ex)))
    if expanded_away:
        for py_v, ex_v in ((py, ex_kept), (py_kept, ex), (py_kept, ex_kept)):
            other = compare(py_v, ex_v)
            if other.same:
                return other
    return first


_FORMS = {
    STRINGS_AS_ATOMS: "Python takes strings, Elixir atoms",
    STRINGS_AS_ATOMS_RECASED: "Python takes strings, Elixir atoms in another case",
    DATETIME_AS_STRING: "Python parses a `datetime`/`date`, Elixir keeps the ISO 8601 string",
    BYTES_AS_STRING: "Python holds raw `bytes`, Elixir a `String.t()`",
}


def _form_text(ctx: FieldContext, form: str) -> str:
    if (names := model_as_map_names(form)) is not None:
        py_name, ex_module = names
        return f"Python decodes `{py_name}` objects, the Elixir typespec says `map()` where the port has `{ex_module}`"
    text = _FORMS[form]
    if form == BYTES_AS_STRING:
        doc = (ctx.elixir.doc if ctx.elixir else None) or ""
        text += " (base64, its doc says)" if "base64" in doc.lower() else " (text, not raw bytes)"
    return text


def _members_text(atoms: tuple[Atom, ...], *, python: bool) -> str:
    return ", ".join(f"`{describe_atom(a, python=python)}`" for a in atoms)


# One atom or one string, as a whole typespec: `event: :generic_event`.
_SINGLE_LITERAL = re.compile(r'^(?::[A-Za-z_][A-Za-z0-9_]*[?!]?|"[^"\\]*")$')


def pinned_tag(ctx: FieldContext) -> str | None:
    """The value the port pins a field to, when the field is a tag its struct fixes: the Elixir typespec admits
    exactly one literal, the field defaults to it, and that literal is one of the values the Python annotation
    takes (Tinkex's `GenericEvent.event` is `:generic_event`, where Python's `event: EventType` takes any of four
    event types). The port then sets what a Python user must pass; None for any other field."""
    if ctx.python is None or ctx.elixir is None or not ctx.elixir.annotation or _is_property(ctx.python):
        return None
    spec = ctx.elixir.annotation.strip()
    default = ctx.elixir.default
    if not _SINGLE_LITERAL.match(spec) or default is None or default.expr.strip() != spec:
        return None
    result = compare_field_types(ctx)
    if result is None or result.elixir_only or not result.python_only:
        return None
    return spec


def rule_type(ctx: FieldContext) -> list[Finding]:
    result = compare_field_types(ctx)
    if result is None or result.same:
        return []
    assert ctx.python is not None and ctx.elixir is not None
    both = f"Python `{ctx.python.name}: {ctx.python.annotation}` vs Elixir `{ctx.elixir.name}: {ctx.elixir.annotation}`"
    tag = pinned_tag(ctx)
    if tag is not None:
        return [
            ctx.finding(
                FindingKind.REPRESENTATION_DIFFERENCE,
                f"{both}: the port fixes `{ctx.elixir.name}` to `{tag}`, this type's own tag; Python also accepts "
                f"{_members_text(result.python_only, python=True)} and requires the field to be passed"
                + "".join(f"; {_form_text(ctx, f)}" for f in result.representations)
                + ".",
            )
        ]
    forms = "; ".join(_form_text(ctx, f) for f in result.representations)
    if result.compatible:
        return [ctx.finding(FindingKind.REPRESENTATION_DIFFERENCE, f"{both}: same values, {forms}.")]
    parts = []
    if result.python_only:
        parts.append(f"Python only: {_members_text(result.python_only, python=True)}")
    if result.elixir_only:
        parts.append(f"Elixir only: {_members_text(result.elixir_only, python=False)}")
    if forms:
        parts.append(f"and where they meet, {forms}")
    finding = ctx.finding(FindingKind.TYPE_MISMATCH, f"{both}. " + "; ".join(parts) + ".")
    call, name = ctx.direction, ctx.elixir_type.name
    if result.elixir_only and not result.python_only and call.direction.only_received:
        # every value Python accepts has its counterpart: the port also decodes values Python rejects
        finding.severity = Severity.LOW
        finding.message += (
            f" {name} is received ({call.evidence}): the port decodes every value Python does, and more;"
            " lenient, rarely wrong."
        )
    elif result.python_only and not result.elixir_only and call.direction is Direction.SENT:
        # nothing the port sends is a value Python lacks: the port offers fewer of them
        finding.severity = Severity.MEDIUM
        finding.message += (
            f" {name} is sent ({call.evidence}): every value the port sends is one Python sends too; a port user"
            " cannot send the others."
        )
    return [finding]


def _optionality_problem(ctx: FieldContext) -> tuple[str, Severity | None] | None:
    """What differs, and a severity when it is not the kind's (`Severity.LOW` where only the port's decoder or
    its one tag value differs: constructing the struct still behaves as in Python)."""
    assert ctx.python is not None and ctx.elixir is not None
    py, ex = ctx.python, ctx.elixir
    if _is_property(py):
        return None  # read-only: nothing is passed, so nothing is required or optional
    if pinned_tag(ctx) is not None:
        return None  # a tag the port's struct fixes: the type rule says so once, as a representation difference
    ex_default = _elixir_default(ex)
    ex_nullable = nullable(ctx.ex_atoms(ex.annotation)) if ex.annotation else True
    py_nullable = nullable(ctx.py_atoms(py.annotation)) if py.annotation else False
    py_default_none = py.default is not None and _is_nil(py.default)
    if py.required and not ex.required:
        if _is_nil(ex_default):
            if not ex_nullable and not _documented_bare_struct(ctx):
                return None  # the typespec does not admit nil: the port declares the key required too
            if not ex.annotation:
                why = "it has no typespec"
            elif ex_nullable:
                why = f"its typespec `{ex.annotation}` admits nil"
            else:
                why = f"the `@moduledoc` builds a bare `%{ctx.elixir_type.name}{{}}`"
            return (
                f"required in Python; optional in Elixir (`{ex.name}` is not in `@enforce_keys`, defaults to nil "
                f"and {why}).",
                None,
            )
        if _same_as_single_literal(ctx, py, ex_default):
            return None  # `Literal["sample"]` can only be "sample": the Elixir default is the one value
        return (
            f"required in Python; optional in Elixir (`{ex.name}` is not in `@enforce_keys` and defaults to "
            f"{_ex_default_text(ex)}).",
            None,
        )
    if py.required and ex.required and ex.default_source and not _is_nil(ex_default):
        if not _same_as_single_literal(ctx, py, ex_default):
            # the struct requires the key as Python does; only the port's decoder accepts input without it
            return (
                f"required in Python; in Elixir `{ex.name}` is in `@enforce_keys`, but `{ex.default_source}` "
                f"fills `{ex_default.expr}` when the key is absent (Python rejects input without it).",
                Severity.LOW,
            )
        return None
    if not py.required and ex.required:
        return f"optional in Python (has a default); required in Elixir (`{ex.name}` is in `@enforce_keys`).", None
    if py_default_none and py_nullable and not _is_nil(ex_default) and not ex_nullable:
        if _same_as_single_literal(ctx, py, ex_default):
            # `type: Optional[Literal["save_weights"]] = None` against `type: "save_weights"`: a tag of one value
            return (
                f"optional in Python (`{py.annotation}`, default None); in Elixir it is always "
                f"{_ex_default_text(ex)}, the one value Python allows besides None.",
                Severity.LOW,
            )
        return (
            f"optional in Python (`{py.annotation}`, default None); in Elixir it defaults to "
            f"{_ex_default_text(ex)} and its typespec `{ex.annotation}` does not admit nil.",
            None,
        )
    return None


def rule_optionality(ctx: FieldContext) -> list[Finding]:
    if ctx.python is None or ctx.elixir is None:
        return []
    problem = _optionality_problem(ctx)
    if problem is None:
        return []
    text, severity = problem
    flow = _program_flow(ctx) if severity is not Severity.LOW else None
    if flow is not None:
        text, severity = f"{text} {flow}", Severity.LOW
    elif severity is None:
        text, severity = _weighed_by_direction(ctx, text)
    finding = ctx.finding(FindingKind.OPTIONALITY_MISMATCH, f"`{ctx.python.name}` is {text}")
    if severity is not None:
        finding.severity = severity
    return [finding]


def _program_flow(ctx: FieldContext) -> str | None:
    """Why the difference cannot show, from the port's code (`parity.usage`), or None: on a struct the port sends,
    every place that builds it sets the field (what the struct holds unset, nil or a default, never goes out); on
    one it receives, every place that decodes it matched the key first (a response without it never reaches the
    decoder, so an enforced key cannot fail there). A type a Python client method takes is built by its users too:
    the port's builds are not all, and say nothing."""
    assert ctx.python is not None and ctx.elixir is not None
    call, struct, key = ctx.direction, ctx.elixir_type, ctx.elixir.name
    if ctx.elixir.required:
        if ctx.python.required or call.direction not in (Direction.RECEIVED, Direction.BOTH):
            return None
        sites = ctx.usage.decoded_with_key(struct.path, key)
        claim = f"every place the port decodes it matches the key `{key}` first ({{}}): a response without it never "
        claim += "reaches the decoder"
        only = "received"
    else:
        if not call.direction.sends or ctx.handed_in:
            return None  # a type users hand in is built by their code too: the port's own builds are not all
        sites = ctx.usage.always_set(struct.path, key)
        claim = f"every place the port builds it sets `{key}` ({{}}): what the struct holds when it is not given "
        claim += "never goes out"
        only = "sent"
    if sites is None:
        return None
    flows = "sent and received" if call.direction is Direction.BOTH else only
    return f"{struct.name} is {flows} ({call.evidence}), and {claim.format(sites_text(sites))}."


def _weighed_by_direction(ctx: FieldContext, text: str) -> tuple[str, Severity | None]:
    """Severity by the direction of the data (`parity.direction`), the reason added to the message. A port more
    lenient than Python on a struct it only decodes accepts responses Python rejects: low. Lenient on what it
    sends: high when it can send nil the API rejects (low when Python's type admits None too), medium when it
    sends a default of its own (a value goes out either way). Stricter on a struct it only sends, it asks its
    callers for a value the API does not need: low; strict on what it decodes: high. Unknown: high."""
    assert ctx.python is not None and ctx.elixir is not None
    call = ctx.direction
    lenient = ctx.python.required and not ctx.elixir.required
    strict = not ctx.python.required and ctx.elixir.required
    name = ctx.elixir_type.name
    if call.direction is Direction.UNKNOWN or not (lenient or strict):
        return text, None
    if lenient and call.direction.only_received:
        why = "the port decodes a response without it, which Python rejects; lenient, rarely wrong"
        return f"{text} {name} is received ({call.evidence}): {why}.", Severity.LOW
    flows = "sent and received" if call.direction is Direction.BOTH else call.direction.value
    if lenient:
        if _is_nil(_elixir_default(ctx.elixir)):
            py_annotation = ctx.python.annotation
            if py_annotation and nullable(ctx.py_atoms(py_annotation)):
                # Python must be given the key but takes None: nil goes out as null, which the API accepts too
                why = f"nil goes out as null, which Python's `{py_annotation}` admits too"
                return f"{text} {name} is {flows} ({call.evidence}): {why}.", Severity.LOW
            why = "the port can send it as nil, where the API requires a value"
            return f"{text} {name} is {flows} ({call.evidence}): {why}.", None
        # a value goes out either way: whether the port's default is the one a caller would choose is to check
        why = "the port sends its default where Python makes the caller give a value; check that it is the one"
        return f"{text} {name} is {flows} ({call.evidence}): {why}.", Severity.MEDIUM
    if call.direction is Direction.SENT:
        why = "callers must give a value the API does not need"
        return f"{text} {name} is sent ({call.evidence}): {why}.", Severity.LOW
    return f"{text} {name} is {flows} ({call.evidence}): a response without the key does not decode.", None


def rule_default(ctx: FieldContext) -> list[Finding]:
    if ctx.python is None or ctx.elixir is None or ctx.python.required or ctx.elixir.required:
        return []
    if _optionality_problem(ctx) is not None:
        return []  # the optionality finding already names both defaults
    py = ctx.python.default
    if py is None:
        return []
    ex = _elixir_default(ctx.elixir)
    source = f" (set by `{ctx.elixir.default_source}`)" if ctx.elixir.default_source else ""
    if not py.resolved or not ex.resolved:
        side = " and ".join(s for s, d in (("Python", py), ("Elixir", ex)) if not d.resolved)
        return [
            ctx.finding(
                FindingKind.DEFAULT_UNRESOLVED,
                f"Default of `{ctx.python.name}` cannot be compared statically ({side} side): "
                f"Python `{py.expr}`, Elixir `{ex.expr}`{source}.",
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
                    f"Elixir `{ctx.elixir.name}` = {ex_value(ex.value)} ms{source}.",
                )
            ]
        if values_equal(py.value * MS_PER_S, ex.value):
            return []
        return [
            ctx.finding(
                FindingKind.DEFAULT_MISMATCH,
                f"Python `{ctx.python.name}` = {py_value(py.value)} s ({ex_value(_ms(py.value))} ms); "
                f"Elixir `{ctx.elixir.name}` = {ex_value(ex.value)} ms{source}.",
            )
        ]
    if values_equal(py.value, ex.value):
        return []
    return [
        ctx.finding(
            FindingKind.DEFAULT_MISMATCH,
            f"Python `{ctx.python.name}` defaults to {py_value(py.value)}; "
            f"Elixir `{ctx.elixir.name}` defaults to {ex_value(ex.value)}{source}.",
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


_FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.S | re.M)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(\[])")


def prose_sentence(text: str | None, name: str) -> str | None:
    """The first sentence of Markdown prose that names the field `name`, or None.

    A name counts in backticks (`` `name` ``, `` `:name` ``, `` `name:` ``, `` `%{name: ...}` `` does not); a name
    with an underscore counts as a bare word too (`queue_state_reason` is never ordinary English, `type` is).
    Code blocks and headings are not prose.
    """
    if not text:
        return None
    candidates = [sentence for sentence in _sentences(text) if name in sentence]  # cheap test first
    if not candidates:
        return None
    quoted = re.compile(rf"`:?{re.escape(name)}:?`")
    bare = re.compile(rf"(?<![\w.:/-]){re.escape(name)}(?![\w(/-])") if "_" in name else None
    for sentence in candidates:
        if quoted.search(sentence) or (bare is not None and bare.search(_without_code(sentence))):
            return sentence
    return None


_WORD = re.compile(r"[A-Za-z0-9]+")


def words_sentence(text: str | None, name: str, *, one_word: bool = False) -> str | None:
    """The first sentence of Markdown prose that names the field `name` in words, or None: the words of the
    snake_case name, in order and next to each other, as words of the sentence (inline code aside),
    case-insensitive, a word matching with or without a plural `s` (`training_run_ids` in "the training run
    IDs", `sampler_ids` in "sampler IDs"). A one-word name (`sessions` in "a list of session IDs") counts only
    when `one_word` is set (the struct has that one field, so the module's prose can only describe it) and the
    name has three letters or more; else a sentence that shares one common word (`type`, `a`) would count."""
    if not text:
        return None
    parts = [part.lower() for part in name.split("_") if part]
    if not parts or (len(parts) == 1 and (not one_word or len(parts[0]) < 3)):
        return None  # a one- or two-letter name (`a`, `id`) is an article or too short to name anything
    for sentence in _sentences(text):
        words = [word.lower() for word in _WORD.findall(_without_code(sentence))]
        for start in range(len(words) - len(parts) + 1):
            if all(_same_word(words[start + i], part) for i, part in enumerate(parts)):
                return sentence
    return None


def _same_word(word: str, part: str) -> bool:
    return word == part or word == part + "s" or part == word + "s"


@functools.lru_cache(maxsize=256)
def _sentences(text: str) -> tuple[str, ...]:
    """The prose sentences of a doc, once per doc (every field of a module searches the same `@moduledoc`)."""
    blocks = _prose_blocks(_FENCE.sub("\n", text))
    return tuple(sentence.strip() for block in blocks for sentence in _SENTENCE_END.split(block) if sentence.strip())


def _prose_blocks(prose: str) -> list[str]:
    """Paragraphs and list items, each joined into one line: a list item is a sentence of its own."""
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", prose):
        current: list[str] = []
        for line in paragraph.splitlines():
            if line.startswith("    ") or line.lstrip().startswith("#"):
                continue  # indented code, headings
            if _LIST_ITEM.match(line) and current:
                blocks.append(" ".join(current))
                current = []
            current.append(_LIST_ITEM.sub("", line).strip())
        if current:
            blocks.append(" ".join(current))
    return blocks


def _without_code(sentence: str) -> str:
    """Inline code other than the name itself (`Foo.bar(queue_state)`) does not name a field in prose."""
    return re.sub(r"`[^`]*`", " ", sentence)


def with_prose_doc(elixir_type: TypeDef, field: FieldDef | None) -> FieldDef | None:
    """The Elixir field as a reader of the docs sees it: without a `## Fields` entry or `@typedoc` line, a
    sentence of the `@typedoc` or `@moduledoc` prose that names it (as code, else in words: `words_sentence`) is
    its doc (`doc_source` says which). A copy: the model stays as extracted."""
    if field is None or field.doc:
        return field
    docs = (("typedoc_prose", elixir_type.typedoc), ("moduledoc_prose", elixir_type.doc))
    for source, text in docs:
        sentence = prose_sentence(text, field.name)
        if sentence:
            return replace(field, doc=sentence, doc_source=source)
    # named in words only when no sentence names it as code: the exact name is the better doc
    one_word = len(elixir_type.fields) == 1
    for source, text in docs:
        sentence = words_sentence(text, field.name, one_word=one_word)
        if sentence:
            return replace(field, doc=sentence, doc_source=source)
    return field


def property_function(elixir_type: TypeDef, python: FieldDef | None) -> FieldDef | None:
    """The Elixir counterpart of a Python property that no struct key carries: a public function of the module
    of the same name taking the struct alone (`ImageChunk.length` ↔ `Tinkex.Types.ImageChunk.length/1`), as a
    field of the row: `name/1`, its `@spec` return type, its `@doc` (`doc_source` `function_doc`)."""
    if not _is_property(python):
        return None
    assert python is not None
    for function in elixir_type.functions:
        if function.name == python.name and function.arity == 1:
            return FieldDef(
                name=f"{function.name}/1",
                annotation=function.returns or _spec_return(function.spec),
                required=True,
                doc=function.doc,
                line=function.line,
                doc_source="function_doc" if function.doc else None,
            )
    return None


def _spec_return(spec: str | None) -> str | None:
    """`length(t()) :: non_neg_integer()` → `non_neg_integer()`: the text after the head's top-level `::`."""
    if not spec:
        return None
    depth = 0
    for i, char in enumerate(spec):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and spec.startswith("::", i):
            return spec[i + 2 :].strip() or None
    return None


_DOC_SOURCES = {
    "moduledoc_fields": "the `## Fields` list of its `@moduledoc`",
    "typedoc_fields": "its `@typedoc`",
    "typedoc_prose": "a sentence of its `@typedoc`",
    "moduledoc_prose": "a sentence of its `@moduledoc`",
    "comment": "a comment",
    "function_doc": "the `@doc` of its function",
}


def rule_docs(ctx: FieldContext) -> list[Finding]:
    if ctx.python is None or ctx.elixir is None:
        return []
    if ctx.python.doc and not ctx.elixir.doc:
        return [
            ctx.finding(
                FindingKind.DOC_MISSING_IN_ELIXIR,
                f"`{ctx.python.name}` is documented in Python (\u201c{_first_line(ctx.python.doc)}\u201d) "
                f"but `{ctx.elixir.name}` has no doc in Elixir (no `## Fields` entry, `@typedoc` or "
                f"`@moduledoc` sentence names it).",
            )
        ]
    if ctx.elixir.doc and not ctx.python.doc:
        where = _DOC_SOURCES.get(ctx.elixir.doc_source or "", "")
        by = f" (by {where})" if where else ""
        return [
            ctx.finding(
                FindingKind.DOC_MISSING_IN_PYTHON,
                f"`{ctx.elixir.name}` is documented in Elixir{by} but `{ctx.python.name}` has no docstring in Python.",
            )
        ]
    return []


def _first_line(text: str, limit: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"


Rule = Callable[[FieldContext], list[Finding]]

FIELD_RULES: tuple[Rule, ...] = (rule_missing, rule_type, rule_optionality, rule_default, rule_unit, rule_docs)


_ELIXIR_ALIASES = frozenset({TypeKind.TYPE_ALIAS, TypeKind.UNION_ALIAS})
_PYTHON_ALIASES = frozenset({TypeKind.TYPE_ALIAS, TypeKind.UNION_ALIAS, TypeKind.LITERAL_ALIAS})


def type_doc_findings(python_type: TypeDef, elixir_type: TypeDef) -> list[Finding]:
    subject = f"{python_type.path}|{elixir_type.path}"
    py_loc, ex_loc = python_type.location, elixir_type.location
    # an `@type` alias is documented by its `@typedoc`, a Python alias by the docstring below it: no module or class
    ex_doc = "`@typedoc`" if elixir_type.kind in _ELIXIR_ALIASES else "`@moduledoc`"
    py_doc = "docstring" if python_type.kind in _PYTHON_ALIASES else "class docstring"
    if python_type.doc and not elixir_type.doc:
        return [
            Finding(
                FindingKind.DOC_MISSING_IN_ELIXIR,
                f"`{python_type.name}` has a {py_doc}; `{elixir_type.path}` has no {ex_doc}.",
                python=py_loc,
                elixir=ex_loc,
                subject=subject,
            )
        ]
    if elixir_type.doc and not python_type.doc:
        return [
            Finding(
                FindingKind.DOC_MISSING_IN_PYTHON,
                f"`{elixir_type.path}` has a {ex_doc}; Python `{python_type.name}` has no {py_doc}.",
                python=py_loc,
                elixir=ex_loc,
                subject=subject,
            )
        ]
    return []


# ---- unions of another shape ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnionShape:
    """A union the port builds of other members: one finding in place of a finding per member."""

    finding: Finding
    python_members: frozenset[str]
    """Python members the finding covers: types the port has, outside its union."""
    elixir_members: frozenset[str]
    """Elixir members the finding covers: every member with no Python counterpart."""


def _listed(names: list[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def union_shape(
    python_type: TypeDef,
    elixir_type: TypeDef,
    members: list[tuple[FieldDef | None, FieldDef | None]],
    paired: Mapping[str, str],
    elixir_types: Mapping[str, TypeDef],
) -> UnionShape | None:
    """One `representation_difference` when the port's union has members of its own and Python members that the
    port has as types, outside its union: the port models the value in another shape (Tinkex's
    `FutureRetrieveResponse` is an envelope, pending / completed with `result: map()` / failed, where Python's
    is the union of the result types). Python members the port has no type for stay `missing_in_elixir`.

    `members` are the union's rows (Python member, Elixir member); `paired` maps a Python type's name to the
    Elixir module it is paired with; `elixir_types` maps an Elixir module's last name to its type."""
    python_only = [py.name for py, ex in members if py is not None and ex is None]
    elixir_only = [ex.name for py, ex in members if ex is not None and py is None]
    elsewhere = [name for name in python_only if name in paired]
    if not elsewhere or not elixir_only:
        return None
    shared = [py.name for py, ex in members if py is not None and ex is not None]
    payloads = [
        f"`{name}.{f.name}: {f.annotation}`"
        for name in elixir_only
        if (member := elixir_types.get(name)) is not None
        for f in member.fields
        if f.annotation and ("map",) in elixir_atoms(f.annotation)
    ]
    python_all = [py.name for py, _ in members if py is not None]
    elixir_all = [ex.name for _, ex in members if ex is not None]
    message = (
        f"Python `{python_type.name}` is a union of {_listed(python_all)}; "
        f"the port's `{elixir_type.path}` is a union of another shape, of {_listed(elixir_all)}"
        + (f" (its members carry {', '.join(payloads)})" if payloads else "")
        + f". The Python members {_listed(elsewhere)} are types the port has "
        + f"({_listed([paired[n] for n in elsewhere])}), not members of its union"
        + (f"; both have {_listed(shared)}" if shared else "")
        + "."
    )
    finding = Finding(
        FindingKind.REPRESENTATION_DIFFERENCE,
        message,
        python=python_type.location,
        elixir=elixir_type.location,
        subject=f"{python_type.path}|{elixir_type.path}",
    )
    return UnionShape(finding, frozenset(elsewhere), frozenset(elixir_only))
