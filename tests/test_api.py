"""The public API: what the package documents is what it exports, and every package ships."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import tomllib
from pathlib import Path

import pytest

import paritydocs

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "site_src" / "paritydocs"


def _documented_names(doc: str) -> set[str]:
    """The names of the docstring's API index: the backticked names of each `- ` entry, before its colon."""
    names: set[str] = set()
    for line in doc.splitlines():
        if line.startswith("- ") and ":" in line:
            names.update(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", line.split(":", 1)[0]))
    return names


def test_every_documented_name_is_exported_and_importable() -> None:
    documented = _documented_names(paritydocs.__doc__ or "")
    assert {"extract_python", "extract_elixir", "run_parity", "build_site", "build_sync_report", "build_patch"} <= (
        documented
    )
    assert {"Settings", "load_settings"} <= documented
    assert documented <= set(paritydocs.__all__)
    for name in paritydocs.__all__:
        assert getattr(paritydocs, name) is not None, name
    namespace: dict[str, object] = {}
    exec("from paritydocs import *", namespace)  # the star import a user may write
    assert set(paritydocs.__all__) <= set(namespace)


def test_the_exports_are_the_stage_objects() -> None:
    from paritydocs.config import Settings
    from paritydocs.parity import run_parity
    from paritydocs.python import extract_python

    assert paritydocs.Settings is Settings
    assert paritydocs.run_parity is run_parity
    assert paritydocs.extract_python is extract_python
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = paritydocs.no_such_name  # type: ignore[attr-defined]


def _packages() -> list[str]:
    found = ["paritydocs"]
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="paritydocs."):
        if info.ispkg:
            found.append(info.name)
    return found


@pytest.mark.parametrize("name", _packages())
def test_every_package_names_its_api(name: str) -> None:
    """Each package's `__init__` has a docstring and an `__all__` whose names it really offers."""
    module = importlib.import_module(name)
    assert (module.__doc__ or "").strip(), f"{name} has no docstring"
    exported = getattr(module, "__all__", None)
    assert exported, f"{name} has no __all__"
    for attr in exported:
        assert hasattr(module, attr), f"{name}.__all__ names {attr}, which it does not define"


def test_the_wheel_lists_every_package() -> None:
    """pyproject lists the packages by hand (the templates' data package is mapped onto templates/)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    assert listed == {*_packages(), "paritydocs.templates"}
    assert config["package-dir"]["paritydocs.templates"] == "templates"


def test_no_symlink_in_the_package() -> None:
    assert not [p for p in PACKAGE.rglob("*") if p.is_symlink()]


def test_the_templates_and_queries_are_package_data() -> None:
    from paritydocs.render import builtin_templates

    assert builtin_templates().resolve() == (ROOT / "templates").resolve()
    assert (builtin_templates() / "_base" / "pair.md.jinja").is_file()


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("paritydocs"):
            out.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            out += [(alias.name, []) for alias in node.names if alias.name.startswith("paritydocs")]
    return out


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_private_name_crosses_a_package() -> None:
    crossing = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        here = _stage(".".join(rel.parts))
        for module, names in _imports(path):
            if _stage(module) == here:
                continue
            crossing += [
                f"{rel}: {module}.{name}" for name in names if name.startswith("_") and not name.startswith("__")
            ]
    assert crossing == []


# Each stage imports only the stages before it here (lazy imports inside functions count too).
STAGES = [
    {"version", "errors", "textsafe", "jsonfile", "guard"},
    {"model", "config"},
    {"options"},  # the plugin entry's MkDocs schema, over `config`'s checks: the plugin's and the CLI's
    {"sources"},
    {"modelnames"},
    {"python", "elixir"},
    {"parity"},
    {"pipeline"},
    {"sync", "suggest"},
    {"render"},
    {"site"},
    {"cli"},
    {""},  # the package's face names every stage's API
]
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_each_stage_imports_only_the_stages_below_it() -> None:
    upward = []
    for path in PACKAGE.rglob("*.py"):
        here = _stage(_module_name(path))
        for module, _names in _imports(path):
            there = _stage(module)
            if RANK[there] > RANK[here] or (RANK[there] == RANK[here] and there != here):
                upward.append(f"{_module_name(path)} -> {module}")
    assert upward == []


def test_no_import_circle() -> None:
    graph: dict[str, set[str]] = {}
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    for name, path in modules.items():
        if name == "paritydocs":
            continue
        targets = graph.setdefault(name, set())
        for module, names in _imports(path):
            # `from paritydocs.pkg import sub` names the submodule when `sub` is one
            subs = [f"{module}.{n}" for n in names if f"{module}.{n}" in modules]
            targets.update(subs or ([module] if module in modules else []))
        targets.discard(name)
    circles = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert circles == []
