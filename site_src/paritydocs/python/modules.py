"""Every module of a Python SDK's packages and what it defines publicly: the surface the port is compared with
module by module (`parity.modules`). Tests shipped inside the package (`*_test`, `test_*`) are left out."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import griffe

from paritydocs.model import ModuleDef
from paritydocs.python.loader import SdkTree, walk_objects

__all__ = ["is_test_module_name", "read_modules"]


def is_test_module_name(name: str) -> bool:
    """A module name of a test shipped inside a package (`internal_client_holder_test`, `test_client`)."""
    return name.endswith("_test") or name.startswith("test_")


def _is_test_module(name: str) -> bool:
    return is_test_module_name(name) or name in ("tests", "conftest")


def read_modules(tree: SdkTree, tops: Iterable[str]) -> list[ModuleDef]:
    """The modules of the packages `tops` loaded in `tree`, by path."""
    found: list[ModuleDef] = []
    for top in sorted(set(tops)):
        package = tree.top(top)
        if package is None:
            continue
        for obj in walk_objects(package):
            if not isinstance(obj, griffe.Module) or not isinstance(obj.filepath, Path):
                continue
            if any(_is_test_module(part) for part in str(obj.path).split(".")) or obj.name == "__init__":
                continue  # a test; or a package's `__init__.py` seen as a module of its own (the package is listed)
            classes, functions = [], []
            for name, member in obj.members.items():
                if member.is_alias or name.startswith("_"):
                    continue
                if member.is_class:
                    classes.append(name)
                elif member.is_function:
                    functions.append(name)
            text = tree.docstring_as_written(obj.filepath)
            doc = text.strip().splitlines()[0] if text and text.strip() else None
            found.append(ModuleDef(str(obj.path), tree.rel(obj.filepath), doc, classes, functions))
    found.sort(key=lambda m: m.path)
    return found
