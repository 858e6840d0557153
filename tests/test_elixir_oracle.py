"""A second opinion from Elixir itself: `Code.string_to_quoted/2` (no compilation, no Hex) reads the same files
as the tree-sitter extraction, and the two readings must agree on modules, struct fields, literal defaults,
`@enforce_keys` and `@moduledoc` text (`tests/elixir_oracle.py`, `tests/oracle/read.exs`). Every file the
`suggest` patch touches must still parse with Elixir once the patch is applied.

The tree-sitter reading stays the only one at run time (users need no Elixir); `.ci/run` installs Debian's
Elixir when missing, and these tests are skipped without it.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elixir_oracle import ELIXIR, differences, elixir_reading, tree_sitter_reading
from site_helpers import DEMO, copy_demo

pytestmark = pytest.mark.skipif(ELIXIR is None, reason="Debian's elixir is not installed (.ci/run installs it)")

ROOT = Path(__file__).parents[1]
FIXTURES = sorted((ROOT / "examples" / "demo" / "elixir").rglob("*.ex")) + sorted(
    (ROOT / "tests" / "fixtures").rglob("*.ex")
)


def test_every_fixture_file_reads_the_same_with_elixir():
    theirs, errors = elixir_reading(FIXTURES)
    # the broken fixtures are broken for Elixir too; every other file is read alike, fact for fact
    assert {Path(p).name for p in errors} == {"invalid_utf8.ex", "missing_end.ex", "unterminated_heredoc.ex"}
    compared = [f for f in FIXTURES if str(f) not in errors]
    assert len(compared) >= 20
    for file in compared:
        assert differences(tree_sitter_reading(file), theirs[str(file)]) == [], file


_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True).filter(
    lambda n: (
        n
        not in {
            "do",
            "end",
            "fn",
            "nil",
            "true",
            "false",
            "when",
            "and",
            "or",
            "not",
            "in",
            "after",
            "else",
            "catch",
            "rescue",
        }
    )
)
_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,:;!?'`-_()[]{}<>|*#\\\"\n\t", max_size=60)


def _string_literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("#{", "\\#{").replace("\n", "\\n") + '"'


_LITERALS = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.integers(0, 10**9).map(lambda n: f"{n:_}"),
    st.floats(allow_nan=False, allow_infinity=False, width=64)
    .map(lambda f: repr(f) if "." in repr(f) or "e" in repr(f) else f"{f}.0")
    .filter(lambda s: "inf" not in s and "e" not in s),
    _TEXT.map(_string_literal),
    _NAMES.map(lambda n: f":{n}"),
    st.sampled_from(["nil", "true", "false", "[]", "[1, 2]", "%{}", "{:ok, 1}"]),
)


@st.composite
def struct_modules(draw) -> str:
    names = draw(st.lists(_NAMES, min_size=1, max_size=6, unique=True))
    entries = []
    for name in names:
        default = draw(st.one_of(st.none(), _LITERALS))
        entries.append(f":{name}" if default is None else f"{name}: {default}")
    # keyword entries after the bare atoms, as Elixir requires
    entries.sort(key=lambda e: not e.startswith(":"))
    enforced = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    doc = draw(_TEXT)
    heredoc = draw(st.booleans())
    if heredoc:
        body = "\n".join(f"  {line}" if line.strip() else "" for line in doc.replace('"""', "'''").split("\n"))
        body = body.replace("\\", "\\\\").replace("#{", "\\#{")
        moduledoc = f'  @moduledoc """\n{body}\n  """'
    else:
        moduledoc = f"  @moduledoc {_string_literal(doc)}"
    module = draw(st.from_regex(r"[A-Z][a-z]{1,8}(\.[A-Z][a-z]{1,8}){0,2}", fullmatch=True))
    lines = [f"defmodule {module} do", moduledoc]
    if enforced:
        lines.append(f"  @enforce_keys [{', '.join(':' + k for k in enforced)}]")
    lines += [f"  defstruct [{', '.join(entries)}]", "end", ""]
    return "\n".join(lines)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=struct_modules())
def test_generated_structs_read_the_same_with_elixir(tmp_path, source):
    file = tmp_path / "generated.ex"
    file.write_text(source, encoding="utf-8")
    theirs, errors = elixir_reading([file])
    assert errors == {}, (source, errors)  # the generator writes valid Elixir
    assert differences(tree_sitter_reading(file), theirs[str(file)]) == [], source


def test_every_file_the_suggest_patch_touches_still_parses_with_elixir(tmp_path):
    from paritydocs.config import load_settings, read_mkdocs_plugin_options
    from paritydocs.pipeline import build_report
    from paritydocs.suggest import build_patch

    demo = copy_demo(tmp_path)
    settings_ = load_settings(read_mkdocs_plugin_options(demo / "mkdocs.yml"), base_dir=demo)
    result = build_patch(build_report(settings_), settings_)
    assert result.files, "the demo has field docs to port"
    written = []
    for rel, text in result.files.items():
        target = demo / "elixir" / rel
        target.write_text(text, encoding="utf-8")
        if target.suffix in (".ex", ".exs"):  # (the patch updates model names in the README too)
            written.append(target)
    assert written
    theirs, errors = elixir_reading(written)
    assert errors == {}
    for file in written:  # and the patched files read alike too: the ported docs are where Elixir sees them
        assert differences(tree_sitter_reading(file), theirs[str(file)]) == [], file
    assert DEMO.is_dir()
