"""Field rules: optionality both ways, typespec-aware nil defaults, types member by member and in which form,
docs from `@moduledoc` prose, Python properties and conveniences (`parity/rules.py`, `parity/annotations.py`)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import default, ex_type, py_type, sdk_models
from paritydocs.config import load_settings
from paritydocs.model import DecodeCall, FieldDef, FunctionDef, ParamDef, StructBuild, TypeDef, TypeKind
from paritydocs.parity import FindingKind, Severity, run_parity
from paritydocs.parity.annotations import (
    STRINGS_AS_ATOMS,
    PyContext,
    compare_types,
    elixir_atoms,
    python_atoms,
)
from paritydocs.parity.rules import prose_sentence

SCHEMA = Path(__file__).parents[1] / "site_src" / "paritydocs" / "schemas" / "parity.schema.json"


def settings():
    return load_settings(
        {"python": "x", "elixir": "y", "type_prefixes": {"acme.types": "Acme.Types"}, "type_map": {}},
        environ={},
    )


def report_of(py_types: list[TypeDef], ex_types: list[TypeDef]):
    py, ex = sdk_models(py_types, ex_types)
    return run_parity(py, ex, settings())


def run(py_fields, ex_fields, *, ex_doc="A module.", py_extra=(), ex_extra=()):
    return report_of([py_type("Thing", py_fields), *py_extra], [ex_type("Thing", ex_fields, doc=ex_doc), *ex_extra])


def found(report, kind: FindingKind | None = None):
    return [f for f in report.all_findings() if kind is None or f.kind is kind]


def messages(report, kind: FindingKind) -> list[str]:
    return [f.message for f in found(report, kind)]


def rows(report):
    return report.pairs[0].rows


# ---- optionality ------------------------------------------------------------------------------


def test_python_required_against_an_elixir_non_nil_default():
    # LoraConfig.rank: required in Python, `rank: 32` in the defstruct
    report = run([FieldDef("rank", "int", required=True)], [FieldDef("rank", "pos_integer()", default=default(32))])
    (message,) = messages(report, FindingKind.OPTIONALITY_MISMATCH)
    assert message == (
        "`rank` is required in Python; optional in Elixir (`rank` is not in `@enforce_keys` and defaults to `32`)."
    )


def test_the_source_of_a_decoded_default_is_named():
    ex = FieldDef("sessions", "[String.t()]", default=default([], "[]"), default_source="from_map/1 ||")
    report = run([FieldDef("sessions", "list[str]", required=True)], [ex])
    (message,) = messages(report, FindingKind.OPTIONALITY_MISMATCH)
    assert "defaults to `[]` (set by `from_map/1 ||`)" in message


def test_an_enforced_key_a_decoder_fills_is_not_required_like_python():
    ex = FieldDef("models", "[Model.t()]", required=True, default=default([], "[]"), default_source="from_json/1 ||")
    report = run([FieldDef("models", "list[Model]", required=True)], [ex])
    assert one(report, FindingKind.OPTIONALITY_MISMATCH) == (
        "`models` is required in Python; in Elixir `models` is in `@enforce_keys`, but `from_json/1 ||` fills "
        "`[]` when the key is absent (Python rejects input without it)."
    )
    # the struct requires the key as Python does: only the decoder is lenient, so the finding is low
    assert found(report, FindingKind.OPTIONALITY_MISMATCH)[0].severity is Severity.LOW
    enforced = run(
        [FieldDef("models", "list[Model]", required=True)], [FieldDef("models", "[Model.t()]", required=True)]
    )
    assert found(enforced) == []


def test_default_mismatch_names_the_source():
    py = FieldDef("public", "bool", default=default(False))
    ex = FieldDef("public", "boolean()", default=default(True, "true"), default_source="from_map/1 ||")
    (message,) = messages(run([py], [ex]), FindingKind.DEFAULT_MISMATCH)
    assert message.endswith("defaults to true (set by `from_map/1 ||`).")


def test_a_single_value_literal_equals_the_same_elixir_default():
    py = FieldDef("type", 'Literal["sample"]', required=True)
    same = run([py], [FieldDef("type", "String.t()", default=default("sample", '"sample"'))])
    other = run([py], [FieldDef("type", "String.t()", default=default("other", '"other"'))])
    assert found(same) == []
    assert [f.kind for f in found(other)] == [FindingKind.OPTIONALITY_MISMATCH]


def test_an_optional_one_value_tag_the_port_always_sets_is_low():
    # LoadWeightsResponse.type: `Optional[Literal["load_weights"]] = None` against `type: "load_weights"`
    py = FieldDef("type", 'Optional[Literal["load"]]', default=default(None, "None"))
    tag = run([py], [FieldDef("type", "String.t()", default=default("load", '"load"'))])
    assert one(tag, FindingKind.OPTIONALITY_MISMATCH) == (
        '`type` is optional in Python (`Optional[Literal["load"]]`, default None); in Elixir it is always `"load"`, '
        "the one value Python allows besides None."
    )
    assert found(tag)[0].severity is Severity.LOW
    other = run([py], [FieldDef("type", "String.t()", default=default("save", '"save"'))])
    assert [f.severity for f in found(other, FindingKind.OPTIONALITY_MISMATCH)] == [Severity.HIGH]


@pytest.mark.parametrize(
    ("spec", "doc", "finding"),
    [
        ("String.t() | nil", "A module.", True),  # the typespec admits nil
        (None, "A module.", True),  # no typespec: nothing says it cannot be nil
        ("String.t()", "A module.", False),  # the typespec declares it required too
        ("String.t()", "Build it with `%Thing{id: ...}`.", True),  # the bare struct is the documented constructor
    ],
)
def test_defaults_to_nil_only_where_nil_is_possible(spec, doc, finding):
    report = run([FieldDef("id", "str", required=True)], [FieldDef("id", spec)], ex_doc=doc)
    got = messages(report, FindingKind.OPTIONALITY_MISMATCH)
    assert bool(got) is finding
    if finding:
        assert "defaults to nil and" in got[0]


def test_optional_python_against_enforce_keys_and_non_nil_defaults():
    report = run(
        [FieldDef("a", "str", default=default("x")), FieldDef("cfg", "Optional[Cfg]", default=default(None, "None"))],
        [FieldDef("a", "String.t()", required=True), FieldDef("cfg", "Cfg.t()", default=default({}, "%Cfg{}"))],
    )
    got = messages(report, FindingKind.OPTIONALITY_MISMATCH)
    assert got[0].startswith("`a` is optional in Python (has a default); required in Elixir")
    assert "defaults to `%Cfg{}` and its typespec `Cfg.t()` does not admit nil" in got[1]


# ---- types --------------------------------------------------------------------------------------


def one(report, kind: FindingKind) -> str:
    (message,) = messages(report, kind)
    return message


@pytest.mark.parametrize(
    ("py", "ex"),
    [
        ("datetime", "DateTime.t()"),
        ("datetime.datetime", "DateTime.t() | String.t() | nil"),  # the string is the unparsed fallback
        ("date", "Date.t()"),
        ("bytes", "binary()"),
        ("str", "binary()"),
        ('Literal["a", "b"]', "String.t()"),
        ("LossFnType", "LossFnType.t() | String.t()"),  # takes the strings as they are
        ("Optional[List[Optional[int]]]", "[integer() | nil] | nil"),
        ("Optional[Optional[str]]", "String.t() | nil"),
    ],
)
def test_types_that_agree(py, ex):
    enum = ex_type("LossFnType", [], kind=TypeKind.ENUM_TYPE, members=["ppo", "dro"])
    enum.annotation = ":ppo | :dro"
    alias = py_type("LossFnType", [], kind=TypeKind.LITERAL_ALIAS, members=["ppo", "dro"])
    alias.annotation = 'Literal["ppo", "dro"]'
    report = run([FieldDef("f", py, required=True)], [FieldDef("f", ex)], py_extra=[alias], ex_extra=[enum])
    assert [f for f in found(report) if f.kind.value.startswith(("type", "representation"))] == []


def test_datetime_as_a_string_says_so():
    report = run([FieldDef("at", "datetime", required=True)], [FieldDef("at", "String.t()")])
    assert one(report, FindingKind.REPRESENTATION_DIFFERENCE) == (
        "Python `at: datetime` vs Elixir `at: String.t()`: same values, Python parses a `datetime`/`date`, "
        "Elixir keeps the ISO 8601 string."
    )
    assert found(report, FindingKind.REPRESENTATION_DIFFERENCE)[0].severity is Severity.LOW


def test_bytes_as_a_string_says_base64_when_the_doc_does():
    py = FieldDef("data", "bytes", required=True)
    base64 = run([py], [FieldDef("data", "String.t()", doc="Base64-encoded image data")])
    text = run([py], [FieldDef("data", "String.t()")])
    assert one(base64, FindingKind.REPRESENTATION_DIFFERENCE).endswith("a `String.t()` (base64, its doc says).")
    assert one(text, FindingKind.REPRESENTATION_DIFFERENCE).endswith("a `String.t()` (text, not raw bytes).")


def test_literal_strings_against_atoms_say_which():
    same_case = run([FieldDef("f", 'Literal["png", "jpeg"]', required=True)], [FieldDef("f", ":png | :jpeg")])
    other_case = run([FieldDef("s", 'Literal["DEBUG", "INFO"]', required=True)], [FieldDef("s", ":debug | :info")])
    assert one(same_case, FindingKind.REPRESENTATION_DIFFERENCE).endswith("Python takes strings, Elixir atoms.")
    assert one(other_case, FindingKind.REPRESENTATION_DIFFERENCE).endswith(
        "Python takes strings, Elixir atoms in another case."
    )


def test_an_enum_module_with_an_extra_value_is_a_mismatch_naming_it():
    queue = ex_type("QueueState", [], kind=TypeKind.ENUM_TYPE, members=["active", "paused", "unknown"])
    queue.annotation = ":active | :paused | :unknown"
    report = run(
        [FieldDef("state", 'Literal["active", "paused"]', required=True)],
        [FieldDef("state", "QueueState.t()")],
        ex_extra=[queue],
    )
    assert one(report, FindingKind.TYPE_MISMATCH).endswith(
        "Elixir only: `:unknown`; and where they meet, Python takes strings, Elixir atoms."
    )


def test_an_alias_name_does_not_hide_differing_values():
    alias = py_type("StopReason", [], kind=TypeKind.LITERAL_ALIAS, members=["length", "stop"])
    alias.annotation = 'Literal["length", "stop"]'
    enum = ex_type("StopReason", [], kind=TypeKind.ENUM_TYPE, members=["length", "stop", "eos"])
    enum.annotation = ":length | :stop | :eos"
    report = run(
        [FieldDef("why", "StopReason", required=True)],
        [FieldDef("why", "StopReason.t()")],
        py_extra=[alias],
        ex_extra=[enum],
    )
    assert "Elixir only: `:eos`" in one(report, FindingKind.TYPE_MISMATCH)


def test_union_members_each_need_a_counterpart():
    report = run([FieldDef("stop", "str | list[int]", required=True)], [FieldDef("stop", "String.t() | [String.t()]")])
    assert one(report, FindingKind.TYPE_MISMATCH).endswith("Python only: `list[int]`; Elixir only: `[String.t()]`.")


def test_compare_types_counts_forms_from_the_python_side():
    ctx = PyContext(aliases={})
    result = compare_types(python_atoms('Literal["a"]', ctx), elixir_atoms(":a"), lambda a, b: a == b)
    assert result.compatible and result.representations == (STRINGS_AS_ATOMS,)
    both = compare_types(python_atoms('Literal["a"]', ctx), elixir_atoms(":a | String.t()"), lambda a, b: a == b)
    assert both.same


def _tensor_pair():
    """A Python dataclass `Tensor` and the port's `Acme.Types.Tensor` struct, paired by name."""
    return py_type("Tensor", [], kind=TypeKind.DATACLASS), ex_type("Tensor", [])


