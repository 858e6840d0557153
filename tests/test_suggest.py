"""paritydocs.suggest: a git patch porting Python field docs into `@moduledoc` and updating model names.

Each test writes a small Elixir library and a small Python package inline (`write_python_package`),
builds the parity report from them, and checks the patch with real `git apply`, the extractor and
`run_parity`: the targeted findings go away, nothing is documented twice, nothing else moves.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import elixir_source_info, write_files
from paritydocs.cli import main
from paritydocs.config import Settings, load_settings
from paritydocs.elixir import extract_elixir
from paritydocs.elixir.docs import field_bullet, fields_section
from paritydocs.errors import ConfigError
from paritydocs.model import FieldDef
from paritydocs.modelnames import compile_updates
from paritydocs.parity import FieldRow, FindingKind, ParityReport
from paritydocs.pipeline import build_report
from paritydocs.render.checklist import fields_snippet as _fields_snippet
from paritydocs.suggest import WRAP_COLUMN, build_patch, unified_diff
from paritydocs.suggest import edits as suggest_edits

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

LONG_DOC = (
    "Display name of the widget as shown in every catalogue listing, on invoices and in the audit log; "
    "example models such as Qwen/Qwen2.5-7B keep their names."
)

PYTHON_FILES = {
    "acme/__init__.py": "",
    "acme/types/__init__.py": """
        from .widget import Widget
        from .gadget import Gadget
        from .others import Bare, First, Hidden, Line, Raw, Second, Crlf
    """,
    "acme/types/widget.py": f'''
        from pydantic import BaseModel

        class Widget(BaseModel):
            """A widget."""

            name: str
            """{LONG_DOC}"""

            template: str = ""
            """Rendered with `#{{name}}`; a path like C:\\\\temp stays as written."""

            timeout: float = 1.5
            """Seconds to wait."""

            retry_base: float = 0.5
            """First retry delay in seconds."""

            notes: str = ""

            python_only: int = 0
            """Only Python has this one."""
    ''',
    "acme/types/gadget.py": '''
        from pydantic import BaseModel

        class Gadget(BaseModel):
            size: int
            """Size in mm."""

            color: str
            """Colour name."""
    ''',
    "acme/types/others.py": '''
        from pydantic import BaseModel

        class Bare(BaseModel):
            """A bare thing, ported with Qwen/Qwen2.5-7B."""

            id: str
            """Identifier."""

            label: str
            """Label."""

        class Hidden(BaseModel):
            secret: str
            """Not for the docs."""

        class Raw(BaseModel):
            pattern: str
            """Matches `#{x}` and \\\\d+ digits."""

        class Line(BaseModel):
            width: int
            """Line width."""

        class First(BaseModel):
            a: int
            """The a."""

        class Second(BaseModel):
            b: int
            """The b."""

        class Crlf(BaseModel):
            c: int
            """The c."""
    ''',
}

WIDGET_EX = '''\
defmodule Acme.Types.Widget do
  @moduledoc """
  A widget.

  Built by `Acme.Widgets.new/1`.
  """

  defstruct [:name, :template, :timeout_ms, :base_delay_ms, :notes, :extra]

  @type t :: %__MODULE__{
          name: String.t(),
          template: String.t(),
          timeout_ms: pos_integer(),
          base_delay_ms: pos_integer(),
          notes: String.t(),
          extra: term()
        }
end
'''

GADGET_EX = '''\
defmodule Acme.Types.Gadget do
  @moduledoc """
  A gadget.

  ## Fields

  - `size` - The size, in millimetres.

  ## Examples

      iex> %Acme.Types.Gadget{}.size
      nil
  """

  defstruct [:size, :color]
end
'''

BARE_EX = """\
defmodule Acme.Types.Bare do
  defstruct [:label, :id]
end
"""

HIDDEN_EX = """\
defmodule Acme.Types.Hidden do
  @moduledoc false
  defstruct [:secret]
