"""The Elixir extractor: modules, structs, defaults, docs, functions, bad input, cache, JSON schema."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import jsonschema
import markdown
import pytest

from conftest import default, py_type
from elixir_helpers import (
    EXLIB,
    EXLIB_BROKEN,
    extract,
    extract_text,
    field,
    function,
    module,
    signatures,
    write_elixir_module,
)
from paritydocs.elixir import ParseCache, find_modules, parse_elixir, reader, syntax
from paritydocs.model import Default, TypeKind

# --------------------------------------------------------------------------------------------
# tree-sitter plumbing


def test_parse_elixir_returns_a_tree() -> None:
    tree = parse_elixir(b"defmodule A do\nend\n")
    assert tree.root_node.type == "source"
    assert not tree.root_node.has_error


def test_queries_are_package_data_and_compile_once(tmp_path: Path) -> None:
    folder = resources.files("paritydocs.elixir").joinpath("queries")
    for name in syntax.QUERY_FILES:
        assert name.endswith(".scm")
        assert folder.joinpath(name).read_text(encoding="utf-8").strip()
    extract_text(tmp_path, "defmodule A do\nend\n")
    query = syntax._TREE_SITTER["query"]
    extract_text(tmp_path, "defmodule B do\nend\n", name="lib/b.ex")
    assert syntax._TREE_SITTER["query"] is query


# --------------------------------------------------------------------------------------------
# Modules


def test_module_names_files_and_lines(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Outer do
          @moduledoc "Outer."

          defmodule Inner do
            @moduledoc "Inner."
            defmodule Deepest do
            end
          end

          defmodule __MODULE__.Sibling do
          end
        end

        defmodule Acme.Other do
        end
        """,
        name="lib/acme/outer.ex",
    )
    assert [t.path for t in model.types] == [
        "Acme.Outer",
        "Acme.Outer.Inner",
        "Acme.Outer.Inner.Deepest",
        "Acme.Outer.Sibling",
        "Acme.Other",
    ]
    inner = module(model, "Acme.Outer.Inner")
    assert (inner.name, inner.file, inner.line, inner.doc) == ("Inner", "lib/acme/outer.ex", 4, "Inner.")
    assert module(model, "Acme.Other").line == 14
    assert model.warnings == []


def test_find_modules_names_each_module_as_the_extractor_does(tmp_path: Path) -> None:
    """The one module finder: `paritydocs.suggest` finds a module under the name the extractor gives it."""
    source = (
        "defmodule Acme.Outer do\n"
        "  defmodule __MODULE__.Sibling do\n"
        "    defmodule Deep do\n"
        "    end\n"
        "  end\n"
        "  defmodule Elixir.Acme.Top do\n"
        "  end\n"
        "end\n"
    )
    model = extract_text(tmp_path, source)
    data = source.encode()
    found = find_modules(parse_elixir(data), data)
    assert list(found) == [t.path for t in model.types]
    assert list(found) == ["Acme.Outer", "Acme.Outer.Sibling", "Acme.Outer.Sibling.Deep", "Acme.Top"]
    assert [found[t.path].start_point[0] + 1 for t in model.types] == [t.line for t in model.types]


def test_files_are_sorted_and_only_ex(tmp_path: Path) -> None:
    write_elixir_module(tmp_path, "defmodule Z do\nend\n", "lib/z.ex")
    write_elixir_module(tmp_path, "defmodule A do\nend\n", "lib/sub/a.ex")
    write_elixir_module(tmp_path, "defmodule Script do\nend\n", "lib/script.exs")
    write_elixir_module(tmp_path, "defmodule Elsewhere do\nend\n", "other/e.ex")
    model = extract(tmp_path)
    assert [(t.path, t.file) for t in model.types] == [("A", "lib/sub/a.ex"), ("Z", "lib/z.ex")]
    assert [t.path for t in extract(tmp_path, dirs=("lib", "other")).types] == ["A", "Z", "Elsewhere"]


@pytest.mark.parametrize(
    ("doc_source", "expected"),
    [
        ('"One line."', "One line."),
        ('"Tab\\tand \\"quotes\\""', 'Tab\tand "quotes"'),
        (
            '"""\n  Heredoc first line.\n\n    indented code\n  Last.\n  """',
            "Heredoc first line.\n\n  indented code\nLast.",
        ),
        ('~S"""\n  Raw \\n stays; #{not_interpolated}\n  """', "Raw \\n stays; #{not_interpolated}"),
        ('~s"""\n  Escapes \\u00e9 work\n  """', "Escapes \u00e9 work"),
        ('~S"Raw one line \\t"', "Raw one line \\t"),
        ("false", None),
    ],
)
def test_moduledoc_forms(tmp_path: Path, doc_source: str, expected: str | None) -> None:
    source = "defmodule Acme.Doc do\n  @moduledoc " + doc_source + "\nend\n"
    model = extract_text(tmp_path, source)
    assert module(model, "Acme.Doc").doc == expected
    assert model.warnings == []


def test_module_without_moduledoc_and_later_moduledoc_false(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.NoDoc do
        end

        defmodule Acme.Hidden do
          @moduledoc "Was documented"
          @moduledoc false
        end
        """,
    )
    assert module(model, "Acme.NoDoc").doc is None
    assert module(model, "Acme.Hidden").doc is None


# --------------------------------------------------------------------------------------------
# Kinds


@pytest.mark.parametrize(
    ("body", "kind", "members"),
    [
        ("@type t :: :low | :medium | :high", TypeKind.ENUM_TYPE, ["low", "medium", "high"]),
        ('@type t() :: "low" | "high"', TypeKind.ENUM_TYPE, ["low", "high"]),
        ('@type t :: :low | :"very high"', TypeKind.ENUM_TYPE, ["low", "very high"]),
        ("@values [:a, :b]\n  @type t :: String.t()", TypeKind.MODULE, []),
        ("@type t :: :only", TypeKind.MODULE, []),
        ('@type t :: :low | "high"', TypeKind.MODULE, []),
        ("@type t :: :low | nil", TypeKind.MODULE, []),
        ("@type t :: :low | integer()", TypeKind.MODULE, []),
        ("@type t(x) :: :a | x", TypeKind.MODULE, []),
        ("defstruct [:a]\n  @type t :: :x | :y", TypeKind.STRUCT, []),
        ("defexception [:message]", TypeKind.STRUCT, []),
        ("def f, do: 1", TypeKind.MODULE, []),
    ],
)
def test_kinds(tmp_path: Path, body: str, kind: TypeKind, members: list[str]) -> None:
    model = extract_text(tmp_path, f"defmodule Acme.K do\n  {body}\nend\n")
    typedef = module(model, "Acme.K")
    assert typedef.kind is kind
    assert typedef.members == members


def test_type_annotation_and_typedoc(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Level do
          @typedoc "How loud."
          @type t :: :quiet | :loud
          @typedoc "Not for t."
          @type other :: atom()
        end
        """,
    )
    level = module(model, "Acme.Level")
    assert level.annotation == ":quiet | :loud"
    assert level.typedoc == "How loud."