def test_python_objects_against_a_bare_map_where_the_port_has_the_struct():
    # ForwardBackwardOutput.loss_fn_outputs: List[Dict[str, TensorData]] against `[map()]`
    py_tensor, ex_tensor = _tensor_pair()
    report = run(
        [FieldDef("outs", "List[Dict[str, Tensor]]", required=True), FieldDef("one", "Tensor", required=True)],
        [FieldDef("outs", "[map()]"), FieldDef("one", "map()")],
        py_extra=[py_tensor],
        ex_extra=[ex_tensor],
    )
    texts = messages(report, FindingKind.REPRESENTATION_DIFFERENCE)
    assert texts == [
        "Python `outs: List[Dict[str, Tensor]]` vs Elixir `outs: [map()]`: same values, Python decodes `Tensor` "
        "objects, the Elixir typespec says `map()` where the port has `Acme.Types.Tensor`.",
        "Python `one: Tensor` vs Elixir `one: map()`: same values, Python decodes `Tensor` objects, the Elixir "
        "typespec says `map()` where the port has `Acme.Types.Tensor`.",
    ]
    assert found(report, FindingKind.TYPE_MISMATCH) == []


@pytest.mark.parametrize(
    ("py", "ex"),
    [
        ("Dict[str, Tensor]", "%{String.t() => Tensor.t()}"),  # the values' struct named: the same
        ("Dict[str, Tensor]", "%{optional(String.t()) => Acme.Types.Tensor.t()}"),
        ("Dict[str, float]", "map()"),  # a bare map of plain values: says nothing wrong
        ("Dict[str, Untyped]", "map()"),  # a Python model the port has no struct for: loose, not wrong
        ("Dict", "%{String.t() => Tensor.t()}"),
    ],
)
def test_maps_whose_values_agree(py, ex):
    py_tensor, ex_tensor = _tensor_pair()
    report = run([FieldDef("m", py, required=True)], [FieldDef("m", ex)], py_extra=[py_tensor], ex_extra=[ex_tensor])
    assert [f for f in found(report) if f.kind.value.startswith(("type", "representation"))] == []


