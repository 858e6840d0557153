"""Clients side by side, parameter by parameter: an operation's Python parameters beside the Elixir function's
positional parameters and the options it reads (there, or in the helpers and modules its `opts` reach).

`clients.py` pairs the operations; `compare_params` compares one pair's parameters into `ParamRow`s.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from paritydocs.elixir import OPTS_PARAM
from paritydocs.elixir.docs import elixir_option_docs
from paritydocs.model import Default, FieldDef, FunctionDef, Location, ParamDef, SdkModel, TypeDef
from paritydocs.parity.findings import Finding, FindingKind, Severity
from paritydocs.parity.report import IndirectRead, ParamRow
from paritydocs.parity.rules import ex_value, py_value, values_equal
from paritydocs.python.docstrings import DocParts

__all__ = [
    "RECEIVER_PARAM",
    "CarriedFields",
    "ElixirScanner",
    "ExOp",
    "OptionIndex",
    "PyOp",
    "carried_fields",
    "compare_params",
    "copy_param",
    "ex_location",
    "finding_subject",
    "py_location",
]

RECEIVER_PARAM = re.compile(r"^_?(?:client|\w+_client|pid|server|conn|state|struct|self|session|arg1|t)$")
"""Names an Elixir client function's leading parameter (the process or struct it acts on) usually has."""
_NO_EFFECT = re.compile(
    r"\b(?:deprecated|has no effect|no longer used|(?:currently |is )?ignored|unused)\b[^.\n]*", re.IGNORECASE
)
"""A Python parameter's doc saying passing it changes nothing (`Deprecated, has no effect`, `currently ignored`)."""
_PORT_DEFAULT = (
    " The port fills in its default where Python makes the caller choose: a call Python rejects works, and sends"
    " that value; check that it is the one a caller would give."
)
"""What a required parameter the port fills with a default adds to its finding (medium)."""
_INDIRECT_EXCLUDED = frozenset({"start_link", "start", "child_spec"})


def _quoted(text: str) -> str:
    """A phrase cut out of a doc, without the closing brackets of text around it."""
    text = text.strip()
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip()
    return text


"""Functions whose option reads configure the process, not an operation."""


# --------------------------------------------------------------------------------------------
# Operations, and where their findings point (shared with clients.py)


@dataclass(slots=True)
class PyOp:
    """One Python operation: a method, its `_async` twin, and `variants`: its `_sync` and `_submit` twins."""

    name: str
    main: FunctionDef
    twin: FunctionDef | None
    unbound: bool = False
    """A `staticmethod`/`classmethod`: no `self`, so Elixir's first parameter is not a receiver."""
    variants: list[FunctionDef] = field(default_factory=list)

    @property
    def names(self) -> set[str]:
        return {self.name} | ({self.twin.name} if self.twin else set()) | {fn.name for fn in self.variants}


@dataclass(slots=True)
class ExOp:
    """One Elixir operation: every arity of a function name (merged), its `_async` twin, and `variants`: a
    blocking `name_sync` twin, a raising `name!`."""

    name: str
    main: FunctionDef
    arities: list[int]
    twin: FunctionDef | None = None
    twin_arities: list[int] = field(default_factory=list)
    variants: list[FunctionDef] = field(default_factory=list)


def copy_param(p: ParamDef) -> ParamDef:
    return ParamDef(p.name, p.kind, p.annotation, p.required, p.default, p.doc)


def py_location(client: TypeDef, fn: FunctionDef | None) -> Location | None:
    if fn is None:
        return None
    return Location(fn.file or client.file, fn.line or client.line)


def ex_location(module: TypeDef, fn: FunctionDef | None, line: int | None = None) -> Location | None:
    if fn is None and line is None:
        return None
    return Location((fn.file if fn else None) or module.file, line or (fn.line if fn else None) or module.line)


def finding_subject(client: TypeDef, module: TypeDef, py_name: str | None, ex_name: str | None, param: str = "") -> str:
    suffix = f".{param}" if param else ""
    py = f"{client.path}.{py_name}{suffix}" if py_name else f"{client.path}.-"
    ex = f"{module.path}.{ex_name}{suffix}" if ex_name else f"{module.path}.-"
    return f"{py}|{ex}"


# --------------------------------------------------------------------------------------------
# What the Elixir modules read outside the compared functions


@dataclass(slots=True)
class _ModuleScan:
    reads: dict[str, list[IndirectRead]] = field(default_factory=dict)
    """Option key → every read of it from an opts-like variable anywhere in the module."""
    hidden: dict[str, FunctionDef] = field(default_factory=dict)
    """Public functions left out of the docs (`@doc false`, `@impl`), by name (the first clause's arity)."""


_TIERS = ("function", "module", "submodules", "referenced")
_TIER_TEXT = {
    "function": "it reads it from options it derived from `opts` (another opts-like variable)",
    "module": "the module reads",
    "submodules": "its submodules read",
    "referenced": "modules it refers to read",
}