end
"""

RAW_EX = '''\
defmodule Acme.Types.Raw do
  @moduledoc ~S"""
  Raw docs with #{not_interpolated}.
  """
  defstruct [:pattern]
end
'''

LINE_EX = """\
defmodule Acme.Types.Line do
  @moduledoc "One line."
  defstruct [:width]
end"""  # no final newline

TWO_EX = '''\
defmodule Acme.Types.First do
  @moduledoc """
  First.
  """
  defstruct [:a]
end

defmodule Acme.Types.Second do
  @moduledoc """
  Second.
  """
  defstruct [:b]
end
'''

CRLF_EX = 'defmodule Acme.Types.Crlf do\r\n  @moduledoc """\r\n  Crlf.\r\n  """\r\n  defstruct [:c]\r\nend\r\n'

MODELS_EX = '''\
defmodule Acme.Models do
  @moduledoc """
  Use `Qwen/Qwen2.5-7B` (or `Qwen/Qwen2.5-7B-Instruct`, which stays).
  """
  @default_model "Qwen/Qwen2.5-7B"
  def default_model, do: @default_model
end
'''

TEST_EXS = """\
defmodule Acme.ModelsTest do
  use ExUnit.Case
  test "default" do
    assert Acme.Models.default_model() == "Qwen/Qwen2.5-7B"
  end
