"""The language-neutral model both extractors produce and every later stage reads.

Nothing here knows about Markdown, MkDocs or either language's syntax: a `TypeDef`
is a Python class or an Elixir module, a `FieldDef` a class attribute or a struct key.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any, NoReturn, TypeVar, Union, get_args, get_origin, get_type_hints


class TypeKind(str, enum.Enum):
    """What kind of type a `TypeDef` is."""

    PYDANTIC_MODEL = "pydantic_model"
    DATACLASS = "dataclass"
    TYPED_DICT = "typed_dict"
    ENUM = "enum"
    LITERAL_ALIAS = "literal_alias"
    UNION_ALIAS = "union_alias"
    TYPE_ALIAS = "type_alias"
    CLASS = "class"
    # Elixir
    STRUCT = "struct"
    ENUM_TYPE = "enum_type"
    """An Elixir module whose `@type t` is a union of atoms or string literals."""
    MODULE = "module"


class Language(str, enum.Enum):
    PYTHON = "python"
    ELIXIR = "elixir"


@dataclass(eq=True, slots=True)
class Default:
    """A field's default, as written and (when sound) evaluated."""

    expr: str
    """The default expression as written in the source."""
    value: Any = None
    """The JSON value of the expression, when `resolved`."""
    resolved: bool = False
    """Whether `value` was evaluated soundly; never guessed."""

    def to_json(self) -> dict[str, Any]:
        return {"expr": self.expr, "value": self.value if self.resolved else None, "resolved": self.resolved}


@dataclass(eq=True, slots=True)
class Location:
    """A place in an SDK: file relative to the source root, 1-based line."""

    file: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line}


@dataclass(slots=True)
class FieldDef:
    """One field of a type: a class attribute or a struct key."""

    name: str
    annotation: str | None = None
    """The annotation (Python) or typespec (Elixir) as written."""
    required: bool = False
    default: Default | None = None
    doc: str | None = None
    line: int | None = None
    doc_source: str | None = None
    """Where `doc` came from: `attribute_docstring`, `field_description`, `moduledoc_fields`,
    `typedoc_fields`, `comment`."""
    wire: bool | None = None
    """Elixir: whether `@derive {Jason.Encoder, only: [...]}` sends the field (None: no `only`)."""
    inherited_from: str | None = None
    """Python: dotted path of the base class that declares an inherited field (then `line` is in
    that class's file, not the type's); None for the type's own fields."""
    origin: str | None = None
    """Python: what part of the surface the member is when it is not a declared field: `property` (a
    `@property` or `cached_property`: read-only, its docstring is `doc`) or `init` (a parameter of a custom
    `__init__` that no field declares). None for declared fields and for every Elixir field."""
    default_source: str | None = None
    """Elixir: where `default` comes from when it is not the `defstruct` entry, as `function/arity` plus how
    (`new/1 Keyword.get`, `from_map/1 ||`, `from_map/1 Map.get`): what an Elixir user who builds the value
    that way gets. None for `defstruct` defaults and for every Python field."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "annotation": self.annotation,
            "required": self.required,
            "default": self.default.to_json() if self.default else None,
            "doc": self.doc,
            "line": self.line,
        }
        if self.doc_source is not None:
            data["doc_source"] = self.doc_source
        if self.wire is not None:
            data["wire"] = self.wire
        if self.inherited_from is not None:
            data["inherited_from"] = self.inherited_from
        if self.origin is not None:
            data["origin"] = self.origin
        if self.default_source is not None:
            data["default_source"] = self.default_source
        return data


@dataclass(slots=True)
class ParamDef:
    """One parameter of a function or method (or one keyword option an Elixir function reads)."""

    name: str
    kind: str = "positional_or_keyword"
    """`positional_only`, `positional_or_keyword`, `var_positional`, `keyword_only`, `var_keyword`, `option`."""
    annotation: str | None = None
    required: bool = True
    default: Default | None = None
    doc: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "annotation": self.annotation,
            "required": self.required,
            "default": self.default.to_json() if self.default else None,
            "doc": self.doc,
        }


@dataclass(slots=True)
class FunctionDef:
    """A public function (Elixir) or method (Python)."""

    name: str
    arity: int | None = None
    doc: str | None = None
    spec: str | None = None
    """Elixir `@spec` text, or a Python signature rendered as text."""
    line: int | None = None
    params: list[ParamDef] = field(default_factory=list)
    returns: str | None = None
    is_async: bool = False
    file: str | None = None
    decorators: list[str] = field(default_factory=list)
    """Python: the decorators above the method, by name (`staticmethod`, `classmethod`, `wraps` for
    `@functools.wraps(...)`), in source order."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "arity": self.arity,
            "doc": self.doc,
            "spec": self.spec,
            "line": self.line,
        }
        if self.params:
            data["params"] = [p.to_json() for p in self.params]
        if self.returns is not None:
            data["returns"] = self.returns
        if self.is_async:
            data["is_async"] = True
        if self.decorators:
            data["decorators"] = list(self.decorators)
        return data