def test_map_values_that_differ_are_a_type_mismatch():
    report = run([FieldDef("m", "Dict[str, int]", required=True)], [FieldDef("m", "%{String.t() => String.t()}")])
    assert one(report, FindingKind.TYPE_MISMATCH).endswith(
        "Python only: `dict[str, int]`; Elixir only: `%{String.t() => String.t()}`."
    )


def test_a_typed_dict_against_a_map_is_the_same_value():
    # a TypedDict is a plain dict at run time: a map is what Python holds too
    py_dict = py_type("Options", [], kind=TypeKind.TYPED_DICT)
    report = run(
        [FieldDef("o", "Options", required=True)],
        [FieldDef("o", "map()")],
        py_extra=[py_dict],
        ex_extra=[ex_type("Options", [])],
    )
    assert found(report, FindingKind.REPRESENTATION_DIFFERENCE) == []


# ---- docs ---------------------------------------------------------------------------------------


MODULEDOC = """Queue backpressure.

The `retry_after_ms` field is a hint. Reports queue_state_reason when known.

## Wire format

```json
{"request_id": "r"}
```

- `type` - always "try_again"

Defaults:
- learning_rate: 0.1
- beta: 0.9
"""


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("retry_after_ms", "The `retry_after_ms` field is a hint."),
        ("queue_state_reason", "Reports queue_state_reason when known."),  # bare, but has an underscore
        ("type", '`type` - always "try_again"'),  # a list item is a sentence
        ("request_id", None),  # only in a code block
        ("backpressure", None),
        ("learning_rate", "learning_rate: 0.1"),  # an item right under its lead-in line
    ],
)
def test_prose_sentence(name, sentence):
    assert prose_sentence(MODULEDOC, name) == sentence


def test_a_field_named_in_moduledoc_prose_is_documented():
    report = run(
        [FieldDef("retry_after_ms", "int", doc="Milliseconds to wait."), FieldDef("hint", "str", doc="A hint.")],
        [FieldDef("retry_after_ms", "integer()"), FieldDef("hint", "String.t()")],
        ex_doc=MODULEDOC,
    )
    documented, undocumented = rows(report)
    assert documented.elixir.doc == "The `retry_after_ms` field is a hint."
    assert documented.elixir.doc_source == "moduledoc_prose"
    assert documented.findings == []
    assert [f.kind for f in undocumented.findings] == [FindingKind.DOC_MISSING_IN_ELIXIR]
    assert report.elixir_model.types[0].fields[0].doc is None  # the model stays as extracted


