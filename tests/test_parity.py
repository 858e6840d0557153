"""Parity: matching and one test per rule, on models written inline."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import default, ex_type, py_type, sdk_models
from paritydocs.config import load_settings
from paritydocs.errors import ConfigError
from paritydocs.model import FieldDef, TypeDef, TypeKind
from paritydocs.parity import FindingKind, run_parity
from paritydocs.parity.annotations import PyContext, elixir_atoms, python_atoms, types_compatible
from paritydocs.parity.matching import match_fields
from paritydocs.parity.notes import load_notes

SCHEMA = Path(__file__).parents[1] / "site_src" / "paritydocs" / "schemas" / "parity.schema.json"


def settings(**raw):
    base = {
        "python": "x",
        "elixir": "y",
        "type_prefixes": {"acme.types": "Acme.Types"},
        "type_map": {},
        "field_aliases": {},
        "model_names": {},
    }
    base.update(raw)
    return load_settings(base, environ={})


def kinds(report):
    return sorted(f.kind.value for f in report.all_findings())


def run(py_fields, ex_fields, **raw):
    py, ex = sdk_models([py_type("Thing", py_fields)], [ex_type("Thing", ex_fields)])
    return run_parity(py, ex, settings(**raw))


# ---- matching -----------------------------------------------------------------------------------


def test_types_match_by_prefix_and_explicit_map_and_unmatched_are_listed():
    py, ex = sdk_models(
        [
            py_type("Widget", []),
            py_type("Lonely", []),
            TypeDef(path="acme.lib.retry.RetryConfig", name="RetryConfig", kind=TypeKind.DATACLASS, file="x.py"),
        ],
        [
            ex_type("Widget", []),
            ex_type("Orphan", []),
            ex_type("RetryConfig", [], prefix="Acme"),
            ex_type("Helper", [], kind=TypeKind.MODULE),
        ],
    )
    report = run_parity(py, ex, settings(type_map={"acme.lib.retry.RetryConfig": "Acme.RetryConfig"}))
    assert [(p.python.name, p.elixir.path) for p in report.pairs] == [
        ("Widget", "Acme.Types.Widget"),
        ("RetryConfig", "Acme.RetryConfig"),
    ]
    assert [t.name for t in report.unmatched_python] == ["Lonely"]
    # plain modules (no struct, no enum type) are not expected to have a Python twin
    assert [t.path for t in report.unmatched_elixir] == ["Acme.Types.Orphan"]


def test_literal_alias_matches_enum_module_and_compares_members():
    py, ex = sdk_models(
        [py_type("Color", [], kind=TypeKind.LITERAL_ALIAS, members=["red", "green", "blue"])],
        [ex_type("Color", [], kind=TypeKind.ENUM_TYPE, members=["red", "green", "violet"])],
    )
    report = run_parity(py, ex, settings())
    (pair,) = report.pairs
    assert pair.is_enum
    found = {(f.kind.value, f.message.split("`")[1]) for f in pair.all_findings()}
    assert found == {("missing_in_elixir", "blue"), ("missing_in_python", "violet")}


def test_fields_match_by_alias_name_and_unit_suffix():
    rows = match_fields(
        [FieldDef("retry_delay_base"), FieldDef("timeout"), FieldDef("same"), FieldDef("gone")],
        [FieldDef("same"), FieldDef("timeout_ms"), FieldDef("base_delay_ms"), FieldDef("extra")],
        {"retry_delay_base": "base_delay_ms"},
    )
    assert [(r.python and r.python.name, r.elixir and r.elixir.name, r.how) for r in rows] == [
        ("retry_delay_base", "base_delay_ms", "alias"),
        ("timeout", "timeout_ms", "unit"),
        ("same", "same", "name"),
        ("gone", None, ""),
        (None, "extra", ""),
    ]


# ---- one test per rule --------------------------------------------------------------------------


def test_missing_on_either_side():
    report = run(
        [FieldDef("a", "int", doc=None), FieldDef("py_only", "int")],
        [FieldDef("a", "integer()"), FieldDef("ex_only", "integer()")],
    )
    assert kinds(report) == ["missing_in_elixir", "missing_in_python"]


@pytest.mark.parametrize(
    ("py", "ex", "compatible"),
    [
        ("str", "String.t()", True),
        ("int", "non_neg_integer()", True),
        ("int", "pos_integer()", True),
        ("float", "number()", True),
        ("bool", "boolean()", True),
        ("Optional[str]", "String.t() | nil", True),
        ("str | None", "String.t() | nil", True),
        ("list[int]", "[integer()]", True),
        ("List[str]", "list(String.t())", True),
        ("dict[str, Any]", "map()", True),
        ('Literal["x"]', "String.t()", True),
        ('Literal["a", "b"]', ":a | :b", True),
        ("ModelData", "ModelData.t()", True),
        ("ModelData", "Acme.Types.ModelData.t()", True),
        ("ModelID", "String.t()", True),  # through the TypeAlias
        ("str", "integer()", False),
        ("bool", "String.t()", False),
        ("list[int]", "[String.t()]", False),
        ("ModelData", "Other.t()", False),
        ("float", "integer()", False),
        ("Whatever[int]", "integer()", True),  # unknown generic: never a mismatch
        ("int", "term()", True),
    ],
)
def test_type_compatibility_table(py, ex, compatible):
    ctx = PyContext(aliases={"ModelID": "str"})
    assert types_compatible(python_atoms(py, ctx), elixir_atoms(ex), lambda a, b: a == b) is compatible


def test_type_mismatch_names_both_sides():
    report = run([FieldDef("n", "str", required=True)], [FieldDef("n", "integer()", required=True)])
    (finding,) = [f for f in report.all_findings() if f.kind is FindingKind.TYPE_MISMATCH]
    assert "`n: str`" in finding.message and "`n: integer()`" in finding.message
    assert finding.severity.value == "high"
    assert finding.python.file.endswith(".py") and finding.elixir.file.endswith(".ex")


def test_defaults_compared_as_values():
    report = run(
        [
            FieldDef("eps", "float", default=default(1e-12)),
            FieldDef("beta", "float", default=default(0.95)),
            FieldDef("name", "str", default=default("x")),
        ],
        [
            FieldDef("eps", "float()", default=default(1e-12, "1.0e-12")),
            FieldDef("beta", "float()", default=default(0.999)),
            FieldDef("name", "String.t()", default=default("x", '"x"')),
        ],
    )
    (finding,) = report.all_findings()
    assert finding.kind is FindingKind.DEFAULT_MISMATCH
    assert "0.95" in finding.message and "0.999" in finding.message


def test_unit_conversion_equal_is_info_and_different_is_mismatch():
    report = run(
        [
            FieldDef("progress_timeout", "float", default=default(7200)),
            FieldDef("delay", "float", default=default(0.5)),
        ],
        [
            FieldDef("progress_timeout_ms", "pos_integer()", default=default(7_200_000)),
            FieldDef("delay_ms", "pos_integer()", default=default(1000)),
        ],
    )
    by_kind = {f.kind: f for f in report.all_findings()}
    assert set(by_kind) == {FindingKind.UNIT_DIFFERENCE, FindingKind.DEFAULT_MISMATCH}
    assert by_kind[FindingKind.UNIT_DIFFERENCE].message == (
        "Python `progress_timeout` 7200 s = Elixir `progress_timeout_ms` 7_200_000 ms."
    )
    assert by_kind[FindingKind.UNIT_DIFFERENCE].severity.value == "info"
    assert "0.5 s (500 ms)" in by_kind[FindingKind.DEFAULT_MISMATCH].message
    assert "1000 ms" in by_kind[FindingKind.DEFAULT_MISMATCH].message


def test_unresolved_default_is_never_a_mismatch():
    report = run(
        [FieldDef("x", "tuple", default=default(None, "(TimeoutError,)", resolved=False))],
        [FieldDef("x", "list()", default=default(["a"]))],
    )
    assert kinds(report) == ["default_unresolved"]


def test_optionality_python_optional_vs_elixir_struct_default():
    report = run(
        [FieldDef("lora", "Optional[Lora]", default=default(None, "None"))],
        [FieldDef("lora", "Lora.t()", default=default(None, "%Lora{}", resolved=False))],
    )
    (finding,) = report.all_findings()
    assert finding.kind is FindingKind.OPTIONALITY_MISMATCH
    assert "%Lora{}" in finding.message and "default None" in finding.message


def test_optionality_required_vs_enforce_keys():
    report = run(
        [FieldDef("a", "str", required=True), FieldDef("b", "str", default=default("x"))],
        [FieldDef("a", "String.t() | nil"), FieldDef("b", "String.t()", required=True)],
    )
    assert kinds(report) == ["optionality_mismatch", "optionality_mismatch"]
    assert next(f.message for f in report.all_findings()).startswith("`a` is required in Python; optional in Elixir")


def test_optionality_agrees_when_both_required_or_both_optional():
    report = run(
        [FieldDef("a", "str", required=True), FieldDef("b", "Optional[str]", default=default(None, "None"))],
        [FieldDef("a", "String.t()", required=True), FieldDef("b", "String.t() | nil")],
    )
    assert kinds(report) == []


def test_docs_on_one_side_only_for_fields_and_types():
    py, ex = sdk_models(
        [py_type("Thing", [FieldDef("a", "int", doc="The a."), FieldDef("b", "int")], doc="Docs.")],
        [ex_type("Thing", [FieldDef("a", "integer()"), FieldDef("b", "integer()", doc="The b.")], doc=None)],
    )
    report = run_parity(py, ex, settings())
    assert kinds(report) == ["doc_missing_in_elixir", "doc_missing_in_elixir", "doc_missing_in_python"]
    assert {f.severity.value for f in report.all_findings()} == {"medium"}


# ---- notes, waivers, report ---------------------------------------------------------------------


def test_notes_attach_waive_and_warn_when_dangling(tmp_path):
    notes_file = tmp_path / "notes.yml"
    notes_file.write_text(
        "- python: acme.types.Thing.a\n  note: Deliberate.\n  waive: [type_mismatch]\n"
        "- elixir: Acme.Types.Thing\n  note: Reviewed.\n"
        "- python: acme.types.Nope.x\n  note: Points nowhere.\n"
    )
    py, ex = sdk_models(
        [py_type("Thing", [FieldDef("a", "str", required=True)])],
        [ex_type("Thing", [FieldDef("a", "integer()", required=True)])],
    )
    report = run_parity(py, ex, settings(), load_notes(notes_file))
    (finding,) = report.all_findings()
    assert finding.waived and finding.waiver_reason == "Deliberate."
    assert report.pairs[0].notes == ["Reviewed."]
    assert report.summary()["waived"] == 1 and report.summary()["findings"] == 0
    assert len(report.warnings) == 1 and "acme.types.Nope.x" in report.warnings[0]
    # a side that could not be read: the notes still apply, the dangling one stays quiet
    quiet = run_parity(py, ex, settings(), load_notes(notes_file), warn_unused=False)
    assert quiet.pairs[0].notes == ["Reviewed."] and quiet.warnings == []


@pytest.mark.parametrize(
    "text", ["- note: no target\n", "- python: X\n", "- python: X\n  note: y\n  waive: [nonsense]\n", "{{{"]
)
def test_bad_notes_files_are_one_config_error(tmp_path, text):
    path = tmp_path / "notes.yml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_notes(path)
    assert "\n" not in str(err.value)


def test_report_json_validates_and_counts():
    report = run([FieldDef("a", "int", doc="A."), FieldDef("gone", "int")], [FieldDef("a", "integer()")])
    data = json.loads(json.dumps(report.to_json()))
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    assert data["summary"]["by_kind"]["missing_in_elixir"] == 1
    assert data["summary"]["by_severity"]["high"] == 1
    assert data["summary"]["doc_coverage"]["python"]["fields_documented"] == 1
    assert data["pairs"][0]["fields"][1]["python"]["name"] == "gone"
