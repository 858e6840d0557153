"""Elixir's own reading of `.ex` files (`tests/oracle/read.exs`, `Code.string_to_quoted/2`), beside what the
tree-sitter extraction reads, for the oracle tests. Debian's Elixir is enough (`.ci/run` installs it); no
compilation, no Hex."""

from __future__ import annotations

import base64
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from paritydocs.elixir import extract_file
from paritydocs.model import TypeDef, TypeKind

ELIXIR = shutil.which("elixir")
SCRIPT = Path(__file__).parent / "oracle" / "read.exs"


@dataclass
class ModuleFacts:
    """What one reading says of one module: field → default (canonical), enforced keys, `@moduledoc`."""

    fields: dict[str, str] = field(default_factory=dict)
    enforced: set[str] = field(default_factory=set)
    doc: str | None = None


def elixir_reading(files: Iterable[Path]) -> tuple[dict[str, dict[str, ModuleFacts]], dict[str, str]]:
    """File → module → facts, as Elixir reads them; and the files Elixir cannot parse (file → its message)."""
    paths = [str(p) for p in files]
    done = subprocess.run(
        [ELIXIR or "elixir", str(SCRIPT), *paths], capture_output=True, text=True, check=True, timeout=600
    )
    facts: dict[str, dict[str, ModuleFacts]] = {}
    errors: dict[str, str] = {}
    for line in done.stdout.splitlines():
        kind, path, *rest = line.split("\t")
        if kind == "file":
            facts.setdefault(path, {})
            if rest[0] == "error":
                errors[path] = rest[1] if len(rest) > 1 else ""
        elif kind == "module":
            facts[path].setdefault(rest[0], ModuleFacts())
        elif kind == "field":
            module, name, default = rest
            if default.startswith("float:"):  # Elixir writes 1.0e-12 where Python writes 1e-12
                default = f"float:{float(default.removeprefix('float:'))}"
            facts[path][module].fields[name] = default
        elif kind == "enforce":
            facts[path][rest[0]].enforced.add(rest[1])
        elif kind == "moduledoc":
            module, text = rest
            facts[path][module].doc = None if text == "false" else base64.b64decode(text).decode("utf-8")
    return facts, errors


def _canonical(expr: str, value: object, resolved: bool) -> str:
    """Our default in the oracle's words (`int:1`, `atom:info`, `str:<base64>`, `list`, ...)."""
    text = expr.strip()
    if text.startswith("["):
        return "list"
    if text.startswith("%{"):
        return "map"
    if text.startswith("{"):
        return "tuple"
    if not resolved:
        return "?"
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return f"bool:{str(value).lower()}"
    if isinstance(value, int):
        return f"int:{value}"
    if isinstance(value, float):
        return f"float:{value}"
    if isinstance(value, str):
        if text.startswith(":"):
            return f"atom:{value}"
        return "str:" + base64.b64encode(value.encode("utf-8")).decode("ascii")
    return "?"


def tree_sitter_reading(path: Path) -> dict[str, ModuleFacts]:
    """Module → facts, as paritydocs' extraction reads the file (modules, not the `@type` aliases it adds)."""
    result = extract_file(path.name, path.read_bytes())
    facts: dict[str, ModuleFacts] = {}
    for typedef in result.types:
        if typedef.kind in (TypeKind.TYPE_ALIAS, TypeKind.UNION_ALIAS):
            continue
        facts[typedef.path] = _facts(typedef)
    return facts


def _facts(typedef: TypeDef) -> ModuleFacts:
    found = ModuleFacts(doc=typedef.doc)
    for f in typedef.fields:
        default = f.default
        if f.default_source:  # from `new/1` or a decoder: not the `defstruct` entry, which is not compared
            found.fields[f.name] = "?"
        elif default is None:
            found.fields[f.name] = "nil"
        else:
            found.fields[f.name] = _canonical(default.expr, default.value, default.resolved)
        if f.required:
            found.enforced.add(f.name)
    return found


def differences(ours: dict[str, ModuleFacts], theirs: dict[str, ModuleFacts]) -> list[str]:
    """Where the two readings of one file disagree: modules, fields and their literal defaults, enforced keys,
    `@moduledoc` text (both stripped of surrounding blank space: paritydocs keeps the text, not the heredoc's
    final newline). A default Elixir's reading cannot name (`?`: an expression) is not compared."""
    found: list[str] = []
    if set(ours) != set(theirs):
        found.append(f"modules: ours {sorted(ours)}, Elixir's {sorted(theirs)}")
    for module in sorted(set(ours) & set(theirs)):
        a, b = ours[module], theirs[module]
        if list(a.fields) != list(b.fields):
            found.append(f"{module} fields: ours {list(a.fields)}, Elixir's {list(b.fields)}")
        for name in set(a.fields) & set(b.fields):
            if "?" not in (a.fields[name], b.fields[name]) and a.fields[name] != b.fields[name]:
                found.append(f"{module}.{name} default: ours {a.fields[name]}, Elixir's {b.fields[name]}")
        enforced = a.enforced & set(b.fields) if b.fields else a.enforced
        if enforced != b.enforced:
            found.append(f"{module} enforced: ours {sorted(a.enforced)}, Elixir's {sorted(b.enforced)}")
        if (a.doc or "").strip() != (b.doc or "").strip():
            found.append(f"{module} moduledoc: ours {a.doc!r}, Elixir's {b.doc!r}")
    return found