# --------------------------------------------------------------------------------------------
# defstruct forms


@pytest.mark.parametrize(
    ("struct_source", "names", "defaults"),
    [
        ("defstruct [:a, :b]", ["a", "b"], [None, None]),
        ("defstruct [a: 1, b: 2]", ["a", "b"], [1, 2]),
        ("defstruct [:a, b: 1]", ["a", "b"], [None, 1]),
        ("defstruct a: 1, b: 2", ["a", "b"], [1, 2]),
        ("defstruct a: 1,\n            b: [x: 2]", ["a", "b"], [1, {"x": 2}]),
        ('defstruct ["quoted key": 1, ok?: true]', ["quoted key", "ok?"], [1, True]),
        ("@fields [:a, b: 3]\n  defstruct @fields", ["a", "b"], [None, 3]),
        ("defstruct []", [], []),
    ],
)
def test_defstruct_forms(tmp_path: Path, struct_source: str, names: list[str], defaults: list) -> None:
    model = extract_text(tmp_path, f"defmodule Acme.S do\n  {struct_source}\nend\n")
    typedef = module(model, "Acme.S")
    assert typedef.kind is TypeKind.STRUCT
    assert [f.name for f in typedef.fields] == names
    assert [f.default.value if f.default else None for f in typedef.fields] == defaults
    assert model.warnings == []


def test_defstruct_field_lines_and_not_literal_warning(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Lines do
          defstruct [
            :first,
            second: 2
          ]
        end

        defmodule Acme.Computed do
          defstruct Enum.map(1..3, &:"f#{&1}")
        end
        """,
    )
    assert [f.line for f in module(model, "Acme.Lines").fields] == [3, 4]
    assert module(model, "Acme.Computed").fields == []
    assert [(w.line, "not a literal list" in w.message) for w in model.warnings] == [(9, True)]


def test_field_annotations_required_and_wire(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Order do
          @enforce_keys [:order_id]
          @derive {Jason.Encoder, only: [:order_id, :lines]}
          defstruct [:order_id, :lines, :note]

          @type t :: %__MODULE__{
                  order_id: String.t(),
                  lines: [map()]
                         | nil,
                  note: String.t() | nil
                }
        end

        defmodule Acme.Named do
          @required [:a]
          @enforce_keys @required
          @derive [Inspect, {Jason.Encoder, except: [:b]}]
          defstruct [:a, :b]
          @type t :: %Acme.Named{a: integer(), b: integer()}
        end

        defmodule Acme.Plain do
          @derive Jason.Encoder
          defstruct [:a]
        end
        """,
    )
    order = module(model, "Acme.Order")
    assert [(f.name, f.annotation, f.required, f.wire) for f in order.fields] == [
        ("order_id", "String.t()", True, True),
        ("lines", "[map()] | nil", False, True),
        ("note", "String.t() | nil", False, False),
    ]
    named = module(model, "Acme.Named")
    assert [(f.name, f.annotation, f.required, f.wire) for f in named.fields] == [
        ("a", "integer()", True, True),
        ("b", "integer()", False, False),
    ]
    assert field(module(model, "Acme.Plain"), "a").wire is None
    # which structs the port encodes: every form of `@derive` that names a JSON encoder
    assert [module(model, m).encoders for m in ("Acme.Order", "Acme.Named", "Acme.Plain")] == [["Jason.Encoder"]] * 3


# --------------------------------------------------------------------------------------------
# Defaults


@pytest.mark.parametrize(
    ("expr", "value", "resolved"),
    [
        ("10_000", 10000, True),
        ("1.0e-12", 1.0e-12, True),
        ("1_000.5", 1000.5, True),
        (":infinity", "infinity", True),
        ('"plain"', "plain", True),
        ('"line\\nbreak"', "line\nbreak", True),
        ("0x1F", 31, True),
        ("0o17", 15, True),
        ("0b101", 5, True),
        ("-1", -1, True),
        ("-0.5", -0.5, True),
        ("true", True, True),
        ("false", False, True),
        ("?a", 97, True),
        ("[1, 2.5, :x]", [1, 2.5, "x"], True),
        ("[mode: :fast, level: 2]", {"mode": "fast", "level": 2}, True),
        ("[1, mode: :fast]", [1, ["mode", "fast"]], True),
        ('%{"a" => 1, b: [true]}', {"a": 1, "b": [True]}, True),
        ("%{}", {}, True),
        ("{1, :two}", [1, "two"], True),
        ("~w(alpha beta)", ["alpha", "beta"], True),
        ("~w(alpha beta)a", ["alpha", "beta"], True),
        ("2 * 1_024", 2048, True),
        ('"a" <> "b"', "ab", True),
        ("%Acme.Other{}", None, False),
        ("%Other{size: 1}", None, False),
        ('"hi #{name}"', None, False),
        ("Acme.Module", None, False),
        ('System.get_env("X")', None, False),
        ("&String.upcase/1", None, False),
        ("@undefined_attribute", None, False),
        ("[a: 1, a: 2]", None, False),
        ('%{"a" => 2, a: 1}', None, False),
        ("1 / 0", None, False),
        ("'charlist'", None, False),
        ("~r/regex/", None, False),
    ],
)
def test_default_evaluation(tmp_path: Path, expr: str, value: object, resolved: bool) -> None:
    model = extract_text(tmp_path, f"defmodule Acme.D do\n  defstruct value: {expr}\nend\n")
    default = field(module(model, "Acme.D"), "value").default
    assert default == Default(expr=expr, value=value, resolved=resolved)
    assert model.warnings == []


def test_nil_default_is_resolved_null(tmp_path: Path) -> None:
    model = extract_text(tmp_path, "defmodule Acme.N do\n  defstruct value: nil, other: 1\nend\n")
    assert field(module(model, "Acme.N"), "value").default == Default("nil", None, True)
    assert field(module(model, "Acme.N"), "value").default.to_json() == {"expr": "nil", "value": None, "resolved": True}