end
"""

README = "# Acme\n\nStart with `Qwen/Qwen2.5-7B`.\n"

ELIXIR_FILES = {
    "lib/acme/types/widget.ex": WIDGET_EX,
    "lib/acme/types/gadget.ex": GADGET_EX,
    "lib/acme/types/bare.ex": BARE_EX,
    "lib/acme/types/hidden.ex": HIDDEN_EX,
    "lib/acme/types/raw.ex": RAW_EX,
    "lib/acme/types/line.ex": LINE_EX,
    "lib/acme/types/two.ex": TWO_EX,
    "lib/acme/models.ex": MODELS_EX,
    "test/acme/models_test.exs": TEST_EXS,
    "README.md": README,
}

PLUGIN_OPTIONS = {
    "python_modules": ["acme.types"],
    "python_clients": [],
    "client_map": {},
    "type_prefixes": {"acme.types": "Acme.Types"},
    "type_map": {},
    "field_aliases": {"Widget": {"retry_base": "base_delay_ms"}},
    "model_names": {"Qwen/Qwen2.5-7B": "Qwen/Qwen3-8B"},
    "notes": None,
    "python_repo": None,
    "elixir_repo": None,
    "sync_ranges": [],
    "behaviour_modules": [],
}


# ---- helpers ---------------------------------------------------------------------------------------


def git(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "core.autocrlf=false", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def sdks(tmp_path: Path) -> tuple[Path, Path, Settings]:
    py_root = write_files(tmp_path / "py", PYTHON_FILES)
    ex_root = tmp_path / "ex"
    for rel, text in ELIXIR_FILES.items():
        path = ex_root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert git(ex_root, "init", "-q").returncode == 0
    assert git(ex_root, "add", "-A").returncode == 0
    assert git(ex_root, "commit", "-qm", "base").returncode == 0
    settings = load_settings(
        {"python": str(py_root), "elixir": str(ex_root), **PLUGIN_OPTIONS}, base_dir=tmp_path, environ={}
    )
    return py_root, ex_root, settings


def apply_patch(root: Path, patch: str) -> None:
    check = git(root, "apply", "--check", "-", stdin=patch)
    assert check.returncode == 0, check.stderr
    done = git(root, "apply", "-", stdin=patch)
    assert done.returncode == 0, done.stderr


def field_findings(report: ParityReport, kind: FindingKind) -> set[str]:
    return {f.subject for p in report.pairs for r in p.rows for f in r.findings if f.kind is kind}


def bullet_names(doc: str | None) -> list[str]:
    """Every field bullet of every `## Fields` section, in order (duplicates kept)."""
    names: list[str] = []
    in_fields = False
    for line in (doc or "").split("\n"):
        if re.match(r"^#+\s", line):
            in_fields = "Fields" in line
            continue
        match = re.match(r"^\s*[*+-]\s+`:?(\w+)`", line)
        if in_fields and match:
            names.append(match.group(1))
    return names


def elixir_types(root: Path) -> dict[str, object]:
    model = extract_elixir(root, source=elixir_source_info(root))
    return {t.path: t for t in model.types}


# ---- the whole round trip --------------------------------------------------------------------------


def test_patch_applies_ports_docs_and_is_idempotent(sdks):
    _py_root, ex_root, settings = sdks
    before = build_report(settings)
    before_warnings = [str(w) for w in before.elixir_model.warnings]
    missing_before = field_findings(before, FindingKind.DOC_MISSING_IN_ELIXIR)
    assert len(missing_before) == 12  # every Python field doc whose Elixir twin has none

    result = build_patch(before, settings)
    assert result.patch.startswith("diff --git a/")
    assert not result.warnings, result.warnings
    apply_patch(ex_root, result.patch)
    for rel, text in result.files.items():
        assert (ex_root / rel).read_bytes() == text.encode("utf-8"), rel

    # Nothing else in the tree changed: the test file and the hidden module are byte-identical.
    changed = set(git(ex_root, "diff", "--name-only").stdout.split())
    assert changed == set(result.files)
    assert changed == {
        "README.md",
        "lib/acme/models.ex",
        "lib/acme/types/bare.ex",
        "lib/acme/types/gadget.ex",
        "lib/acme/types/line.ex",
        "lib/acme/types/raw.ex",
        "lib/acme/types/two.ex",
        "lib/acme/types/widget.ex",
    }
    assert (ex_root / "test/acme/models_test.exs").read_text() == TEST_EXS
    assert (ex_root / "lib/acme/types/hidden.ex").read_text() == HIDDEN_EX
    assert any("Acme.Types.Hidden" in n and "@moduledoc false" in n for n in result.notes)

    after = build_report(settings)
    assert [str(w) for w in after.elixir_model.warnings] == before_warnings
    remaining = field_findings(after, FindingKind.DOC_MISSING_IN_ELIXIR)
    assert remaining == {"acme.types.others.Hidden.secret|Acme.Types.Hidden.secret"}
    assert field_findings(after, FindingKind.DOC_MISSING_IN_PYTHON) == field_findings(
        before, FindingKind.DOC_MISSING_IN_PYTHON
    )
    for pair in after.pairs:
        names = bullet_names(pair.elixir.doc)
        assert not [n for n, k in Counter(names).items() if k > 1], (pair.elixir.path, names)
        for row in pair.rows:
            if (
                row.python is not None
                and row.python.doc
                and row.elixir is not None
                and pair.elixir.path != "Acme.Types.Hidden"
            ):
                assert row.elixir.doc, (pair.elixir.path, row.elixir.name)

    def elixir_model_names(report: ParityReport) -> list[str]:
        return [f.elixir.file for f in report.all_findings() if f.kind is FindingKind.OUTDATED_MODEL_NAME and f.elixir]

    assert sorted(elixir_model_names(before)) == ["README.md", "lib/acme/models.ex", "lib/acme/models.ex"]
    assert elixir_model_names(after) == []

    summary = result.summary
    assert summary.files_changed == 8
    assert summary.bullets == {
        "Acme.Types.Bare": 2,
        "Acme.Types.First": 1,
        "Acme.Types.Gadget": 1,
        "Acme.Types.Line": 1,
        "Acme.Types.Raw": 1,
        "Acme.Types.Second": 1,
        "Acme.Types.Widget": 4,
    }
    assert summary.moduledocs_created == ["Acme.Types.Bare"]
    assert summary.model_names == 3
    assert "8 files changed" in str(summary) and "Acme.Types.Widget 4" in str(summary)

    again = build_patch(after, settings)
    assert again.patch == "" and again.files == {}
    assert str(again.summary).startswith("No changes suggested")


def test_ported_text_escaping_units_and_wrapping(sdks):
    _py_root, ex_root, settings = sdks
    report = build_report(settings)
    py_docs = {
        (p.elixir.path, r.elixir.name): r.python.doc
        for p in report.pairs
        for r in p.rows
        if r.python is not None and r.elixir is not None
    }
    apply_patch(ex_root, build_patch(report, settings).patch)
    types = elixir_types(ex_root)

    widget = types["Acme.Types.Widget"]
    docs = {f.name: (f.doc, f.doc_source) for f in widget.fields}
    # `#{` and backslashes in a normal heredoc are escaped, and read back as the Python text.
    assert docs["template"] == (py_docs[("Acme.Types.Widget", "template")], "moduledoc_fields")
    assert "C:\\temp" in docs["template"][0] and "#{name}" in docs["template"][0]
    assert docs["timeout_ms"][0] == "Milliseconds to wait."  # the port's unit, never two contradicting texts
    assert docs["base_delay_ms"][0] == "First retry delay in milliseconds."
    assert docs["name"][0] == LONG_DOC.replace("Qwen/Qwen2.5-7B", "Qwen/Qwen3-8B")
    assert docs["notes"] == (None, None) and docs["extra"] == (None, None)

    text = (ex_root / "lib/acme/types/widget.ex").read_text()
    assert "\\#{name}" in text and "C:\\\\temp" in text
    assert "  ## Fields\n\n    * `:name` - Display name" in text
    name_lines = text.split("    * `:name` - ")[1].split("\n    * ")[0].split("\n")
    assert len(name_lines) > 1
    assert all(len(line) <= WRAP_COLUMN for line in text.split("\n"))
    assert all(
        line.startswith(" " * len("    * `:name` - ")) and line[len("    * `:name` - ")] != " "
        for line in name_lines[1:]
    )
    assert text.endswith(
        '    * `:base_delay_ms` - First retry delay in milliseconds.\n  """\n\n'
        "  defstruct [:name, :template, :timeout_ms, :base_delay_ms, :notes, :extra]\n"
        + WIDGET_EX.split("defstruct [:name, :template, :timeout_ms, :base_delay_ms, :notes, :extra]\n")[1]
    )

    # ~S: inserted literally (no escaping), read back as the Python text.
    raw = (ex_root / "lib/acme/types/raw.ex").read_text()
    assert "    * `:pattern` - Matches `#{x}` and \\d+ digits.\n" in raw
    assert types["Acme.Types.Raw"].field_named("pattern").doc == py_docs[("Acme.Types.Raw", "pattern")]

    # An existing `## Fields` list gets the missing bullet at its end, in its own style, before `## Examples`.
    gadget = (ex_root / "lib/acme/types/gadget.ex").read_text()
    assert gadget == GADGET_EX.replace(
        "  - `size` - The size, in millimetres.\n",
        "  - `size` - The size, in millimetres.\n  - `color` - Colour name.\n",
    )
    assert types["Acme.Types.Gadget"].field_named("size").doc == "The size, in millimetres."

    # No @moduledoc: one is created after `defmodule ... do`, with the class doc as its intro;
    # bullets follow the struct's order (Python has `id` first).
    assert (ex_root / "lib/acme/types/bare.ex").read_text() == (
        'defmodule Acme.Types.Bare do\n  @moduledoc """\n  A bare thing, ported with Qwen/Qwen3-8B.\n\n'
        '  ## Fields\n\n    * `:label` - Label.\n    * `:id` - Identifier.\n  """\n\n  defstruct [:label, :id]\nend\n'
    )
    # A one-line moduledoc becomes a heredoc; a file without a final newline keeps having none.
    assert (ex_root / "lib/acme/types/line.ex").read_text() == (
        'defmodule Acme.Types.Line do\n  @moduledoc """\n  One line.\n\n  ## Fields\n\n'
        '    * `:width` - Line width.\n  """\n  defstruct [:width]\nend'
    )
    # Two modules in one file.
    assert types["Acme.Types.First"].field_named("a").doc == "The a."
    assert types["Acme.Types.Second"].field_named("b").doc == "The b."

    # Model names: only the listed id, only in user-facing files; `-Instruct` is another model.
    models = (ex_root / "lib/acme/models.ex").read_text()
    assert models == MODELS_EX.replace('"Qwen/Qwen2.5-7B"', '"Qwen/Qwen3-8B"').replace(
        "`Qwen/Qwen2.5-7B`", "`Qwen/Qwen3-8B`"
    )
    assert "Qwen/Qwen2.5-7B-Instruct" in models
    assert (ex_root / "README.md").read_text() == README.replace("Qwen/Qwen2.5-7B", "Qwen/Qwen3-8B")