@dataclass(slots=True)
class OptionIndex:
    """Where a client module's options may be read when its functions hand `opts` on: the compared function
    itself, from a variable derived from its `opts` (`{:ok, rest_opts} <- validate(opts)`; its own reads are the
    strongest evidence, so another function's read of the same key cannot override them), then the module, then
    its submodules (`Tinkex.TrainingClient.Operations`), then the modules its source names (and theirs)."""

    tiers: list[tuple[str, dict[str, list[IndirectRead]]]] = field(default_factory=list)
    hidden: dict[str, FunctionDef] = field(default_factory=dict)
    by_function: dict[str, dict[str, list[IndirectRead]]] = field(default_factory=dict)
    """Function name → option key → the module's reads of it in that function's clauses (any arity)."""

    def lookup(self, key: str, function: str | None = None) -> tuple[str, list[IndirectRead]]:
        own = self.by_function.get(function or "", {})
        if key in own:
            return "function", own[key]
        for tier, reads in self.tiers:
            if key in reads:
                return tier, reads[key]
        return "", []


class ElixirScanner:
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

    def index(self, module: TypeDef) -> OptionIndex:
        own = self.scan(module)
        family = [t for path, t in sorted(self.modules.items()) if path.startswith(module.path + ".")]
        near = {module.path, *(t.path for t in family)}
        named = {name for name in module.references if name in self.modules}
        # a named module's submodules implement it (`Tinkex.TrainingClient` → `Tinkex.TrainingClient.Operations`)
        reached = named | {p for p in self.modules for n in named if p.startswith(n + ".")}
        referenced = [self.modules[path] for path in sorted(reached) if path not in near]
        by_function: dict[str, dict[str, list[IndirectRead]]] = {}
        for key, reads in own.reads.items():
            for read in reads:
                by_function.setdefault(read.function, {}).setdefault(key, []).append(read)
        return OptionIndex(
            tiers=[
                ("module", own.reads),
                ("submodules", _merge_reads(self.scan(t) for t in family)),
                ("referenced", _merge_reads(self.scan(t) for t in referenced)),
            ],
            hidden=own.hidden,
            by_function=by_function,
        )


def _merge_reads(scans: Iterable[_ModuleScan]) -> dict[str, list[IndirectRead]]:
    merged: dict[str, list[IndirectRead]] = {}
    for scan in scans:
        for key, reads in scan.reads.items():
            merged.setdefault(key, []).extend(reads)
    return merged


# --------------------------------------------------------------------------------------------
# Parameters


def _is_variadic(p: ParamDef) -> bool:
    return p.kind in ("var_positional", "var_keyword")


def _is_positional(p: ParamDef) -> bool:
    return p.kind in ("positional_only", "positional_or_keyword")