def test_doc_missing_in_python_names_the_elixir_source():
    report = run([FieldDef("retry_after_ms", "int")], [FieldDef("retry_after_ms", "integer()")], ex_doc=MODULEDOC)
    assert "documented in Elixir (by a sentence of its `@moduledoc`)" in one(report, FindingKind.DOC_MISSING_IN_PYTHON)


def test_typedoc_prose_counts_too():
    ex = ex_type("Thing", [FieldDef("seed", "integer()")])
    ex.typedoc = "The `seed` makes sampling repeatable."
    report = report_of([py_type("Thing", [FieldDef("seed", "int", doc="Random seed.")])], [ex])
    assert rows(report)[0].elixir.doc_source == "typedoc_prose"
    assert found(report) == []


# ---- properties and conveniences ----------------------------------------------------------------


def prop(name: str, annotation: str = "int", doc: str | None = "Computed.") -> FieldDef:
    return FieldDef(name, annotation, doc=doc, origin="property")


def test_an_elixir_field_matching_a_python_property_is_not_missing():
    report = run(
        [FieldDef("data", "list[float]", required=True), prop("tokens", "List[int]")],
        [FieldDef("data", "[float()]"), FieldDef("tokens", "[integer()] | nil", default=default([], "[]"))],
    )
    assert [f.kind for f in found(report) if f.kind is not FindingKind.DOC_MISSING_IN_ELIXIR] == []


def test_a_property_compares_its_type_but_not_its_default():
    report = run([prop("count", "int")], [FieldDef("count", "String.t()", required=True, doc="The count.")])
    assert [f.kind for f in found(report)] == [FindingKind.TYPE_MISMATCH]


def test_a_python_only_property_is_a_convenience():
    report = run([FieldDef("a", "int", required=True), prop("total")], [FieldDef("a", "integer()")])
    (finding,) = found(report)
    assert finding.kind is FindingKind.PYTHON_ONLY_CONVENIENCE and finding.severity is Severity.INFO
    assert finding.message == (
        "Python `total` (a read-only property, computed) has no counterpart in Elixir `Acme.Types.Thing`: "
        "a Python-only convenience."
    )


def test_the_numpy_form_of_a_member_is_a_convenience():
    report = run(
        [prop("tokens", "List[int]"), FieldDef("tokens_np", "Optional[np.ndarray]", default=default(None, "None"))],
        [FieldDef("tokens", "[integer()]")],
    )
    assert messages(report, FindingKind.PYTHON_ONLY_CONVENIENCE) == [
        "Python `tokens_np` (the numpy form of `tokens`) has no counterpart in Elixir `Acme.Types.Thing`: "
        "a Python-only convenience."
    ]
    alone = run([FieldDef("extra_np", "np.ndarray", required=True)], [])
    assert [f.kind for f in found(alone)] == [FindingKind.MISSING_IN_ELIXIR]  # no `extra` beside it


def test_a_property_carried_by_an_elixir_function():
    ex = ex_type("Thing", [FieldDef("tokens", "[integer()]")])
    ex.functions = [
        FunctionDef("length", arity=1, doc="Token count.", spec="length(t()) :: non_neg_integer()", line=9),
        FunctionDef("length", arity=2, spec="length(t(), keyword()) :: non_neg_integer()"),
    ]
    report = report_of([py_type("Thing", [FieldDef("tokens", "list[int]", required=True), prop("length")])], [ex])
    row = rows(report)[1]
    assert row.how == "function"
    assert (row.elixir.name, row.elixir.annotation, row.elixir.doc_source) == (
        "length/1",
        "non_neg_integer()",
        "function_doc",
    )
    assert found(report) == []


def test_an_init_parameter_is_compared_like_a_field():
    init = FieldDef("rank", "int", required=True, origin="init")
    report = run(
        [init, FieldDef("gone", "int", required=True, origin="init")],
        [FieldDef("rank", "integer()", default=default(8))],
    )
    assert [f.kind for f in found(report)] == [FindingKind.OPTIONALITY_MISMATCH, FindingKind.MISSING_IN_ELIXIR]
    assert messages(report, FindingKind.MISSING_IN_ELIXIR)[0].startswith("Python `__init__` parameter `gone`")


# ---- members --------------------------------------------------------------------------------------


def test_enum_members_pair_across_case():
    literal = py_type("Severity", [], kind=TypeKind.LITERAL_ALIAS, members=["DEBUG", "INFO", "TRACE"])
    enum = ex_type("Severity", [], kind=TypeKind.ENUM_TYPE, members=["debug", "info"])
    report = report_of([literal], [enum])
    assert messages(report, FindingKind.MISSING_IN_ELIXIR) == [
        "Python member `TRACE` has no counterpart in Elixir `Acme.Types.Severity`."
    ]


def test_new_kinds_validate_against_the_schema():
    report = run(
        [FieldDef("at", "datetime", required=True), prop("total")],
        [FieldDef("at", "String.t()")],
    )
    assert {f.kind for f in found(report)} == {
        FindingKind.REPRESENTATION_DIFFERENCE,
        FindingKind.PYTHON_ONLY_CONVENIENCE,
    }
    jsonschema.validate(json.loads(json.dumps(report.to_json())), json.loads(SCHEMA.read_text()))


# ---- issue 15, helper E: fields named in words, local `@type`s, alias doc wording ------------------------