@dataclass(slots=True)
class OptionRead:
    """Elixir: one read of a keyword option in a clause of a module, public or private
    (`Keyword.get(opts, :key, default)`, `opts[:key]`, `Keyword.fetch!(opts, :key)`)."""

    key: str
    var: str
    """The variable read from (`opts`)."""
    function: str
    """Name of the clause that reads it (`new`, a `defp` helper, `handle_call`)."""
    arity: int
    keyword: str
    """`def`, `defp`, `defmacro`, …"""
    line: int
    how: str
    """`get`, `fetch`, `fetch!` or `access`."""
    default: Default | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "var": self.var,
            "function": f"{self.function}/{self.arity}",
            "keyword": self.keyword,
            "line": self.line,
            "how": self.how,
            "default": self.default.to_json() if self.default else None,
        }


@dataclass(slots=True)
class ConstantDef:
    """A named value one SDK fixes: a Python module- or class-level UPPER_CASE name bound to a literal
    (`MAX_CHUNK_LEN = 1024`, `60 * 5`, an imported constant), an Elixir module attribute with a literal value
    (`@max_chunk_len 1024`) or a public zero-arity function returning one (`def max_chunk_len, do: 1024`)."""

    name: str
    """As written, without Elixir's `@`: `MAX_CHUNK_LEN`, `max_chunk_len`."""
    owner: str
    """The module (or class) it belongs to: `tinker.lib.telemetry`, `Tinkex.TrainingClient.DataProcessor`."""
    value: Default
    file: str = ""
    line: int | None = None
    kind: str = "module"
    """Python: `module` or `class` (a class attribute); Elixir: `attribute` or `function`."""
    doc: str | None = None

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)

    @property
    def path(self) -> str:
        """`owner.NAME` (Python), `Owner.@name` or `Owner.name/0` (Elixir)."""
        if self.kind == "attribute":
            return f"{self.owner}.@{self.name}"
        if self.kind == "function":
            return f"{self.owner}.{self.name}/0"
        return f"{self.owner}.{self.name}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "owner": self.owner,
            "kind": self.kind,
            "value": self.value.to_json(),
            "file": self.file,
            "line": self.line,
        }
        if self.doc is not None:
            data["doc"] = self.doc
        return data


@dataclass(slots=True)
class ModuleDef:
    """A module of the Python SDK and what it defines publicly (the whole-surface comparison)."""

    path: str
    file: str = ""
    doc: str | None = None
    """The first line of its docstring."""
    classes: list[str] = field(default_factory=list)
    """Public classes it defines (not imports), in source order."""
    functions: list[str] = field(default_factory=list)
    """Public functions it defines, in source order."""

    @property
    def location(self) -> Location:
        return Location(self.file, None)

    @property
    def private(self) -> bool:
        """A `_` on its path: importable, but not the SDK's public API."""
        return any(part.startswith("_") for part in self.path.split("."))

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "file": self.file,
            "doc": self.doc,
            "classes": list(self.classes),
            "functions": list(self.functions),
        }


@dataclass(slots=True)
class StructBuild:
    """Elixir: a place a function of the module builds a struct of another module (or its own): `%Mod{key: value}`,
    `Mod.new(key: value)`, `struct(Mod, key: value)`. Patterns (`%Mod{} = x`) and updates (`%Mod{s | k: v}`) are
    not builds."""

    module: str
    """The struct's module, its name resolved through the file's `alias`es."""
    line: int
    function: str
    """The clause that builds it (`ensure_model/6`)."""
    how: str
    """`struct` (`%Mod{...}`), `new` (`Mod.new(...)`) or `kernel` (`struct(Mod, ...)`)."""
    keys: list[str] = field(default_factory=list)
    """The keys given a value other than a literal `nil`."""
    open: bool = False
    """The keys are not written out (`Mod.new(opts)`): which are set is not known."""

    def to_json(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "line": self.line,
            "function": self.function,
            "how": self.how,
            "keys": list(self.keys),
            "open": self.open,
        }