def compare_params(
    client: TypeDef,
    module: TypeDef,
    py: PyOp,
    ex: ExOp,
    *,
    scan: OptionIndex,
    doc: DocParts,
    aliases: Mapping[str, str] | None = None,
    carried: CarriedFields | None = None,
) -> list[ParamRow]:
    """Parameters by name, then by `method_aliases` entries `"method.param": elixir_name`, then by position.
    `carried`: the Python types' fields by name (`carried_fields`), for the defaults a request type gives."""
    # copies: the docs Griffe finds are filled in here, the extracted model stays as it was
    all_py = [copy_param(p) for p in py.main.params]
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
    py_loc, ex_loc = py_location(client, py.main), ex_location(module, ex.main)

    def one_sided(kind: FindingKind, python: ParamDef | None, elixir: ParamDef | None, message: str) -> ParamRow:
        """A parameter found on one side only, with its one finding."""
        name = (python or elixir).name  # type: ignore[union-attr]
        subject = finding_subject(client, module, py.name, ex.name, name)
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
                client, module, p, e, ops=(py.name, ex.name), indirect=[], locs=(py_loc, ex_loc), carried=carried
            )
            rows.append(row)
            continue
        key = (aliases or {}).get(f"{py.name}.{p.name}") or p.name  # a renamed option is read under its new name
        tier, indirect = scan.lookup(key, ex.name) if opts_param is not None else ("", [])
        if indirect:
            e = ParamDef(
                name=key, kind="option", required=False, default=_common_default(indirect), doc=option_docs.get(key)
            )
            row = ParamRow(p, e, "indirect", indirect=list(indirect))
            places = ", ".join(f"`{_short_function(r, module)}` ({r.file}:{r.line})" for r in indirect[:3]) + (
                f" and {len(indirect) - 3} more" if len(indirect) > 3 else ""
            )
            if tier == "function" and opts_param is not None:
                row.notes.append(
                    f"`{ex_fn}` does not read `:{key}` from `{opts_param.name}` directly; {_TIER_TEXT[tier]}, in "
                    f"{places}."
                )
            else:
                row.notes.append(
                    f"`{ex_fn}` does not read `:{key}` itself; {_TIER_TEXT[tier]} it from options in {places}. "
                    "Matched on the assumption that the function hands its `opts` on there."
                )
            row.findings = _param_findings(
                client, module, p, e, ops=(py.name, ex.name), indirect=indirect, locs=(py_loc, ex_loc), carried=carried
            )
            rows.append(row)
            continue
        if opts_param is not None:
            process = sorted(
                {
                    f"`{r.function}/{r.arity}`"
                    for r in module.option_reads
                    if r.key == p.name and r.function in _INDIRECT_EXCLUDED
                }
            )
            where = (
                f"`{ex_fn}` does not read `:{p.name}` from `{opts_param.name}`, and neither does any function "
                "of the module, its submodules or the modules it refers to"
                + (
                    f" that runs an operation (only {' and '.join(process)} "
                    f"{'reads' if len(process) == 1 else 'read'} `:{p.name}`, to start the process)"
                    if process
                    else ""
                )
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
        without_effect = _NO_EFFECT.search(p.doc or "")
        row = one_sided(
            FindingKind.MISSING_IN_ELIXIR,
            p,
            None,
            f"Parameter `{p.name}` of Python `{client.name}.{py.name}` is missing in Elixir: {where}."
            + (
                f" Python documents it as without effect (“{_quoted(without_effect.group(0))}”)."
                if without_effect
                else ""
            ),
        )
        if without_effect:
            row.findings[0].severity = Severity.LOW  # nothing a caller passes changes what Python does
        elif (only := _only_value(p)) is not None:
            row.findings[0].severity = Severity.LOW  # nothing for a caller to choose
            row.findings[0].message += (
                f" Its type `{p.annotation}` allows one value, its default {only}: a caller of the port has nothing"
                " to choose."
            )
        rows.append(row)
    accepts_kwargs = any(p.kind == "var_keyword" for p in py.main.params)
    for e in [*ex_positional, *ex_options]:
        if id(e) in used:
            continue
        if accepts_kwargs and e.kind == "option":
            rows.append(ParamRow(None, e, "", notes=[f"Python takes `**kwargs`, which may carry `{e.name}`."]))
            continue
        what = "option" if e.kind == "option" else "parameter"
        extra = one_sided(
            FindingKind.MISSING_IN_PYTHON,
            None,
            e,
            f"Elixir `{ex_fn}` {what} `{e.name}` has no counterpart in Python `{client.name}.{py.name}`. An"
            " addition of the port's: nothing a Python user has is missing.",
        )
        for finding in extra.findings:
            finding.severity = Severity.LOW
        rows.append(extra)
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
    name: str, direct: list[str], scan: OptionIndex, taken: set[str]
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


_ONE_LITERAL = re.compile(r"""^(?:typing(?:_extensions)?\.)?Literal\[\s*("[^"\\]*"|'[^'\\]*'|-?\d+|True|False)\s*\]$""")


CarriedFields = Mapping[str, list[tuple[str, FieldDef]]]
"""A field name → the Python types that have a field of that name (short name, the field)."""


def carried_fields(python: SdkModel) -> dict[str, list[tuple[str, FieldDef]]]:
    """Every field of the Python types, by name: where a request type says what a parameter defaults to."""
    carried: dict[str, list[tuple[str, FieldDef]]] = {}
    for t in python.types:
        for f in t.fields:
            carried.setdefault(f.name, []).append((t.name, f))
    return carried


def _same_default(python: Default | None, elixir: Default) -> bool:
    return python is not None and python.resolved and values_equal(python.value, elixir.value)


def _only_value(p: ParamDef) -> str | None:
    """The one value a parameter can take, when its type is a `Literal` of one value and that is its default
    (`loss_type_input: Literal["logprobs"] = "logprobs"`), else None."""
    match = _ONE_LITERAL.match((p.annotation or "").strip())
    if match is None or p.default is None:
        return None
    value = match.group(1)
    same = _unquoted(p.default.expr) == _unquoted(value)
    return f"`{value}`" if same else None


def _unquoted(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'" else text


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
    carried: CarriedFields | None = None,
) -> list[Finding]:
    py_op, ex_op = ops
    py_loc, ex_loc = locs

    def finding(kind: FindingKind, message: str) -> Finding:
        return Finding(
            kind, message, python=py_loc, elixir=ex_loc, subject=finding_subject(client, module, py_op, ex_op, p.name)
        )

    label = f"`{p.name}` of `{client.name}.{py_op}`"
    if p.required and not e.required:
        lenient = finding(
            FindingKind.OPTIONALITY_MISMATCH,
            f"{label} is required in Python; in Elixir it is {_describe_elixir(e, indirect)}.",
        )
        if e.default is not None and not (e.default.resolved and e.default.value is None):
            # a value goes out either way: whether the port's default is the one a caller would choose is to check,
            # unless every Python type with a field of that name defaults it to that value too
            holders = (carried or {}).get(p.name, [])
            if holders and e.default.resolved and all(_same_default(f.default, e.default) for _, f in holders):
                lenient.severity = Severity.LOW
                names = ", ".join(f"`{owner}.{p.name}`" for owner, _ in holders)
                lenient.message += (
                    f" Python's {names} defaults to `{e.default.expr}` too: the port sends the value the request"
                    " type assumes when none is given."
                )
            else:
                lenient.severity = Severity.MEDIUM
                lenient.message += _PORT_DEFAULT
        return [lenient]
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
