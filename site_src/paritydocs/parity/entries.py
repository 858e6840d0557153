"""Configuration entries that name nothing in the trees read: a `type_map` key no Python type has, a
`field_aliases` field the type lacks, a `client_map` module the port does not define. Each is one warning (the
site build's `--strict` and `check --strict` make it an error): an entry that names nothing changes nothing, and
the user meant something by it.

Only the entries the configuration itself writes are checked (`Settings.user_entries`): the built-in profile's
entries name the Tinker/Tinkex trees, and are quietly skipped where another pair lacks them.
"""

from __future__ import annotations

from collections.abc import Iterable

from paritydocs.config import Settings
from paritydocs.model import SdkModel, TypeDef

__all__ = ["unresolved_entries"]


def _names(types: Iterable[TypeDef]) -> set[str]:
    found: set[str] = set()
    for t in types:
        found.update(n for n in (t.path, t.public_path, t.name) if n)
    return found


def _find(types: Iterable[TypeDef], key: str) -> list[TypeDef]:
    return [t for t in types if key in (t.path, t.public_path, t.name)]


def unresolved_entries(settings: Settings, python: SdkModel, elixir: SdkModel) -> list[str]:
    """One line per entry of the configuration that names no type, module, field, client, method or constant of
    the trees read (none when a side could not be read: nothing can be checked against it)."""
    if (not python.types and not python.clients) or not elixir.types:
        return []
    mine = settings.user_entries
    py_types = [*python.types, *python.clients]
    py_names, ex_modules = _names(py_types), {t.path for t in elixir.types}
    problems: list[str] = []

    def check(option: str, key: str, python_name: str | None, elixir_name: str | None) -> None:
        if python_name is not None:
            problems.append(f"'{option}': `{key}` names no Python {python_name}")
        if elixir_name is not None:
            problems.append(f"'{option}': `{key}` → `{elixir_name}`: the Elixir tree has no module `{elixir_name}`")

    for option in ("type_map", "client_map"):
        for key in sorted(mine.get(option, ())):
            target = getattr(settings, option)[key]
            what = "type" if option == "type_map" else "client"
            check(option, key, what if key not in py_names else None, target if target not in ex_modules else None)
    for key in sorted(mine.get("type_prefixes", ())):
        if not any(n.startswith(key + ".") for n in py_names):
            problems.append(f"'type_prefixes': `{key}` is the prefix of no Python type read")
    for key in sorted(mine.get("type_directions", ())):
        if key not in py_names and key not in ex_modules:
            problems.append(f"'type_directions': `{key}` names no Python type and no Elixir module")
    for option, kind in (("field_aliases", "field"), ("method_aliases", "method")):
        for key in sorted(mine.get(option, ())):
            owners = py_types if key == "*" else _find(py_types, key)
            if not owners:
                problems.append(f"'{option}': `{key}` names no Python {'type' if kind == 'field' else 'client'}")
                continue
            members = {f.name for t in owners for f in (t.fields if kind == "field" else t.functions)}
            for name in sorted(getattr(settings, option)[key]):
                member = name.split(".", 1)[0]  # `sample.include_prompt_logprobs`: the method, then its parameter
                if member not in members:
                    problems.append(f"'{option}': `{key}` has no {kind} `{member}`")
    modules = {m.path for m in python.modules}
    for key in sorted(mine.get("module_map", ())):
        target = settings.module_map[key]
        python_missing = "module" if modules and key not in modules else None
        check("module_map", key, python_missing, target if target not in ex_modules else None)
    py_constants = {c.path for c in python.constants}
    ex_constants = {c.path for c in elixir.constants}
    for key in sorted(mine.get("constant_map", ())):
        target = settings.constant_map[key]
        if py_constants and key not in py_constants:
            problems.append(f"'constant_map': `{key}` names no Python constant")
        if ex_constants and target not in ex_constants:
            problems.append(f"'constant_map': `{key}` → `{target}`: the Elixir tree has no constant `{target}`")
    return problems
