"""Clients side by side: a Python client class beside the Elixir module that ports it, operation by operation.

An *operation* is one thing a client does: on the Python side a method and its `_async` twin, on the Elixir
side every arity of one function name (the one with the most parameters speaks for them; the keyword options
of all arities are merged), its `_async` twin and a raising `name!` variant. Operations are matched by name,
then by `method_aliases`, then with Elixir's `!`/`?` suffix stripped. Parameters are matched by name (Python
keyword parameters meet the options an Elixir function reads from its `opts`), then positionally.

Findings reuse the type pages' kinds: `missing_in_elixir` / `missing_in_python` for operations and
parameters, `default_mismatch`, `default_unresolved`, `optionality_mismatch` and the two doc kinds. Like the
field rules, nothing here guesses: what cannot be read statically is said to be so.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from paritydocs.config import Settings
from paritydocs.elixir import OPTS_PARAM
from paritydocs.elixir.docs import elixir_option_docs
from paritydocs.model import Default, FunctionDef, Location, ParamDef, SdkModel, TypeDef
from paritydocs.parity import Row
from paritydocs.parity.findings import Finding, FindingKind
from paritydocs.parity.rules import ex_value, py_value, type_doc_findings, values_equal
from paritydocs.python.docstrings import DocParts, parse_python_doc
from paritydocs.textsafe import logger

__all__ = ["ClientPair", "DocParts", "MethodRow", "ParamRow", "compare_clients", "parse_python_doc"]

ASYNC_SUFFIX = "_async"
"""An Elixir parameter that carries keyword options (the same convention the extractor reads options from)."""
RECEIVER_PARAM = re.compile(r"^_?(?:client|\w+_client|pid|server|conn|state|struct|self|session|arg1|t)$")
"""Names an Elixir client function's leading parameter (the process or struct it acts on) usually has."""
PLUMBING = frozenset({"start_link", "start", "child_spec", "init", "terminate", "code_change", "format_status"})
"""OTP process plumbing: Elixir-only by design, never a missing Python method."""
CONSTRUCTORS = frozenset({"new"})
"""Struct constructors: the Python client's `__init__` (private, so never extracted) is their counterpart."""
_INDIRECT_EXCLUDED = frozenset({"start_link", "start", "child_spec"})
"""Functions whose option reads configure the process, not an operation."""


# --------------------------------------------------------------------------------------------
# Docstrings


# --------------------------------------------------------------------------------------------
# Results


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


# --------------------------------------------------------------------------------------------
# Pairing clients with modules


def compare_clients(python: SdkModel, elixir: SdkModel, settings: Settings) -> list[ClientPair]:
    """Pair each Python client with its Elixir module (`client_map`, else a unique module of the same short
    name) and compare them operation by operation. A client without a module is skipped with a warning."""
    if not elixir.types:
        return []  # no Elixir tree (its source failed to load, and that error says why)
    modules = {t.path: t for t in elixir.types}
    by_short: dict[str, list[TypeDef]] = {}
    for t in elixir.types:
        by_short.setdefault(t.path.rsplit(".", 1)[-1], []).append(t)
    scanner = _ElixirScanner(elixir)
    pairs: list[ClientPair] = []
    for client in python.clients:
        target = _mapped_module(client, settings.client_map)
        module: TypeDef | None
        if target is not None:
            module = modules.get(target)
            if module is None:
                logger.warning(
                    "paritydocs: client %s is mapped to Elixir module %s, which the Elixir tree does not define; "
                    "fix its entry in client_map",
                    client.path,
                    target,
                )
                continue
        else:
            candidates = by_short.get(client.name, [])
            if len(candidates) != 1:
                found = ", ".join(t.path for t in candidates) if candidates else "none"
                logger.warning(
                    "paritydocs: no Elixir module for client %s (modules named %s: %s); add it to client_map",
                    client.path,
                    client.name,
                    found,
                )
                continue
            module = candidates[0]
        unbound = {f.name for f in client.functions if {"staticmethod", "classmethod"} & set(f.decorators)}
        pairs.append(_compare(client, module, settings, scanner.index(module), unbound))
    return pairs


def _mapped_module(client: TypeDef, client_map: Mapping[str, str]) -> str | None:
    for key in (client.path, client.public_path, client.name):
        if key and key in client_map:
            return client_map[key]
    return None


