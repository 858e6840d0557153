"""Constants side by side: Python's UPPER_CASE module and class constants against the port's module attributes
and zero-arity functions, matched by name (units and a `default_` prefix aside), compared by value.

`MAX_CHUNK_LEN` meets `@max_chunk_len`; `FLUSH_INTERVAL` (seconds) meets `@default_flush_interval_ms`; a
`constant_map` entry pairs any two. When one name has several candidates on the other side, the one whose module
shares the most words with the constant's own module wins (`tinker.lib.telemetry.MAX_BATCH_SIZE` ↔
`Tinkex.Telemetry.Reporter.@max_batch_size`); a tie pairs nothing and says so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from paritydocs.model import ConstantDef
from paritydocs.parity.findings import Finding, FindingKind, Severity
from paritydocs.parity.report import ConstantRow
from paritydocs.parity.rules import MS_PER_S, _number, ex_value, py_value, values_equal

__all__ = ["ConstantIndex", "compare_constants", "constant_key"]

_UNIT_SUFFIXES = (
    ("_milliseconds", "ms"),
    ("_millis", "ms"),
    ("_ms", "ms"),
    ("_seconds", "s"),
    ("_secs", "s"),
    ("_sec", "s"),
    ("_s", "s"),
)
_IGNORED_WORDS = frozenset({"tinker", "tinkex", "lib", "public", "interfaces", "types", "internal"})
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def _mirrors_python(name: str) -> bool:
    """`@python_max_retries`: the port's own name for the value it mirrors from Python."""
    return name.lower().lstrip("_").startswith("python_")


@functools.lru_cache(maxsize=65_536)  # pure, and asked of every Elixir constant for each Python one
def constant_key(name: str) -> tuple[str, str | None]:
    """A constant's name as both languages can meet it, and the unit its name says: `MAX_CHUNK_LEN` →
    (`max_chunk_len`, None), `@default_flush_interval_ms` → (`flush_interval`, `ms`), `HTTP_TIMEOUT_SECONDS` →
    (`http_timeout`, `s`), `@python_max_retries` → (`max_retries`, None)."""
    key = name.lower().lstrip("_").removeprefix("python_")
    unit = None
    for suffix, found in _UNIT_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key, unit = key[: -len(suffix)], found
            break
    return key.removeprefix("default_"), unit


@functools.lru_cache(maxsize=65_536)
def _module_words(owner: str) -> frozenset[str]:
    words = {w.lower() for part in re.split(r"[._]", owner) for w in _WORD.findall(part)}
    return frozenset(words - _IGNORED_WORDS)


def _public(constant: ConstantDef) -> bool:
    """A Python constant a user can import without reaching into a private name or module."""
    return not constant.name.startswith("_") and not any(p.startswith("_") for p in constant.owner.split("."))


_ATOM = re.compile(r"(?<![\w\"']):[A-Za-z_]")


def _shown(constant: ConstantDef, *, python: bool) -> str:
    """The value as its language writes it: Python's `repr`; Elixir's digits grouped, and an expression holding
    atoms as written (the extraction keeps an atom as its name: `:infinity` must not read as a string)."""
    if not constant.value.resolved:
        return constant.value.expr
    if python:
        return py_value(constant.value.value)
    if _ATOM.search(constant.value.expr):
        return " ".join(constant.value.expr.split())
    return ex_value(constant.value.value)


def _subject(py: ConstantDef | None, ex: ConstantDef | None) -> str:
    return f"{py.path if py else '-'}|{ex.path if ex else '-'}"


def _finding(kind: FindingKind, message: str, py: ConstantDef | None, ex: ConstantDef | None) -> Finding:
    return Finding(
        kind,
        message,
        python=py.location if py else None,
        elixir=ex.location if ex else None,
        subject=_subject(py, ex),
    )