def test_attribute_default_records_the_attribute_literal(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Attr do
          @base 1_000
          @limit @base
          @base 5
          defstruct limit: @limit, base: @base, later: @later
          @later 1
        end
        """,
    )
    attr = module(model, "Acme.Attr")
    assert field(attr, "limit").default == Default(expr="1_000", value=1000, resolved=True)
    assert field(attr, "base").default == Default(expr="5", value=5, resolved=True)
    assert field(attr, "later").default == Default(expr="@later", value=None, resolved=False)


def test_constructor_defaults(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Retry do
          defstruct [:attempts, :backoff_ms, :jitter, :cap_ms, :mode, :label, :fixed]

          @default_attempts :infinity
          @default_backoff_ms 250
          @default_jitter 0.1
          @default_cap_ms 30_000
          @default_mode :linear
          @default_label "r-#{System.pid()}"
          @default_fixed 7

          def new(opts \\\\ []) do
            %__MODULE__{
              attempts: Keyword.get(opts, :attempts, @default_attempts),
              backoff_ms: Keyword.get(opts, :backoff_ms) || @default_backoff_ms,
              jitter: opts[:jitter] || @default_jitter,
              cap_ms: opts |> Keyword.get(:cap_ms, @default_cap_ms),
              mode: pick(opts, :mode, @default_mode),
              label: Keyword.get(opts, :label, @default_label),
              fixed: Keyword.get(opts, :fixed, 8)
            }
          end

          defp pick(opts, key, default), do: Keyword.get(opts, key, default)
        end
        """,
    )
    retry = module(model, "Acme.Retry")
    defaults = {f.name: f.default for f in retry.fields}
    assert defaults == {
        "attempts": Default(":infinity", "infinity", True),
        "backoff_ms": Default("250", 250, True),
        "jitter": Default("0.1", 0.1, True),
        "cap_ms": Default("30_000", 30000, True),
        "mode": Default(":linear", "linear", True),  # a bare @default_mode read by new/1
        "label": Default('"r-#{System.pid()}"', None, False),
        "fixed": Default("8", 8, True),
    }