def test_only_and_module_limit_the_patch(sdks):
    _py_root, _ex_root, settings = sdks
    report = build_report(settings)

    docs = build_patch(report, settings, only="docs")
    assert "README.md" not in docs.files and "lib/acme/models.ex" not in docs.files
    assert "Qwen/Qwen2.5-7B" not in "".join(line for line in docs.patch.splitlines(True) if line.startswith("-"))
    assert docs.summary.model_names == 0 and docs.summary.bullets_total == 11

    names = build_patch(report, settings, only="model-names")
    assert set(names.files) == {"README.md", "lib/acme/models.ex"}
    assert names.summary.bullets == {} and names.summary.model_names == 3

    one = build_patch(report, settings, modules=["Acme.Types.Gadget"])
    assert set(one.files) == {"lib/acme/types/gadget.ex"}
    assert one.summary.bullets == {"Acme.Types.Gadget": 1}

    two = build_patch(report, settings, modules=["Acme.Types.Gadget", "Acme.Models"])
    assert set(two.files) == {"lib/acme/types/gadget.ex", "lib/acme/models.ex"}
    assert any("Acme.Models is not paired" in w for w in two.warnings)

    with pytest.raises(ConfigError, match=r"Acme\.Types\.Nope"):
        build_patch(report, settings, modules=["Acme.Types.Nope"])
    with pytest.raises(ConfigError, match="--only"):
        build_patch(report, settings, only="everything")


