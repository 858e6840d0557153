"""Shared builders of the test suite: SDK model records and temporary SDK trees written inline.

Each test shows its own input; these only spell the boilerplate once.

Model records (for parity and render tests, no files involved):

- `default(value)`: a resolved `Default` whose expression is the value's repr.
- `py_type(name, fields)`, `ex_type(name, fields)`: a Python type in `acme.types` and its Elixir module in
  `Acme.Types`, with a file, a line and a doc.
- `sdk_models(py_types, ex_types)`: the two `SdkModel`s of a pair.
- `python_source_info(root)`, `elixir_source_info(root)`: the `SourceInfo` of a local tree.

Temporary trees:

- `write_files(root, {"pkg/__init__.py": "...", ...})`: a Python package (or any tree) written from dedented
  text. Elixir modules: `elixir_helpers.write_elixir_module`, beside the Elixir extraction's accessors.

Fixtures: `sources_registry`, a fake PyPI simple index and Hex mirror on 127.0.0.1 (`source_helpers`), wired in
through the environment, for the sources and the declared-target tests. Every test run has a cache folder of its
own (`PARITYDOCS_CACHE`), shared by its tests as a user's builds share theirs; never the user's own.

Test modules import them by name (`from conftest import py_type`): pytest puts this folder on the path.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from paritydocs.model import Default, FieldDef, Language, SdkModel, SourceInfo, TypeDef, TypeKind
from source_helpers import FakeRegistry, RegistryServer


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write `{"relative/path": "text"}` under `root` (text dedented, leading blank lines dropped, a final
    newline added) and return `root`. Parent folders are made; nothing else is (no `__init__.py` appears unless
    listed, so namespace folders are easy to make)."""
    root.mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        body = textwrap.dedent(text).lstrip("\n")
        if body and not body.endswith("\n"):
            body += "\n"
        path.write_text(body, encoding="utf-8")
    return root


def python_source_info(root: Path | str, spec: str | None = None) -> SourceInfo:
    """The `SourceInfo` of a local Python tree (spec defaults to the path)."""
    return SourceInfo(spec=spec or str(root), root=str(root), language=Language.PYTHON)


def elixir_source_info(root: Path | str, spec: str | None = None, version: str | None = None) -> SourceInfo:
    """The `SourceInfo` of a local Elixir tree (spec defaults to the path)."""
    return SourceInfo(spec=spec or str(root), root=str(root), language=Language.ELIXIR, version=version)


def default(value: Any, expr: str | None = None, resolved: bool = True) -> Default:
    """A default as the extractors report it: the expression as written and, when resolved, its value."""
    return Default(expr=expr if expr is not None else repr(value), value=value, resolved=resolved)


def py_type(
    name: str,
    fields: list[FieldDef],
    *,
    kind: TypeKind = TypeKind.PYDANTIC_MODEL,
    doc: str | None = "A type.",
    module: str = "acme.types",
    members: Iterable[Any] = (),
) -> TypeDef:
    """A Python type `module.name` defined in `module.<name lowercased>`, as Griffe reports a re-export."""
    return TypeDef(
        path=f"{module}.{name.lower()}.{name}",
        public_path=f"{module}.{name}",
        name=name,
        kind=kind,
        doc=doc,
        file=f"src/acme/types/{name.lower()}.py",
        line=3,
        fields=fields,
        members=list(members),
    )


def ex_type(
    name: str,
    fields: list[FieldDef],
    *,
    kind: TypeKind = TypeKind.STRUCT,
    doc: str | None = "A module.",
    prefix: str = "Acme.Types",
    members: Iterable[Any] = (),
) -> TypeDef:
    """An Elixir module `prefix.name` in `lib/acme/types/<name lowercased>.ex`."""
    return TypeDef(
        path=f"{prefix}.{name}",
        name=name,
        kind=kind,
        doc=doc,
        file=f"lib/acme/types/{name.lower()}.ex",
        line=1,
        fields=fields,
        members=list(members),
    )


def sdk_models(py_types: list[TypeDef], ex_types: list[TypeDef]) -> tuple[SdkModel, SdkModel]:
    """The two sides of a pair, from types alone (their trees do not exist)."""
    py = SdkModel(SourceInfo("py", "/nonexistent", Language.PYTHON), types=py_types)
    ex = SdkModel(SourceInfo("ex", "/nonexistent", Language.ELIXIR), types=ex_types)
    return py, ex


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo project (`examples/demo`), its cache folder `tmp_path / "cache"`."""
    from site_helpers import copy_demo

    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    return copy_demo(tmp_path)


@pytest.fixture(autouse=True, scope="session")
def _suite_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    before = os.environ.get("PARITYDOCS_CACHE")
    os.environ["PARITYDOCS_CACHE"] = str(tmp_path_factory.mktemp("paritydocs-cache"))
    yield
    if before is None:
        os.environ.pop("PARITYDOCS_CACHE", None)
    else:
        os.environ["PARITYDOCS_CACHE"] = before


@pytest.fixture
def sources_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRegistry]:
    """A fake PyPI simple index (`/simple/`) and Hex mirror (`/hex/`) on 127.0.0.1, wired in via env."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    from paritydocs.sources import registries

    monkeypatch.setattr(registries, "_latest", {})  # each test's index says its own newest release
    # nor an earlier test's index on the same port, kept on disk in the session's cache (`latest_pypi_release`)
    shutil.rmtree(Path(os.environ["PARITYDOCS_CACHE"]) / "pypi-latest", ignore_errors=True)
    with RegistryServer() as registry:
        monkeypatch.setenv("PARITYDOCS_PYPI_INDEX", registry.base_url + "/simple")
        monkeypatch.setenv("HEX_MIRROR", registry.base_url + "/hex")
        yield registry


@pytest.fixture
def keeping_files() -> Iterator[None]:
    """What is read of each file kept by its status for the process, as a `serve` session has it
    (`sources.trees.keep_files`); put back off after the test."""
    from paritydocs.sources import trees

    trees.keep_files(True)
    yield
    trees.keep_files(False)
