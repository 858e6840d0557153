"""paritydocs.python: static extraction of a Python SDK (Griffe + ast), all offline.

The fixture SDK `tests/fixtures/pysdk` (package `acme`) is shaped like a generated API
client: `src/` layout, `_models.BaseModel`/`StrictBase`, `if PYDANTIC_V2:` configuration,
a `lib/` directory without `__init__.py`, constants imported from `_constants`. One of its
modules raises at import time, so any test run that imported the SDK would fail.
Bad input is written inline with `helpers.write_python_package`.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import paritydocs
from conftest import python_source_info, write_files
from paritydocs.model import FunctionDef, SdkModel, TypeDef, TypeKind
from paritydocs.python import extract_python
from paritydocs.python.docstrings import parse_python_doc

FIXTURE = Path(__file__).parent / "fixtures" / "pysdk"
SCHEMA_PATH = Path(paritydocs.__file__).parent / "schemas" / "python-extract.schema.json"
MODULES = ["acme.types", "acme.lib.backoff.BackoffConfig"]
CLIENTS = ["acme.lib.public.client.WidgetClient"]
UNRESOLVED = object()


def extract(root: Path, modules: list[str], clients: list[str] | None = None) -> SdkModel:
    return extract_python(root, modules=modules, source=python_source_info(root), clients=clients or [])


def get_type(model: SdkModel, path: str) -> TypeDef:
    found = model.type_named(path)
    assert found is not None, f"{path} not extracted; have {[t.path for t in model.types]}"
    return found


def get_method(client: TypeDef, name: str) -> FunctionDef:
    for function in client.functions:
        if function.name == name:
            return function
    raise AssertionError(f"{name} not in {[f.name for f in client.functions]}")


def line_of(path: Path, pattern: str) -> int:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if re.search(pattern, text):
            return number
    raise AssertionError(f"{pattern!r} not in {path}")


def messages(model: SdkModel) -> list[str]:
    return [str(w) for w in model.warnings]


@pytest.fixture(scope="module")
def sdk() -> SdkModel:
    return extract(FIXTURE, MODULES, CLIENTS)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    data = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return data


# --------------------------------------------------------------------------- the fixture SDK


def test_extracts_each_public_type_once_with_its_kind(sdk: SdkModel) -> None:
    assert {t.path: t.kind for t in sdk.types} == {
        "acme.lib.backoff.BackoffConfig": TypeKind.DATACLASS,
        "acme.types.gadget.GadgetSize": TypeKind.PYDANTIC_MODEL,
        "acme.types.gadget.Gadget": TypeKind.PYDANTIC_MODEL,
        "acme.types.gadget_request.GadgetRequest": TypeKind.PYDANTIC_MODEL,
        "acme.types.tuned_gadget.TunedGadget": TypeKind.PYDANTIC_MODEL,
        "acme.types.shade.Shade": TypeKind.LITERAL_ALIAS,
        "acme.types.palette.Palette": TypeKind.ENUM,
        "acme.types.palette.Priority": TypeKind.ENUM,
        "acme.types.palette.Mood": TypeKind.ENUM,
        "acme.types.search_options.PageOptions": TypeKind.TYPED_DICT,
        "acme.types.search_options.SearchOptions": TypeKind.TYPED_DICT,
        "acme.types.ids.WidgetID": TypeKind.TYPE_ALIAS,
        "acme.types.ids.AnyGadget": TypeKind.UNION_ALIAS,
    }
    assert sdk.warnings == []


def test_public_path_is_the_re_export_from_the_requested_package(sdk: SdkModel) -> None:
    assert get_type(sdk, "acme.types.gadget.Gadget").public_path == "acme.types.Gadget"
    assert get_type(sdk, "acme.types.Shade").path == "acme.types.shade.Shade"
    assert get_type(sdk, "acme.lib.backoff.BackoffConfig").public_path is None


def test_private_modules_and_framework_bases_are_not_types(sdk: SdkModel) -> None:
    paths = {t.path for t in sdk.types}
    assert "acme.types._legacy.LegacyGadget" not in paths
    assert not any(p.startswith("acme._models") for p in paths)


def test_types_sorted_by_file_then_line_and_output_is_deterministic(sdk: SdkModel) -> None:
    keys = [(t.file, t.line) for t in sdk.types]
    assert keys == sorted(keys)
    again = extract(FIXTURE, MODULES, CLIENTS)
    assert json.dumps(again.to_json(), sort_keys=True) == json.dumps(sdk.to_json(), sort_keys=True)


def test_file_is_relative_posix_and_line_is_the_class_statement(sdk: SdkModel) -> None:
    gadget = get_type(sdk, "acme.types.Gadget")
    source = FIXTURE / "src/acme/types/gadget.py"
    assert gadget.file == "src/acme/types/gadget.py"
    assert gadget.line == line_of(source, r"^class Gadget\(")
    assert gadget.field_named("gadget_id").line == line_of(source, r"^    gadget_id: str")
    backoff = get_type(sdk, "acme.lib.backoff.BackoffConfig")
    assert backoff.file == "src/acme/lib/backoff.py"
    assert backoff.line == line_of(FIXTURE / backoff.file, r"^class BackoffConfig")  # not the decorator line


BACKOFF_DEFAULTS = {
    # field: (expr as written, value, resolved)
    "max_connections": ("DEFAULT_LIMITS.max_connections or 100", 500, True),
    "stall_timeout": ("120 * 60", 7200, True),
    "first_delay": ("BASE_DELAY", 0.25, True),
    "last_delay": ("MAX_DELAY", 10.0, True),
    "jitter": ("0.1", 0.1, True),
    "enabled": ("True", True, True),
    "retry_on": ("(asyncio.TimeoutError, acme.AcmeError, httpx.TimeoutException)", None, False),
    "pool_timeout": ("DEFAULT_TIMEOUT.pool", None, False),
    "paint": ("Palette.GREEN", "green", True),
    "headers": ("default_factory=dict", {}, True),
}


@pytest.mark.parametrize("name", list(BACKOFF_DEFAULTS))
def test_dataclass_defaults_are_evaluated_only_when_sound(sdk: SdkModel, name: str) -> None:
    field = get_type(sdk, "acme.lib.backoff.BackoffConfig").field_named(name)
    assert field is not None
    assert field.default is not None
    expr, value, resolved = BACKOFF_DEFAULTS[name]
    assert (field.default.expr, field.default.value, field.default.resolved) == (expr, value, resolved)
    assert type(field.default.value) is type(value)  # 7200 stays an int, 10.0 a float
    assert field.required is False


def test_dataclass_fields_in_source_order_all_documented(sdk: SdkModel) -> None:
    backoff = get_type(sdk, "acme.lib.backoff.BackoffConfig")
    assert [f.name for f in backoff.fields] == list(BACKOFF_DEFAULTS)
    assert all(f.doc and f.doc_source == "attribute_docstring" for f in backoff.fields)
    assert backoff.field_named("stall_timeout").doc == "Seconds without progress before the request is abandoned."
    assert backoff.doc == "How a client waits and retries when the service misbehaves."
    assert backoff.field_named("retry_on").annotation == "tuple[Type[Exception], ...]"


def test_pydantic_fields_skip_framework_internals(sdk: SdkModel) -> None:
    gadget = get_type(sdk, "acme.types.Gadget")
    # not: kind_registry (ClassVar), _cache (private), model_config (inside `if PYDANTIC_V2:`),
    # describe (method); display is a property, after the declared fields
    assert [f.name for f in gadget.fields if f.origin is None] == [
        "gadget_id",
        "label",
        "shade",
        "size",
        "weight_grams",
        "tags",
        "serial",
        "owner",
    ]
    assert [(f.name, f.origin) for f in gadget.fields if f.origin] == [("display", "property")]
    assert gadget.bases == ["BaseModel"]
    assert gadget.doc == "A gadget as the catalogue service describes it."


def test_pydantic_required_and_defaults(sdk: SdkModel) -> None:
    gadget = get_type(sdk, "acme.types.Gadget")
    table = {
        f.name: (f.required, None if f.default is None else (f.default.expr, f.default.value, f.default.resolved))
        for f in gadget.fields
        if f.origin is None
    }
    assert table == {
        "gadget_id": (True, None),
        "label": (True, None),  # Optional[str] with no default is still required in pydantic v2
        "shade": (False, ('"light"', "light", True)),
        "size": (False, ("None", None, True)),
        "weight_grams": (False, ("12.5", 12.5, True)),
        "tags": (False, ("default_factory=list", [], True)),
        "serial": (False, ("None", None, True)),
        "owner": (True, None),  # Field(...)
    }
    assert gadget.field_named("label").annotation == "Optional[str]"


def test_field_docs_come_from_docstrings_or_field_description(sdk: SdkModel) -> None:
    gadget = get_type(sdk, "acme.types.Gadget")
    label = gadget.field_named("label")
    assert (label.doc, label.doc_source) == ("Display label; may be null but must be sent.", "attribute_docstring")
    weight = gadget.field_named("weight_grams")
    assert (weight.doc, weight.doc_source) == ("Weight on the scale, in grams.", "field_description")
    request = get_type(sdk, "acme.types.GadgetRequest")
    assert request.field_named("type").doc is None
    assert request.field_named("type").doc_source is None


def test_inherited_fields_come_first_and_overrides_keep_their_place(sdk: SdkModel) -> None:
    tuned = get_type(sdk, "acme.types.TunedGadget")
    names = [f.name for f in tuned.fields]
    declared = [f.name for f in get_type(sdk, "acme.types.Gadget").fields if f.origin is None]
    assert names == [*declared, "offset", "display"]  # the inherited property after the declared fields
    assert tuned.field_named("display").inherited_from == "acme.types.gadget.Gadget"
    label = tuned.field_named("label")
    assert (label.required, label.default.value, label.inherited_from) == (False, "tuned", None)
    owner = tuned.field_named("owner")
    assert owner.inherited_from == "acme.types.gadget.Gadget"
    assert owner.line == line_of(FIXTURE / "src/acme/types/gadget.py", r"^    owner: str")
    assert tuned.field_named("offset").default.value == -0.5


def test_strict_base_subclass_is_a_pydantic_model(sdk: SdkModel) -> None:
    request = get_type(sdk, "acme.types.GadgetRequest")
    assert request.kind is TypeKind.PYDANTIC_MODEL
    assert request.bases == ["StrictBase"]
    assert [(f.name, f.required) for f in request.fields] == [
        ("gadget_id", True),
        ("include_size", False),
        ("type", False),
    ]


def test_typed_dict_totality_and_required_markers(sdk: SdkModel) -> None:
    page = get_type(sdk, "acme.types.PageOptions")
    assert [(f.name, f.required, f.default) for f in page.fields] == [
        ("cursor", True, None),
        ("page_size", False, None),
    ]
    search = get_type(sdk, "acme.types.SearchOptions")
    assert [(f.name, f.required) for f in search.fields] == [("query", True), ("shade", False)]
    assert search.field_named("query").doc == "Text to look for."


def test_enums_list_member_values(sdk: SdkModel) -> None:
    assert get_type(sdk, "acme.types.Palette").members == ["red", "green", "blue"]
    assert get_type(sdk, "acme.types.Priority").members == [1, 5, 10]
    assert get_type(sdk, "acme.types.Mood").members == ["calm", "busy"]  # StrEnum + auto() lowercases
    assert get_type(sdk, "acme.types.Palette").fields == []


def test_aliases_keep_the_aliased_expression(sdk: SdkModel) -> None:
    shade = get_type(sdk, "acme.types.Shade")
    assert shade.members == ["light", "dark", "matte"]
    assert shade.annotation == 'Literal["light", "dark", "matte"]'
    assert shade.doc == "Casing finishes the factory offers."
    assert get_type(sdk, "acme.types.WidgetID").annotation == "str"
    assert get_type(sdk, "acme.types.AnyGadget").annotation == "Union[Gadget, TunedGadget]"


def test_the_sdk_is_never_imported(sdk: SdkModel) -> None:
    assert sdk.types
    assert not [name for name in sys.modules if name == "acme" or name.startswith("acme.")]


def test_json_matches_the_schema(sdk: SdkModel, schema: dict[str, Any]) -> None:
    document = sdk.to_json()
    jsonschema.validate(document, schema)
    json.dumps(document, allow_nan=False)  # plain JSON: no NaN/Infinity


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda d: d["types"][0].update(surprise=True),
        lambda d: d["types"][0].update(kind="struct"),
        lambda d: d["types"][0]["fields"][0].pop("required"),
        lambda d: d["types"][0]["fields"][-1]["default"].update(resolved=False),
        lambda d: d["source"].update(language="elixir"),
        lambda d: d.update(modules=[]),
    ],
)
def test_schema_rejects_malformed_documents(sdk: SdkModel, schema: dict[str, Any], corrupt: Any) -> None:
    document = json.loads(json.dumps(sdk.to_json()))
    corrupt(document)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_warnings_validate_against_the_schema(tmp_path: Path, schema: dict[str, Any]) -> None:
    root = write_files(tmp_path, {"pkg/__init__.py": "", "pkg/bad.py": "def broken(:\n"})
    model = extract(root, ["pkg", "pkg.missing"])
    assert len(model.warnings) == 2
    jsonschema.validate(model.to_json(), schema)


# --------------------------------------------------------------------------- clients


@pytest.fixture(scope="module")
def client(sdk: SdkModel) -> TypeDef:
    assert [c.path for c in sdk.clients] == ["acme.lib.public.client.WidgetClient"]
    return sdk.clients[0]


def test_client_lists_public_methods_including_inherited(client: TypeDef) -> None:
    # not: __init__, _send (private), backoff (property)
    assert [f.name for f in client.functions] == ["sample", "sample_async", "stream", "from_env", "version", "close"]
    assert client.kind is TypeKind.CLASS
    assert client.doc.startswith("Draws gadgets from the widget service.")
    close = get_method(client, "close")
    assert close.file == "src/acme/lib/public/base.py"
    assert close.doc == "Release every connection."


def test_client_method_signature(client: TypeDef) -> None:
    sample = get_method(client, "sample")
    assert (
        sample.spec == "sample(prompt: str, num_samples: int = 1, *, spread: float = BASE_DELAY * 2) -> Future[Gadget]"
    )
    assert sample.arity == 3
    assert sample.returns == "Future[Gadget]"
    assert sample.is_async is False
    assert sample.file == "src/acme/lib/public/client.py"
    assert sample.line == line_of(FIXTURE / sample.file, r"    def sample\(")
    params = [(p.name, p.kind, p.annotation, p.required) for p in sample.params]
    assert params == [
        ("prompt", "positional_or_keyword", "str", True),
        ("num_samples", "positional_or_keyword", "int", False),
        ("spread", "keyword_only", "float", False),
    ]
    spread = sample.params[2]
    assert (spread.default.expr, spread.default.value, spread.default.resolved) == ("BASE_DELAY * 2", 0.5, True)


def test_client_method_decorators_by_name_in_source_order(client: TypeDef) -> None:
    assert get_method(client, "from_env").decorators == ["classmethod"]
    assert get_method(client, "version").decorators == ["staticmethod"]
    assert get_method(client, "sample").decorators == []
    assert get_method(client, "version").to_json()["decorators"] == ["staticmethod"]
    assert "decorators" not in get_method(client, "sample").to_json()


def test_client_param_docs_from_google_args_section(client: TypeDef) -> None:
    sample = get_method(client, "sample")
    assert {p.name: p.doc for p in sample.params} == {
        "prompt": "What the gadget should look like.",
        "num_samples": "How many gadgets to draw.",
        "spread": "How far results may stray from the prompt. Larger values give more surprising gadgets.",
    }
    twin = get_method(client, "sample_async")  # "- `name`: text" list style
    assert twin.is_async is True
    assert twin.returns == "Gadget"
    assert [p.doc for p in twin.params] == ["What the gadget should look like.", "How many gadgets to draw.", None]


@pytest.mark.parametrize(
    ("doc", "lines", "sections"),
    [
        ("S.\n\nArgs:\n    x (int): a\n        b\n    y: c\n", {"x": "a b", "y": "c"}, {"x": "a b", "y": "c"}),
        ("S.\n\nArgs:\n- `x`: the x.\n\nTrailing paragraph.", {"x": "the x."}, {"x": "the x. Trailing paragraph."}),
        ("S.\n\nArgs:\n    x: one.\n\nArgs:\n    x: two.", {"x": "one."}, {"x": "two."}),
        ("S.\n\nKeyword Args:\n    x: kw.", {"x": "kw."}, {}),
        ("S.\n\nArgs:\n    x: a\n    not an entry\n", {"x": "a not an entry"}, {"x": "a"}),
        ("S.\n\n```\nArgs:\n    x: in fence\n```", {"x": "in fence"}, {}),
    ],
)
def test_param_docs_are_read_line_by_line(doc: str, lines: dict[str, str], sections: dict[str, str]) -> None:
    """A parameter's `doc` comes from the line reader (`args_from="lines"`); the client pages read `Args:` by
    sections. The two agree on ordinary docstrings and differ on these edge cases."""
    assert parse_python_doc(doc, args_from="lines").args == lines
    assert parse_python_doc(doc).args == sections


def test_client_static_class_and_variadic_methods(client: TypeDef) -> None:
    stream = get_method(client, "stream")
    assert stream.spec == "stream(*prompts: str, **options: Any) -> None"
    assert [(p.kind, p.required) for p in stream.params] == [("var_positional", False), ("var_keyword", False)]
    from_env = get_method(client, "from_env")  # classmethod: `cls` dropped
    assert from_env.spec == 'from_env(prefix: str = "ACME") -> WidgetClient'
    assert from_env.arity == 1
    version = get_method(client, "version")  # staticmethod: nothing dropped
    assert (version.spec, version.arity, version.params) == ("version() -> str", 0, [])


def test_client_named_by_re_export_and_duplicates(tmp_path: Path) -> None:
    model = extract(FIXTURE, ["acme.types.shade"], ["acme.WidgetClient", CLIENTS[0]])
    assert [(c.path, c.public_path) for c in model.clients] == [(CLIENTS[0], "acme.WidgetClient")]
    assert model.warnings == []


def test_missing_client_is_a_warning(tmp_path: Path) -> None:
    model = extract(FIXTURE, ["acme.types.shade"], ["acme.lib.public.client.NoSuchClient", "acme.types.Shade"])
    assert model.clients == []
    text = messages(model)
    assert any("client 'acme.lib.public.client.NoSuchClient' not found under" in m for m in text)
    assert any("client 'acme.types.Shade' is not a class" in m for m in text)


def test_positional_only_parameters(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "pkg/__init__.py": """
                class Client:
                    def get(self, key: str, /, default: int = -1, *, strict: bool = False) -> int:
                        return default
            """
        },
    )
    model = extract(root, ["pkg"], ["pkg.Client"])
    get = get_method(model.clients[0], "get")
    assert get.spec == "get(key: str, /, default: int = -1, *, strict: bool = False) -> int"
    assert [p.kind for p in get.params] == ["positional_only", "positional_or_keyword", "keyword_only"]
    assert get.params[1].default.value == -1


# --------------------------------------------------------------------------- layouts and specs

LAYOUT_PACKAGE = {
    "__init__.py": "from .models import Point as Point\n",
    "models.py": """
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class Point:
            x: int = 0
            '''Horizontal position.'''
    """,
}


@pytest.mark.parametrize(
    ("layout", "prefix", "root_below", "expected_file"),
    [
        ("src", "src/geom/", "", "src/geom/models.py"),
        ("flat", "geom/", "", "geom/models.py"),
        ("wheel", "geom/", "", "geom/models.py"),
        ("package", "geom/", "geom", "models.py"),
        ("nested", "geom-1.0/src/geom/", "", "geom-1.0/src/geom/models.py"),
    ],
)
def test_finds_the_package_in_each_layout(
    tmp_path: Path, layout: str, prefix: str, root_below: str, expected_file: str
) -> None:
    files = {prefix + name: text for name, text in LAYOUT_PACKAGE.items()}
    if layout == "wheel":
        files["geom-1.0.dist-info/METADATA"] = "Name: geom\nVersion: 1.0\n"
    write_files(tmp_path, files)
    root = tmp_path / root_below if root_below else tmp_path
    model = extract(root, ["geom"])
    point = get_type(model, "geom.models.Point")
    assert (point.kind, point.public_path, point.file) == (TypeKind.DATACLASS, "geom.Point", expected_file)
    assert point.field_named("x").doc == "Horizontal position."
    assert model.warnings == []


def test_namespace_subpackage_inside_a_regular_package(sdk: SdkModel) -> None:
    model = extract(FIXTURE, ["acme.lib"])
    assert [(t.path, t.kind) for t in model.types] == [
        ("acme.lib.backoff.BackoffConfig", TypeKind.DATACLASS),
        ("acme.lib.public.base.ClosableClient", TypeKind.CLASS),
        ("acme.lib.public.client.WidgetClient", TypeKind.CLASS),
    ]
    # re-exported by acme.lib.public, but public_path only names the package given in `modules`
    assert get_type(model, "acme.lib.public.client.WidgetClient").public_path is None
    assert model.warnings == []


def test_overlapping_specs_give_each_type_once() -> None:
    model = extract(FIXTURE, ["acme.types", "acme.types.Gadget", "acme.types.gadget"])
    assert [t.path for t in model.types].count("acme.types.gadget.Gadget") == 1


def test_object_spec_through_a_re_export() -> None:
    model = extract(FIXTURE, ["acme.types.Gadget"])
    assert [(t.path, t.public_path) for t in model.types] == [("acme.types.gadget.Gadget", "acme.types.Gadget")]


# --------------------------------------------------------------------------- bad input


def test_syntax_error_module_is_skipped_with_a_warning(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/good.py": "from dataclasses import dataclass\n\n@dataclass\nclass Fine:\n    n: int = 1\n",
            "pkg/broken.py": "x = 1\n\nclass Oops(:\n    pass\n",
        },
    )
    model = extract(root, ["pkg"])
    assert [t.path for t in model.types] == ["pkg.good.Fine"]
    assert [(w.file, w.line) for w in model.warnings] == [("pkg/broken.py", 3)]
    assert "syntax error" in model.warnings[0].message


def test_syntax_error_in_the_package_init_keeps_its_submodules(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "pkg/__init__.py": "from .good import Fine\nclass (:\n",
            "pkg/good.py": "class Fine:\n    n: int = 1\n",
        },
    )
    model = extract(root, ["pkg", "pkg.good.Fine"])
    assert [t.path for t in model.types] == ["pkg.good.Fine"]
    assert [(w.file, w.line) for w in model.warnings] == [("pkg/__init__.py", 2)]


def test_missing_module_names_the_setting(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"pkg/__init__.py": "class Here:\n    a: int\n"})
    model = extract(root, ["pkg.nowhere", "ghost", "pkg"])
    assert [t.path for t in model.types] == ["pkg.Here"]
    text = [w.message for w in model.warnings]
    assert f"module 'pkg.nowhere' not found under {root}; check the `python_modules` setting" in text
    assert f"module 'ghost' not found under {root}; check the `python_modules` setting" in text


def test_circular_constants_are_unresolved_with_a_warning(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/consts.py": "from .more import B\n\nA = B\nLOOP = LOOP + 1\n",
            "pkg/more.py": "from .consts import A\n\nB = A\nSAFE = 3\n",
            "pkg/model.py": """
                from dataclasses import dataclass

                from .consts import A, LOOP
                from .more import SAFE

                @dataclass
                class Settings:
                    a: int = A
                    loop: int = LOOP
                    safe: int = SAFE * 2
            """,
        },
    )
    model = extract(root, ["pkg.model"])
    settings_type = get_type(model, "pkg.model.Settings")
    assert [(f.name, f.default.resolved, f.default.value) for f in settings_type.fields] == [
        ("a", False, None),
        ("loop", False, None),
        ("safe", True, 6),
    ]
    text = messages(model)
    assert any(m.startswith("pkg/consts.py:3: circular definition of constant 'A'") for m in text), text
    assert any(m.startswith("pkg/consts.py:4: circular definition of constant 'LOOP'") for m in text), text


def test_unreadable_files_are_skipped_with_warnings(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/fine.py": "class Fine:\n    n: int = 1\n",
            "pkg/folder.py/readme.txt": "a directory named like a module\n",
            "pkg/latin.py": "",
        },
    )
    (root / "pkg/ghost.py").symlink_to(root / "pkg/does-not-exist.py")
    (root / "pkg/latin.py").write_bytes(b"X = '\xe9t\xe9'\n")
    model = extract(root, ["pkg"])
    assert [t.path for t in model.types] == ["pkg.fine.Fine"]
    files = sorted(w.file for w in model.warnings)
    assert files == ["pkg/folder.py", "pkg/ghost.py", "pkg/latin.py"]
    assert all("skipped" in w.message for w in model.warnings)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_file_without_read_permission(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"pkg/__init__.py": "", "pkg/secret.py": "class S:\n    a: int\n"})
    (root / "pkg/secret.py").chmod(0)
    try:
        model = extract(root, ["pkg"])
    finally:
        (root / "pkg/secret.py").chmod(0o644)
    assert [w.file for w in model.warnings] == ["pkg/secret.py"]


def test_object_spec_that_is_not_a_type(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"pkg/__init__.py": "def helper():\n    pass\n"})
    model = extract(root, ["pkg.helper"])
    assert model.types == []
    assert model.warnings[0].message == "'pkg.helper' is not a class or a type alias; nothing extracted from it"


# --------------------------------------------------------------------------- the evaluator

EVAL_PACKAGE = {
    "pkg/__init__.py": "",
    "pkg/consts.py": """
        import enum

        class Pool:
            pass

        class Color(enum.Enum):
            RED = "red"
            BLUE = "blue"

        BASE = 0.5
        DEEP = 21
        LIMITS = Pool(size=7, burst=0)
        NAMES = {"a": [1, 2]}
        TWICE = 1
        TWICE = 2
        if BASE:
            CONDITIONAL = 1
        else:
            CONDITIONAL = 2
        MUTATED = 1
        try:
            import fancy_speedups

            SPEED = 10
        except ImportError:
            pass

        def bump():
            global MUTATED
            MUTATED += 1
    """,
    "pkg/other.py": "from .consts import DEEP\n\nCHAIN = DEEP * 2\nVALUE = 'other'\n",
}

EVAL_CASES: list[tuple[str, Any]] = [
    ("120 * 60", 7200),
    ("2 ** 10", 1024),
    ("2 ** -1", 0.5),
    ("7 // 2", 3),
    ("-7 % 4", 1),
    ("1 / 4", 0.25),
    ("-BASE", -0.5),
    ("+BASE", 0.5),
    ("not 0", True),
    ("0 or 5", 5),
    ("3 and 0", 0),
    ("None or 'x'", "x"),
    ("0 and undefined_name", 0),  # short-circuit: the right side is never evaluated
    ("'a' + 'b'", "ab"),
    ("(1, 'a', None, True)", [1, "a", None, True]),
    ("{'k': [1, 2.5], 'n': None}", {"k": [1, 2.5], "n": None}),
    ("NAMES['a'][1]", 2),
    ("LIMITS.size", 7),
    ("LIMITS.size or 9", 7),
    ("LIMITS.burst or 9", 9),
    ("LIMITS.missing", UNRESOLVED),
    ("consts.DEEP + 1", 22),
    ("CHAIN", 42),
    ("other.VALUE", "other"),
    ("ALIASED", "other"),
    ("Color.RED", "red"),
    ("Color.BLUE.value", "blue"),
    ("Color.GREEN", UNRESOLVED),
    ("TWICE", UNRESOLVED),
    ("CONDITIONAL", UNRESOLVED),
    ("MUTATED", UNRESOLVED),
    ("SPEED", UNRESOLVED),  # bound only if an import succeeds
    ("bump", UNRESOLVED),
    ("Pool", UNRESOLVED),
    ("make_default()", UNRESOLVED),
    ("float('inf')", UNRESOLVED),
    ("1e400", UNRESOLVED),
    ("1 / 0", UNRESOLVED),
    ("10 ** 100000", UNRESOLVED),
    ("b'raw'", UNRESOLVED),
    ("{1: 2}", UNRESOLVED),
    ("[*NAMES]", UNRESOLVED),
    ("'a' * 3", UNRESOLVED),
    ("undefined_name", UNRESOLVED),
    ("len", UNRESOLVED),
    ("lambda: 1", UNRESOLVED),
    ("(ValueError, KeyError)", UNRESOLVED),
]


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    fields = "\n".join(f"    f{i}: object = {expr}" for i, (expr, _) in enumerate(EVAL_CASES))
    model_py = (
        "from dataclasses import dataclass\n\n"
        "from . import consts, other\n"
        "from .consts import BASE, LIMITS, NAMES, SPEED, TWICE, CONDITIONAL, MUTATED, Color, Pool, bump\n"
        "from .other import CHAIN\n"
        "from .other import VALUE as ALIASED\n\n\n"
        "@dataclass\nclass Probe:\n" + fields + "\n"
    )
    root = write_files(tmp_path_factory.mktemp("evaluator"), {**EVAL_PACKAGE, "pkg/model.py": model_py})
    model = extract(root, ["pkg.model.Probe"])
    assert model.warnings == []
    probe = get_type(model, "pkg.model.Probe")
    return {EVAL_CASES[int(f.name[1:])][0]: f.default for f in probe.fields}


@pytest.mark.parametrize(("expr", "expected"), EVAL_CASES, ids=[e for e, _ in EVAL_CASES])
def test_default_evaluation(evaluated: dict[str, Any], expr: str, expected: Any) -> None:
    default = evaluated[expr]
    assert default.expr == expr
    if expected is UNRESOLVED:
        assert (default.resolved, default.value) == (False, None)
    else:
        assert default.resolved is True
        assert default.value == expected
        assert type(default.value) is type(expected)


def test_class_body_names_shadow_module_constants(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "pkg/__init__.py": """
                from dataclasses import dataclass

                LIMIT = 1

                @dataclass
                class Box:
                    before: int = LIMIT
                    LIMIT = 5
                    after: int = LIMIT * 2
            """
        },
    )
    box = get_type(extract(root, ["pkg"]), "pkg.Box")
    assert [(f.name, f.default.value) for f in box.fields] == [("before", 1), ("after", 10)]


def test_multi_line_expressions_are_flattened_as_written(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "pkg/__init__.py": """
                from typing import Dict, Union
                from typing_extensions import TypeAlias

                Wide: TypeAlias = Union[
                    int,  # a comment
                    Dict[str, "Wide"],
                ]

                class Holder:
                    pair: tuple = (
                        1,
                    )
                    names: list = [
                        "a",
                        "b",
                    ]
            """
        },
    )
    model = extract(root, ["pkg"])
    assert get_type(model, "pkg.Wide").annotation == 'Union[int, Dict[str, "Wide"]]'
    holder = get_type(model, "pkg.Holder")
    assert holder.kind is TypeKind.CLASS
    assert [(f.default.expr, f.default.value) for f in holder.fields] == [("(1,)", [1]), ('["a", "b"]', ["a", "b"])]


def test_alias_kinds_and_literal_members(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "pkg/__init__.py": """
                import typing
                from typing import Annotated, Literal, Optional, Union
                from typing_extensions import TypeAlias

                from .codes import Code

                Sign = Literal[-1, 0, 1]
                Either: TypeAlias = Union[Literal["a"], Literal["b", "c"]]
                MaybeSign: TypeAlias = Optional[Literal["x"]]
                Piped: TypeAlias = int | str
                Tagged: TypeAlias = Annotated[Union[int, str], "tag"]
                Named: TypeAlias = typing.Literal[Code.ONE, "two"]
                Plain = int
                NotAType = 3
            """,
            "pkg/codes.py": "import enum\n\nclass Code(enum.IntEnum):\n    ONE = 1\n",
        },
    )
    model = extract(root, ["pkg"])
    kinds = {t.name: (t.kind, t.members) for t in model.types if t.path.startswith("pkg.") and t.name != "Code"}
    assert kinds == {
        "Sign": (TypeKind.LITERAL_ALIAS, [-1, 0, 1]),
        "Either": (TypeKind.LITERAL_ALIAS, ["a", "b", "c"]),
        "MaybeSign": (TypeKind.UNION_ALIAS, []),
        "Piped": (TypeKind.UNION_ALIAS, []),
        "Tagged": (TypeKind.UNION_ALIAS, []),
        "Named": (TypeKind.LITERAL_ALIAS, [1, "two"]),
    }


def test_field_variants(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/_base.py": "import pydantic\n\nclass Root(pydantic.BaseModel):\n    pass\n",
            "pkg/model.py": """
                from typing import Annotated, ClassVar, Optional

                import pydantic
                from pydantic import Field as F

                from ._base import Root as _Root

                def make() -> list:
                    return []

                class Thing(_Root):
                    a: Annotated[int, F(description="From Annotated.")] = 3
                    b: str = F("x", description="Implicitly " "joined.")
                    '''The docstring wins over the description.'''
                    c: list = pydantic.Field(default_factory=make)
                    d: Optional[int] = F(default=None)
                    e: ClassVar[int] = 1
                    f: "ClassVar[str]" = "no"
                    g: int = F(**{"default": 1})
            """,
        },
    )
    thing = get_type(extract(root, ["pkg.model"]), "pkg.model.Thing")
    assert thing.kind is TypeKind.PYDANTIC_MODEL
    rows = [
        (f.name, f.required, f.default.expr, f.default.value, f.default.resolved, f.doc, f.doc_source)
        for f in thing.fields
    ]
    assert rows == [
        ("a", False, "3", 3, True, "From Annotated.", "field_description"),
        ("b", False, '"x"', "x", True, "The docstring wins over the description.", "attribute_docstring"),
        ("c", False, "default_factory=make", None, False, None, None),
        ("d", False, "None", None, True, None, None),
        ("g", False, 'F(**{"default": 1})', None, False, None, None),
    ]


# --------------------------------------------------------------------------- the Python surface beyond fields

SURFACE_PACKAGE = {
    "pkg/__init__.py": "",
    "pkg/_models.py": "import pydantic\n\nclass BaseModel(pydantic.BaseModel):\n    pass\n",
    "pkg/_compat.py": "cached_property = property\n",
    # shaped like Tinker's SampledSequence / TensorData / chunk types: numpy storage, list views, a custom init
    "pkg/shapes.py": '''
        import functools
        from dataclasses import dataclass, field
        from functools import cached_property
        from typing import List, Optional

        from pydantic import computed_field

        from ._compat import cached_property as compat_cached
        from ._models import BaseModel


        @dataclass(frozen=True)
        class Sequence:
            """A generated sequence."""

            reason: str
            """Why it stopped."""

            ids_np: Optional[object] = field(default=None, repr=False)
            """Token ids as an array."""

            _ids_list: Optional[List[int]] = field(default=None, repr=False)

            @cached_property
            def ids(self) -> List[int]:
                """Token ids as a list.

                Converted on first access."""
                return self._ids_list or []

            @functools.cached_property
            def scores(self) -> Optional[List[float]]:
                return None

            @property
            def _private_view(self) -> int:
                return 0

            def total(self) -> int:
                return 0


        @dataclass(frozen=True, init=False)
        class Tensor:
            kind: str

            shape: Optional[List[int]] = None
            """The dense shape."""

            _store: object = field(repr=False)

            def __init__(
                self,
                values: Optional[List[float]] = None,
                kind: Optional[str] = None,
                shape: Optional[List[int]] = None,
                scale: float = 1.0,
                *rest: int,
                strict: bool,
                _cache: bool = False,
                **extra: object,
            ) -> None:
                """Build a tensor.

                Args:
                    values: The values, flattened.
                    scale: Multiplier applied to every value.
                """

            @property
            def values(self) -> List[float]:
                """Flattened values."""
                return []


        class Chunk(BaseModel):
            tokens: List[int]

            @property
            def length(self) -> int:
                return len(self.tokens)

            @length.setter
            def length(self, value: int) -> None:
                pass

            @computed_field
            @property
            def weight(self) -> float:
                """Computed, and sent on the wire."""
                return 1.0

            @compat_cached
            def label(self):
                return "x"


        class Sized(Chunk):
            size: int = 0

            def __init__(self, size: int = 0, *, unit: str = "tokens", **data: object) -> None:
                super().__init__(size=size, **data)


        class Labelled(Sized):
            """A sized chunk with a unit.

            Args:
                unit: What `size` counts.
            """


        @dataclass
        class Generated(Tensor):
            extra_flag: bool = False
    ''',
}


@pytest.fixture(scope="module")
def surface(tmp_path_factory: pytest.TempPathFactory) -> SdkModel:
    return extract(write_files(tmp_path_factory.mktemp("surface"), SURFACE_PACKAGE), ["pkg.shapes"])


def _surface_rows(typedef: TypeDef) -> list[tuple[Any, ...]]:
    return [
        (f.name, f.origin, f.annotation, f.required, f.default.expr if f.default else None, f.doc_source)
        for f in typedef.fields
    ]


def test_properties_and_cached_properties_are_read_only_surface(surface: SdkModel) -> None:
    sequence = get_type(surface, "pkg.shapes.Sequence")
    # `_ids_list` and `_private_view` are storage; `total` is a method
    assert _surface_rows(sequence) == [
        ("reason", None, "str", True, None, "attribute_docstring"),
        ("ids_np", None, "Optional[object]", False, "None", "attribute_docstring"),
        ("ids", "property", "List[int]", False, None, "docstring"),
        ("scores", "property", "Optional[List[float]]", False, None, None),
    ]
    ids = sequence.field_named("ids")
    assert ids.doc == "Token ids as a list.\n\nConverted on first access."
    assert ids.line == line_of(write_root(surface) / "pkg/shapes.py", r"def ids\(")


def write_root(model: SdkModel) -> Path:
    return Path(model.source.root)


def test_a_setter_adds_no_member_and_computed_fields_are_properties(surface: SdkModel) -> None:
    chunk = get_type(surface, "pkg.shapes.Chunk")
    assert _surface_rows(chunk) == [
        ("tokens", None, "List[int]", True, None, None),
        ("length", "property", "int", False, None, None),
        ("weight", "property", "float", False, None, "docstring"),
        ("label", "property", None, False, None, None),  # an SDK's `cached_property` alias, by name
    ]


def test_custom_init_parameters_no_field_declares(surface: SdkModel) -> None:
    tensor = get_type(surface, "pkg.shapes.Tensor")
    assert _surface_rows(tensor) == [
        ("kind", None, "str", True, None, None),  # the declared field wins over the `kind=None` parameter
        ("shape", None, "Optional[List[int]]", False, "None", "attribute_docstring"),
        # passed in (`values=None`) and read back (`-> List[float]`): one member, the signature's optionality
        ("values", "init", "List[float]", False, "None", "docstring"),
        ("scale", "init", "float", False, "1.0", "args_section"),
        ("strict", "init", "bool", True, None, None),  # keyword-only without a default: required
    ]
    assert tensor.field_named("scale").doc == "Multiplier applied to every value."
    values = tensor.field_named("values")
    assert values.doc == "Flattened values."  # the property's docstring over the `Args:` entry
    assert values.line == line_of(write_root(surface) / "pkg/shapes.py", r"def values\(")
    assert tensor.field_named("scale").default.value == 1.0


def test_init_is_inherited_by_models_not_by_generated_dataclass_inits(surface: SdkModel) -> None:
    sized = get_type(surface, "pkg.shapes.Sized")
    init = [(f.name, f.origin, f.inherited_from) for f in sized.fields if f.origin == "init"]
    assert init == [("unit", "init", None)]  # `size` is a declared field; `**data` names nothing
    labelled = get_type(surface, "pkg.shapes.Labelled")
    unit = labelled.field_named("unit")
    assert (unit.inherited_from, unit.doc, unit.doc_source) == (
        "pkg.shapes.Sized",
        "What `size` counts.",
        "args_section",
    )
    assert labelled.field_named("length").inherited_from == "pkg.shapes.Chunk"
    generated = get_type(surface, "pkg.shapes.Generated")
    # a dataclass without `init=False` runs its generated `__init__`: the base's parameters are not taken
    assert [f.name for f in generated.fields if f.origin == "init"] == []
    assert generated.field_named("values").origin == "property"


def test_surface_json_matches_the_schema(surface: SdkModel, schema: dict[str, Any]) -> None:
    data = surface.to_json()
    jsonschema.validate(data, schema)
    origins = {f.get("origin") for t in data["types"] for f in t["fields"]}
    assert origins == {None, "property", "init"}


COMMENTED = '''
    from pydantic import BaseModel, Field


    class Session(BaseModel):
        #: The session id,
        #: as the server assigned it.
        session_id: str

        #: A doc comment wins over a description.
        owner: str = Field(description="Owner.")

        # The sampler ID (sampling_session_id)
        sampler_id: str

        # A description wins over a plain comment.
        region: str = Field("eu", description="Where it runs.")

        timeout: float = 30.0  #: Seconds before giving up.

        # Not a doc: a blank line follows.

        retries: int = 3

        # type: ignore[misc]
        # TODO: rename
        # ------------------------------
        # legacy: bool = False
        flags: int = 0

        # A comment above a docstring'd field
        name: str = ""
        """The docstring wins."""

        note: str = "#: not a comment"
        """Text with
        # a hash in a string"""
        label: str = ""

        # Optional model path
        model_path: str | None = None  # trailing prose is not a doc