@dataclass(slots=True)
class DecodeCall:
    """Elixir: a call of a module's decoder (`Mod.from_map(json)`) by a function of this module, and the keys its
    argument was matched to hold where the call is made (`def from_json(%{"type" => "try_again"} = json)`)."""

    module: str
    line: int
    function: str
    """The decoder called (`from_map`)."""
    caller: str
    """The clause that calls it (`from_json/1`)."""
    matched_keys: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "line": self.line,
            "function": self.function,
            "caller": self.caller,
            "matched_keys": list(self.matched_keys),
        }


@dataclass(slots=True)
class TypeDef:
    """A Python class/alias or an Elixir module."""

    path: str
    """Dotted path where defined (`tinker.types.model_data.ModelData`), or the full Elixir module name."""
    name: str
    """Short name (`ModelData`)."""
    kind: TypeKind
    doc: str | None = None
    file: str = ""
    line: int | None = None
    fields: list[FieldDef] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)
    members: list[Any] = field(default_factory=list)
    """Values of a Literal alias / Enum / enum-like Elixir type (strings, numbers; atoms as their names)."""
    annotation: str | None = None
    """For aliases: the aliased expression; for Elixir: the `@type t` text."""
    typedoc: str | None = None
    functions: list[FunctionDef] = field(default_factory=list)
    public_path: str | None = None
    """Python: the path users import it from (`tinker.types.ModelData`), when re-exported."""
    option_reads: list[OptionRead] = field(default_factory=list)
    """Elixir: every keyword option any clause of the module reads, in source order."""
    hidden_functions: list[FunctionDef] = field(default_factory=list)
    """Elixir: public functions left out of the docs (`@doc false`, `@impl`), one per name."""
    references: list[str] = field(default_factory=list)
    """Elixir: module names the module's file mentions in full or through `alias A.{B, C}`, sorted."""
    local_types: dict[str, str] = field(default_factory=dict)
    """Elixir: the module's own zero-arity `@type`/`@typep name :: spec` other than `t`, name → spec as written
    (`format` → `:png | :jpeg`), so a field typed `format()` is compared by what it stands for."""
    constants: list[ConstantDef] = field(default_factory=list)
    """Elixir: the module's constants (attributes with a literal value, zero-arity functions returning one);
    `SdkModel.constants` gathers them."""
    encoders: list[str] = field(default_factory=list)
    """Elixir: the JSON encoder protocols the module derives (`@derive Jason.Encoder`, with or without `only:`):
    the port puts the struct on the wire."""
    builds: list[StructBuild] = field(default_factory=list)
    """Elixir: the structs the module's functions build, in source order (`parity.usage`)."""
    decodes: list[DecodeCall] = field(default_factory=list)
    """Elixir: the decoders of other modules its functions call, in source order (`parity.usage`)."""
    member_lines: dict[str, int] = field(default_factory=dict)
    """Where each member of an enum, a `Literal` or a union is written (the member as a string, or a union
    member's last name → line), so a finding about one member points at it rather than at the type."""

    def field_named(self, name: str) -> FieldDef | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)

    def to_json(self, *, with_functions: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "name": self.name,
            "kind": self.kind.value,
            "doc": self.doc,
            "file": self.file,
            "line": self.line,
            "fields": [f.to_json() for f in self.fields],
        }
        if self.bases:
            data["bases"] = list(self.bases)
        if self.members:
            data["members"] = list(self.members)
        if self.member_lines:
            data["member_lines"] = dict(self.member_lines)
        if self.annotation is not None:
            data["annotation"] = self.annotation
        if self.typedoc is not None:
            data["typedoc"] = self.typedoc
        if self.public_path is not None:
            data["public_path"] = self.public_path
        if with_functions:
            data["functions"] = [f.to_json() for f in self.functions]
            if self.hidden_functions:
                data["hidden_functions"] = [f.to_json() for f in self.hidden_functions]
            if self.option_reads:
                data["option_reads"] = [r.to_json() for r in self.option_reads]
            if self.references:
                data["references"] = list(self.references)
            if self.local_types:
                data["local_types"] = dict(self.local_types)
            if self.constants:
                data["constants"] = [c.to_json() for c in self.constants]
            if self.encoders:
                data["encoders"] = list(self.encoders)
            if self.builds:
                data["builds"] = [b.to_json() for b in self.builds]
            if self.decodes:
                data["decodes"] = [d.to_json() for d in self.decodes]
        return data


