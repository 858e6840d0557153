"""Clients side by side: a Python client class beside the Elixir module that ports it, operation by operation.

An *operation* is one thing a client does: on the Python side a method, its `_async` twin and its `_sync`
and `_submit` twins; on the Elixir side every arity of one function name (the one with the most parameters
speaks for them; the keyword options of all arities are merged), its `_async` twin, its blocking `_sync` twin
and a raising `name!` variant. A twin is only a twin when the plain name exists too. Operations are matched
by name, then by an `_async` twin's name, then by another twin's name, then by `method_aliases`, then with
Elixir's `!`/`?` suffix stripped. Parameters are matched by name (Python
keyword parameters meet the options an Elixir function reads from its `opts`), then positionally.

Findings reuse the type pages' kinds: `missing_in_elixir` / `missing_in_python` for operations and
parameters, `default_mismatch`, `default_unresolved`, `optionality_mismatch` and the two doc kinds. Like the
field rules, nothing here guesses: what cannot be read statically is said to be so.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from paritydocs.config import Settings
from paritydocs.model import FunctionDef, ParamDef, SdkModel, TypeDef
from paritydocs.parity.client_params import (
    CarriedFields,
    ElixirScanner,
    ExOp,
    OptionIndex,
    PyOp,
    carried_fields,
    compare_params,
    copy_param,
    ex_location,
    finding_subject,
    py_location,
)
from paritydocs.parity.findings import Finding, FindingKind, Severity
from paritydocs.parity.report import ClientPair, MethodRow, ParamRow
from paritydocs.parity.rules import type_doc_findings
from paritydocs.python.docstrings import parse_python_doc
from paritydocs.textsafe import logger

__all__ = ["ClientPair", "MethodRow", "ParamRow", "compare_clients"]

ASYNC_SUFFIX = "_async"
SYNC_SUFFIX = "_sync"
"""`foo_sync` beside `foo`: the blocking twin (Tinkex's `save_weights_and_get_sampling_client_sync/2` awaits the
Task `save_weights_and_get_sampling_client/2` returns). One operation with `foo`, like an `_async` twin."""
SUBMIT_SUFFIX = "_submit"
"""Python `foo_submit` beside `foo`: the twin that submits and returns a future (`foo` waits on it: Tinker's
`save_weights_and_get_sampling_client_submit`). One operation with `foo`."""
_PY_TWINS = (ASYNC_SUFFIX, SYNC_SUFFIX, SUBMIT_SUFFIX)
_EX_TWINS = (ASYNC_SUFFIX, SYNC_SUFFIX)
_TWIN_TEXT = {SYNC_SUFFIX: "blocking", SUBMIT_SUFFIX: "submits and returns a future"}
"""An Elixir parameter that carries keyword options (the same convention the extractor reads options from)."""
PLUMBING = frozenset({"start_link", "start", "child_spec", "init", "terminate", "code_change", "format_status"})
"""OTP process plumbing: Elixir-only by design, never a missing Python method."""
CONSTRUCTORS = frozenset({"new"})
"""Struct constructors: the Python client's `__init__` (private, so never extracted) is their counterpart."""


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
    scanner = ElixirScanner(elixir)
    carried = carried_fields(python)
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
        pairs.append(_compare(client, module, settings, scanner.index(module), unbound, carried=carried))
    _weigh_found_elsewhere(pairs)
    return pairs


def _weigh_found_elsewhere(pairs: list[ClientPair]) -> None:
    """A Python method missing from its client's module that another client module of the port defines under
    the same name (`RestClient.get_telemetry` ↔ `Tinkex.ServiceClient.get_telemetry/1`) is medium: the operation
    is in the port, on another client; whether a user of this one can reach it is to check."""
    offered: dict[str, list[str]] = {}
    for pair in pairs:
        for fn in pair.elixir.functions:
            offered.setdefault(fn.name, []).append(f"{pair.elixir.path}.{fn.name}/{fn.arity}")
    for pair in pairs:
        own = f"{pair.elixir.path}."
        for row in pair.rows:
            if row.python is None or row.elixir is not None:
                continue
            elsewhere = sorted({f for f in offered.get(row.python.name, []) if not f.startswith(own)})
            for finding in row.findings:
                if finding.kind is FindingKind.MISSING_IN_ELIXIR and elsewhere:
                    finding.severity = Severity.MEDIUM
                    shown = ", ".join(f"`{f}`" for f in elsewhere)
                    finding.message += (
                        f" The port has it on another client ({shown}): check that a user of"
                        f" `{pair.elixir.path}` can reach it there."
                    )


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
# Operations


def _python_ops(client: TypeDef, unbound: set[str]) -> list[PyOp]:
    by_name = {f.name: f for f in client.functions}
    ops: list[PyOp] = []
    for fn in client.functions:
        if _twin_base(fn.name, by_name, _PY_TWINS) is not None:
            continue  # the twin of `base`
        variants = [by_name[fn.name + s] for s in (SYNC_SUFFIX, SUBMIT_SUFFIX) if fn.name + s in by_name]
        ops.append(
            PyOp(fn.name, fn, by_name.get(fn.name + ASYNC_SUFFIX), unbound=fn.name in unbound, variants=variants)
        )
    return ops