def test_a_field_is_documented_by_a_sentence_naming_its_words() -> None:
    from paritydocs.parity.rules import with_prose_doc, words_sentence

    doc = "Response from get_x API.\n\nContains the training run IDs and sampler IDs of a session."
    assert words_sentence(doc, "training_run_ids") == "Contains the training run IDs and sampler IDs of a session."
    assert words_sentence(doc, "sampler_ids") is not None
    assert words_sentence(doc, "run_sampler") is None  # in order and next to each other only
    assert words_sentence("The type of a session.", "session_type") is None
    assert words_sentence("Contains a list of session IDs.", "sessions") is None  # one shared word
    assert words_sentence("Contains a list of session IDs.", "sessions", one_word=True) is not None
    one = TypeDef("E.L", "L", TypeKind.STRUCT, doc="Contains a list of session IDs.", fields=[FieldDef("sessions")])
    field = with_prose_doc(one, one.fields[0])
    assert field is not None and field.doc_source == "moduledoc_prose"
    two = TypeDef("E.L", "L", TypeKind.STRUCT, doc="A session record.", fields=[FieldDef("session"), FieldDef("x")])
    field = with_prose_doc(two, two.fields[0])
    assert field is not None and field.doc is None


def test_a_local_type_of_the_struct_module_is_expanded() -> None:
    from paritydocs.parity.annotations import expand_local_types

    assert expand_local_types("format() | nil", {"format": ":png | :jpeg"}) == "(:png | :jpeg) | nil"
    assert expand_local_types("Foo.format()", {"format": ":a"}) == "Foo.format()"
    assert expand_local_types("a()", {"a": "b()", "b": "a()"}) == "(b())"  # one level, no loop


def test_alias_pair_doc_finding_names_the_typedoc() -> None:
    from paritydocs.parity.rules import type_doc_findings

    py = TypeDef("p.Ids", "Ids", TypeKind.TYPE_ALIAS)
    ex = TypeDef("E.TypeAliases.ids", "ids", TypeKind.TYPE_ALIAS, doc="Ids.", typedoc="Ids.")
    (finding,) = type_doc_findings(py, ex)
    assert "has a `@typedoc`" in finding.message and "no docstring" in finding.message


def test_a_short_one_word_name_is_not_named_by_an_article() -> None:
    from paritydocs.parity.rules import words_sentence

    assert words_sentence("A module.", "a", one_word=True) is None


# ---- tags a struct fixes ----------------------------------------------------------------------


def _tagged(ex_field: FieldDef):
    # Python's event types are one Literal shared by every event; the port's struct fixes its own tag
    kinds = py_type("EventKind", [], kind=TypeKind.LITERAL_ALIAS, members=["start", "stop"])
    kinds.annotation = 'Literal["start", "stop"]'
    return run([FieldDef("event", "EventKind", required=True)], [ex_field], py_extra=[kinds])


def test_a_tag_the_port_fixes_is_one_low_finding_not_a_type_and_an_optionality_mismatch():
    report = _tagged(FieldDef("event", ":start", default=default("start", ":start")))
    assert found(report, FindingKind.OPTIONALITY_MISMATCH) == [] and found(report, FindingKind.TYPE_MISMATCH) == []
    (message,) = messages(report, FindingKind.REPRESENTATION_DIFFERENCE)
    assert "the port fixes `event` to `:start`, this type's own tag" in message
    assert 'Python also accepts `"stop"` and requires the field to be passed' in message
    assert found(report, FindingKind.REPRESENTATION_DIFFERENCE)[0].severity is Severity.LOW


@pytest.mark.parametrize(
    "ex_field",
    [
        FieldDef("event", ":start | :stop", default=default("start", ":start")),  # the spec admits more
        FieldDef("event", ":start"),  # no default: nothing is fixed
        FieldDef("event", ":finish", default=default("finish", ":finish")),  # not a value Python takes
    ],
)
def test_only_a_single_literal_spec_that_is_the_default_and_a_python_value_is_a_tag(ex_field):
    report = _tagged(ex_field)
    assert all("this type's own tag" not in f.message for f in found(report))


# ---- severity by the direction of the data ----------------------------------------------------------------


def _directed(name: str, py_field: FieldDef, ex_field: FieldDef, *, encoders=(), functions=(), directions=None):
    ex = ex_type(name, [ex_field])
    ex.encoders = list(encoders)
    ex.functions = [FunctionDef(f, arity=1) for f in functions]
    py_types, ex_types = [py_type(name, [py_field])], [ex]
    py, ex_model = sdk_models(py_types, ex_types)
    options = {"python": "x", "elixir": "y", "type_prefixes": {"acme.types": "Acme.Types"}, "type_map": {}}
    if directions is not None:
        options["type_directions"] = directions
    return run_parity(py, ex_model, load_settings(options, environ={}))


REQUIRED = FieldDef("model_id", "str", required=True)
LENIENT = FieldDef("model_id", "String.t() | nil", default=default(None, "nil"))
OPTIONAL = FieldDef("seed", "int | None", required=False, default=default(None, "None"))
STRICT = FieldDef("seed", "integer()", required=True)