def test_constructor_default_rules_and_precedence(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Conn do
          defstruct host: "localhost", timeout: nil, retries: nil, port: nil

          @default_host "example.invalid"
          @default_timeout 5_000
          @default_port 80

          def new(opts) do
            %__MODULE__{
              host: Keyword.get(opts, :host, @default_host),
              timeout: Keyword.get(opts, :timeout, 60_000),
              retries: opts[:retries]
            }
          end

          def default_port, do: @default_port
        end
        """,
    )
    conn = module(model, "Acme.Conn")
    # defstruct value wins when not nil
    assert field(conn, "host").default == Default('"localhost"', "localhost", True)
    # nil in defstruct: the constructor's default
    assert field(conn, "timeout").default == Default("60_000", 60000, True)
    # no default anywhere but the explicit nil
    assert field(conn, "retries").default == Default("nil", None, True)
    # @default_port exists but the constructor never reads it: not used
    assert field(conn, "port").default == Default("nil", None, True)


# --------------------------------------------------------------------------------------------
# Defaults a decoder or constructor fills in (builders.py)


def _defaults(tmp_path: Path, source_text: str, path: str = "Acme.D") -> dict[str, tuple[object, str | None]]:
    """Field name to (evaluated default or its text when unresolved, default_source)."""
    typedef = module(extract_text(tmp_path, source_text), path)
    return {
        f.name: ((f.default.value if f.default.resolved else f.default.expr) if f.default else None, f.default_source)
        for f in typedef.fields
    }


def test_decoder_fallbacks_fill_a_nil_default(tmp_path: Path) -> None:
    defaults = _defaults(
        tmp_path,
        """
        defmodule Acme.D do
          defstruct [:public, :ids, :sort, :mode, :size, :tags, :runs, :names, :kind, :plain, :maybe, :derived, :ref]

          def from_map(map) do
            names = map["names"] || []
            %__MODULE__{
              public: get_field(map, :public) || false,
              ids: map["ids"] || map[:ids] || [],
              sort: Map.get(map, "sort", :name),
              mode: map |> Map.get("mode", "fast"),
              size: Access.get(map, "size", 10),
              tags: List.wrap(map["tags"]),
              runs: (map["runs"] || []) |> Enum.map(&to_string/1),
              names: names,
              kind: "listing",
              plain: map["plain"] || map[:plain],
              maybe: map["maybe"] || nil,
              derived: map["derived"] || derive(map),
              ref: map["ref"] || %Acme.Ref{}
            }
          end

          defp get_field(map, key), do: map[Atom.to_string(key)] || map[key]
          defp derive(map), do: map["x"]
        end
        """,
    )
    assert defaults == {
        "public": (False, "from_map/1 ||"),
        "ids": ([], "from_map/1 ||"),  # the last constant of a chain
        "sort": ("name", "from_map/1 Map.get"),
        "mode": ("fast", "from_map/1 Map.get"),  # piped
        "size": (10, "from_map/1 Access.get"),
        "tags": ([], "from_map/1 List.wrap"),
        "runs": ([], "from_map/1 ||"),  # Enum.map keeps the empty list
        "names": ([], "from_map/1 ||"),  # through the variable
        "kind": ("listing", "from_map/1 literal"),
        "plain": (None, None),  # two reads: nil when both are missing
        "maybe": (None, None),
        "derived": (None, None),  # a call on the right of `||` may be nil
        "ref": ("%Acme.Ref{}", "from_map/1 ||"),  # never nil, though not evaluated
    }


def test_struct_call_and_constructor_literals(tmp_path: Path) -> None:
    defaults = _defaults(
        tmp_path,
        """
        defmodule Acme.D do
          defstruct [:attempt, :label, :status, :chunks]

          def new(opts \\\\ []) do
            struct(__MODULE__, attempt: 0, label: Keyword.get(opts, :label, "main"), chunks: [wrap(opts)])
          end

          defp wrap(opts), do: opts

          def from_json(json) do
            %Acme.D{status: json["status"] || :ok}
          end
        end
        """,
    )
    assert defaults == {
        "attempt": (0, "new/1 literal"),
        "label": ("main", "new/1 Keyword.get"),
        "status": ("ok", "from_json/1 ||"),  # the module's own name is its struct
        "chunks": (None, None),  # a value built from the arguments is no default
    }


def test_a_local_helper_is_followed_once(tmp_path: Path) -> None:
    defaults = _defaults(
        tmp_path,
        """
        defmodule Acme.D do
          defstruct [:corrupted, :is_lora, :offset, :total, :tags, :when_atom, :deep, :caught, :remote, :kept]

          def from_map(map) do
            %__MODULE__{
              corrupted: fetch_boolean(map, "corrupted", true),
              is_lora: fetch_boolean(map, "is_lora"),
              offset: fetch_int(map, "offset"),
              total: parse_total(map["total"]),
              tags: parse_tags(map["tags"]),
              when_atom: as_atom(map["when_atom"]),
              deep: outer(map),
              caught: catch_first(map["caught"]),
              remote: Acme.Parse.total(map["remote"]),
              kept: parse_total(5)
            }
          end

          defp fetch(map, key), do: map[key] || map[String.to_atom(key)]

          defp fetch_boolean(map, key, default \\\\ false) do
            case fetch(map, key) do
              nil -> default
              value when is_boolean(value) -> value
              _ -> default
            end
          end

          defp fetch_int(map, key) do
            case map[key] || map[String.to_atom(key)] do
              value when is_integer(value) -> value
              value when is_binary(value) -> String.to_integer(value)
              _ -> 0
            end
          end

          defp parse_total(nil), do: 7
          defp parse_total(value) when is_integer(value), do: value

          defp parse_tags(value) when is_list(value) and length(value) > 0, do: value
          defp parse_tags(nil), do: []

          defp as_atom(value) when is_atom(value), do: value
          defp as_atom(nil), do: :none

          defp outer(map), do: inner(map)
          defp inner(_map), do: 3

          defp catch_first(value), do: value
          defp catch_first(nil), do: 1
        end
        """,
    )
    assert defaults == {
        "corrupted": (True, "from_map/1 fetch_boolean/3"),  # the call's own `default` argument
        "is_lora": (False, "from_map/1 fetch_boolean/3"),  # the parameter's `\\\\ false`
        "offset": (0, "from_map/1 fetch_int/2"),  # the `_ ->` branch a missing key takes
        "total": (7, "from_map/1 parse_total/1"),  # a nil passed down to a clause that fills it
        "tags": ([], "from_map/1 parse_tags/1"),  # a guard nil fails, then the nil clause
        "when_atom": (None, None),  # `is_atom(nil)` holds, so the first clause may take nil: nothing certain
        "deep": (None, None),  # one call is followed, not two
        "caught": (None, None),  # an earlier catch-all clause takes nil first
        "remote": (None, None),  # another module's function is not read
        "kept": (None, None),  # a constant argument: the nil clause never runs
    }


def test_builder_precedence_and_the_defstruct_default(tmp_path: Path) -> None:
    defaults = _defaults(
        tmp_path,
        """
        defmodule Acme.D do
          defstruct [:limit, :mode, :type, :size, :message, :seen, :patched, sort: :name, label: "all", page: 1]

          def new(type, message, opts \\\\ []) do
            %__MODULE__{type: type, message: message, limit: Keyword.get(opts, :limit, 5)}
          end

          def new(opts) do
            %__MODULE__{mode: Keyword.get(opts, :mode, :fast), limit: Keyword.get(opts, :limit, 10)}
          end

          def from_map(map) do
            %__MODULE__{
              limit: map["limit"] || 20,
              mode: map["mode"] || :fast,
              type: map["type"] || :request_failed,
              message: map["message"] || "failed",
              sort: Map.get(map, "sort", :name),
              label: map["label"] || "everything",
              page: map["page"] || 1
            }
          end

          def with_size(opts), do: %__MODULE__{size: Keyword.get(opts, :size, 3)}
          defp build(map), do: %__MODULE__{seen: map["seen"] || true}

          def from_other(%__MODULE__{patched: 1} = d), do: %__MODULE__{d | patched: 2}
        end
        """,
    )
    assert defaults == {
        "limit": (10, "new/1 Keyword.get (from_map/1 || gives 20)"),  # a constructor first, the other named
        "mode": ("fast", "new/1 Keyword.get"),  # both agree
        "type": (None, None),  # new/3 takes it from a required argument: not a default
        "message": (None, None),
        "size": (None, None),  # with_size/1 is no constructor or decoder
        "seen": (None, None),  # nor is a private function
        "patched": (None, None),  # a pattern and an update, not a build
        "sort": ("name", None),  # the same as defstruct: nothing to say
        "label": ("all", 'defstruct (from_map/1 || gives "everything")'),  # defstruct stays, the other named
        "page": (1, None),
    }


def test_fixture_decoder_defaults() -> None:
    listing = module(extract(EXLIB), "Acme.Types.Listing")
    assert [(f.name, f.default.value if f.default else None, f.default_source) for f in listing.fields] == [
        ("page", 1, "from_map/1 fetch_int/2"),
        ("items", [], "from_map/1 ||"),
        ("archived", False, "from_map/1 fetch_flag/3"),
        ("next_token", None, None),
        ("total", 0, "from_map/1 parse_total/1"),
        ("sort", "name", None),
        ("label", "all", 'defstruct (from_map/1 || gives "everything")'),
    ]
    data = field(listing, "archived").to_json()
    assert data["default_source"] == "from_map/1 fetch_flag/3"
    assert "default_source" not in field(listing, "next_token").to_json()


def test_pair_page_shows_where_the_elixir_default_comes_from(tmp_path: Path) -> None:
    from paritydocs.config import load_settings
    from paritydocs.model import FieldDef, Language, SdkModel, SourceInfo
    from paritydocs.parity import run_parity
    from paritydocs.render import Renderer

    ex = extract_text(
        tmp_path,
        """
        defmodule Acme.Types.Run do
          defstruct [:corrupted]
          def from_map(map), do: %__MODULE__{corrupted: map["corrupted"] || false}
        end
        """,
    )
    py = SdkModel(
        SourceInfo("p", "", Language.PYTHON),
        types=[py_type("Run", [FieldDef("corrupted", "bool", default=default(False), line=2)])],
    )
    settings = load_settings(
        {"python": "p", "elixir": "e", "type_prefixes": {"acme.types": "Acme.Types"}, "python_api": False},
        environ={},
    )
    report = run_parity(py, ex, settings)
    kinds = [f.kind.value for f in report.pairs[0].all_findings()]
    assert "default_mismatch" not in kinds  # false in both, once the decoder is read
    page = next(p for p in Renderer(settings).pages(report) if p.path == "types/Run.md").content
    row = next(line for line in page.splitlines() if "**`corrupted`**" in line)
    assert '= `false`<br><small class="pd-default-source">from `from_map/1 ||`</small> |' in row
    cells = markdown.markdown(page, extensions=["tables", "md_in_html"])
    assert '<small class="pd-default-source">from <code>from_map/1 ||</code></small></td>' in cells  # one cell


# --------------------------------------------------------------------------------------------
# Field docs


@pytest.mark.parametrize(
    "bullet",
    [
        "* `:size` - How many.",
        "- size: How many.",
        "* `size` \u2014 How many.",
        "- `:size` - How many.",
        "* `size` (integer) - How many.",
        "  * `:size` - How many.",
        "+ size - How many.",
        "- `size:` How many.",
    ],
)
def test_fields_section_bullet_styles(tmp_path: Path, bullet: str) -> None:
    source = (
        'defmodule Acme.B do\n  @moduledoc """\n  Intro.\n\n  ## Fields\n\n  '
        + bullet
        + '\n  """\n  defstruct [:size]\nend\n'
    )
    size = field(module(extract_text(tmp_path, source), "Acme.B"), "size")
    assert (size.doc, size.doc_source) == ("How many.", "moduledoc_fields")