def test_crlf_file_keeps_its_line_endings_or_is_left_out_with_a_warning(sdks):
    _py_root, ex_root, settings = sdks
    (ex_root / "lib/acme/types/crlf.ex").write_bytes(CRLF_EX.encode())
    git(ex_root, "add", "-A")
    git(ex_root, "commit", "-qm", "crlf")
    result = build_patch(build_report(settings), settings, modules=["Acme.Types.Crlf"])
    if "lib/acme/types/crlf.ex" not in result.files:
        # The extractor does not read a `## Fields` section in a CRLF heredoc: an edit it could not
        # read back is never suggested.
        assert any("crlf.ex" in w and "does not read the new docs" in w for w in result.warnings)
        return
    apply_patch(ex_root, result.patch)
    crlf = (ex_root / "lib/acme/types/crlf.ex").read_bytes()
    assert crlf.count(b"\n") == crlf.count(b"\r\n")
    assert elixir_types(ex_root)["Acme.Types.Crlf"].field_named("c").doc == "The c."


def test_edit_that_breaks_the_syntax_is_dropped(sdks, monkeypatch):
    _py_root, _ex_root, settings = sdks
    report = build_report(settings)
    original = suggest_edits._bullet_lines

    def broken(name, text, indent, style, raw):
        lines = original(name, text, indent, style, raw)
        return [*lines, f'{indent}"""', f"{indent}end end ("] if name == "color" else lines

    monkeypatch.setattr(suggest_edits, "_bullet_lines", broken)
    result = build_patch(report, settings)
    assert "lib/acme/types/gadget.ex" not in result.files
    assert any("gadget.ex" in w and "syntax errors" in w for w in result.warnings)
    assert "lib/acme/types/widget.ex" in result.files  # the other files are still edited


def test_edit_the_extractor_cannot_read_back_is_dropped(sdks, monkeypatch):
    _py_root, _ex_root, settings = sdks
    report = build_report(settings)
    monkeypatch.setattr(suggest_edits, "_bullet_lines", lambda name, text, indent, style, raw: [f"{indent}{text}"])
    result = build_patch(report, settings, modules=["Acme.Types.Gadget", "Acme.Models"], only="docs")
    assert result.files == {}
    assert any("does not read the new docs of Acme.Types.Gadget (color)" in w for w in result.warnings)