def _scaled(py: ConstantDef, ex: ConstantDef) -> tuple[Any, Any, str | None, str | None]:
    """The two values in one unit, and the units to show: Python seconds against Elixir milliseconds (or the
    other way round) are compared after scaling; a Python name without a unit against an Elixir `_ms` name is
    read as seconds, as the field rules do."""
    _, py_unit = constant_key(py.name)
    _, ex_unit = constant_key(ex.name)
    py_v, ex_v = py.value.value, ex.value.value
    numbers = _number(py_v) and _number(ex_v)
    if numbers and ex_unit == "ms" and py_unit in (None, "s"):
        return py_v * MS_PER_S, ex_v, "s", "ms"
    if numbers and py_unit == "ms" and ex_unit in (None, "s"):
        return py_v, ex_v * MS_PER_S, "ms", "s"
    return py_v, ex_v, None, None


def _compare(py: ConstantDef, ex: ConstantDef, siblings: Mapping[tuple[str, str], list[ConstantDef]]) -> list[Finding]:
    if not py.value.resolved or not ex.value.resolved:
        return []  # extraction keeps resolved constants only; a row built by configuration may not be
    py_v, ex_v, py_unit, ex_unit = _scaled(py, ex)
    shown_py = _shown(py, python=True) + (f" {py_unit}" if py_unit else "")
    shown_ex = _shown(ex, python=False) + (f" {ex_unit}" if ex_unit else "")
    both = f"Python `{py.path}` = {shown_py}; Elixir `{ex.path}` = {shown_ex}"
    # `@python_max_retries` beside the port's own `@default_max_retries`: say what the port uses by default
    own = [
        c
        for c in siblings.get((ex.owner, constant_key(ex.name)[0]), [])
        if c is not ex and not _mirrors_python(c.name) and c.value.resolved and c.value.value != ex.value.value
    ]
    aside = (
        " (" + ", ".join(f"the port's own `{c.path}` = {_shown(c, python=False)}" for c in own) + ")"
        if _mirrors_python(ex.name) and own
        else ""
    )
    if values_equal(py_v, ex_v):
        return [_finding(FindingKind.CONSTANT_EQUAL, f"{both}: equal{aside}.", py, ex)]
    return [_finding(FindingKind.CONSTANT_MISMATCH, f"{both}{aside}.", py, ex)]


class ConstantIndex:
    """The row `compare_constants` gives one Python constant against the port's constants, for many Python
    constants one at a time (a sync report's constant changes): each compared only with the Elixir constants
    that can decide its row, so the rows of every other Elixir constant are not made each time.

    Those are the constants of its name key (its candidates and their siblings) and, when `constant_map` pairs
    it, those of the name key of the constant it names (that constant and its siblings), in the port's order:
    `compare_constants` of the Python constant against them gives the same row as against all of them."""

    def __init__(self, elixir: list[ConstantDef], constant_map: Mapping[str, str] | None = None) -> None:
        self.elixir = elixir
        self.constant_map = dict(constant_map or {})
        self.keys = [constant_key(c.name)[0] for c in elixir]
        self.by_path = {c.path: c for c in elixir}

    def row(self, py: ConstantDef) -> ConstantRow:
        keys = {constant_key(py.name)[0]}
        target = self.constant_map.get(py.path)
        mapped = self.by_path.get(target) if target else None
        if mapped is not None:
            keys.add(constant_key(mapped.name)[0])
        deciding = [c for c, key in zip(self.elixir, self.keys, strict=True) if key in keys]
        return next(r for r in compare_constants([py], deciding, self.constant_map) if r.python is py)


