"""Type matching: the evidence that pairs a Python type with its Elixir port, strongest first, the reason each
pair records, the choice between candidates as strong, and `@type` aliases and unions."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import ex_type, py_type, sdk_models
from elixir_helpers import extract_text
from paritydocs.config import load_settings
from paritydocs.model import FieldDef, TypeDef, TypeKind
from paritydocs.parity import FindingKind, run_parity
from paritydocs.parity.matching import mirrored_names, python_union_members
from paritydocs.render import Renderer

SCHEMA = Path(__file__).parents[1] / "site_src" / "paritydocs" / "schemas" / "parity.schema.json"


def settings(**raw):
    base = {"python": "x", "elixir": "y", "type_prefixes": {"acme.types": "Acme.Types"}, "type_map": {}}
    base.update(raw)
    return load_settings(base, environ={})


def names(report):
    return [(p.python.name, p.elixir.path, p.reason.by if p.reason else None) for p in report.pairs]


def fields(*names: str) -> list[FieldDef]:
    return [FieldDef(n, "str") for n in names]


# ---- evidence, strongest first ------------------------------------------------------------------


def test_type_map_beats_the_port_s_own_words_and_the_name():
    py, ex = sdk_models(
        [py_type("Widget", [])],
        [ex_type("Widget", []), ex_type("Gadget", [], doc="Mirrors Python acme.types.Widget.")],
    )
    report = run_parity(py, ex, settings(type_map={"acme.types.Widget": "Acme.Types.Other"}))
    # a type_map target that does not exist pairs nothing; the next evidence, the port's words, wins
    assert names(report) == [("Widget", "Acme.Types.Gadget", "mirrors")]
    report = run_parity(py, ex, settings(type_map={"acme.types.Widget": "Acme.Types.Widget"}))
    assert names(report) == [("Widget", "Acme.Types.Widget", "type_map")]


def test_the_port_s_moduledoc_pairs_a_type_the_name_cannot_reach():
    py, ex = sdk_models(
        [py_type("StartEvent", fields("at")), py_type("Retry", []), py_type("Plain", [])],
        [
            # under a sub-namespace, and named otherwise: only its own words say what it is
            ex_type(
                "Started",
                fields("at"),
                prefix="Acme.Types.Telemetry",
                doc="Mirrors Python acme.types.startevent.StartEvent.",
            ),
            ex_type("RetryInfo", [], doc="Mirrors the Python `Retry` schema, with atoms."),
            ex_type("Plain", []),
        ],
    )
    report = run_parity(py, ex, settings())
    assert names(report) == [
        ("StartEvent", "Acme.Types.Telemetry.Started", "mirrors"),
        ("Retry", "Acme.Types.RetryInfo", "mirrors"),
        ("Plain", "Acme.Types.Plain", "name"),
    ]
    assert report.pairs[0].reason.text == 'the port\'s `@moduledoc` ("Mirrors Python acme.types.startevent.StartEvent")'
    assert report.pairs[2].reason.text == "the name under the prefix map (`acme.types` → `Acme.Types`)"


def test_a_moduledoc_that_mirrors_several_types_is_evidence_for_none():
    py, ex = sdk_models(
        [py_type("Alpha", []), py_type("Beta", [])],
        [ex_type("Aliases", [], doc="Mirrors Python `acme.types.Alpha` and Mirrors Python `acme.types.Beta`.")],
    )
    report = run_parity(py, ex, settings())
    assert report.pairs == []
    assert [t.name for t in report.unmatched_python] == ["Alpha", "Beta"]


def test_mirrored_names_read_the_ways_a_port_words_them():
    doc = (
        "Mirrors Python tinker.types.Datum.\nMirrors Python `tinker.types.ImageChunk`.\n"
        "Mirrors the Python `TryAgainResponse` schema.\nMirrors Python `LossFnInputs = Dict[str, TensorData]`.\n"
        "Mirrors Python's `helpers._reduce` helper. Mirrors `encode/3` with the same contract."
    )
    assert mirrored_names(doc) == [
        ("tinker.types.Datum", "Mirrors Python tinker.types.Datum"),
        ("tinker.types.ImageChunk", "Mirrors Python `tinker.types.ImageChunk`"),
        ("TryAgainResponse", "Mirrors the Python `TryAgainResponse`"),
        ("LossFnInputs", "Mirrors Python `LossFnInputs = Dict[str, TensorData]`"),
        ("helpers._reduce", "Mirrors Python's `helpers._reduce`"),
    ]


def test_the_name_under_any_sub_namespace_of_the_prefix():
    py, ex = sdk_models(
        [py_type("SessionStart", fields("id"))],
        [ex_type("SessionStart", fields("id"), prefix="Acme.Types.Telemetry", doc="A start event.")],
    )
    report = run_parity(py, ex, settings())
    assert names(report) == [("SessionStart", "Acme.Types.Telemetry.SessionStart", "namespace")]
    assert "under `Acme.Types.Telemetry`" in report.pairs[0].reason.text
    assert report.unmatched_elixir == []


def test_the_exact_name_beats_a_sub_namespace():
    py, ex = sdk_models(
        [py_type("Event", [])],
        [ex_type("Event", [], prefix="Acme.Types.Telemetry"), ex_type("Event", [])],
    )
    report = run_parity(py, ex, settings())
    assert names(report) == [("Event", "Acme.Types.Event", "name")]
    assert [t.path for t in report.unmatched_elixir] == ["Acme.Types.Telemetry.Event"]


# ---- two candidates as strong: field overlap decides, a warning names both ----------------------


def test_a_public_type_and_its_internal_wire_twin_the_overlap_decides():
    public = py_type("SaveResponse", fields("path", "type"))
    internal = py_type("SaveResponseInternal", fields("path", "session_id", "type"))
    py, ex = sdk_models([public, internal], [ex_type("SaveResponse", fields("path", "session_id", "type"))])
    report = run_parity(py, ex, settings())
    assert names(report) == [("SaveResponseInternal", "Acme.Types.SaveResponse", "twin")]
    assert report.pairs[0].reason.passed_over == ("acme.types.SaveResponse",)
    assert [t.name for t in report.unmatched_python] == ["SaveResponse"]  # kept visible
    (warning,) = report.warnings
    assert "acme.types.SaveResponse" in warning and "acme.types.SaveResponseInternal" in warning


def test_on_equal_overlap_the_exact_name_wins_over_the_twin():
    py, ex = sdk_models(
        [py_type("ThingInternal", fields("a")), py_type("Thing", fields("a"))], [ex_type("Thing", fields("a"))]
    )
    report = run_parity(py, ex, settings())
    assert names(report) == [("Thing", "Acme.Types.Thing", "name")]
    assert len(report.warnings) == 1


def test_two_elixir_candidates_for_one_python_type_the_overlap_decides():
    py, ex = sdk_models(
        [py_type("Event", fields("a", "b"))],
        [
            ex_type("Event", fields("x"), prefix="Acme.Types.Audit"),
            ex_type("Event", fields("a", "b"), prefix="Acme.Types.Telemetry"),
        ],
    )
    report = run_parity(py, ex, settings())
    assert names(report) == [("Event", "Acme.Types.Telemetry.Event", "namespace")]
    assert [t.path for t in report.unmatched_elixir] == ["Acme.Types.Audit.Event"]
    (warning,) = report.warnings
    assert "Acme.Types.Audit.Event" in warning and "Acme.Types.Telemetry.Event" in warning


def test_two_modules_of_one_name_both_stay_visible():
    first = ex_type("Thing", fields("x"))
    second = ex_type("Thing", fields("a", "b"))
    second.file = "lib/acme/types/thing_v2.ex"
    py, ex = sdk_models([py_type("Thing", fields("a", "b"))], [first, second])
    report = run_parity(py, ex, settings())
    assert [p.elixir.file for p in report.pairs] == ["lib/acme/types/thing_v2.ex"]
    assert [t.file for t in report.unmatched_elixir] == ["lib/acme/types/thing.ex"]
    assert any("defined 2 times" in w and "thing_v2.ex" in w for w in report.warnings)


def test_two_python_types_of_one_public_name_are_warned_about():
    a = py_type("Thing", [])
    b = py_type("Thing", [])
    b.path = "acme.types.legacy.Thing"
    py, ex = sdk_models([a, b], [ex_type("Thing", [])])
    report = run_parity(py, ex, settings())
    assert len(report.pairs) == 1 and len(report.unmatched_python) == 1
    assert any("`acme.types.Thing` is defined 2 times" in w for w in report.warnings)


# ---- @type aliases and unions -------------------------------------------------------------------

ALIASES = """
defmodule Acme.Types.TypeAliases do
  @moduledoc "Aliases of the Python SDK."

  @typedoc "Mirrors Python `Chunk = Union[TextChunk, ImageChunk, AudioChunk]`."
  @type chunk :: TextChunk.t() | ImageChunk.t() | VideoChunk.t()

  @type loss_inputs :: %{optional(String.t()) => integer()}