@pytest.mark.parametrize(
    ("kwargs", "severity", "says"),
    [
        ({"encoders": ["Jason.Encoder"]}, Severity.HIGH, "is sent (the port encodes it (@derive Jason.Encoder))"),
        ({"functions": ["to_json"]}, Severity.HIGH, "the port can send it as nil, where the API requires a value"),
        # a value goes out either way: the port's own default is to check, not a request the API rejects
        (
            {"functions": ["to_json"], "lenient": FieldDef("model_id", "String.t()", default=default("m"))},
            Severity.MEDIUM,
            "check that it is the one",
        ),
        ({"functions": ["from_map"]}, Severity.LOW, "is received (the port decodes it (from_map/1))"),
        ({"functions": ["from_map", "to_json"]}, Severity.HIGH, "is sent and received"),
        ({}, Severity.HIGH, "`model_id` is required in Python; optional in Elixir"),  # nothing says: as before
        ({"functions": ["from_map"], "directions": {"Thing": "sent"}}, Severity.HIGH, "`type_directions` says"),
    ],
)
def test_a_port_more_lenient_than_python_weighs_by_which_way_the_data_flows(kwargs, severity, says):
    lenient = kwargs.pop("lenient", LENIENT)
    (finding,) = found(_directed("Thing", REQUIRED, lenient, **kwargs), FindingKind.OPTIONALITY_MISMATCH)
    assert finding.severity is severity and says in finding.message


def test_a_port_stricter_than_python_is_low_on_what_it_sends_and_high_on_what_it_decodes():
    (sent,) = found(_directed("Thing", OPTIONAL, STRICT, encoders=["Jason.Encoder"]), FindingKind.OPTIONALITY_MISMATCH)
    assert sent.severity is Severity.LOW and "callers must give a value the API does not need" in sent.message
    (got,) = found(_directed("Thing", OPTIONAL, STRICT, functions=["from_map"]), FindingKind.OPTIONALITY_MISMATCH)
    assert got.severity is Severity.HIGH and "a response without the key does not decode" in got.message


def test_the_name_and_the_python_clients_say_the_direction_when_the_port_code_does_not():
    from paritydocs.parity.direction import Direction, ParameterTypes, type_direction

    response, request, job = py_type("JobResponse", []), py_type("JobRequest", []), py_type("Job", [])
    plain = ex_type("Job", [])
    assert type_direction(response, plain, {}).direction is Direction.RECEIVED
    assert type_direction(request, plain, {}).direction is Direction.SENT
    assert type_direction(job, plain, {}).direction is Direction.UNKNOWN
    client = TypeDef(path="acme.Client", name="Client", kind=TypeKind.CLASS)
    client.functions = [FunctionDef("submit", params=[ParamDef("job", annotation="types.Job")], returns="JobResponse")]
    call = type_direction(job, plain, {}, ParameterTypes.of([client]))
    assert (call.direction, call.evidence) == (Direction.SENT, "a Python client method takes it")
    report = _directed("JobResponse", REQUIRED, LENIENT)
    assert report.pairs[0].to_json()["direction"] == {"flow": "received", "evidence": "its name (`JobResponse`)"}
    jsonschema.validate(json.loads(json.dumps(report.to_json())), json.loads(SCHEMA.read_text()))


def test_a_one_value_tag_a_received_struct_lacks_is_low_and_a_field_only_the_port_has_is_its_own():
    tag = FieldDef("type", 'Literal["create_model"]', required=False, default=default("create_model"))
    extra = FieldDef("note", "String.t() | nil")

    def run_with(py_fields, ex_fields, **kwargs):
        ex = ex_type("ThingResponse", ex_fields)
        ex.functions = [FunctionDef(f, arity=1) for f in kwargs.get("functions", ())]
        ex.encoders = list(kwargs.get("encoders", ()))
        py, ex_model = sdk_models([py_type("ThingResponse", py_fields)], [ex])
        return run_parity(py, ex_model, settings())

    (missing,) = found(
        run_with([tag, REQUIRED], [FieldDef("model_id", "String.t()")], functions=["from_map"]),
        FindingKind.MISSING_IN_ELIXIR,
    )
    assert missing.severity is Severity.LOW and "a tag the port need not keep" in missing.message
    (received,) = found(
        run_with([REQUIRED], [FieldDef("model_id", "String.t()"), extra], functions=["from_map"]),
        FindingKind.MISSING_IN_PYTHON,
    )
    assert received.severity is Severity.LOW and "An addition of the port's" in received.message
    (sent,) = found(
        run_with([REQUIRED], [FieldDef("model_id", "String.t()"), extra], encoders=["Jason.Encoder"]),
        FindingKind.MISSING_IN_PYTHON,
    )
    assert sent.severity is Severity.MEDIUM and "check that the API accepts it" in sent.message


def test_nil_a_nullable_python_field_takes_is_low_and_a_config_the_port_never_encodes_sends_nothing():
    nullable_required = FieldDef("meta", "Optional[dict]", required=True)
    (finding,) = found(
        _directed(
            "Thing",
            nullable_required,
            FieldDef("meta", "map() | nil", default=default(None, "nil")),
            encoders=["Jason.Encoder"],
        ),
        FindingKind.OPTIONALITY_MISMATCH,
    )
    assert finding.severity is Severity.LOW and "which Python's `Optional[dict]` admits too" in finding.message
    # a type a Python client takes is "sent" by direction, but only an encoder puts an extra field on the wire
    client = TypeDef(path="acme.Client", name="Client", kind=TypeKind.CLASS)
    client.functions = [FunctionDef("run", params=[ParamDef("config", annotation="Settings")])]
    py = py_type("Settings", [REQUIRED])
    ex = ex_type("Settings", [FieldDef("model_id", "String.t()"), FieldDef("max_retries", "integer()")])
    py_model, ex_model = sdk_models([py], [ex])
    py_model.clients = [client]
    (extra,) = found(run_parity(py_model, ex_model, settings()), FindingKind.MISSING_IN_PYTHON)
    assert extra.severity is Severity.LOW and "The port sends it" not in extra.message