def compare_constants(
    python: list[ConstantDef], elixir: list[ConstantDef], constant_map: Mapping[str, str] | None = None
) -> list[ConstantRow]:
    """Every constant of both sides, in rows: pairs first by `constant_map` (`py.path` → `ex.path`), then by
    name key; each Python constant unmatched is `constant_missing_in_elixir` (medium for a public constant,
    low for a private one), each Elixir one `constant_missing_in_python` (info: the port keeps many values of
    its own, telemetry event names and pool sizes, that Python has no constant for)."""
    by_path = {c.path: c for c in elixir}
    siblings: dict[tuple[str, str], list[ConstantDef]] = {}
    for c in elixir:
        siblings.setdefault((c.owner, constant_key(c.name)[0]), []).append(c)
    used: set[int] = set()
    rows: list[ConstantRow] = []
    pending: list[ConstantDef] = []
    for py in python:
        target = (constant_map or {}).get(py.path)
        ex = by_path.get(target) if target else None
        if ex is not None and id(ex) not in used:
            used.add(id(ex))
            rows.append(ConstantRow(py, ex, "config", _compare(py, ex, siblings)))
        else:
            pending.append(py)
    candidates: dict[str, list[ConstantDef]] = {}
    for ex in elixir:
        if id(ex) not in used:
            candidates.setdefault(constant_key(ex.name)[0], []).append(ex)
    # the strongest pairs first: a constant whose module shares more words with its candidate's
    scored: list[tuple[int, int, ConstantDef, ConstantDef]] = []
    for index, py in enumerate(pending):
        for ex in candidates.get(constant_key(py.name)[0], []):
            # the port naming the value Python's (`@python_max_retries`) outweighs any likeness of modules; a
            # name that states its unit (`@initial_retry_delay_ms`) breaks a tie with one that does not
            score = 10 * len(_module_words(py.owner) & _module_words(ex.owner)) + (
                1000 if _mirrors_python(ex.name) else 0
            )
            if constant_key(ex.name)[1] is not None and _number(py.value.value):
                score += 1
            scored.append((score, -index, py, ex))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    paired: dict[int, ConstantRow] = {}
    ties: dict[int, list[ConstantDef]] = {}
    for score, _, py, ex in scored:
        if id(py) in paired or id(ex) in used or id(py) in ties:
            continue
        rivals = [
            other for s, _, p, other in scored if p is py and other is not ex and s == score and id(other) not in used
        ]
        if rivals:
            ties[id(py)] = [ex, *rivals]
            continue
        used.add(id(ex))
        how = "name" if constant_key(py.name)[1] == constant_key(ex.name)[1] else "unit"
        paired[id(py)] = ConstantRow(py, ex, how, _compare(py, ex, siblings))
    for py in pending:
        row = paired.get(id(py))
        if row is not None:
            rows.append(row)
            continue
        severity = Severity.MEDIUM if _public(py) else Severity.LOW
        shown = _shown(py, python=True)
        key = constant_key(py.name)[0]
        message = (
            f"Python constant `{py.path}` = {shown} has no counterpart in the port (no Elixir attribute or "
            f"zero-arity function named `{key}`, with or without `default_`, `python_` or a unit)"
        )
        notes: list[str] = []
        if id(py) in ties:
            names = ", ".join(f"`{c.path}`" for c in ties[id(py)])
            message = (
                f"Python constant `{py.path}` = {shown} has no counterpart the names decide: several Elixir "
                f"constants are as likely ({names}); pair one in `constant_map`"
            )
            notes.append(f"Candidates: {names}.")
        finding = _finding(FindingKind.CONSTANT_MISSING_IN_ELIXIR, message + ".", py, None)
        finding.severity = severity
        rows.append(ConstantRow(py, None, "", [finding], notes))
    python_by_key: dict[str, list[ConstantDef]] = {}
    for py in python:
        python_by_key.setdefault(constant_key(py.name)[0], []).append(py)
    partner = {id(row.python): row.elixir for row in rows if row.python is not None and row.elixir is not None}
    for ex in elixir:
        if id(ex) in used:
            continue
        shown = _shown(ex, python=False)
        namesakes = python_by_key.get(constant_key(ex.name)[0], [])
        if namesakes:
            fates = []
            for py in namesakes:
                other = partner.get(id(py))
                fates.append(
                    f"`{py.path}` is paired with `{other.path}`"
                    if other is not None
                    else f"`{py.path}` is left unpaired"
                )
            message = (
                f"Elixir constant `{ex.path}` = {shown} has no Python counterpart of its own: Python's constant of "
                f"that name goes elsewhere ({'; '.join(fates)})."
            )
        else:
            message = (
                f"Elixir constant `{ex.path}` = {shown} has no counterpart in Python (no UPPER_CASE constant with a "
                f"literal value named `{constant_key(ex.name)[0].upper()}`, with or without `DEFAULT_` or a unit)."
            )
        finding = _finding(FindingKind.CONSTANT_MISSING_IN_PYTHON, message, None, ex)
        rows.append(ConstantRow(None, ex, "", [finding]))
    return rows