end

defmodule Acme.Types.Widget do
  defstruct [:format]
  @type format :: :png | :jpeg
  @type t :: %__MODULE__{format: format()}
end

defmodule Acme.Worker do
  @type state :: map()
  def start_link(opts), do: {:ok, opts}
end
"""


def test_a_module_of_aliases_yields_each_public_type(tmp_path):
    model = extract_text(tmp_path, ALIASES)
    aliases = [t for t in model.types if t.kind in (TypeKind.TYPE_ALIAS, TypeKind.UNION_ALIAS)]
    assert [(t.path, t.kind, t.annotation) for t in aliases] == [
        ("Acme.Types.TypeAliases.chunk", TypeKind.UNION_ALIAS, "TextChunk.t() | ImageChunk.t() | VideoChunk.t()"),
        ("Acme.Types.TypeAliases.loss_inputs", TypeKind.TYPE_ALIAS, "%{optional(String.t()) => integer()}"),
    ]
    assert aliases[0].doc == "Mirrors Python `Chunk = Union[TextChunk, ImageChunk, AudioChunk]`."
    assert aliases[1].doc is None  # the typedoc before `chunk` is not `loss_inputs`'s
    assert aliases[0].line == 5


def test_python_aliases_pair_with_elixir_type_aliases_and_unions_compare_member_by_member(tmp_path):
    ex = extract_text(tmp_path, ALIASES)
    chunk = py_type("Chunk", [], kind=TypeKind.UNION_ALIAS, doc=None)
    chunk.annotation = 'Annotated[Union[TextChunk, ImageChunk, AudioChunk], PropertyInfo(discriminator="type")]'
    loss = py_type("LossInputs", [], kind=TypeKind.TYPE_ALIAS, doc=None)
    loss.annotation = "List[str]"
    model_id = py_type("ModelID", [], kind=TypeKind.TYPE_ALIAS, doc=None)
    model_id.annotation = "str"
    py, _ = sdk_models([chunk, loss, model_id], [])
    report = run_parity(py, ex, settings())
    assert names(report) == [
        ("Chunk", "Acme.Types.TypeAliases.chunk", "mirrors"),
        ("LossInputs", "Acme.Types.TypeAliases.loss_inputs", "alias"),
    ]
    union, alias = report.pairs
    assert union.is_union
    assert (
        union.reason.text
        == 'the port\'s `@typedoc` ("Mirrors Python `Chunk = Union[TextChunk, ImageChunk, AudioChunk]`")'
    )
    found = {(f.kind, f.message.split("`")[1]) for f in union.all_findings() if f.kind.value.startswith("missing")}
    assert found == {(FindingKind.MISSING_IN_ELIXIR, "AudioChunk"), (FindingKind.MISSING_IN_PYTHON, "VideoChunk")}
    assert alias.is_alias and [r.how for r in alias.rows] == ["value"]
    assert [f.kind for f in alias.all_findings()] == [FindingKind.TYPE_MISMATCH]  # a list against a map
    # a plain `ModelID = str` with no port is no gap: it is neither paired nor listed
    assert [t.name for t in report.unmatched_python] == []
    assert [t.path for t in report.unmatched_elixir] == ["Acme.Types.Widget"]  # its `@type format` stays inside


def test_an_elixir_union_module_pairs_member_by_member_through_known_pairs():
    event = py_type("Event", [], kind=TypeKind.UNION_ALIAS)
    event.annotation = "Union[StartEvent, EndEvent]"
    union = ex_type(
        "Event", [], kind=TypeKind.MODULE, prefix="Acme.Types.Telemetry", doc="Mirrors Python acme.types.Event."
    )
    union.annotation = "Started.t() | EndEvent.t()"
    py, ex = sdk_models(
        [event, py_type("StartEvent", []), py_type("EndEvent", [])],
        [union, ex_type("Started", [], doc="Mirrors Python acme.types.StartEvent."), ex_type("EndEvent", [])],
    )
    report = run_parity(py, ex, settings())
    pair = report.pairs[0]
    assert pair.is_union
    assert [(r.python.name, r.elixir.name) for r in pair.rows] == [("StartEvent", "Started"), ("EndEvent", "EndEvent")]
    assert pair.all_findings() == []


def test_python_union_members_read_every_spelling():
    def members(annotation: str) -> list[str]:
        t = TypeDef(path="a.U", name="U", kind=TypeKind.UNION_ALIAS, annotation=annotation)
        return python_union_members(t)

    assert members("Union[A, B]") == ["A", "B"]
    assert members("A | B | None") == ["A", "B"]
    assert members('Annotated[Union[m.A, B[int]], PropertyInfo(discriminator="type")]') == ["A", "B[int]"]
    assert members("Dict[str, A]") == []


# ---- the reason, shown -------------------------------------------------------------------------


def test_the_reason_is_in_parity_json_and_on_the_pair_page():
    py, ex = sdk_models(
        [py_type("Thing", fields("a"))], [ex_type("Thing", fields("a"), doc="Mirrors Python acme.types.Thing.")]
    )
    s = load_settings(
        {"python": "x", "elixir": "y", "type_prefixes": {"acme.types": "Acme.Types"}, "python_api": False},
        environ={},
    )
    report = run_parity(py, ex, s)
    data = json.loads(json.dumps(report.to_json()))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert data["pairs"][0]["paired_by"] == {
        "by": "mirrors",
        "evidence": 'the port\'s `@moduledoc` ("Mirrors Python acme.types.Thing")',
    }
    page = next(p for p in Renderer(s).pages(report) if p.path == "types/Thing.md").content
    assert '<span class="pd-lang">Paired by</span> the port\'s `@moduledoc` ("Mirrors Python acme.types.Thing")' in page


def test_an_alias_pair_page_links_the_type_in_its_module_s_hexdocs_page(tmp_path):
    ex = extract_text(tmp_path, ALIASES)
    loss = py_type("LossInputs", [], kind=TypeKind.TYPE_ALIAS, doc=None)
    loss.annotation = "Dict[str, int]"
    py, _ = sdk_models([loss], [])
    s = load_settings(
        {"python": "x", "elixir": "y", "type_prefixes": {"acme.types": "Acme.Types"}, "hexdocs": "acme"},
        environ={},
    )
    report = run_parity(py, ex, s)
    (pair,) = report.pairs
    assert [(r.python.required, r.elixir.required) for r in pair.rows] == [(False, False)]  # no badge to show
    page = next(p for p in Renderer(s).pages(report) if p.path == "types/LossInputs.md").content
    assert "https://hexdocs.pm/acme/0.0.0-test/Acme.Types.TypeAliases.html#t:loss_inputs/0" in page
    assert "<small>required</small>" not in page and "<small>enforced</small>" not in page


def test_a_dotted_mirrored_name_from_another_package_is_no_evidence():
    py, ex = sdk_models(
        [py_type("Widget", [])],
        [
            ex_type("Gizmo", [], doc="Mirrors Python otherlib.Widget."),
            ex_type("Gadget", [], doc="Mirrors Python Widget."),
        ],
    )
    report = run_parity(py, ex, settings())
    assert names(report) == [("Widget", "Acme.Types.Gadget", "mirrors")]


def _result_union(
    ex_members: str, *, python_has: tuple[str, ...] = ("Trained", "Saved", "Retry"), lines: dict[str, int] | None = None
):
    """Python `Result = Union[Trained, Saved, Retry]`; the port's `Acme.Types.Result` of `ex_members`, with a
    `Done` envelope carrying the result as `result: map()` and the Python members' own structs."""
    result = py_type("Result", [], kind=TypeKind.UNION_ALIAS)
    result.annotation = f"Union[{', '.join(python_has)}]"
    result.member_lines = lines or {}
    union = ex_type("Result", [], kind=TypeKind.MODULE)
    union.annotation = ex_members
    done = ex_type("Done", [FieldDef("status", "String.t()"), FieldDef("result", "map()")])
    py_types = [result, *(py_type(n, []) for n in python_has)]
    ex_types = [union, done, ex_type("Trained", []), ex_type("Saved", []), ex_type("Retry", [])]
    return run_parity(*sdk_models(py_types, ex_types), settings())