def test_a_struct_nothing_in_the_port_names_reaches_no_user():
    from paritydocs.parity.direction import unused_structs

    client = TypeDef(path="Acme.Client", name="Client", kind=TypeKind.MODULE, file="lib/acme/client.ex")
    client.references = ["Acme.Types.Used"]
    used = ex_type("Used", [FieldDef("model_id", "String.t() | nil", default=default(None, "nil"))])
    used.references = ["Acme.Types.Nested"]
    nested = ex_type("Nested", [])
    state = TypeDef(path="Acme.Client.State", name="State", kind=TypeKind.STRUCT, file="lib/acme/client.ex")
    orphan = ex_type("Orphan", [FieldDef("model_id", "String.t() | nil", default=default(None, "nil"))])
    py, ex = sdk_models([], [client, used, nested, state, orphan])
    assert unused_structs(ex) == {"Acme.Types.Orphan"}  # a struct in a reached file (`%State{}`) is reached
    py, ex = sdk_models([py_type("Orphan", [REQUIRED]), py_type("Used", [REQUIRED])], [client, used, orphan])
    report = run_parity(py, ex, settings())
    by_type = {p.elixir.name: p for p in report.pairs}
    assert by_type["Orphan"].unused_in_port and not by_type["Used"].unused_in_port
    (lonely,) = found_in(by_type["Orphan"], FindingKind.OPTIONALITY_MISMATCH)
    assert (
        lonely.severity is Severity.LOW and "Nothing in the port builds or reads `Acme.Types.Orphan`" in lonely.message
    )
    (reached,) = found_in(by_type["Used"], FindingKind.OPTIONALITY_MISMATCH)
    assert reached.severity is Severity.HIGH


def found_in(pair, kind):
    return [f for f in pair.all_findings() if f.kind is kind]


def test_a_tag_a_sent_struct_lacks_is_medium_and_a_python_runtime_field_is_low():
    tag = FieldDef("type", 'Literal["optim_step"]', required=False, default=default("optim_step"))
    ex = ex_type("Step", [FieldDef("model_id", "String.t()")])
    ex.encoders = ["Jason.Encoder"]
    py, ex_model = sdk_models([py_type("Step", [tag, REQUIRED])], [ex])
    (missing,) = found(run_parity(py, ex_model, settings()), FindingKind.MISSING_IN_ELIXIR)
    assert missing.severity is Severity.MEDIUM and "check that the API does without it" in missing.message
    runtime = FieldDef("retryable_exceptions", "tuple[Type[Exception], ...]", required=False, default=default([]))
    py, ex_model = sdk_models([py_type("Retry", [runtime, REQUIRED])], [ex_type("Retry", [FieldDef("model_id")])])
    (python_only,) = found(run_parity(py, ex_model, settings()), FindingKind.MISSING_IN_ELIXIR)
    assert python_only.severity is Severity.LOW and "holds Python runtime objects (classes)" in python_only.message


# ---- program flow: where the port builds and decodes a struct (`parity.usage`) ------------------------------


def _with_port_code(py_field, ex_field, *, builds=(), decodes=(), encoders=(), functions=(), handed_in=False):
    """`Thing` ↔ `Acme.Types.Thing`, and a module of functions `Acme.Client` whose code builds and decodes it."""
    ex = ex_type("Thing", [ex_field])
    ex.encoders = list(encoders)
    ex.functions = [FunctionDef(f, arity=1) for f in functions]
    client = ex_type("Client", [], kind=TypeKind.MODULE, prefix="Acme")
    client.builds = list(builds)
    client.decodes = list(decodes)
    client.references = ["Acme.Types.Thing"]  # the port uses it: not an unused struct
    py, ex_model = sdk_models([py_type("Thing", [py_field])], [ex, client])
    if handed_in:
        taker = TypeDef(path="acme.Client", name="Client", kind=TypeKind.CLASS)
        taker.functions = [FunctionDef("submit", params=[ParamDef("thing", annotation="types.Thing")])]
        py.clients = [taker]
    (finding,) = found(run_parity(py, ex_model, settings()), FindingKind.OPTIONALITY_MISMATCH)
    return finding


def _build(*keys, open_=False, line=7):
    return StructBuild("Acme.Types.Thing", line, "submit/2", "struct", list(keys), open=open_)


@pytest.mark.parametrize(
    ("builds", "handed_in", "severity"),
    [
        ([_build("model_id"), _build("model_id", "seed", line=9)], False, Severity.LOW),
        ([_build("model_id"), _build("seed", line=9)], False, Severity.HIGH),  # one place leaves it unset
        ([_build("model_id"), _build(open_=True, line=9)], False, Severity.HIGH),  # `Thing.new(opts)`: unknown
        ([], False, Severity.HIGH),  # no place builds it: no evidence
        ([_build("model_id")], True, Severity.HIGH),  # users build it too: the port's places are not all
    ],
)
def test_a_field_every_place_of_the_port_sets_cannot_go_out_as_nil(builds, handed_in, severity):
    finding = _with_port_code(REQUIRED, LENIENT, builds=builds, encoders=["Jason.Encoder"], handed_in=handed_in)
    assert finding.severity is severity
    if severity is Severity.LOW:
        assert "every place the port builds it sets `model_id` (`Client.submit/2` (lib/acme/types/client.ex:7)," in (
            finding.message
        )
        assert "never goes out" in finding.message