def _twin_base(name: str, names: Mapping[str, object], suffixes: tuple[str, ...]) -> str | None:
    """`foo` for `foo_async` (or another twin suffix) when `foo` exists too: then the name is `foo`'s twin."""
    for suffix in suffixes:
        if name.endswith(suffix) and name.removesuffix(suffix) in names:
            return name.removesuffix(suffix)
    return None


def _merge_arities(functions: list[FunctionDef]) -> tuple[FunctionDef, list[int]]:
    """One FunctionDef for every arity of a name: the widest arity's parameters, the options of all."""
    ordered = sorted(functions, key=lambda f: f.arity or 0)
    widest = ordered[-1]
    params = [copy_param(p) for p in widest.params if p.kind != "option"]
    options: dict[str, ParamDef] = {}
    for fn in reversed(ordered):
        for p in fn.params:
            if p.kind != "option":
                continue
            known = options.get(p.name)
            if known is None:
                options[p.name] = copy_param(p)
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


def _elixir_ops(module: TypeDef) -> list[ExOp]:
    groups: dict[str, list[FunctionDef]] = {}
    for fn in module.functions:
        groups.setdefault(fn.name, []).append(fn)
    merged = {name: _merge_arities(fns) for name, fns in groups.items()}
    ops: dict[str, ExOp] = {}
    for name, (main, arities) in merged.items():
        if _twin_base(name, merged, _EX_TWINS) is not None:
            continue
        if name.endswith("!") and name[:-1] in merged:
            continue
        ops[name] = ExOp(name, main, arities)
    for name, (main, arities) in merged.items():
        if name in ops:
            continue
        base = _twin_base(name, merged, _EX_TWINS) or name[:-1]
        owner = ops.get(base)
        if owner is None:  # `x_async!`: keep it as its own operation
            ops[name] = ExOp(name, main, arities)
        elif name.endswith(ASYNC_SUFFIX):
            owner.twin, owner.twin_arities = main, arities
        else:  # a blocking `x_sync` or a raising `x!`
            owner.variants.append(main)
    return sorted(ops.values(), key=lambda op: (op.main.line or 0, op.name))


def _match_ops(py_ops: list[PyOp], ex_ops: list[ExOp], aliases: dict[str, str]) -> list[tuple[PyOp, ExOp, str]]:
    """Equal names first, then a twin's name (`_async`, then `_sync`/`_submit`), then `method_aliases`, then
    `!`/`?` stripped."""
    free = {op.name: op for op in ex_ops}
    matched: list[tuple[PyOp, ExOp, str]] = []
    pending = list(py_ops)

    def take(py: PyOp, name: str | None, how: str) -> bool:
        if name is None or name not in free:
            return False
        matched.append((py, free.pop(name), how))
        return True

    for rule in ("name", "async", "twin", "alias", "suffix"):
        left = []
        for py in pending:
            done = False
            if rule == "name":
                done = take(py, py.name, "name")
            elif rule == "async":
                done = take(py, py.twin.name if py.twin else py.name + ASYNC_SUFFIX, "async")
                if not done and py.name.endswith(ASYNC_SUFFIX):
                    done = take(py, py.name.removesuffix(ASYNC_SUFFIX), "async")
            elif rule == "twin":
                # Python `foo` ↔ Elixir `foo_sync` (only the blocking twin is public), a Python twin's own name,
                # or Python `foo_sync` ↔ Elixir `foo`
                candidates = [py.name + SYNC_SUFFIX, *(v.name for v in py.variants)]
                candidates += [py.name.removesuffix(SYNC_SUFFIX)] if py.name.endswith(SYNC_SUFFIX) else []
                done = any(take(py, name, "twin") for name in candidates)
            elif rule == "alias":
                target = next((aliases[n] for n in (py.name, *sorted(py.names - {py.name})) if n in aliases), None)
                if target is not None:
                    done = take(py, target, "alias") or take(py, target.rstrip("!?"), "alias")
            else:
                stripped = [n for n in free if n.rstrip("!?") == py.name]
                done = len(stripped) == 1 and take(py, stripped[0], "suffix")
            if not done:
                left.append(py)
        pending = left
    return matched


def _compare(
    client: TypeDef,
    module: TypeDef,
    settings: Settings,
    scan: OptionIndex,
    unbound: set[str],
    *,
    carried: CarriedFields,
) -> ClientPair:
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
            rows.append(_both(client, module, py, found[0], how=found[1], scan=scan, aliases=aliases, carried=carried))
    same_as = _documented_aliases([ex for _, ex, _ in matched], ex_only)
    # in Elixir source order
    rows.extend(_elixir_only(client, module, ex, py_only_names, same_as=same_as.get(ex.name)) for ex in ex_only)
    pair = ClientPair(client, module, rows, type_doc_findings(client, module), python_doc=parse_python_doc(client.doc))
    for name, target in unknown_aliases.items():
        pair.notes.append(
            f"`method_aliases` maps `{name}` to `{target}`, which `{module.path}` does not define (publicly)."
        )
    return pair