def test_a_union_of_another_shape_is_one_finding_naming_both_shapes():
    # FutureRetrieveResponse: Python's union of results, the port's envelope (pending / completed with a map)
    report = _result_union("Retry.t() | Pending.t() | Done.t()", python_has=("Trained", "Saved", "Missing", "Retry"))
    pair = next(p for p in report.pairs if p.python.name == "Result")
    found = sorted((f.kind, f.message) for f in pair.all_findings())
    assert found == [
        (
            FindingKind.MISSING_IN_ELIXIR,  # a member the port has no type for at all stays a missing member
            "Python union member `Missing` has no counterpart in Elixir `Acme.Types.Result`.",
        ),
        (
            FindingKind.REPRESENTATION_DIFFERENCE,
            "Python `Result` is a union of `Trained`, `Saved`, `Missing`, `Retry`; the port's `Acme.Types.Result` "
            "is a union of another shape, of `Retry`, `Pending`, `Done` (its members carry "
            "`Done.result: map()`). The Python members `Trained`, `Saved` are types the port has "
            "(`Acme.Types.Trained`, `Acme.Types.Saved`), not members of its union; both have `Retry`.",
        ),
    ]


def test_a_union_missing_members_without_members_of_its_own_lists_each():
    report = _result_union("Retry.t() | Saved.t()", lines={"Trained": 7})
    pair = next(p for p in report.pairs if p.python.name == "Result")
    assert [(f.kind, f.message) for f in pair.all_findings()] == [
        (
            FindingKind.MISSING_IN_ELIXIR,
            "Python union member `Trained` has no counterpart in Elixir `Acme.Types.Result`.",
        )
    ]
    assert pair.all_findings()[0].python.line == 7  # the member's own line, not the alias's


@pytest.mark.parametrize("legacy_first", [True, False])
def test_of_two_python_types_as_strong_the_exported_one_is_paired(legacy_first):
    exported = py_type("Thing", fields("a", "b"))
    legacy = py_type("Thing", fields("a", "b"))
    legacy.path, legacy.public_path, legacy.file = "acme.types.legacy.Thing", None, "src/acme/types/legacy.py"
    order = [legacy, exported] if legacy_first else [exported, legacy]
    py, ex = sdk_models(order, [ex_type("Thing", fields("a", "b"))])
    report = run_parity(py, ex, settings())
    assert [p.python.path for p in report.pairs] == [exported.path]  # what users import, whatever the order
    assert [t.path for t in report.unmatched_python] == ["acme.types.legacy.Thing"]
