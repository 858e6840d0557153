"""The Elixir extractor never raises: arbitrary bytes, Elixir-shaped token soup, very deep nesting, big files."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elixir_helpers import extract, field, module
from paritydocs.model import SdkModel, TypeKind

FUZZ_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    "defmodule ", "Acme.Fuzz", " do", "\n", "end", "  ", "@moduledoc ", "@doc ", "@type t :: ", "@spec ",
    "@enforce_keys ", "@derive ", "{Jason.Encoder, only: [:a]}", "defstruct ", "[", "]", "{", "}", "%{", "%__MODULE__{",
    "(", ")", ",", ":a", ":b", "a: ", "b: ", "1", "10_000", "1.0e-12", "0x1F", '"s"', '"""', "~S\"\"\"", "#{x}",
    "def ", "defp ", "new", "(opts \\\\ [])", "Keyword.get(opts, :a, 1)", "opts[:b] || 2", "|", "||", " :: ",
    "# comment\n", "@default_a ", "\\", "'", "?a", "fn -> ", "when ", "=", "__MODULE__", "\x00", "\xff", "é",
]  # fmt: skip


def _extract_bytes(data: bytes) -> SdkModel:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "lib").mkdir()
        (root / "lib/fuzz.ex").write_bytes(data)
        model = extract(root)
    model.to_json()  # serialisable too
    return model


@FUZZ_SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    model = _extract_bytes(data)
    assert all(w.file == "lib/fuzz.ex" for w in model.warnings)


@FUZZ_SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=120).map("".join))
def test_elixir_shaped_soup_never_raises(text: str) -> None:
    model = _extract_bytes(text.encode("utf-8", errors="surrogatepass"))
    for warning in model.warnings:
        assert warning.file == "lib/fuzz.ex"
        assert "extraction failed" not in warning.message, warning


@FUZZ_SETTINGS
@given(
    st.lists(
        st.one_of(
            st.integers(-(10**20), 10**20).map(str),
            st.floats(allow_nan=False, allow_infinity=False).map(repr).filter(lambda s: "e" not in s or "." in s),
            st.sampled_from([":x", ":infinity", "true", "nil", '"str"', "[]", "%{}", "%Other{}", "[k: 1]"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_literal_lists_evaluate_or_stay_unresolved(items: list[str]) -> None:
    source = "defmodule Acme.L do\n  defstruct value: [" + ", ".join(items) + "]\nend\n"
    model = _extract_bytes(source.encode())
    default = field(module(model, "Acme.L"), "value").default
    assert default is not None
    assert default.resolved == ("%Other{}" not in items)
    if default.resolved:
        assert len(default.value) == len(items)


def test_deep_nesting_does_not_hit_the_recursion_limit(tmp_path: Path) -> None:
    depth = 10_000
    deep_list = "[" * depth + "1" + "]" * depth
    deep_map = "%{a: " * depth + "1" + "}" * depth
    deep_tuple = "{" * depth + "1" + "}" * depth
    deep_union = " | ".join(f":v{i}" for i in range(depth))
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib/deep.ex").write_text(
        "defmodule Acme.Deep do\n"
        f"  @nested {deep_list}\n"
        f"  defstruct list: {deep_list}, map: {deep_map}, tuple: {deep_tuple}, attr: @nested, ok: 1\n"
        f"  def new(opts), do: Keyword.get(opts, :list, {deep_map})\n"
        "end\n"
        "defmodule Acme.DeepEnum do\n"
        f"  @type t :: {deep_union}\n"
        "end\n" + "defmodule Acme.N do\n" * 300 + "end\n" * 300
    )
    model = extract(tmp_path)
    deep = module(model, "Acme.Deep")
    assert [f.name for f in deep.fields] == ["list", "map", "tuple", "attr", "ok"]
    assert all(f.default is not None and not f.default.resolved for f in deep.fields[:4])
    assert field(deep, "ok").default.value == 1
    enum = module(model, "Acme.DeepEnum")
    assert enum.kind is TypeKind.ENUM_TYPE
    assert len(enum.members) == depth
    messages = {(w.line, w.message) for w in model.warnings}
    assert (3, "literal nested more than 200 deep; not evaluated") in messages
    assert any("defmodule nested more than 100 deep" in m for _, m in messages)
    assert sum(t.path.startswith("Acme.N") for t in model.types) == 100


def test_five_megabyte_generated_file_is_fast(tmp_path: Path) -> None:
    parts = ['defmodule Acme.Generated.Table do\n  @moduledoc """\n  Generated.\n  """\n  @rows [']
    parts.append(", ".join(f'{{"key_{i:07d}", {i}, :tag_{i % 50}}}' for i in range(120_000)))
    parts.append("]\n  def rows, do: @rows\nend\n")
    module_source = (
        "defmodule Acme.Generated.M{i} do\n"
        '  @moduledoc """\n  Module {i}.\n\n  ## Fields\n\n  * `:a` - the a\n  """\n'
        '  defstruct [:a, b: {i}, c: "c{i}"]\n'
        "  @type t :: %__MODULE__{{a: integer(), b: integer(), c: String.t()}}\n"
        '  @doc "f"\n  @spec f(integer(), keyword()) :: integer()\n'
        "  def f(x, opts \\\\ []), do: x + Keyword.get(opts, :k, {i})\n"
        "end\n"
    )
    count = 0
    size = sum(len(p) for p in parts)
    while size < 5_000_000:
        chunk = module_source.format(i=count)
        parts.append(chunk)
        size += len(chunk)
        count += 1
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib/generated.ex").write_text("".join(parts))
    assert (tmp_path / "lib/generated.ex").stat().st_size >= 5_000_000

    start = time.process_time()
    model = extract(tmp_path)
    elapsed = time.process_time() - start

    assert model.warnings == []
    assert len(model.types) == count + 1
    last = module(model, f"Acme.Generated.M{count - 1}")
    assert field(last, "a").doc == "the a"
    assert field(last, "b").default.value == count - 1
    assert elapsed < 30, f"{elapsed:.1f}s of CPU for a 5 MB file"