@pytest.mark.parametrize("heading", ["## Fields", "### Fields", "Fields:", "## Struct fields", "#### Fields:"])
def test_fields_section_headings(tmp_path: Path, heading: str) -> None:
    source = f'defmodule Acme.H do\n  @moduledoc """\n  {heading}\n\n  - `size` - How many.\n  """\n  defstruct [:size]\nend\n'
    assert field(module(extract_text(tmp_path, source), "Acme.H"), "size").doc == "How many."


def test_fields_section_continuations_and_section_end(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        '''
        defmodule Acme.Sec do
          @moduledoc """
          - `a` - Not in a Fields section.

          ## Fields

          * `:a` - First line
            continues here
            and here.
          * `:b` - B.
            * `:c` - nested bullet, part of b
          * `:ghost` - not a field of the struct

          After the list.

          * `:d` - after the paragraph: not a field doc

          ## Other

          * `:e` - other section
          """
          defstruct [:a, :b, :c, :d, :e]
        end
        ''',
    )
    sec = module(model, "Acme.Sec")
    assert field(sec, "a").doc == "First line continues here and here."
    assert field(sec, "b").doc == "B. * `:c` - nested bullet, part of b"
    assert [field(sec, n).doc for n in ("c", "d", "e")] == [None, None, None]


def test_typedoc_fields_and_comments(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        '''
        defmodule Acme.Docs do
          @moduledoc """
          ## Fields

          - `from_moduledoc` - From the moduledoc.
          """

          defstruct [
            # Comment loses to the moduledoc.
            :from_moduledoc,
            :from_typedoc,
            # Above the struct field,
            # on two lines.
            :from_struct_comment,
            :trailing, # not above anything
            :from_type_comment,
            # separated from the field by a blank line: not directly above

            :none
          ]

          @typedoc """
          ### Fields

          * `from_typedoc` - From the typedoc.
          """
          @type t :: %__MODULE__{
                  from_moduledoc: term(),
                  from_typedoc: term(),
                  from_struct_comment: term(),
                  trailing: term(),
                  # In the type.
                  from_type_comment: term(),
                  none: term()
                }
        end
        ''',
    )
    docs = {f.name: (f.doc, f.doc_source) for f in module(model, "Acme.Docs").fields}
    assert docs == {
        "from_moduledoc": ("From the moduledoc.", "moduledoc_fields"),
        "from_typedoc": ("From the typedoc.", "typedoc_fields"),
        "from_struct_comment": ("Above the struct field,\non two lines.", "comment"),
        "trailing": (None, None),
        "from_type_comment": ("In the type.", "comment"),
        "none": (None, None),
    }


# --------------------------------------------------------------------------------------------
# Functions


def test_functions_docs_specs_and_arities(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        '''
        defmodule Acme.Api do
          @doc """
          Get a thing.
          """
          @spec get(String.t(), keyword()) :: {:ok, term()}
          def get(id, opts \\\\ []) do
            {:ok, {id, opts}}
          end

          @doc "Sum."
          @spec sum(number(), number()) :: number() when number: integer()
          def sum(a, b) when is_integer(a), do: a + b
          def sum(a, b), do: a + b

          @doc "Version."
          def version, do: "1"

          @doc false
          def hidden(x), do: x

          def _underscored(x), do: x

          defp private(x), do: x

          defmacro macro(x), do: x

          defdelegate delegated(x), to: Acme.Impl

          @impl true
          def init(arg), do: {:ok, arg}

          @impl true
          @doc "Documented callback."
          def handle_info(msg, state), do: {:noreply, {msg, state}}

          def undocumented(%{} = map, [_ | _], _unused), do: map
        end
        ''',
    )
    api = module(model, "Acme.Api")
    assert signatures(api) == [
        "get/1",
        "get/2",
        "sum/2",
        "version/0",
        "delegated/1",
        "handle_info/2",
        "undocumented/3",
    ]
    get2 = function(api, "get", 2)
    assert (get2.doc, get2.spec, get2.line, get2.file) == (
        "Get a thing.",
        "get(String.t(), keyword()) :: {:ok, term()}",
        6,
        "lib/x.ex",
    )
    assert [(p.name, p.kind, p.required, p.default) for p in get2.params] == [
        ("id", "positional_or_keyword", True, None),
        ("opts", "positional_or_keyword", False, Default("[]", [], True)),
    ]
    get1 = function(api, "get", 1)
    assert (get1.doc, get1.spec, [p.name for p in get1.params]) == ("Get a thing.", None, ["id"])
    total = function(api, "sum", 2)
    assert total.spec == "sum(number(), number()) :: number() when number: integer()"
    assert total.line == 12
    assert function(api, "version", 0).params == []
    assert function(api, "handle_info", 2).doc == "Documented callback."
    assert [p.name for p in function(api, "undocumented", 3).params] == ["map", "arg2", "unused"]


def test_default_arguments_in_a_bodiless_head(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Head do
          @doc "Page through."
          @spec page(integer(), integer()) :: list()
          @spec page(integer()) :: list()
          def page(number \\\\ 1, size \\\\ 20)
          def page(n, s) when n > 0, do: [n, s]
          def page(_, _), do: []
        end
        """,
    )
    head = module(model, "Acme.Head")
    assert signatures(head) == ["page/0", "page/1", "page/2"]
    assert function(head, "page", 1).spec == "page(integer()) :: list()"
    assert [(p.name, p.default.value) for p in function(head, "page", 2).params] == [("number", 1), ("size", 20)]
    assert [p.name for p in function(head, "page", 1).params] == ["number"]


def test_multiple_specs_for_one_arity_are_joined(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Specs do
          @spec f(integer()) :: integer()
          @spec f(float()) :: float()
          def f(x), do: x
        end
        """,
    )
    assert function(module(model, "Acme.Specs"), "f", 1).spec == "f(integer()) :: integer()\nf(float()) :: float()"