@dataclass(eq=True, slots=True)
class ExtractionWarning:
    """A recoverable problem: the file and line it concerns, and what happened."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message}


@dataclass(slots=True)
class SourceInfo:
    """Where an SDK came from."""

    spec: str
    root: str
    language: Language
    version: str | None = None
    ref: str | None = None
    """The git commit (full hash) when known."""
    mirrors: str | None = None
    """Elixir: the release of the Python SDK the port declares it mirrors (`@tinker_sdk_version` in `mix.exs`)."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "spec": self.spec,
            "root": self.root,
            "language": self.language.value,
            "version": self.version,
            "ref": self.ref,
        }
        if self.mirrors is not None:
            data["mirrors"] = self.mirrors
        return data


@dataclass(slots=True)
class SdkModel:
    """Everything extracted from one SDK."""

    source: SourceInfo
    types: list[TypeDef] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)
    clients: list[TypeDef] = field(default_factory=list)
    """Client classes/modules and their public methods/functions (issue: clients side by side)."""
    constants: list[ConstantDef] = field(default_factory=list)
    """Every constant of the tree read, in file and line order."""
    modules: list[ModuleDef] = field(default_factory=list)
    """Python: every module of the packages read, by path."""

    def type_named(self, path: str) -> TypeDef | None:
        for t in self.types:
            if path in (t.path, t.public_path):
                return t
        return None

    def to_json(self) -> dict[str, Any]:
        """The `extract --json` document: `types` for Python, `modules` (with functions) for Elixir."""
        elixir = self.source.language is Language.ELIXIR
        key = "modules" if elixir else "types"
        data: dict[str, Any] = {
            "source": self.source.to_json(),
            key: [t.to_json(with_functions=elixir) for t in self.types],
            "warnings": [w.to_json() for w in self.warnings],
        }
        if self.constants and not elixir:  # an Elixir module lists its own
            data["constants"] = [c.to_json() for c in self.constants]
        if self.modules:
            data["modules_read"] = [m.to_json() for m in self.modules]
        return data


# ---- lossless JSON form of the records (the extraction cache) ------------------------------------------------
#
# `to_json` above is the published, lossy form (an unresolved default's value is dropped, Elixir functions only
# with `with_functions`). The extraction cache needs the records back exactly: `to_data` writes every field (those
# equal to their default left out), `from_data` rebuilds the record from its type hints and checks every value's
# type on the way, so a damaged entry raises instead of giving a wrong model. Both are driven by the annotations:
# an enum is written as its value only where the annotation says so; in an `Any` field (a default's value, an
# enum's members) only plain JSON (str, int, float, bool, None, lists, string-keyed dicts) is accepted.


class ModelDataError(ValueError):
    """A value that has no lossless JSON form, or data that is not the JSON form of the record asked for."""


_T = TypeVar("_T")


def to_data(record: Any) -> Any:
    """The lossless JSON value of a model record (a dataclass of this module, or a list of them).

    Raises `ModelDataError` for a value the annotations do not allow or JSON cannot hold (a tuple, a set, an
    enum where the annotation says `Any`): such a record is not cached."""
    if isinstance(record, list):
        return [to_data(item) for item in record]
    return _codec(type(record))[0](record)


def from_data(cls: type[_T], data: Any) -> _T:
    """The record of type `cls` whose `to_data` is `data`; raises `ModelDataError` when `data` is not one."""
    decoded: _T = _codec(cls)[1](data)
    return decoded


def _fail(what: str, data: Any) -> NoReturn:
    raise ModelDataError(f"expected {what}, got {type(data).__name__}")


def _plain_json(value: Any) -> Any:
    """Plain JSON as it is, checked both ways (an `Any` field: exact types only, so no enum or tuple slips in)."""
    kind = type(value)
    if kind in (str, int, bool, type(None)):
        return value
    if kind is float:
        return value
    if kind is list:
        return [_plain_json(item) for item in value]
    if kind is dict and all(type(key) is str for key in value):
        return {key: _plain_json(item) for key, item in value.items()}
    raise ModelDataError(f"no lossless JSON form for a {kind.__name__}")


def _exact(tp: type) -> Callable[[Any], Any]:
    # bool is an int in Python: an int field must not take `true`, a bool field must not take `1`
    def check(value: Any) -> Any:
        if type(value) is not tp:
            _fail(tp.__name__, value)
        return value

    return check