'''


def test_comments_document_fields(tmp_path: Path, schema: dict[str, Any]) -> None:
    model = extract(write_files(tmp_path, {"pkg/__init__.py": "", "pkg/session.py": COMMENTED}), ["pkg.session"])
    session = get_type(model, "pkg.session.Session")
    assert {f.name: (f.doc, f.doc_source) for f in session.fields} == {
        "session_id": ("The session id,\nas the server assigned it.", "comment"),
        "owner": ("A doc comment wins over a description.", "comment"),
        "sampler_id": ("The sampler ID (sampling_session_id)", "comment"),
        "region": ("Where it runs.", "field_description"),
        "timeout": ("Seconds before giving up.", "comment"),
        "retries": (None, None),
        "flags": (None, None),  # tool directives, a TODO, a bar and commented-out code document nothing
        "name": ("The docstring wins.", "attribute_docstring"),
        "note": ("Text with\n# a hash in a string", "attribute_docstring"),
        "label": (None, None),  # the line above is inside a string
        "model_path": ("Optional model path", "comment"),
    }
    jsonschema.validate(model.to_json(), schema)


# --------------------------------------------------------------------------- property: never a wrong value

_numbers = st.one_of(
    st.integers(min_value=-50, max_value=50),
    st.floats(min_value=-50, max_value=50, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3)),
)


def _render(value: Any) -> str:
    return f"({value!r})"


_expressions = st.recursive(
    _numbers.map(_render) | st.sampled_from(["True", "False", "None", "'s'", "''", "(1, 2)", "[]", "K", "Z"]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "or", "and"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(["-", "+", "not "]), inner).map(lambda t: f"({t[0]}{t[1]})"),
    ),
    max_leaves=6,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_expressions, min_size=1, max_size=12))
def test_evaluator_never_disagrees_with_python(exprs: list[str]) -> None:
    """Every resolved default equals what Python computes; unresolved only where Python fails."""
    # `eval` below would compute a tower like 50 ** (50 ** 50) for ever: one power per expression at most
    assume(all(expr.count("**") <= 1 for expr in exprs))
    body = "\n".join(f"    f{i}: object = {expr}" for i, expr in enumerate(exprs))
    with tempfile.TemporaryDirectory() as tmp:
        root = write_files(
            Path(tmp),
            {"pkg/__init__.py": f"K = 3\nZ = 0\n\nclass Probe:\n{body}\n"},
        )
        probe = get_type(extract(root, ["pkg"]), "pkg.Probe")
    for i, expr in enumerate(exprs):
        default = probe.fields[i].default
        try:
            expected = eval(expr, {"__builtins__": {}}, {"K": 3, "Z": 0})
        except (ArithmeticError, TypeError, ValueError):
            assert default.resolved is False, expr
            continue
        if isinstance(expected, complex) or (isinstance(expected, float) and not math.isfinite(expected)):
            assert default.resolved is False, expr
            continue
        if isinstance(expected, tuple):
            expected = list(expected)
        if default.resolved:
            assert default.value == expected, expr
            assert type(default.value) is type(expected), expr
            continue
        # Unresolved is allowed for sequence arithmetic ("a" * 2, (1,) + (2,)), large
        # exponents and huge integers; plain arithmetic on numbers must be evaluated.
        numeric = expected is None or isinstance(expected, (bool, int, float))
        # a sequence inside (`not (0 * 's')`) may make the whole unresolved even when the result is a number
        has_sequence = any(seq in expr for seq in ("'s'", "''", "(1, 2)", "[]"))
        if (
            numeric
            and not has_sequence
            and "**" not in expr
            and not (isinstance(expected, int) and abs(expected) > 2**200)
        ):
            raise AssertionError(f"{expr} = {expected!r} was left unresolved")


def test_missing_root_gives_warnings_not_errors(tmp_path: Path) -> None:
    model = extract(tmp_path / "nowhere", ["pkg.types"], ["pkg.Client"])
    assert (model.types, model.clients) == ([], [])
    assert [w.message.split(" not found")[0] for w in model.warnings] == ["client 'pkg.Client'", "module 'pkg.types'"]


def test_reference_page_example_matches_the_schema(schema: dict[str, Any]) -> None:
    page = Path(__file__).parents[1] / "docs" / "reference" / "extract-json.md"
    blocks = re.findall(r"```json\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    assert blocks
    for block in blocks:
        jsonschema.validate(json.loads(block), schema)


def test_module_griffe_cannot_parse_leaves_the_rest_of_the_package(tmp_path: Path) -> None:
    """A module too deep for Python's parser (RecursionError): before, the fallback met the package Griffe had
    already registered and crashed with a traceback."""
    pkg = tmp_path / "src" / "deeppkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""Deep."""\n')
    (pkg / "ok.py").write_text('class Ok:\n    """Fine."""\n\n    x: int = 1\n')
    (pkg / "deep.py").write_text("X = " + "+".join(["1"] * 200_000) + "\n")
    model = extract(tmp_path, ["deeppkg"])
    assert [t.path for t in model.types] == ["deeppkg.ok.Ok"]
    assert any("deep.py" in str(w) and "could not load" in str(w) for w in model.warnings), model.warnings


def test_members_of_enums_literals_and_unions_know_their_lines(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "acme/__init__.py": "",
            "acme/types/__init__.py": "from .kinds import Color, Finish, Part\n",
            "acme/types/kinds.py": (
                "import enum\n"
                "from typing import Literal, Union\n"
                "from typing_extensions import TypeAlias\n"
                "from pydantic import BaseModel\n"
                "\n"
                "class Color(str, enum.Enum):\n"
                '    RED = "red"\n'
                '    BLUE = "blue"\n'
                "\n"
                "Finish = Literal[\n"
                '    "matte",\n'
                '    "gloss",\n'
                "]\n"
                "\n"
                "class Gear(BaseModel):\n"
                "    teeth: int\n"
                "\n"
                "class Wheel(BaseModel):\n"
                "    spokes: int\n"
                "\n"
                "Part: TypeAlias = Union[\n"
                "    Gear,\n"
                "    Wheel,\n"
                "]\n"
            ),
        },
    )
    sdk = extract(tmp_path, ["acme.types"])
    assert get_type(sdk, "acme.types.Color").member_lines == {"red": 7, "blue": 8}
    assert get_type(sdk, "acme.types.Finish").member_lines == {"matte": 11, "gloss": 12}
    assert get_type(sdk, "acme.types.Part").member_lines == {"Gear": 22, "Wheel": 23}


def test_a_module_in_a_declared_encoding_is_read_as_python_reads_it(tmp_path):
    """PEP 263: `# -*- coding: latin-1 -*-` is valid Python; the module was skipped as not UTF-8."""
    root = tmp_path / "sdk"
    (root / "cafe").mkdir(parents=True)
    (root / "cafe" / "__init__.py").write_text("")
    (root / "cafe" / "types.py").write_bytes(
        b'# -*- coding: latin-1 -*-\n"""Caf\xe9 types."""\nfrom pydantic import BaseModel\n\n\n'
        b'class Order(BaseModel):\n    """A caf\xe9 order."""\n\n    size: str\n    """Petit ou grand, \xe0 choisir."""\n'
    )
    model = extract_python(root, modules=["cafe.types"], source=python_source_info(root))
    assert model.warnings == []
    (order,) = model.types
    assert order.doc == "A café order." and order.fields[0].doc == "Petit ou grand, à choisir."


def test_files_parsed_by_an_earlier_extraction_are_not_parsed_again_while_unchanged(tmp_path):
    """A `serve` session's `.py` edit parses the edited file again, not the package; the model is the one a
    fresh extraction gives, edit or not."""
    from paritydocs.model import to_data
    from paritydocs.python import ParsedFiles

    root = tmp_path / "pysdk"
    shutil.copytree(FIXTURE, root)
    parsed = ParsedFiles()

    def both() -> tuple[dict, dict]:
        kept = extract_python(root, modules=MODULES, source=python_source_info(root), clients=CLIENTS, parsed=parsed)
        fresh = extract_python(root, modules=MODULES, source=python_source_info(root), clients=CLIENTS)
        return to_data(kept), to_data(fresh)

    kept, fresh = both()
    first = parsed.parses
    assert first > 3 and kept == fresh
    kept, fresh = both()
    assert parsed.parses == first and kept == fresh
    gadget = root / "src" / "acme" / "types" / "gadget.py"
    gadget.write_text(gadget.read_text(encoding="utf-8").replace('"""', '"""Edited. ', 1), encoding="utf-8")
    kept, fresh = both()
    assert parsed.parses == first + 1 and kept == fresh
    assert "Edited." in json.dumps(kept)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# a comment only\n",
        '"doc"\n',
        '\n\n# -*- coding: utf-8 -*-\n"""Doc.\n\n    More."""\nx = 1\n',
        '"a" "b"\n',
        '("a"\n "b")\nimport os\n',
        '"a" \\\n "b"\n',
        '"d"; import os\n',
        '(\n"a"\n)\n',
        'r"raw"\n',
        '"first"\n\n"second"\n',
        'f"not a docstring"\n',
        "b'bytes'\n",
        '"a" + "b"\n',
        '"a".strip()\n',
        '"d" if True else "e"\n',
        'x = "d"\n',
        "(a, b) = 1, 2\n",
        'if True:\n    "d"\n',
        'class A:\n    "d"\n',
        'def f():\n    "d"\n',
    ],
)
def test_a_module_docstring_from_the_first_statement_alone_is_the_whole_parses(text):
    import ast

    from paritydocs.python.loader import module_docstring

    assert module_docstring(text) == ast.get_docstring(ast.parse(text))


_MODULE_PIECES = ['"d"', '"""x\n y"""', "'e'", "f'g'", "(", ")", " ", "\t", "\n", "\r\n", "\r", "\f", "#c\n"]
_MODULE_PIECES += ["x = 1", ";", "\\\n", "if x:\n  pass", "+", ".strip()"]


@given(st.lists(st.sampled_from(_MODULE_PIECES), max_size=12))
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
def test_a_module_docstring_agrees_with_the_parse_on_any_module_that_parses(pieces):
    import ast

    from paritydocs.python.loader import module_docstring

    text = "".join(pieces)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        assume(False)
    assert module_docstring(text) == ast.get_docstring(tree)  # a lone `\r` and a `\f` each ended lines apart