def _aliases_for(client: TypeDef, method_aliases: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """`*` first, then the short name, then the paths: the most specific entry wins."""
    merged: dict[str, str] = {}
    for key in ("*", client.name, client.path, client.public_path):
        if key and key in method_aliases:
            merged.update(method_aliases[key])
    return merged


# --------------------------------------------------------------------------------------------
# What the Elixir modules read outside the compared functions


@dataclass(slots=True)
class _ModuleScan:
    reads: dict[str, list[IndirectRead]] = field(default_factory=dict)
    """Option key → every read of it from an opts-like variable anywhere in the module."""
    hidden: dict[str, FunctionDef] = field(default_factory=dict)
    """Public functions left out of the docs (`@doc false`, `@impl`), by name (the first clause's arity)."""


_TIERS = ("module", "submodules", "referenced")
_TIER_TEXT = {
    "module": "the module reads",
    "submodules": "its submodules read",
    "referenced": "modules it refers to read",
}


@dataclass(slots=True)
class _OptionIndex:
    """Where a client module's options may be read when its functions hand `opts` on: the module itself, then
    its submodules (`Tinkex.TrainingClient.Operations`), then the modules its source names (and theirs)."""

    tiers: list[tuple[str, dict[str, list[IndirectRead]]]] = field(default_factory=list)
    hidden: dict[str, FunctionDef] = field(default_factory=dict)

    def lookup(self, key: str) -> tuple[str, list[IndirectRead]]:
        for tier, reads in self.tiers:
            if key in reads:
                return tier, reads[key]
        return "", []


class _ElixirScanner:
    """What the public functions do not show, from the Elixir model: options read in `defp` helpers and
    GenServer callbacks (where a client function's `opts` usually end up), and functions left out of the docs."""

    def __init__(self, model: SdkModel) -> None:
        self.modules = {t.path: t for t in model.types}
        self._scans: dict[str, _ModuleScan] = {}

    def scan(self, module: TypeDef) -> _ModuleScan:
        if module.path not in self._scans:
            scan = _ModuleScan()
            for read in module.option_reads:
                if read.function in _INDIRECT_EXCLUDED or not OPTS_PARAM.match(read.var):
                    continue
                scan.reads.setdefault(read.key, []).append(
                    IndirectRead(
                        read.key,
                        module.path,
                        module.file,
                        read.function,
                        read.arity,
                        read.keyword,
                        read.line,
                        read.default,
                        read.how,
                    )
                )
            scan.hidden = {f.name: f for f in module.hidden_functions}
            self._scans[module.path] = scan
        return self._scans[module.path]

    def index(self, module: TypeDef) -> _OptionIndex:
        own = self.scan(module)
        family = [t for path, t in sorted(self.modules.items()) if path.startswith(module.path + ".")]
        near = {module.path, *(t.path for t in family)}
        named = {name for name in module.references if name in self.modules}
        # a named module's submodules implement it (`Tinkex.TrainingClient` → `Tinkex.TrainingClient.Operations`)
        reached = named | {p for p in self.modules for n in named if p.startswith(n + ".")}
        referenced = [self.modules[path] for path in sorted(reached) if path not in near]
        return _OptionIndex(
            tiers=[
                ("module", own.reads),
                ("submodules", _merge_reads(self.scan(t) for t in family)),
                ("referenced", _merge_reads(self.scan(t) for t in referenced)),
            ],
            hidden=own.hidden,
        )


def _merge_reads(scans: Iterable[_ModuleScan]) -> dict[str, list[IndirectRead]]:
    merged: dict[str, list[IndirectRead]] = {}
    for scan in scans:
        for key, reads in scan.reads.items():
            merged.setdefault(key, []).extend(reads)
    return merged


# --------------------------------------------------------------------------------------------
# Operations


@dataclass(slots=True)
class _PyOp:
    name: str
    main: FunctionDef
    twin: FunctionDef | None
    unbound: bool = False
    """A `staticmethod`/`classmethod`: no `self`, so Elixir's first parameter is not a receiver."""

    @property
    def names(self) -> set[str]:
        return {self.name} | ({self.twin.name} if self.twin else set())


@dataclass(slots=True)
class _ExOp:
    name: str
    main: FunctionDef
    arities: list[int]
    twin: FunctionDef | None = None
    twin_arities: list[int] = field(default_factory=list)
    variants: list[FunctionDef] = field(default_factory=list)


def _python_ops(client: TypeDef, unbound: set[str]) -> list[_PyOp]:
    by_name = {f.name: f for f in client.functions}
    ops: list[_PyOp] = []
    for fn in client.functions:
        base = fn.name.removesuffix(ASYNC_SUFFIX)
        if fn.name.endswith(ASYNC_SUFFIX) and base in by_name:
            continue  # the twin of `base`
        ops.append(_PyOp(fn.name, fn, by_name.get(fn.name + ASYNC_SUFFIX), unbound=fn.name in unbound))
    return ops


def _merge_arities(functions: list[FunctionDef]) -> tuple[FunctionDef, list[int]]:
    """One FunctionDef for every arity of a name: the widest arity's parameters, the options of all."""
    ordered = sorted(functions, key=lambda f: f.arity or 0)
    widest = ordered[-1]
    params = [_copy_param(p) for p in widest.params if p.kind != "option"]
    options: dict[str, ParamDef] = {}
    for fn in reversed(ordered):
        for p in fn.params:
            if p.kind != "option":
                continue
            known = options.get(p.name)
            if known is None:
                options[p.name] = _copy_param(p)
            else:
                known.required = known.required or p.required
                if known.default is None and p.default is not None:
                    known.default = p.default
    merged = FunctionDef(
        name=widest.name,
        arity=widest.arity,
        doc=next((f.doc for f in reversed(ordered) if f.doc), None),
        spec=widest.spec or next((f.spec for f in reversed(ordered) if f.spec), None),
        line=min((f.line for f in ordered if f.line), default=widest.line),
        params=params + list(options.values()),
        returns=widest.returns,
        is_async=widest.is_async,
        file=widest.file,
    )
    return merged, [f.arity for f in ordered if f.arity is not None]


def _copy_param(p: ParamDef) -> ParamDef:
    return ParamDef(p.name, p.kind, p.annotation, p.required, p.default, p.doc)


def _elixir_ops(module: TypeDef) -> list[_ExOp]:
    groups: dict[str, list[FunctionDef]] = {}
    for fn in module.functions:
        groups.setdefault(fn.name, []).append(fn)
    merged = {name: _merge_arities(fns) for name, fns in groups.items()}
    ops: dict[str, _ExOp] = {}
    for name, (main, arities) in merged.items():
        base = name.removesuffix(ASYNC_SUFFIX)
        if name.endswith(ASYNC_SUFFIX) and base in merged:
            continue
        if name.endswith("!") and name[:-1] in merged:
            continue
        ops[name] = _ExOp(name, main, arities)
    for name, (main, arities) in merged.items():
        if name in ops:
            continue
        base = name.removesuffix(ASYNC_SUFFIX) if name.endswith(ASYNC_SUFFIX) else name[:-1]
        owner = ops.get(base)
        if owner is None:  # `x_async!`: keep it as its own operation
            ops[name] = _ExOp(name, main, arities)
        elif name.endswith(ASYNC_SUFFIX):
            owner.twin, owner.twin_arities = main, arities
        else:
            owner.variants.append(main)
    return sorted(ops.values(), key=lambda op: (op.main.line or 0, op.name))


def _match_ops(py_ops: list[_PyOp], ex_ops: list[_ExOp], aliases: dict[str, str]) -> list[tuple[_PyOp, _ExOp, str]]:
    """Equal names first (an `_async` twin's name counts), then `method_aliases`, then `!`/`?` stripped."""
    free = {op.name: op for op in ex_ops}
    matched: list[tuple[_PyOp, _ExOp, str]] = []
    pending = list(py_ops)

    def take(py: _PyOp, name: str | None, how: str) -> bool:
        if name is None or name not in free:
            return False
        matched.append((py, free.pop(name), how))
        return True

    for rule in ("name", "async", "alias", "suffix"):
        left = []
        for py in pending:
            done = False
            if rule == "name":
                done = take(py, py.name, "name")
            elif rule == "async":
                done = take(py, py.twin.name if py.twin else py.name + ASYNC_SUFFIX, "async")
                if not done and py.name.endswith(ASYNC_SUFFIX):
                    done = take(py, py.name.removesuffix(ASYNC_SUFFIX), "async")
            elif rule == "alias":
                target = aliases.get(py.name) or (aliases.get(py.twin.name) if py.twin else None)
                if target is not None:
                    done = take(py, target, "alias") or take(py, target.rstrip("!?"), "alias")
            else:
                stripped = [n for n in free if n.rstrip("!?") == py.name]
                done = len(stripped) == 1 and take(py, stripped[0], "suffix")
            if not done:
                left.append(py)
        pending = left
    return matched


def _compare(client: TypeDef, module: TypeDef, settings: Settings, scan: _OptionIndex, unbound: set[str]) -> ClientPair:
    py_ops = _python_ops(client, unbound)
    ex_ops = _elixir_ops(module)
    aliases = _aliases_for(client, settings.method_aliases)
    matched = _match_ops(py_ops, ex_ops, aliases)
    by_py = {id(py): (ex, how) for py, ex, how in matched}
    matched_ex = {id(ex) for _, ex, _ in matched}
    defined = {f.name for f in module.functions} | set(scan.hidden)
    unknown_aliases = {
        name: target
        for name, target in aliases.items()
        if any(name in op.names for op in py_ops) and target not in defined and target.rstrip("!?") not in defined
    }
    py_only_names = [op.name for op in py_ops if id(op) not in by_py]
    ex_only = [op for op in ex_ops if id(op) not in matched_ex]

    rows: list[MethodRow] = []
    for py in py_ops:
        found = by_py.get(id(py))
        if found is None:
            rows.append(_python_only(client, module, py, ex_only=ex_only, scan=scan, unknown_aliases=unknown_aliases))
        else:
            rows.append(_both(client, module, py, found[0], how=found[1], scan=scan, aliases=aliases))
    rows.extend(_elixir_only(client, module, ex, py_only_names) for ex in ex_only)  # in Elixir source order
    pair = ClientPair(client, module, rows, type_doc_findings(client, module), python_doc=parse_python_doc(client.doc))
    for name, target in unknown_aliases.items():
        pair.notes.append(
            f"`method_aliases` maps `{name}` to `{target}`, which `{module.path}` does not define (publicly)."
        )
    return pair


# --------------------------------------------------------------------------------------------
# One-sided operations


def _py_loc(client: TypeDef, fn: FunctionDef | None) -> Location | None:
    if fn is None:
        return None
    return Location(fn.file or client.file, fn.line or client.line)


def _ex_loc(module: TypeDef, fn: FunctionDef | None, line: int | None = None) -> Location | None:
    if fn is None and line is None:
        return None
    return Location((fn.file if fn else None) or module.file, line or (fn.line if fn else None) or module.line)


def _subject(client: TypeDef, module: TypeDef, py_name: str | None, ex_name: str | None, param: str = "") -> str:
    suffix = f".{param}" if param else ""
    py = f"{client.path}.{py_name}{suffix}" if py_name else f"{client.path}.-"
    ex = f"{module.path}.{ex_name}{suffix}" if ex_name else f"{module.path}.-"
    return f"{py}|{ex}"


def _python_only(
    client: TypeDef,
    module: TypeDef,
    py: _PyOp,
    *,
    ex_only: list[_ExOp],
    scan: _OptionIndex,
    unknown_aliases: dict[str, str],
) -> MethodRow:
    row = MethodRow(py.main, py.twin, None, python_doc=parse_python_doc(_doc_of(py.main, py.twin)))
    row.params = [ParamRow(p, None, "") for p in py.main.params]
    hidden = next((scan.hidden[n] for n in sorted(py.names) if n in scan.hidden), None)
    if hidden is not None:
        row.how = "hidden"
        row.elixir = hidden
        row.elixir_arities = [hidden.arity or 0]
        row.notes.append(
            f"`{module.path}` defines `{hidden.name}/{hidden.arity}` (line {hidden.line}) but leaves it out of its "
            "docs (`@doc false` or an `@impl` callback): it exists as a callback rather than documented API, so it "
            "is not reported missing, and its parameters are not compared."
        )
        return row
    twin = f" (and its async twin `{py.twin.name}`)" if py.twin else ""
    message = f"Python `{client.name}.{py.name}`{twin} has no counterpart in Elixir `{module.path}`."
    hint = _rename_hint(py.name, [op.name for op in ex_only if op.name not in PLUMBING])
    if hint:
        message += (
            f" Elixir has `{hint}`: if that is the same operation renamed, add `{py.name}: {hint}` to "
            f"`method_aliases` for `{client.name}`."
        )
    elif py.name in unknown_aliases:
        message += f" (`method_aliases` maps it to `{unknown_aliases[py.name]}`, which is not defined.)"
    row.findings.append(
        Finding(
            FindingKind.MISSING_IN_ELIXIR,
            message,
            python=_py_loc(client, py.main),
            elixir=module.location,
            subject=_subject(client, module, py.name, None),
        )
    )
    return row


def _elixir_only(client: TypeDef, module: TypeDef, ex: _ExOp, py_only: list[str]) -> MethodRow:
    row = MethodRow(
        None, None, ex.main, elixir_async=ex.twin, elixir_arities=ex.arities, elixir_variants=list(ex.variants)
    )
    row.params = [ParamRow(None, p, "") for p in ex.main.params]
    signature = f"{ex.name}/{','.join(str(a) for a in ex.arities)}"
    if ex.name in PLUMBING:
        row.notes.append(f"`{signature}` is OTP process plumbing; the Python client needs no counterpart.")
        return row
    if ex.name in CONSTRUCTORS:
        row.notes.append(f"`{signature}` builds the client; its Python counterpart is `{client.name}.__init__`.")
        return row
    message = f"Elixir `{module.path}.{signature}` has no counterpart in Python `{client.name}`."
    hint = _rename_hint(ex.name, py_only)
    if hint:
        message += (
            f" Python has `{hint}`: if that is the same operation renamed, add `{hint}: {ex.name}` to "
            f"`method_aliases` for `{client.name}`."
        )
    row.findings.append(
        Finding(
            FindingKind.MISSING_IN_PYTHON,
            message,
            python=client.location,
            elixir=_ex_loc(module, ex.main),
            subject=_subject(client, module, None, ex.name),
        )
    )
    return row


def _rename_hint(name: str, others: list[str]) -> str | None:
    close = difflib.get_close_matches(name, others, n=1, cutoff=0.8)
    return close[0] if close else None


# --------------------------------------------------------------------------------------------
# Operations on both sides


def _doc_of(main: FunctionDef, twin: FunctionDef | None) -> str | None:
    return main.doc or (twin.doc if twin else None)


def _both(
    client: TypeDef, module: TypeDef, py: _PyOp, ex: _ExOp, *, how: str, scan: _OptionIndex, aliases: Mapping[str, str]
) -> MethodRow:
    row = MethodRow(
        py.main,
        py.twin,
        ex.main,
        how=how,
        elixir_async=ex.twin,
        elixir_arities=ex.arities,
        elixir_variants=list(ex.variants),
        python_doc=parse_python_doc(_doc_of(py.main, py.twin)),
    )
    ex_name = ex.name
    subject = _subject(client, module, py.name, ex_name)
    py_loc, ex_loc = _py_loc(client, py.main), _ex_loc(module, ex.main)
    if how == "alias":
        row.notes.append(f"Matched by `method_aliases`: Python `{py.name}` is Elixir `{ex_name}`.")
    elif how == "suffix":
        row.notes.append(f"Matched with Elixir's `{ex_name[-1]}` suffix set aside: `{ex_name}` ↔ `{py.name}`.")
    elif how == "async":
        only = "async" if ex_name.endswith(ASYNC_SUFFIX) else "sync"
        row.notes.append(f"Elixir provides only the {only} variant, `{ex_name}`.")
    if py.twin is not None:
        row.notes.append(_twin_note(py, ex))
    for variant in ex.variants:
        row.notes.append(f"Elixir also has `{variant.name}/{variant.arity}` (raises instead of returning an error).")

    py_doc = _doc_of(py.main, py.twin)
    ex_doc = _doc_of(ex.main, ex.twin)
    if py_doc and not ex_doc:
        row.findings.append(
            Finding(
                FindingKind.DOC_MISSING_IN_ELIXIR,
                f"`{py.name}` is documented in Python (\u201c{_first_line(py_doc)}\u201d) but "
                f"`{module.path}.{ex_name}` has no `@doc`.",
                python=py_loc,
                elixir=ex_loc,
                subject=subject,
            )
        )
    elif ex_doc and not py_doc:
        row.findings.append(
            Finding(
                FindingKind.DOC_MISSING_IN_PYTHON,
                f"`{module.path}.{ex_name}` has a `@doc` but Python `{client.name}.{py.name}` has no docstring.",
                python=py_loc,
                elixir=ex_loc,
                subject=subject,
            )
        )
    row.params = _compare_params(client, module, py, ex, scan=scan, doc=row.python_doc, aliases=aliases)
    return row


def _twin_note(py: _PyOp, ex: _ExOp) -> str:
    assert py.twin is not None
    kind = "`async def`" if py.twin.is_async else "returns an awaitable"
    text = f"Python also has the async twin `{py.twin.name}` ({kind})"
    if ex.twin is not None:
        text += f"; Elixir's is `{ex.twin.name}/{','.join(str(a) for a in ex.twin_arities)}`"
    text += "."
    main_sig = [(p.name, p.kind, p.default.expr if p.default else None) for p in py.main.params]
    twin_sig = [(p.name, p.kind, p.default.expr if p.default else None) for p in py.twin.params]
    if main_sig != twin_sig:
        text += f" Its parameters differ from `{py.name}`'s: `{py.twin.spec}`."
    return text


def _first_line(text: str, limit: int = 80) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"


# --------------------------------------------------------------------------------------------
# Parameters


def _is_variadic(p: ParamDef) -> bool:
    return p.kind in ("var_positional", "var_keyword")


def _is_positional(p: ParamDef) -> bool:
    return p.kind in ("positional_only", "positional_or_keyword")


def _compare_params(
    client: TypeDef,
    module: TypeDef,
    py: _PyOp,
    ex: _ExOp,
    *,
    scan: _OptionIndex,
    doc: DocParts,
    aliases: Mapping[str, str] | None = None,
) -> list[ParamRow]:
    """Parameters by name, then by `method_aliases` entries `"method.param": elixir_name`, then by position."""
    # copies: the docs Griffe finds are filled in here, the extracted model stays as it was
    all_py = [_copy_param(p) for p in py.main.params]
    for p in all_py:
        if not p.doc and p.name in doc.args:
            p.doc = doc.args[p.name]
    py_params = [p for p in all_py if not _is_variadic(p)]
    ex_positional = [p for p in ex.main.params if p.kind != "option"]
    ex_options = [p for p in ex.main.params if p.kind == "option"]
    option_docs = elixir_option_docs(ex.main.doc)
    for p in ex.main.params:
        if not p.doc and p.name in option_docs:
            p.doc = option_docs[p.name]
    py_names = {p.name for p in py_params}

    opts_param = ex_positional[-1] if ex_positional and OPTS_PARAM.match(ex_positional[-1].name) else None
    if opts_param is not None:
        ex_positional = ex_positional[:-1]
    receiver = None
    if ex_positional and ex_positional[0].name not in py_names and not py.unbound:
        py_required_positional = [p for p in py_params if _is_positional(p) and p.required]
        if RECEIVER_PARAM.match(ex_positional[0].name) or len(ex_positional) > len(py_required_positional):
            receiver = ex_positional[0]
            ex_positional = ex_positional[1:]

    ex_by_name = {p.name: p for p in ex_options}
    ex_by_name.update({p.name: p for p in ex_positional})  # a positional parameter wins over a same-named option
    used: set[int] = set()
    py_left: list[ParamDef] = []
    matched_py: dict[int, tuple[ParamDef, str]] = {}
    for p in py_params:
        e, how = ex_by_name.get(p.name), "name"
        renamed = (aliases or {}).get(f"{py.name}.{p.name}")
        if (e is None or id(e) in used) and renamed:
            e, how = ex_by_name.get(renamed), "alias"
        if e is not None and id(e) not in used:
            used.add(id(e))
            matched_py[id(p)] = (e, how)
        else:
            py_left.append(p)
    ex_pos_left = [e for e in ex_positional if id(e) not in used]
    for p, e in zip([p for p in py_left if _is_positional(p) and p.required], ex_pos_left, strict=False):
        used.add(id(e))
        matched_py[id(p)] = (e, "position")

    rows: list[ParamRow] = []
    if receiver is not None:
        rows.append(
            ParamRow(
                None,
                receiver,
                "receiver",
                notes=[f"`{receiver.name}`: the process or struct the Elixir function acts on (Python's `self`)."],
            )
        )
    ex_fn = f"{ex.name}/{ex.main.arity}"
    py_loc, ex_loc = _py_loc(client, py.main), _ex_loc(module, ex.main)

    def one_sided(kind: FindingKind, python: ParamDef | None, elixir: ParamDef | None, message: str) -> ParamRow:
        """A parameter found on one side only, with its one finding."""
        name = (python or elixir).name  # type: ignore[union-attr]
        subject = _subject(client, module, py.name, ex.name, name)
        return ParamRow(
            python, elixir, "", findings=[Finding(kind, message, python=py_loc, elixir=ex_loc, subject=subject)]
        )

    for p in all_py:
        if _is_variadic(p):
            rows.append(
                ParamRow(
                    p,
                    None,
                    "variadic",
                    notes=[f"`{'*' if p.kind == 'var_positional' else '**'}{p.name}` accepts anything; not compared."],
                )
            )
            continue
        found = matched_py.get(id(p))
        if found is not None:
            e, how = found
            row = ParamRow(p, e, how)
            if how == "position":
                row.notes.append(f"Named `{e.name}` in Elixir; matched by position.")
            elif how == "alias":
                row.notes.append(f"Named `{e.name}` in Elixir; matched by `method_aliases`.")
            row.findings = _param_findings(
                client, module, p, e, ops=(py.name, ex.name), indirect=[], locs=(py_loc, ex_loc)
            )
            rows.append(row)
            continue
        key = (aliases or {}).get(f"{py.name}.{p.name}") or p.name  # a renamed option is read under its new name
        tier, indirect = scan.lookup(key) if opts_param is not None else ("", [])
        if indirect:
            e = ParamDef(
                name=key, kind="option", required=False, default=_common_default(indirect), doc=option_docs.get(key)
            )
            row = ParamRow(p, e, "indirect", indirect=list(indirect))
            places = ", ".join(f"`{_short_function(r, module)}` ({r.file}:{r.line})" for r in indirect[:3]) + (
                f" and {len(indirect) - 3} more" if len(indirect) > 3 else ""
            )
            row.notes.append(
                f"`{ex_fn}` does not read `:{key}` itself; {_TIER_TEXT[tier]} it from options in {places}. "
                "Matched on the assumption that the function hands its `opts` on there."
            )
            row.findings = _param_findings(
                client, module, p, e, ops=(py.name, ex.name), indirect=indirect, locs=(py_loc, ex_loc)
            )
            rows.append(row)
            continue
        if opts_param is not None:
            where = (
                f"`{ex_fn}` does not read `:{p.name}` from `{opts_param.name}`, and neither does any function "
                "of the module, its submodules or the modules it refers to"
            )
            similar = _similar_option(p.name, [e.name for e in ex_options if id(e) not in used], scan, py_names)
            if similar is not None:
                key, read = similar
                at = f" (in `{_short_function(read, module)}`, {read.file}:{read.line})" if read else ""
                where += (
                    f". Elixir does read a similar option, `:{key}`{at}: if it is the same option under "
                    "another name, only the name differs"
                )
        else:
            where = f"`{ex_fn}` has no such parameter and takes no options"
        rows.append(
            one_sided(
                FindingKind.MISSING_IN_ELIXIR,
                p,
                None,
                f"Parameter `{p.name}` of Python `{client.name}.{py.name}` is missing in Elixir: {where}.",
            )
        )
    accepts_kwargs = any(p.kind == "var_keyword" for p in py.main.params)
    for e in [*ex_positional, *ex_options]:
        if id(e) in used:
            continue
        if accepts_kwargs and e.kind == "option":
            rows.append(ParamRow(None, e, "", notes=[f"Python takes `**kwargs`, which may carry `{e.name}`."]))
            continue
        what = "option" if e.kind == "option" else "parameter"
        rows.append(
            one_sided(
                FindingKind.MISSING_IN_PYTHON,
                None,
                e,
                f"Elixir `{ex_fn}` {what} `{e.name}` has no counterpart in Python `{client.name}.{py.name}`.",
            )
        )
    if opts_param is not None:
        rows.append(
            ParamRow(
                None,
                opts_param,
                "opts",
                notes=[f"`{opts_param.name}`: the keyword list the options above are read from."],
            )
        )
    return rows


def _similar_option(
    name: str, direct: list[str], scan: _OptionIndex, taken: set[str]
) -> tuple[str, IndirectRead | None] | None:
    """An option Elixir reads whose name contains, or is close to, a Python parameter's (a likely rename)."""

    def close(key: str) -> bool:
        if key == name or key in taken or min(len(key), len(name)) < 5:
            return False
        return key in name or name in key or difflib.SequenceMatcher(None, key, name).ratio() >= 0.8

    for key in direct:
        if close(key):
            return key, None
    for _tier, reads in scan.tiers:
        for key in sorted(reads):
            if close(key):
                return key, reads[key][0]
    return None


def _short_function(read: IndirectRead, module: TypeDef) -> str:
    prefix = "" if read.module == module.path else f"{read.module}."
    return f"{prefix}{read.function}/{read.arity}"


def _common_default(reads: list[IndirectRead]) -> Default | None:
    """The default every read of an option agrees on, or None (some read states none, or they differ)."""
    defaults = [r.default for r in reads]
    first = defaults[0]
    if first is None or any(d is None for d in defaults):
        return None
    if all(d is not None and d.resolved and first.resolved and values_equal(d.value, first.value) for d in defaults):
        return first
    if all(d is not None and d.expr == first.expr for d in defaults):
        return first
    return None


def _describe_elixir(e: ParamDef, indirect: Iterable[IndirectRead]) -> str:
    reads = list(indirect)
    if e.kind != "option":
        if e.default is None:
            return f"a required positional parameter (`{e.name}`)"
        return f"a positional parameter with default `{e.default.expr}`"
    if e.required:
        return f"an option read with `Keyword.fetch!(opts, :{e.name})` (required)"
    where = f" (read in `{reads[0].function}/{reads[0].arity}`)" if reads else ""
    if e.default is None:
        return f"an option of `opts` with no default (nil when absent){where}"
    return f"an option of `opts` with default `{e.default.expr}`{where}"


def _param_findings(
    client: TypeDef,
    module: TypeDef,
    p: ParamDef,
    e: ParamDef,
    *,
    ops: tuple[str, str],
    indirect: list[IndirectRead],
    locs: tuple[Location | None, Location | None],
) -> list[Finding]:
    py_op, ex_op = ops
    py_loc, ex_loc = locs

    def finding(kind: FindingKind, message: str) -> Finding:
        return Finding(
            kind, message, python=py_loc, elixir=ex_loc, subject=_subject(client, module, py_op, ex_op, p.name)
        )

    label = f"`{p.name}` of `{client.name}.{py_op}`"
    if p.required and not e.required:
        return [
            finding(
                FindingKind.OPTIONALITY_MISMATCH,
                f"{label} is required in Python; in Elixir it is {_describe_elixir(e, indirect)}.",
            )
        ]
    if not p.required and e.required:
        shown = f" (default `{p.default.expr}`)" if p.default else ""
        return [
            finding(
                FindingKind.OPTIONALITY_MISMATCH,
                f"{label} is optional in Python{shown}; in Elixir it is {_describe_elixir(e, indirect)}.",
            )
        ]
    if p.required or p.default is None:
        return []
    py_default = p.default
    if e.default is None:
        if indirect and len({r.default.expr if r.default else None for r in indirect}) > 1:
            exprs = ", ".join(sorted({f"`{r.default.expr}`" if r.default else "none" for r in indirect}))
            return [
                finding(
                    FindingKind.DEFAULT_UNRESOLVED,
                    f"Default of {label} cannot be compared statically: Python `{py_default.expr}`; Elixir reads "
                    f"`:{p.name}` in several places with different defaults ({exprs}).",
                )
            ]
        if py_default.resolved and py_default.value is None:
            return []  # both nil when absent
        return [
            finding(
                FindingKind.DEFAULT_UNRESOLVED,
                f"Default of {label} cannot be compared statically: Python defaults to `{py_default.expr}`; Elixir "
                f"reads `:{e.name}` with no default (nil when absent, unless filled in later).",
            )
        ]
    if not py_default.resolved or not e.default.resolved:
        side = " and ".join(s for s, d in (("Python", py_default), ("Elixir", e.default)) if not d.resolved)
        return [
            finding(
                FindingKind.DEFAULT_UNRESOLVED,
                f"Default of {label} cannot be compared statically ({side} side): Python `{py_default.expr}`, "
                f"Elixir `{e.default.expr}`.",
            )
        ]
    if values_equal(py_default.value, e.default.value):
        return []
    shown_ex = e.default.expr if e.default.expr.startswith(":") else ex_value(e.default.value)
    return [
        finding(
            FindingKind.DEFAULT_MISMATCH,
            f"{label} defaults to {py_value(py_default.value)} in Python; Elixir `{e.name}` defaults to {shown_ex}.",
        )
    ]