def _number(value: Any) -> Any:
    if type(value) not in (float, int):
        _fail("a number", value)
    return value


_Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]
"""(encode, decode) of one annotation."""


_CODECS: dict[Any, _Codec] = {}


def _codec(tp: Any) -> _Codec:
    """The codec of an annotation, made once."""
    codec = _CODECS.get(tp)
    if codec is None:
        codec = _CODECS[tp] = _make_codec(tp)
    return codec


def _make_codec(tp: Any) -> _Codec:
    if tp is Any:
        return _plain_json, _plain_json
    if tp in (str, int, bool):
        return _exact(tp), _exact(tp)
    if tp is float:
        return _number, _number
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum_codec(tp)
    if isinstance(tp, type) and is_dataclass(tp):
        return _record_codec(tp)
    origin, args = get_origin(tp), get_args(tp)
    if origin in (Union, types.UnionType):
        options = [arg for arg in args if arg is not type(None)]
        if len(options) != 1 or len(args) != 2:
            raise ModelDataError(f"no JSON form for the union {tp!r}")
        enc, dec = _codec(options[0])
        return (lambda v: None if v is None else enc(v)), (lambda d: None if d is None else dec(d))
    if origin is list:
        item_enc, item_dec = _codec(args[0]) if args else (_plain_json, _plain_json)

        def list_enc(value: Any) -> Any:
            if type(value) is not list:
                _fail("a list", value)
            return [item_enc(v) for v in value]

        def list_dec(data: Any) -> Any:
            if type(data) is not list:
                _fail("a list", data)
            return [item_dec(d) for d in data]

        return list_enc, list_dec
    if origin in (dict, Mapping):
        val_enc, val_dec = _codec(args[1]) if args else (_plain_json, _plain_json)

        def dict_enc(value: Any) -> Any:
            if type(value) is not dict or not all(type(key) is str for key in value):
                _fail("a dict with string keys", value)
            return {key: val_enc(v) for key, v in value.items()}

        def dict_dec(data: Any) -> Any:
            if type(data) is not dict:
                _fail("an object", data)
            return {key: val_dec(d) for key, d in data.items()}

        return dict_enc, dict_dec
    raise ModelDataError(f"no JSON form for {tp!r}")


def _enum_codec(tp: type[enum.Enum]) -> _Codec:
    def enc(value: Any) -> Any:
        if type(value) is not tp:
            _fail(tp.__name__, value)
        return value.value

    def dec(data: Any) -> Any:
        try:
            return tp(data)
        except ValueError as err:
            raise ModelDataError(str(err)) from err

    return enc, dec


_REQUIRED = object()
_EMPTY_LIST = object()
_EMPTY_DICT = object()


def _record_codec(cls: type) -> _Codec:
    """A record as an object of its fields; a field equal to its default (None, False, an empty list) is left out."""
    specs: list[tuple[str, Any, Callable[[Any], Any]]] = []
    decoders: dict[str, Callable[[Any], Any]] = {}

    def prepare() -> None:  # on first use, not here: records refer to each other
        hints = get_type_hints(cls)
        for f in fields(cls):
            if f.default is not MISSING:
                default: Any = f.default
            elif f.default_factory is list:
                default = _EMPTY_LIST
            elif f.default_factory is dict:
                default = _EMPTY_DICT
            else:
                default = _REQUIRED
            enc, dec = _codec(hints[f.name])
            specs.append((f.name, default, enc))
            decoders[f.name] = dec

    def encode(record: Any) -> Any:
        if type(record) is not cls:
            _fail(cls.__name__, record)
        if not specs:
            prepare()
        data: dict[str, Any] = {}
        for name, default, enc in specs:
            value = getattr(record, name)
            if default is _EMPTY_LIST or default is _EMPTY_DICT:
                if not value and type(value) is (list if default is _EMPTY_LIST else dict):
                    continue
            elif default is not _REQUIRED and value is default:
                continue  # None, False, True, a shared string constant
            data[name] = enc(value)
        return data

    def decode(data: Any) -> Any:
        if not decoders:
            prepare()
        if type(data) is not dict:
            _fail(f"a {cls.__name__} object", data)
        try:
            return cls(**{name: decoders[name](value) for name, value in data.items()})
        except KeyError as err:
            raise ModelDataError(f"{cls.__name__} has no field {err}") from err
        except TypeError as err:  # a required field missing
            raise ModelDataError(f"{cls.__name__}: {err}") from err

    return encode, decode