# ---- SDK text that would end the heredoc -----------------------------------------------------------


def rewrite(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_start_filler(head: str) -> str:
    """Words that fill a bullet's first line (after `head`) so that the next word starts the second line."""
    return "x" * (WRAP_COLUMN - len(head) - 2)


PAYLOAD = ' ; File.touch("/tmp/p") ; @moduledoc '


@pytest.mark.parametrize("terminator", ['"""', "'''"])
def test_terminator_in_a_python_doc_for_a_raw_heredoc_skips_the_module(sdks, terminator):
    py_root, ex_root, settings = sdks
    doc = f"{line_start_filler('    * `:pattern` - ')} {terminator}{PAYLOAD}{terminator}"
    rewrite(py_root, "acme/types/others.py", '"""Matches `#{x}` and \\\\d+ digits."""', repr(doc))
    if terminator == "'''":
        rewrite(ex_root, "lib/acme/types/raw.ex", '~S"""', "~S'''")
        rewrite(ex_root, "lib/acme/types/raw.ex", '  """\n', "  '''\n")
    raw_before = (ex_root / "lib/acme/types/raw.ex").read_text()

    result = build_patch(build_report(settings), settings)
    assert "lib/acme/types/raw.ex" not in result.files
    assert "File.touch" not in result.patch
    skipped = [w for w in result.warnings if w.startswith("Acme.Types.Raw (lib/acme/types/raw.ex): ")]
    assert len(skipped) == 1, result.warnings
    assert f"Python doc of `:pattern` contains {terminator}" in skipped[0] and "by hand" in skipped[0]
    # the other modules are still patched
    assert {"lib/acme/types/widget.ex", "lib/acme/types/gadget.ex", "lib/acme/types/two.ex"} <= set(result.files)
    assert "Acme.Types.Raw" not in result.summary.bullets and result.summary.bullets["Acme.Types.Widget"] == 4
    apply_patch(ex_root, result.patch)
    assert (ex_root / "lib/acme/types/raw.ex").read_text() == raw_before


def test_terminators_and_interpolation_in_a_normal_heredoc_are_escaped_and_read_back(sdks):
    py_root, ex_root, settings = sdks
    head = "    * `:a` - "
    # wrapped, `'''` starts the second line of the bullet and `\"""` (`"""` escaped) the third
    doc = (
        f"{line_start_filler(head)} ''' {'y' * (WRAP_COLUMN - len(head) - 6)} "
        '""" ; File.touch("/tmp/p") ; #{x} in C:\\temp'
    )
    rewrite(py_root, "acme/types/others.py", '"""The a."""', repr(doc))
    rewrite(py_root, "acme/types/others.py", '"""The b."""', repr(doc))
    rewrite(
        ex_root, "lib/acme/types/two.ex", '  @moduledoc """\n  Second.\n  """', "  @moduledoc ~s'''\n  Second.\n  '''"
    )

    result = build_patch(build_report(settings), settings)
    assert not result.warnings, result.warnings
    assert result.summary.bullets["Acme.Types.First"] == 1 and result.summary.bullets["Acme.Types.Second"] == 1
    apply_patch(ex_root, result.patch)
    types = elixir_types(ex_root)
    assert types["Acme.Types.First"].field_named("a").doc == doc
    assert types["Acme.Types.Second"].field_named("b").doc == doc

    first, second = (ex_root / "lib/acme/types/two.ex").read_text().split("defmodule Acme.Types.Second")

    def starts(text: str, prefix: str) -> bool:
        return any(line.strip().startswith(prefix + " ") for line in text.splitlines())

    assert starts(first, "'''") and starts(first, '\\"""') and "\\#{x}" in first and "C:\\\\temp" in first
    assert starts(second, "\\'''") and starts(second, '"""') and "\\#{x}" in second
    # each module is still its `@moduledoc` and `defstruct`: nothing became code
    assert first.count("@moduledoc") == 1 and second.count("@moduledoc") == 1


def test_edit_that_would_end_the_moduledoc_early_is_dropped(sdks, monkeypatch):
    """Defence in depth: were the escaping wrong, the re-parsed module would show it; the module is skipped."""
    py_root, _ex_root, settings = sdks
    doc = f'{line_start_filler("    * `:a` - ")} """{PAYLOAD}"""'
    rewrite(py_root, "acme/types/others.py", '"""The a."""', repr(doc))
    monkeypatch.setattr(suggest_edits, "escape", lambda text, quoting: text)

    result = build_patch(build_report(settings), settings)
    assert "File.touch" not in result.patch
    skipped = [w for w in result.warnings if w.startswith("Acme.Types.First (lib/acme/types/two.ex): ")]
    assert len(skipped) == 1 and "would end the @moduledoc early" in skipped[0], result.warnings
    assert "lib/acme/types/two.ex" in result.files  # Acme.Types.Second, in the same file, is still edited
    assert "Acme.Types.First" not in result.summary.bullets and result.summary.bullets["Acme.Types.Second"] == 1


# ---- pieces ----------------------------------------------------------------------------------------


def test_field_bullet_and_the_render_snippet_agree():
    updates = compile_updates({"Qwen/Qwen2.5-7B": "Qwen/Qwen3-8B"})
    row = FieldRow(FieldDef("timeout", doc="Wait for\n  Qwen/Qwen2.5-7B."), FieldDef("timeout_ms"), "unit")
    bullet = "* `:timeout_ms` - Wait for Qwen/Qwen3-8B. In milliseconds (Python `timeout` is in seconds)."
    assert field_bullet(row, updates) == bullet
    assert field_bullet(FieldRow(FieldDef("a", doc="x"), FieldDef("a", doc="y"), "name"), updates) is None
    assert field_bullet(FieldRow(FieldDef("a", doc="x"), None, ""), updates) is None
    assert field_bullet(FieldRow(FieldDef("a"), FieldDef("a"), "name"), updates) is None

    class Pair:
        is_enum = False
        rows = [row]

    assert _fields_snippet(Pair(), updates) == "  ## Fields\n\n  " + bullet  # type: ignore[arg-type]
    # pasted into a \"\"\" heredoc, SDK text must not interpolate, unescape or end it
    Pair.rows = [FieldRow(FieldDef("a", doc='Use #{x}, \\d and """.'), FieldDef("a"), "name")]
    snippet = _fields_snippet(Pair(), updates)  # type: ignore[arg-type]
    assert snippet == '  ## Fields\n\n  * `:a` - Use \\#{x}, \\\\d and \\""".'


def test_unified_diff_marks_a_missing_final_newline(tmp_path):
    (tmp_path / "a.ex").write_text("x\ny")
    assert git(tmp_path, "init", "-q").returncode == 0
    patch = unified_diff("a.ex", "x\ny", "x\ny\nz")
    assert patch.startswith("diff --git a/a.ex b/a.ex\n--- a/a.ex\n+++ b/a.ex\n@@")
    assert "\\ No newline at end of file\n" in patch
    apply_patch(tmp_path, patch)
    assert (tmp_path / "a.ex").read_text() == "x\ny\nz"
    assert unified_diff("a.ex", "same\n", "same\n") == ""


# ---- CLI -------------------------------------------------------------------------------------------


def _mkdocs_yml(tmp_path: Path, py_root: Path, ex_root: Path) -> Path:
    import yaml

    config = tmp_path / "mkdocs.yml"
    options = {"python": str(py_root), "elixir": str(ex_root), **PLUGIN_OPTIONS}
    config.write_text(yaml.safe_dump({"site_name": "t", "plugins": [{"paritydocs": options}]}), encoding="utf-8")
    return config


def test_cli_suggest_writes_the_patch(sdks, tmp_path, capsys, monkeypatch):
    py_root, ex_root, _settings = sdks
    for var in ("PARITYDOCS_PYTHON", "PARITYDOCS_ELIXIR"):
        monkeypatch.delenv(var, raising=False)
    config = _mkdocs_yml(tmp_path, py_root, ex_root)
    out = tmp_path / "out" / "suggest.patch"
    code = main(
        [
            "suggest",
            "--config",
            str(config),
            "--out",
            str(out),
            "--only",
            "docs",
            "--module",
            "Acme.Types.Gadget",
            "--module",
            "Acme.Types.Hidden",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "1 files changed: 1 field docs added (Acme.Types.Gadget 1)" in captured.out
    assert "note: Acme.Types.Hidden (lib/acme/types/hidden.ex): @moduledoc false" in captured.err
    apply_patch(ex_root, out.read_text(encoding="utf-8"))
    assert "- `color` - Colour name." in (ex_root / "lib/acme/types/gadget.ex").read_text()

    code = main(["suggest", "--config", str(config), "--out", "-"])
    captured = capsys.readouterr()
    assert code == 0 and captured.out.startswith("diff --git a/")
    assert "field docs added" in captured.err

    code = main(["suggest", "--config", str(config), "--out", str(out), "--module", "Acme.Nope"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.strip().splitlines() == [
        f"paritydocs: error: --module Acme.Nope: no such Elixir module in {ex_root}"
    ]
    assert "Traceback" not in captured.err


def test_fields_section_regexes_still_read_what_suggest_writes():
    """The bullets suggest writes are what the extractor's `## Fields` reader expects."""
    doc = "Intro.\n\n## Fields\n\n  * `:a` - First line\n    continued.\n  * `:b` - B.\n\n## Next\n"
    assert fields_section(doc) == {"a": "First line continued.", "b": "B."}


def test_file_whose_path_a_patch_header_cannot_hold_is_left_out(sdks):
    _py_root, ex_root, settings = sdks
    odd = ex_root / "lib/acme/types/x\n+++ b/lib/evil.ex"
    odd.mkdir(parents=True)
    (ex_root / "lib/acme/types/gadget.ex").rename(odd / "gadget.ex")
    result = build_patch(build_report(settings), settings)
    assert any("gadget.ex" in w and "control character" in w for w in result.warnings), result.warnings
    assert "+++ b/lib/evil.ex" not in result.patch and not [f for f in result.files if "gadget" in f]
    assert "lib/acme/types/widget.ex" in result.files
    apply_patch(ex_root, result.patch)


def test_file_reached_through_a_symlink_is_left_out(sdks):
    """git apply refuses a whole patch that edits a file beyond a symbolic link."""
    _py_root, ex_root, settings = sdks
    real = ex_root / "lib/zz_real"  # walked after the link, so the extractor knows the file by the linked path
    real.mkdir(parents=True)
    (ex_root / "lib/acme/types/gadget.ex").rename(real / "gadget.ex")
    (ex_root / "lib/acme/types/linked").symlink_to(real)
    git(ex_root, "add", "-A")
    git(ex_root, "commit", "-qm", "link")
    result = build_patch(build_report(settings), settings)
    assert any("symbolic link" in w for w in result.warnings), result.warnings
    assert "lib/acme/types/widget.ex" in result.files
    apply_patch(ex_root, result.patch)


@pytest.mark.parametrize(
    ("python_doc", "ported"),
    [
        ("Initial delay in seconds before first retry.", "Initial delay in milliseconds before first retry."),
        ("Wait 0.5 seconds, then 30s, then 1 second.", "Wait 500 milliseconds, then 30000ms, then 1000 milliseconds."),
        ("Retry 3 times with a 2.5 s backoff.", "Retry 3 times with a 2500 ms backoff."),  # the count stays
        ("How long to wait.", "How long to wait. In milliseconds (Python `delay` is in seconds)."),
    ],
)
def test_a_doc_ported_to_a_milliseconds_field_speaks_milliseconds(python_doc, ported):
    row = FieldRow(FieldDef("delay", doc=python_doc), FieldDef("delay_ms"), "unit")
    assert field_bullet(row, []) == f"* `:delay_ms` - {ported}"