def test_option_params(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Opts do
          @default_timeout 5_000

          def call(url, opts \\\\ []) do
            timeout = Keyword.get(opts, :timeout, @default_timeout)
            retries = opts[:retries] || 3
            token = Keyword.fetch!(opts, :token)
            {:ok, region} = Keyword.fetch(opts, :region)
            mode = opts |> Keyword.get(:mode, :fast)
            plain = Keyword.get(opts, :plain)
            other = Keyword.get(url, :not_an_option, 1)
            {timeout, retries, token, region, mode, plain, other}
          end

          def configure(client_options) do
            Keyword.get(client_options, :pool_size, 10)
          end

          def two_clauses(a, opts) when is_atom(a), do: Keyword.get(opts, :first)
          def two_clauses(a, opts), do: {a, Keyword.fetch!(opts, :second)}
        end
        """,
    )
    opts = module(model, "Acme.Opts")
    call = function(opts, "call", 2)
    options = [(p.name, p.required, p.default) for p in call.params if p.kind == "option"]
    assert options == [
        ("timeout", False, Default("5_000", 5000, True)),
        ("retries", False, Default("3", 3, True)),
        ("token", True, None),
        ("region", False, None),
        ("mode", False, Default(":fast", "fast", True)),
        ("plain", False, None),
    ]
    assert [p.name for p in function(opts, "call", 1).params] == ["url"]  # opts not a parameter of call/1
    assert [(p.name, p.default.value) for p in function(opts, "configure", 1).params if p.kind == "option"] == [
        ("pool_size", 10)
    ]
    assert [(p.name, p.required) for p in function(opts, "two_clauses", 2).params if p.kind == "option"] == [
        ("first", False),
        ("second", True),
    ]


# --------------------------------------------------------------------------------------------
# The fixture library, end to end


def test_fixture_library() -> None:
    model = extract(EXLIB)
    assert model.warnings == []
    assert [(t.path, t.kind.value) for t in model.types] == [
        ("Acme.Client", "module"),
        ("Acme.Internal", "module"),
        ("Acme.PoolSettings", "struct"),
        ("Acme.Types.Color", "enum_type"),
        ("Acme.Types.Gadget", "struct"),
        ("Acme.Types.Listing", "struct"),
        ("Acme.Types.Region", "module"),
        ("Acme.Types.ShapeKind", "enum_type"),
        ("Acme.Types.Widget", "struct"),
        ("Acme.Types.Widget.Dimensions", "struct"),
    ]
    widget = module(model, "Acme.Types.Widget")
    assert widget.doc is not None and widget.doc.startswith("A widget placed on a dashboard.")
    assert [(f.name, f.required, f.wire, f.doc_source) for f in widget.fields] == [
        ("widget_id", True, True, "moduledoc_fields"),
        ("title", True, True, "moduledoc_fields"),
        ("cache_key", False, False, "comment"),
        ("refresh_ms", False, True, "moduledoc_fields"),
        ("tags", False, True, "comment"),
    ]
    assert field(widget, "title").doc == "Title shown above the widget; long titles are cut at forty characters."

    pool = module(model, "Acme.PoolSettings")
    assert [(f.name, f.required, f.default.value if f.default else None) for f in pool.fields] == [
        ("size", True, 10),
        ("overflow", False, 16),
        ("idle_timeout", False, "infinity"),
        ("strategy", False, "lifo"),
        ("label", False, None),
    ]
    assert field(pool, "label").default == Default('"pool-#{:rand.uniform(9)}"', None, False)
    assert field(pool, "overflow").doc == "Extra connections allowed under load."

    gadget = module(model, "Acme.Types.Gadget")
    assert field(gadget, "owner").default == Default('%Acme.Types.Widget{widget_id: "w", title: "t"}', None, False)
    assert field(gadget, "epsilon").default == Default("1.0e-12", 1.0e-12, True)
    assert field(gadget, "secret").wire is False
    assert field(gadget, "weight").doc_source == "typedoc_fields"

    assert module(model, "Acme.Types.Color").members == ["red", "green", "blue"]
    assert module(model, "Acme.Types.ShapeKind").members == ["circle", "square", "hexagon"]
    assert module(model, "Acme.Internal").doc is None
    assert signatures(module(model, "Acme.Internal")) == ["on_close/1", "visible/1"]
    client = module(model, "Acme.Client")
    assert signatures(client) == [
        "fetch/1",
        "fetch/2",
        "list/0",
        "list/1",
        "list/2",
        "list/3",
        "delete/1",
        "delete/2",
        "ping/1",
        "health/0",
    ]


# --------------------------------------------------------------------------------------------
# Bad input


def test_broken_fixture_library() -> None:
    model = extract(EXLIB_BROKEN)
    by_file = {(w.file, w.line): w.message for w in model.warnings}
    assert by_file == {
        ("lib/empty.ex", 1): "empty file",
        ("lib/invalid_utf8.ex", 2): "bytes that are not UTF-8 (replaced with U+FFFD)",
        ("lib/missing_end.ex", 9): "missing `end`; parsed as if 1 `end` were appended at the end of the file",
        ("lib/unterminated_heredoc.ex", 2): "unterminated string or heredoc; extracted what could be parsed",
    }
    assert [t.path for t in model.types] == ["Broken.Fine", "Broken.Latin1", "Broken.MissingEnd", "Broken.Heredoc"]
    missing_end = module(model, "Broken.MissingEnd")
    assert [f.name for f in missing_end.fields] == ["left", "right"]
    assert signatures(missing_end) == ["kept/1"]
    latin1 = module(model, "Broken.Latin1")
    assert latin1.doc == "Caf\ufffd in Latin-1, not UTF-8."
    assert field(latin1, "name").default == Default('"na\ufffdve"', "na\ufffdve", True)


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        # `x + end` reads `end` as an identifier: the module's own `end` goes missing
        (
            "defmodule A do\n  def f(x) do\n    x +\n  end\nend\n",
            5,
            "missing `end`; parsed as if 1 `end` were appended at the end of the file",
        ),
        (
            "defmodule A do\n  def f(x), do: [x\nend\n",
            1,
            "syntax error; `[` on line 2 is never closed; extracted what could be parsed",
        ),
        (
            'defmodule A do\n  @doc ~S"""\n  never closed\nend\n',
            2,
            "unterminated string or heredoc; extracted what could be parsed",
        ),
        ("defmodule A do\n  ) ) )\nend\n", 2, "syntax error; extracted what could be parsed"),
    ],
)
def test_syntax_errors_warn_with_the_first_error_line(tmp_path: Path, source: str, line: int, message: str) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib/x.ex").write_text(source)
    model = extract(tmp_path)
    assert [(w.file, w.line, w.message) for w in model.warnings] == [("lib/x.ex", line, message)]


