"""Helpers for the Elixir extractor's tests: write inline Elixir into a temporary tree and extract it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import elixir_source_info
from paritydocs.elixir import ParseCache, extract_elixir
from paritydocs.model import FieldDef, FunctionDef, SdkModel, SourceInfo, TypeDef

FIXTURES = Path(__file__).parent / "fixtures"
EXLIB = FIXTURES / "exlib"
EXLIB_BROKEN = FIXTURES / "exlib_broken"


def write_elixir_module(tmp_path: Path, source_text: str, name: str = "lib/x.ex") -> Path:
    """Write `source_text` (dedented, leading blank lines dropped) as UTF-8 to `tmp_path / name`."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source_text).lstrip("\n"), encoding="utf-8")
    return path


def elixir_source(root: Path) -> SourceInfo:
    return elixir_source_info(root, version="0.0.0-test")


def extract(root: Path, *, dirs: tuple[str, ...] = ("lib",), cache: ParseCache | None = None) -> SdkModel:
    return extract_elixir(root, dirs=dirs, source=elixir_source(root), cache=cache)


def extract_text(tmp_path: Path, source_text: str, name: str = "lib/x.ex") -> SdkModel:
    """Write one module file and extract the tree it is in."""
    write_elixir_module(tmp_path, source_text, name)
    return extract(tmp_path)


def module(model: SdkModel, path: str) -> TypeDef:
    found = model.type_named(path)
    assert found is not None, f"no module {path}; have {[t.path for t in model.types]}"
    return found


def field(typedef: TypeDef, name: str) -> FieldDef:
    found = typedef.field_named(name)
    assert found is not None, f"no field {name} in {typedef.path}; have {[f.name for f in typedef.fields]}"
    return found


def function(typedef: TypeDef, name: str, arity: int) -> FunctionDef:
    for fn in typedef.functions:
        if fn.name == name and fn.arity == arity:
            return fn
    have = [f"{f.name}/{f.arity}" for f in typedef.functions]
    raise AssertionError(f"no function {name}/{arity} in {typedef.path}; have {have}")


def signatures(typedef: TypeDef) -> list[str]:
    return [f"{f.name}/{f.arity}" for f in typedef.functions]