# --------------------------------------------------------------------------------------------
# One-sided operations


def _python_only(
    client: TypeDef,
    module: TypeDef,
    py: PyOp,
    *,
    ex_only: list[ExOp],
    scan: OptionIndex,
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
    twins = [f"its async twin `{py.twin.name}`"] if py.twin else []
    twins += [f"its twin `{v.name}`" for v in py.variants]
    twin = f" (and {' and '.join(twins)})" if twins else ""
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
            python=py_location(client, py.main),
            elixir=module.location,
            subject=finding_subject(client, module, py.name, None),
        )
    )
    return row


# The port's own words that one function is another under a second name: "Alias for `publish_checkpoint/2`".
_ALIAS_DOC = re.compile(r"\bAlias (?:for|of) `([a-z_][A-Za-z0-9_]*[!?]?)/\d+`")


def _documented_aliases(paired: list[ExOp], unpaired: list[ExOp]) -> dict[str, str]:
    """Unpaired Elixir operations that the `@doc` of a paired one calls the same operation ("Alias for `x/2`"),
    or whose own `@doc` says so of a paired one: unpaired name → the paired name."""
    paired_names = {op.name for op in paired}
    unpaired_names = {op.name for op in unpaired}
    found: dict[str, str] = {}
    for op in paired:
        for target in _ALIAS_DOC.findall(op.main.doc or ""):
            if target in unpaired_names:
                found.setdefault(target, op.name)
    for op in unpaired:
        for target in _ALIAS_DOC.findall(op.main.doc or ""):
            if target in paired_names:
                found.setdefault(op.name, target)
    return found


def _elixir_only(
    client: TypeDef, module: TypeDef, ex: ExOp, py_only: list[str], *, same_as: str | None = None
) -> MethodRow:
    row = MethodRow(
        None, None, ex.main, elixir_async=ex.twin, elixir_arities=ex.arities, elixir_variants=list(ex.variants)
    )
    row.params = [ParamRow(None, p, "") for p in ex.main.params]
    signature = f"{ex.name}/{','.join(str(a) for a in ex.arities)}"
    if same_as is not None:
        row.notes.append(
            f"`{signature}` is the operation `{same_as}` already pairs with Python: the port's `@doc` calls one an "
            "alias of the other."
        )
        return row
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
    if not hint:
        message += " An addition of the port's: nothing a Python user has is missing."
    row.findings.append(
        Finding(
            FindingKind.MISSING_IN_PYTHON,
            message,
            python=client.location,
            elixir=ex_location(module, ex.main),
            subject=finding_subject(client, module, None, ex.name),
            # a possible rename is worth a look (its Python twin is reported missing); an addition is the port's
            severity=Severity.MEDIUM if hint else Severity.LOW,
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
    client: TypeDef,
    module: TypeDef,
    py: PyOp,
    ex: ExOp,
    *,
    how: str,
    scan: OptionIndex,
    aliases: Mapping[str, str],
    carried: CarriedFields,
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
    subject = finding_subject(client, module, py.name, ex_name)
    py_loc, ex_loc = py_location(client, py.main), ex_location(module, ex.main)
    if how == "alias":
        row.notes.append(f"Matched by `method_aliases`: Python `{py.name}` is Elixir `{ex_name}`.")
    elif how == "suffix":
        row.notes.append(f"Matched with Elixir's `{ex_name[-1]}` suffix set aside: `{ex_name}` ↔ `{py.name}`.")
    elif how == "async":
        only = "async" if ex_name.endswith(ASYNC_SUFFIX) else "sync"
        row.notes.append(f"Elixir provides only the {only} variant, `{ex_name}`.")
    elif how == "twin":
        if ex_name.endswith(SYNC_SUFFIX) and not py.name.endswith(SYNC_SUFFIX):
            row.notes.append(f"Elixir provides only the blocking `_sync` variant, `{ex_name}`.")
        else:
            row.notes.append(f"Matched through a twin's name: Python `{py.name}` ↔ Elixir `{ex_name}`.")
    if py.twin is not None:
        row.notes.append(_twin_note(py, ex))
    for variant in py.variants:
        suffix = SYNC_SUFFIX if variant.name.endswith(SYNC_SUFFIX) else SUBMIT_SUFFIX
        row.notes.append(
            f"Python also has the twin `{variant.name}` ({_TWIN_TEXT[suffix]}); its parameters are not compared "
            "separately."
        )
    for variant in ex.variants:
        if variant.name.endswith(SYNC_SUFFIX):
            row.notes.append(
                f"Elixir also has the blocking twin `{variant.name}/{variant.arity}` (waits for the result); "
                "its options are not compared separately."
            )
        else:
            row.notes.append(
                f"Elixir also has `{variant.name}/{variant.arity}` (raises instead of returning an error)."
            )

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
    row.params = compare_params(client, module, py, ex, scan=scan, doc=row.python_doc, aliases=aliases, carried=carried)
    return row


def _twin_note(py: PyOp, ex: ExOp) -> str:
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