def test_a_non_nil_default_every_build_overrides_is_low():
    python = FieldDef("config", "Optional[Config]", required=False, default=default(None, "None"))
    elixir = FieldDef("config", "Config.t()", default=default({}, "%Config{}"))
    alone = _with_port_code(python, elixir, encoders=["Jason.Encoder"])
    assert alone.severity is Severity.HIGH
    overridden = _with_port_code(python, elixir, builds=[_build("config")], encoders=["Jason.Encoder"])
    assert overridden.severity is Severity.LOW and "sets `config`" in overridden.message


@pytest.mark.parametrize(
    ("decodes", "severity"),
    [
        ([DecodeCall("Acme.Types.Thing", 4, "from_map", "from_json/1", ["seed", "type"])], Severity.LOW),
        (
            [
                DecodeCall("Acme.Types.Thing", 4, "from_map", "from_json/1", ["seed"]),
                DecodeCall("Acme.Types.Thing", 8, "from_map", "poll/2", []),  # decodes whatever came
            ],
            Severity.HIGH,
        ),
        ([], Severity.HIGH),
    ],
)
def test_an_enforced_key_every_decoding_place_matched_first_cannot_fail_to_decode(decodes, severity):
    finding = _with_port_code(OPTIONAL, STRICT, decodes=decodes, functions=["from_map"])
    assert finding.severity is severity
    if severity is Severity.LOW:
        assert "every place the port decodes it matches the key `seed` first (`Client.from_json/1`" in finding.message


def test_the_port_decoding_more_values_than_python_is_low_and_sending_fewer_is_medium():
    py_field = FieldDef("state", 'Literal["active", "paused"]', required=True)
    ex_field = FieldDef("state", ":active | :paused | :unknown", required=True)
    received = found(_directed("Thing", py_field, ex_field, functions=["from_map"]), FindingKind.TYPE_MISMATCH)
    assert received[0].severity is Severity.LOW and "decodes every value Python does, and more" in received[0].message
    fewer = FieldDef("state", ":active", required=True)
    sent = found(_directed("Thing", py_field, fewer, encoders=["Jason.Encoder"]), FindingKind.TYPE_MISMATCH)
    assert sent[0].severity is Severity.MEDIUM and "cannot send the others" in sent[0].message
    both = found(_directed("Thing", py_field, ex_field, functions=["from_map", "to_json"]), FindingKind.TYPE_MISMATCH)
    assert both[0].severity is Severity.HIGH


def test_an_optional_field_a_sent_struct_lacks_is_medium_and_one_a_received_struct_lacks_stays_high():
    optional = FieldDef("overwrite", "bool", required=False, default=default(False, "False"))
    keep = FieldDef("model_id", "String.t()")

    def missing(**kwargs):
        ex = ex_type("Save", [keep])
        ex.encoders = list(kwargs.get("encoders", ()))
        ex.functions = [FunctionDef(f, arity=1) for f in kwargs.get("functions", ())]
        py, ex_model = sdk_models([py_type("Save", [REQUIRED, optional])], [ex])
        (finding,) = found(run_parity(py, ex_model, settings()), FindingKind.MISSING_IN_ELIXIR)
        return finding

    sent = missing(encoders=["Jason.Encoder"])
    assert sent.severity is Severity.MEDIUM and "It is optional in Python (default `False`)" in sent.message
    assert missing(functions=["from_map"]).severity is Severity.HIGH  # a response field the port drops
    assert missing(functions=["from_map", "to_json"]).severity is Severity.HIGH


def test_an_optional_field_users_set_in_python_stays_high():
    optional = FieldDef("overwrite", "bool", required=False, default=default(False, "False"))
    ex = ex_type("Save", [FieldDef("model_id", "String.t()")])
    ex.encoders = ["Jason.Encoder"]
    py, ex_model = sdk_models([py_type("Save", [REQUIRED, optional])], [ex])
    # a type users hand to a Python client: they set its fields themselves
    taker = TypeDef(path="acme.Client", name="Client", kind=TypeKind.CLASS)
    taker.functions = [FunctionDef("save", params=[ParamDef("save", annotation="types.Save")])]
    py.clients = [taker]
    (handed_in,) = found(run_parity(py, ex_model, settings()), FindingKind.MISSING_IN_ELIXIR)
    assert handed_in.severity is Severity.HIGH and "It is optional" not in handed_in.message


def test_lost_params_are_the_client_parameters_the_port_does_not_take():
    from paritydocs.parity import _lost_params
    from paritydocs.parity.findings import Finding
    from paritydocs.parity.report import ClientPair, MethodRow, ParamRow

    client = TypeDef(path="acme.Client", name="Client", kind=TypeKind.CLASS)
    module = ex_type("Client", [], kind=TypeKind.MODULE, prefix="Acme")
    save = FunctionDef("save", params=[ParamDef("overwrite"), ParamDef("name")])
    lost = ParamRow(ParamDef("overwrite"), None, "", findings=[Finding(FindingKind.MISSING_IN_ELIXIR, "gone")])
    low = Finding(FindingKind.MISSING_IN_ELIXIR, "no effect")
    low.severity = Severity.LOW
    harmless = ParamRow(ParamDef("name"), None, "", findings=[low])
    row = MethodRow(save, None, FunctionDef("save", arity=2), params=[lost, harmless])
    assert _lost_params([ClientPair(client, module, [row])]) == {"overwrite": ["Client.save"]}