def test_whitespace_only_file(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib/blank.ex").write_text("\n   \n")
    assert [(w.file, w.line, w.message) for w in extract(tmp_path).warnings] == [
        ("lib/blank.ex", 1, "file has only whitespace")
    ]


def test_missing_source_directory(tmp_path: Path) -> None:
    model = extract(tmp_path, dirs=("lib",))
    assert model.types == []
    assert [(w.file, w.line, w.message) for w in model.warnings] == [("lib", None, "source directory not found")]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_and_broken_links(tmp_path: Path) -> None:
    write_elixir_module(tmp_path, "defmodule Acme.A do\nend\n", "lib/a/a.ex")
    write_elixir_module(tmp_path, "defmodule Acme.B do\nend\n", "lib/b/b.ex")
    (tmp_path / "lib/a/loop").symlink_to("..", target_is_directory=True)
    (tmp_path / "lib/b/self").symlink_to(".", target_is_directory=True)
    (tmp_path / "lib/b/link_to_a").symlink_to("../a", target_is_directory=True)
    (tmp_path / "lib/dangling.ex").symlink_to("nowhere.ex")
    model = extract(tmp_path)
    assert [(t.path, t.file) for t in model.types] == [("Acme.A", "lib/a/a.ex"), ("Acme.B", "lib/b/b.ex")]
    assert sorted((w.file, w.message) for w in model.warnings) == [
        ("lib/a/loop", "symlink loop; skipped"),
        ("lib/b/link_to_a", "directory reached twice through a symlink; skipped"),
        ("lib/b/self", "symlink loop; skipped"),
        ("lib/dangling.ex", "broken symlink; skipped"),
    ]


def test_overlapping_dirs_do_not_duplicate(tmp_path: Path) -> None:
    write_elixir_module(tmp_path, "defmodule Acme.A do\nend\n", "lib/sub/a.ex")
    model = extract(tmp_path, dirs=("lib", "lib/sub"))
    assert [t.path for t in model.types] == ["Acme.A"]
    assert model.warnings == []


def test_an_internal_failure_becomes_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_elixir_module(tmp_path, "defmodule Acme.A do\nend\n", "lib/a.ex")
    write_elixir_module(tmp_path, "defmodule Acme.B do\nend\n", "lib/b.ex")

    def boom(state: object, module: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(reader, "statements", boom)
    model = extract(tmp_path)
    assert model.types == []
    assert [(w.file, w.message) for w in model.warnings] == [
        ("lib/a.ex", "extraction failed: ValueError: boom"),
        ("lib/b.ex", "extraction failed: ValueError: boom"),
    ]


# --------------------------------------------------------------------------------------------
# Cache


def test_cache_reparses_only_changed_files(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        write_elixir_module(tmp_path, f"defmodule Acme.{name.upper()} do\n  defstruct [:x]\nend\n", f"lib/{name}.ex")
    cache = ParseCache()
    first = extract(tmp_path, cache=cache)
    assert cache.parses == 3
    again = extract(tmp_path, cache=cache)
    assert cache.parses == 3
    assert again.to_json() == first.to_json()

    write_elixir_module(tmp_path, "defmodule Acme.B do\n  defstruct [:x, :y]\nend\n", "lib/b.ex")
    changed = extract(tmp_path, cache=cache)
    assert cache.parses == 4
    assert [f.name for f in module(changed, "Acme.B").fields] == ["x", "y"]
    assert len(cache) == 3


def test_cache_returns_copies(tmp_path: Path) -> None:
    write_elixir_module(tmp_path, "defmodule Acme.A do\n  defstruct [:x]\nend\n")
    cache = ParseCache()
    extract(tmp_path, cache=cache).types[0].fields.clear()
    assert [f.name for f in extract(tmp_path, cache=cache).types[0].fields] == ["x"]
    assert cache.parses == 1


def test_cache_keeps_warnings_and_keys_on_path(tmp_path: Path) -> None:
    write_elixir_module(tmp_path, "defmodule Acme.A do\n  def f(x) do\nend\n", "lib/a.ex")
    write_elixir_module(tmp_path, "defmodule Acme.A do\n  def f(x) do\nend\n", "lib/b.ex")
    cache = ParseCache()
    first = extract(tmp_path, cache=cache)
    assert cache.parses == 2  # same content, different paths
    second = extract(tmp_path, cache=cache)
    assert cache.parses == 2
    assert second.warnings == first.warnings
    assert [w.file for w in second.warnings] == ["lib/a.ex", "lib/b.ex"]


# --------------------------------------------------------------------------------------------
# JSON


def _schema() -> dict:
    text = resources.files("paritydocs").joinpath("schemas/elixir-extract.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


@pytest.mark.parametrize("root", [EXLIB, EXLIB_BROKEN], ids=["exlib", "exlib_broken"])
def test_json_validates_against_schema(root: Path) -> None:
    data = json.loads(json.dumps(extract(root).to_json()))
    jsonschema.Draft202012Validator(_schema()).validate(data)
    assert data["source"]["language"] == "elixir"
    assert all("functions" in m for m in data["modules"])


def test_json_shape(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.J do
          @moduledoc "J."
          defstruct limit: 10, ref: %Acme.Other{}
          @doc "Make one."
          @spec new(keyword()) :: t()
          def new(opts \\\\ []), do: Keyword.get(opts, :limit, 10)
        end
        """,
    )
    data = model.to_json()
    jsonschema.Draft202012Validator(_schema()).validate(data)
    (mod,) = data["modules"]
    assert mod["fields"][0]["default"] == {"expr": "10", "value": 10, "resolved": True}
    assert mod["fields"][1]["default"] == {"expr": "%Acme.Other{}", "value": None, "resolved": False}
    assert [(f["name"], f["arity"], f["spec"]) for f in mod["functions"]] == [
        ("new", 0, None),
        ("new", 1, "new(keyword()) :: t()"),
    ]
    assert "params" not in mod["functions"][0]
    assert [p["kind"] for p in mod["functions"][1]["params"]] == ["positional_or_keyword", "option"]


def test_schema_rejects_a_wrong_document() -> None:
    data = extract(EXLIB).to_json()
    data["modules"][0]["kind"] = "pydantic_model"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(_schema()).validate(data)


def test_reference_page_example_matches_the_extractor(tmp_path: Path) -> None:
    page = (Path(__file__).parent.parent / "docs/reference/elixir-extract-json.md").read_text(encoding="utf-8")
    elixir_example = page.split("```elixir\n", 1)[1].split("```", 1)[0]
    json_example = json.loads(page.split("```json\n", 1)[1].split("```", 1)[0])
    jsonschema.Draft202012Validator(_schema()).validate(json_example)

    data = extract_text(tmp_path, elixir_example, name="lib/timer.ex").to_json()
    data["modules"][0]["functions"] = [f for f in data["modules"][0]["functions"] if f["arity"] == 2]
    assert data["modules"] == json_example["modules"]
    assert data["warnings"] == json_example["warnings"] == []


def test_keyword_do_module_body(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Short, do: defstruct([:a])
        defmodule Acme.Block, do: (
          @moduledoc "Block."
          defstruct b: 2
        )
        """,
    )
    assert [f.name for f in module(model, "Acme.Short").fields] == ["a"]
    block = module(model, "Acme.Block")
    assert (block.doc, field(block, "b").default.value) == ("Block.", 2)
    assert model.warnings == []


def test_option_reads_hidden_functions_and_references_cover_private_clauses(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Client do
          alias Acme.{Transport, Retry}

          def run(client, opts \\\\ []), do: do_run(client, opts)

          @doc false
          def init(state), do: {:ok, state}

          defp do_run(client, opts) do
            timeout = Keyword.get(opts, :timeout_ms, 5_000)
            Transport.send(client, opts[:path], timeout)
          end

          def handle_call({:go, call_opts}, _from, state) do
            {:reply, Keyword.fetch!(call_opts, :id), state}
          end
        end
        """,
    )
    client = module(model, "Acme.Client")
    reads = [(r.key, r.var, f"{r.function}/{r.arity}", r.keyword, r.how) for r in client.option_reads]
    assert reads == [
        ("timeout_ms", "opts", "do_run/2", "defp", "get"),
        ("path", "opts", "do_run/2", "defp", "access"),
        ("id", "call_opts", "handle_call/3", "def", "fetch!"),
    ]
    assert client.option_reads[0].default == Default("5_000", 5000, True)
    assert [f.name for f in client.functions] == ["run", "run", "handle_call"]  # run/1 and run/2
    assert [(f.name, f.arity, [p.name for p in f.params]) for f in client.hidden_functions] == [("init", 1, ["state"])]
    assert client.references == ["Acme.Client", "Acme.Retry", "Acme.Transport"]
    data = client.to_json(with_functions=True)
    assert data["option_reads"][0]["function"] == "do_run/2"
    assert data["hidden_functions"][0]["name"] == "init"
    jsonschema.Draft202012Validator(_schema()).validate(model.to_json())


def test_a_struct_modules_own_types_are_kept_for_its_field_specs(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        """
        defmodule Acme.Types.Picture do
          @moduledoc "A picture."

          @type format :: :png | :jpeg
          @typep size :: {pos_integer(), pos_integer()}
          @type t :: %__MODULE__{data: binary(), format: format()}
          @type encoded(kind) :: {kind, binary()}

          defstruct [:data, :format]
        end
        """,
    )
    picture = module(model, "Acme.Types.Picture")
    # zero-arity types other than `t`, public or private; a parameterised type cannot be expanded by name alone
    assert picture.local_types == {"format": ":png | :jpeg", "size": "{pos_integer(), pos_integer()}"}
    assert picture.to_json(with_functions=True)["local_types"] == picture.local_types  # the Elixir extract JSON
    assert module(extract_text(tmp_path / "b", "defmodule B do\n  defstruct [:x]\nend\n"), "B").local_types == {}


def test_members_of_a_type_t_union_know_their_lines(tmp_path: Path) -> None:
    model = extract_text(
        tmp_path,
        "defmodule Acme.Level do\n"
        "  @type t ::\n"
        "          :low\n"
        '          | :"very high"\n'
        "end\n"
        "defmodule Acme.Result do\n"
        "  @type t ::\n"
        "          Acme.Done.t()\n"
        "          | Pending.t()\n"
        "end\n",
    )
    assert module(model, "Acme.Level").member_lines == {"low": 3, "very high": 4}
    assert module(model, "Acme.Result").member_lines == {"Done": 8, "Pending": 9}


STRUCT_USAGE = """
defmodule Acme.Training do
  alias Acme.Types.{CreateRequest, Config}
  alias Acme.Types.Telemetry.EndEvent, as: Ended
  alias Acme.Types.TryAgain

  defmodule State do
    defstruct [:count]
  end

  def create(opts, session) do
    request = %CreateRequest{session_id: session, config: Keyword.get(opts, :config, %Config{}), meta: nil}
    updated = %CreateRequest{request | base: "b"}
    Ended.new(event_id: 1, duration: "2s")
    Ended.new([event_id: 1])
    Ended.new(opts)
    struct(CreateRequest, opts)
    %State{count: 0}
    %Acme.Types.Full{a: 1}
    {request, updated}
  end

  def handle(%CreateRequest{} = request, %State{count: n}) do
    %CreateRequest{session_id: id} = request
    {id, n}
  end

  def from_json(%{"type" => "try_again"} = json), do: TryAgain.from_map(json)

  def poll(response) do
    case response do
      %{type: "again", request_id: _} = body -> TryAgain.from_map(body)
      other -> Acme.Types.Done.from_map(other)
    end
  end
end
"""


def test_the_structs_a_module_builds_and_decodes_are_read_with_their_keys(tmp_path):
    training = module(extract_text(tmp_path, STRUCT_USAGE), "Acme.Training")
    builds = [(b.module, b.how, b.keys, b.open, b.function) for b in training.builds]
    assert builds == [
        # `meta: nil` sets nothing; the nested `%Config{}` is a build of its own
        ("Acme.Types.CreateRequest", "struct", ["session_id", "config"], False, "create/2"),
        ("Acme.Types.Config", "struct", [], False, "create/2"),
        # the update `%CreateRequest{request | base: "b"}` builds nothing
        ("Acme.Types.Telemetry.EndEvent", "new", ["event_id", "duration"], False, "create/2"),
        ("Acme.Types.Telemetry.EndEvent", "new", ["event_id"], False, "create/2"),
        ("Acme.Types.Telemetry.EndEvent", "new", [], True, "create/2"),  # `new(opts)`: keys unknown
        ("Acme.Types.CreateRequest", "kernel", [], True, "create/2"),
        ("Acme.Training.State", "struct", ["count"], False, "create/2"),  # the nested module
        ("Acme.Types.Full", "struct", ["a"], False, "create/2"),
        # patterns in `handle/2` (its head, the left of `=`) build nothing
    ]
    decodes = [(d.module, d.function, d.caller, d.matched_keys) for d in training.decodes]
    assert decodes == [
        ("Acme.Types.TryAgain", "from_map", "from_json/1", ["type"]),
        ("Acme.Types.TryAgain", "from_map", "poll/1", ["type", "request_id"]),
        ("Acme.Types.Done", "from_map", "poll/1", []),
    ]
    data = training.to_json(with_functions=True)
    assert data["builds"][0] == {
        "module": "Acme.Types.CreateRequest",
        "line": 11,
        "function": "create/2",
        "how": "struct",
        "keys": ["session_id", "config"],
        "open": False,
    }
