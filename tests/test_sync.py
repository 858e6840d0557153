"""Sync reports: two commits of a small SDK made here, a tiny Elixir port, and what `paritydocs sync` says.

Offline: the repository is built with `git` in a temporary directory. Commit 2 adds a field docstring,
changes a default, removes a field, adds a field and a parameter, removes a parameter, changes the body of the
client constructor (and only the docstring of another method), reformats a method without changing it, and
replaces `Qwen/Qwen2.5-7B` with `Qwen/Qwen3-8B` in a docstring and in `docs/`.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jsonschema
import markdown
import pytest

from conftest import write_files
from html_checks import live_markup
from paritydocs import cli
from paritydocs.config import Settings, load_settings
from paritydocs.errors import SourceError
from paritydocs.parity.notes import load_notes
from paritydocs.pipeline import load_elixir
from paritydocs.render import Renderer
from paritydocs.render.sync import render_markdown
from paritydocs.site.sync_pages import sync_site_pages
from paritydocs.sync import (
    BREAKING,
    DOCUMENTATION,
    POLISH,
    Change,
    SyncReport,
    build_sync_report,
)
from source_helpers import git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

# ---- the Python SDK, two commits ------------------------------------------------------------------

COMMON = {
    "src/wid/__init__.py": '''
        """Wid: a tiny SDK for the sync tests."""

        from ._client import Wid
        from .lib.public import WidgetClient
        from .types import Gadget
        ''',
    "src/wid/_models.py": '''
        class BaseModel:
            """Stands in for pydantic.BaseModel: the extractor is static."""
        ''',
    "src/wid/types/__init__.py": """
        from .gadget import Gadget as Gadget
        """,
    "src/wid/lib/public/__init__.py": """
        from .client import WidgetClient as WidgetClient
        """,
}

V1 = {
    **COMMON,
    "src/wid/_client.py": '''
        class Wid:
            def __init__(self, *, api_key: str | None = None) -> None:
                """Create a client."""
                if api_key is None:
                    raise ValueError("api_key is required")
                self.api_key = api_key

            def close(self) -> None:
                """Close the client."""
                self.api_key = None
        ''',
    "src/wid/types/gadget.py": '''
        from typing import Optional

        from .._models import BaseModel


        class Gadget(BaseModel):
            """A gadget."""

            gadget_id: str
            """Catalogue identifier."""

            base_model: str

            label: Optional[str] = None
            """Display name."""

            legacy_code: Optional[str] = None
            """Old code, going away."""
        ''',
    # `wid/lib` has no __init__.py: a namespace directory, as `tinker/lib` is
    "src/wid/lib/retry.py": '''
        from dataclasses import dataclass


        @dataclass
        class RetrySettings:
            """How the client retries."""

            max_connections: int = 100
            """Connections at once."""

            timeout: float = 60.0
            """Seconds before giving up."""
        ''',
    "src/wid/lib/public/client.py": '''
        class WidgetClient:
            """Draws gadgets.

            Example: `WidgetClient(base_model="Qwen/Qwen2.5-7B")`.
            """

            def sample(self, prompt: str) -> str:
                """Draw a gadget."""
                return prompt.strip()

            def reformat(self, a: int, b: int) -> int:
                return a + b  # same code after commit 2, other layout

            def close(self, force: bool = False) -> None:
                """Close."""
                del force
        ''',
    "docs/api/widgetclient.md": """
        # WidgetClient

        Start with `WidgetClient(base_model="Qwen/Qwen2.5-7B")`.
        """,
    "README.md": """
        Try `Qwen/Qwen2.5-7B`.
        """,
}

V2 = {
    **COMMON,
    # only a comment: compared, nothing to report
    "src/wid/lib/public/__init__.py": """
        # the public client
        from .client import WidgetClient as WidgetClient
        """,
    "tests/test_wid.py": """
        def test_key():
            assert True
        """,
    "src/wid/_client.py": '''
        class Wid:
            def __init__(self, *, api_key: str | None = None) -> None:
                """Create a client."""
                if api_key is None:
                    raise ValueError("api_key is required")
                if not api_key.startswith("wid-"):
                    raise ValueError("The api_key must start with 'wid-'")
                self.api_key = api_key

            def close(self) -> None:
                """Close the client and forget the key."""
                self.api_key = None
        ''',
    "src/wid/types/gadget.py": '''
        from typing import Optional

        from .._models import BaseModel


        class Gadget(BaseModel):
            """A gadget."""

            gadget_id: str
            """Catalogue identifier."""

            base_model: str
            """The base model to use (e.g. 'Qwen/Qwen3-8B')."""

            label: Optional[str] = None
            """Display name. <script>alert(1)</script> [x](javascript:alert(1)) {{ 7*7 }}"""

            color: Optional[str] = None
            """Paint colour."""
        ''',
    "src/wid/lib/retry.py": '''
        from dataclasses import dataclass


        @dataclass
        class RetrySettings:
            """How the client retries."""

            max_connections: int = 100
            """Connections at once."""

            timeout: float = 120.0
            """Seconds before giving up."""
        ''',
    "src/wid/lib/public/client.py": '''
        class WidgetClient:
            """Draws gadgets.

            Example: `WidgetClient(base_model="Qwen/Qwen3-8B")`.
            """

            def sample(self, prompt: str, n: int = 1) -> str:
                """Draw a gadget."""
                return prompt.strip()

            def reformat(
                self, a: int, b: int
            ) -> int:
                return (
                    a + b
                )

            def close(self) -> None:
                """Close."""
        ''',
    "docs/api/widgetclient.md": """
        # WidgetClient

        Start with `WidgetClient(base_model="Qwen/Qwen3-8B")`.

        New: `sample(prompt, n)` draws several gadgets.
        """,
    "README.md": """
        Try `Qwen/Qwen3-8B`.
        """,
}

# ---- the Elixir port ------------------------------------------------------------------------------

ELIXIR = {
    "lib/wid/config.ex": """
        defmodule Wid.Config do
          @moduledoc "Client configuration."
          defstruct [:api_key]

          def valid?(%__MODULE__{api_key: key}), do: String.starts_with?(key, "wid-")
        end
        """,
    "lib/wid/types/gadget.ex": '''
        defmodule Wid.Types.Gadget do
          @moduledoc """
          A gadget.

          Fields:
          - gadget_id: Catalogue identifier.
          """
          defstruct [:gadget_id, :base_model, :label, :legacy_code]

          @type t :: %__MODULE__{
                  gadget_id: String.t(),
                  base_model: String.t(),
                  label: String.t() | nil,
                  legacy_code: String.t() | nil
                }
        end
        ''',
    "lib/wid/retry_settings.ex": """
        defmodule Wid.RetrySettings do
          @moduledoc "Retry settings."
          defstruct max_connections: 100, timeout_ms: 60_000
        end
        """,
    "lib/wid/widget_client.ex": '''
        defmodule Wid.WidgetClient do
          @moduledoc """
          Draws gadgets, e.g. with "Qwen/Qwen2.5-7B".
          """
          def sample(prompt), do: prompt
        end
        ''',
}

NOTES = """
- python: wid.types.Gadget.base_model
  note: Port the docstring word for word.
"""


def plugin_options(repo: Path, ex_root: Path, tmp: Path, **extra: object) -> dict[str, object]:
    return {
        "python": str(repo),
        "elixir": str(ex_root),
        "python_modules": ["wid.types", "wid.lib.retry.RetrySettings"],
        "python_clients": ["wid.lib.public.client.WidgetClient"],
        "type_prefixes": {"wid.types": "Wid.Types"},
        "type_map": {"wid.lib.retry.RetrySettings": "Wid.RetrySettings"},
        "client_map": {"wid.lib.public.client.WidgetClient": "Wid.WidgetClient"},
        "field_aliases": {"RetrySettings": {"timeout": "timeout_ms"}},
        "behaviour_modules": ["wid._client.Wid.__init__", "wid._client.Wid.close", "wid.lib.public"],
        "model_names": {"Qwen/Qwen2.5-7B": "Qwen/Qwen3-8B"},
        "notes": str(tmp / "notes.yml"),
        "python_repo": {"url": "https://example.invalid/wid", "ref": "main", "prefix": "src/"},
        "elixir_repo": {"url": "https://example.invalid/wid_ex", "ref": "v1"},
        "hexdocs": None,
        "python_api": False,
        "cache_dir": str(tmp / "cache"),
        **extra,
    }


@dataclass
class World:
    tmp: Path
    repo: Path
    ex_root: Path
    settings: Settings
    old: str
    new: str

    def report(self, **kwargs: object) -> SyncReport:
        elixir = load_elixir(self.settings)
        return build_sync_report(
            self.settings, self.old, self.new, elixir=elixir, notes=load_notes(self.settings.notes), **kwargs
        )


def one_commit_range(
    tmp_path: Path, base: dict[str, str], change: dict[str, str], port: dict[str, str] | None = None, **options: object
) -> tuple[SyncReport, Settings]:
    """A fixture repository (`V1` and `base`, then one commit writing `change`, new files added), the fixture port
    with `port` added, and the sync report of that one-commit range against it (no review notes)."""
    repo = write_files(tmp_path / "wid", {**V1, **base})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    write_files(repo, change)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    ex_root = write_files(tmp_path / "wid_ex", {**ELIXIR, **(port or {})})
    (tmp_path / "notes.yml").write_text("[]\n", encoding="utf-8")
    settings = load_settings(plugin_options(repo, ex_root, tmp_path, **options), base_dir=tmp_path, environ={})
    report = build_sync_report(settings, f"git:{repo}@HEAD~1", f"git:{repo}@HEAD", elixir=load_elixir(settings))
    return report, settings


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    tmp = tmp_path_factory.mktemp("sync")
    repo = tmp / "wid"
    write_files(repo, V1)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    shutil.rmtree(repo / "src")
    write_files(repo, V2)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v2")
    ex_root = write_files(tmp / "wid_ex", ELIXIR)  # writes any text files
    (tmp / "notes.yml").write_text(textwrap.dedent(NOTES), encoding="utf-8")
    settings = load_settings(plugin_options(repo, ex_root, tmp), base_dir=tmp, environ={})
    return World(tmp, repo, ex_root, settings, f"git:{repo}@HEAD~1", f"git:{repo}@HEAD")


@pytest.fixture(scope="module")
def report(world: World) -> SyncReport:
    return world.report(title="wid v1 → v2")


def find(report: SyncReport, kind: str, path: str | None = None, file: str | None = None) -> Change:
    matches = [
        c
        for c in report.changes
        if c.kind == kind and (path is None or c.python.path == path) and (file is None or c.python.file == file)
    ]
    assert len(matches) == 1, f"{kind} {path or file}: {[c.id for c in report.changes]}"
    return matches[0]


# ---- what is found ---------------------------------------------------------------------------------


def test_field_docstring_added_is_documentation_with_elixir_field_state(report):
    change = find(report, "doc_added", "wid.types.Gadget.base_model")
    assert change.cls == DOCUMENTATION
    assert change.old is None and change.new == "The base model to use (e.g. 'Qwen/Qwen3-8B')."
    assert change.python.file == "src/wid/types/gadget.py"
    assert (change.python.line_old, change.python.line_new) == (12, 12)
    target = change.elixir
    assert target is not None
    assert (target.module, target.file, target.field) == ("Wid.Types.Gadget", "lib/wid/types/gadget.ex", "base_model")
    assert target.present is True and target.documented is False
    assert change.notes == ["Port the docstring word for word."]


def test_default_changed_is_functional_and_uses_field_aliases(report):
    change = find(report, "default_changed", "wid.lib.retry.RetrySettings.timeout")
    assert change.cls == BREAKING
    assert (change.old, change.new) == ("60.0", "120.0")
    assert change.python.file == "src/wid/lib/retry.py"
    target = change.elixir
    assert target is not None
    assert (target.module, target.field, target.present, target.default) == (
        "Wid.RetrySettings",
        "timeout_ms",
        True,
        "60_000",
    )
    assert target.file == "lib/wid/retry_settings.ex"
    assert target.matches is False  # 60_000 ms is the old 60.0 s, not the new 120.0 s: open


def test_a_default_the_port_already_changed_is_done(world, tmp_path):
    from paritydocs.render.sync import sync_checklist

    ex_root = tmp_path / "caught_up"
    shutil.copytree(world.ex_root, ex_root)
    settings_file = ex_root / "lib/wid/retry_settings.ex"
    settings_file.write_text(settings_file.read_text().replace("timeout_ms: 60_000", "timeout_ms: 120_000"))
    settings = load_settings(plugin_options(world.repo, ex_root, world.tmp), base_dir=world.tmp, environ={})
    report = build_sync_report(settings, world.old, world.new, elixir=load_elixir(settings))
    change = find(report, "default_changed", "wid.lib.retry.RetrySettings.timeout")
    assert change.elixir.matches is True  # 120.0 s is 120_000 ms
    entries = [e for _, _, group in sync_checklist(report) for e in group]
    assert next(e for e in entries if e.subject == "wid.lib.retry.RetrySettings.timeout").done


def test_removed_field_is_reported_once_with_the_port_still_having_it(report):
    change = find(report, "field_removed", "wid.types.Gadget.legacy_code")
    assert change.cls == BREAKING
    assert (change.python.line_old, change.python.line_new) == (17, None)
    assert change.elixir is not None and change.elixir.present is True and change.elixir.field == "legacy_code"
    # Griffe reports the same removal; it is folded into ours, not listed twice
    assert not [c for c in report.changes if c.kind == "api_breaking" and "legacy_code" in (c.python.path or "")]


def test_added_field_is_missing_in_the_port(report):
    change = find(report, "field_added", "wid.types.Gadget.color")
    assert change.cls == BREAKING
    assert change.elixir is not None
    assert (change.elixir.module, change.elixir.field, change.elixir.present) == ("Wid.Types.Gadget", "color", False)


def test_griffe_breaking_change_and_added_parameter(report):
    removed = [c for c in report.changes if c.kind == "api_breaking"]
    assert [c.python.path for c in removed] == ["wid.lib.public.client.WidgetClient.close"]
    assert removed[0].summary.startswith("Parameter was removed")
    assert removed[0].old == "force: bool = False" and removed[0].cls == BREAKING
    assert removed[0].elixir is not None and removed[0].elixir.module == "Wid.WidgetClient"
    added = find(report, "parameter_added", "wid.lib.public.client.WidgetClient.sample")
    assert added.new == "n = 1" and added.cls == BREAKING
    # the port's module is there, the option is not: no function takes `n` or reads `:n`
    assert (added.elixir.module, added.elixir.field, added.elixir.present) == ("Wid.WidgetClient", "n", False)
    assert added.elixir.found_by == "no function of `Wid.WidgetClient` takes `n` or reads the option `:n`"


def test_behaviour_change_is_a_diff_mapped_to_the_config_module(report):
    change = find(report, "behaviour_changed", "wid._client.Wid.__init__")
    assert change.cls == BREAKING
    assert change.python.file == "src/wid/_client.py"
    assert change.diff is not None
    added = [line for line in change.diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert added == [
        '+        if not api_key.startswith("wid-"):',
        "+            raise ValueError(\"The api_key must start with 'wid-'\")",
    ]
    assert "@@ -4," in change.diff and " +4," in change.diff  # hunks numbered by the file's own lines
    assert change.elixir is not None and change.elixir.module == "Wid.Config"
    assert change.elixir.file == "lib/wid/config.ex"
    # the literals the change added, looked up in the port: the prefix is in the target's file, the message nowhere
    assert change.elixir.literals == [("wid-", "lib/wid/config.ex"), ("The api_key must start with 'wid-'", None)]


def test_docstring_only_change_in_a_function_is_documentation_not_behaviour(report):
    change = find(report, "doc_changed", "wid._client.Wid.close")
    assert change.cls == DOCUMENTATION
    assert (change.old, change.new) == ("Close the client.", "Close the client and forget the key.")
    paths = [c.python.path for c in report.changes if c.kind == "behaviour_changed"]
    assert "wid._client.Wid.close" not in paths


def test_reformatting_is_not_a_change(report):
    assert not [c for c in report.changes if c.python.path == "wid.lib.public.client.WidgetClient.reformat"]


def test_removing_a_statement_is_a_behaviour_change(report):
    change = find(report, "behaviour_changed", "wid.lib.public.client.WidgetClient.close")
    assert "-        del force" in change.diff.splitlines()
    # a public method's change lands on the port's function of that name, which `Wid.WidgetClient` lacks
    assert (change.elixir.module, change.elixir.present) == ("Wid.WidgetClient", False)
    assert change.elixir.found_by == "no public function `close` in `Wid.WidgetClient`"


def test_model_name_updates_in_docstring_and_docs(report):
    docstring = find(report, "model_name", file="src/wid/lib/public/client.py")
    assert docstring.cls == POLISH and docstring.audience == "user-facing"
    assert docstring.old == 'Example: `WidgetClient(base_model="Qwen/Qwen2.5-7B")`.'
    assert docstring.new == 'Example: `WidgetClient(base_model="Qwen/Qwen3-8B")`.'
    assert (docstring.python.line_old, docstring.python.line_new) == (4, 4)
    assert docstring.python.path == "wid.lib.public.client.WidgetClient"
    assert docstring.elixir is not None and docstring.elixir.module == "Wid.WidgetClient"
    assert docstring.elixir.outdated_lines == [3]
    docs = find(report, "model_name", file="docs/api/widgetclient.md")
    assert docs.python.line_new == 3 and "Qwen/Qwen3-8B" in (docs.new or "")
    assert docs.elixir is not None and docs.elixir.module == "Wid.WidgetClient"  # docs page named after the client
    readme = find(report, "model_name", file="README.md")
    assert (readme.old, readme.new, readme.audience) == (
        "Try `Qwen/Qwen2.5-7B`.",
        "Try `Qwen/Qwen3-8B`.",
        "user-facing",
    )
    assert readme.elixir is None  # no module to map a README to
    # a docstring whose only change is the model name is not also a documentation change
    assert not [c for c in report.changes if c.kind == "doc_changed" and c.python.path == docstring.python.path]


def test_elixir_leftovers_and_unchanged_things(report):
    assert [(o.file, o.line) for o in report.elixir_model_names] == [("lib/wid/widget_client.ex", 3)]
    assert not [c for c in report.changes if c.python.path == "wid.types.Gadget.gadget_id"]
    # the docs page changed more than its model name: it stays listed for a person to read
    assert [(f.file, f.status, f.compared) for f in report.other_files] == [
        ("docs/api/widgetclient.md", "modified", False),
        ("src/wid/lib/public/__init__.py", "modified", True),
        ("tests/test_wid.py", "added", False),
    ]
    assert report.old.ref and report.new.ref and report.old.ref != report.new.ref
    assert report.old.has_docs and report.new.has_docs


def test_summary_counts_and_ids(report):
    summary = report.summary()
    assert summary["by_class"] == {
        BREAKING: len(report.of_class(BREAKING)),
        DOCUMENTATION: len(report.of_class(DOCUMENTATION)),
        POLISH: 3,
    }
    assert summary["by_kind"]["behaviour_changed"] == 2
    assert "behaviour_changed:wid._client.Wid.__init__" in summary["breaking_functional"]
    ids = [c.id for c in report.changes]
    assert len(ids) == len(set(ids))
    classes = [c.cls for c in report.changes]
    assert classes == sorted(classes, key=[BREAKING, DOCUMENTATION, POLISH].index)


# ---- JSON, Markdown, CLI, site ----------------------------------------------------------------------


def schema() -> dict:
    return json.loads((resources.files("paritydocs") / "schemas" / "sync.schema.json").read_text(encoding="utf-8"))


def test_json_validates_against_the_schema_and_keeps_key_order(report):
    data = json.loads(report.dumps())
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    assert list(data)[:6] == ["title", "from", "to", "elixir", "changes", "summary"]
    assert list(data["changes"][0])[:10] == [
        "id",
        "class",
        "kind",
        "python",
        "old",
        "new",
        "diff",
        "elixir",
        "summary",
        "notes",
    ]
    broken = json.loads(report.dumps())
    broken["changes"][0]["class"] = "urgent"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema(), cls=jsonschema.Draft202012Validator)


def test_markdown_has_the_sections_of_the_seed(world, report):
    text = render_markdown(Renderer(world.settings), world.settings, report, title=report.title)
    for heading in (
        "# wid v1 → v2",
        "## Executive summary",
        "## Breaking / functional changes",
        "## Documentation changes",
        "## Model-name updates",
        "## Implementation checklist",
        "### High priority",
        "### Medium priority",
        "### Low priority",
        "## File mapping",
    ):
        assert f"\n{heading}" in "\n" + text, heading
    assert '<div class="pd-columns" markdown>' in text and '<div class="pd-col" markdown>' in text
    assert "> **[REVIEWED]** Port the docstring word for word." in text
    assert '+        if not api_key.startswith("wid-"):' in text
    assert "`\"The api_key must start with 'wid-'\"` **not in the port**" in text
    assert "- [ ] Port the behaviour change of `wid._client.Wid.__init__` → `Wid.Config`" in text
    assert "- [ ] Replace outdated model names: `Qwen/Qwen2.5-7B → Qwen/Qwen3-8B` in" in text
    assert "| `src/wid/types/gadget.py` | `lib/wid/types/gadget.ex` | `Wid.Types.Gadget` |" in text
    assert "| `tests/test_wid.py` | added |" in text
    assert (
        "Modules of the packages compared, nothing to report (imports, formatting, comments, private helpers'" in text
    )
    # old text is shown as it was: the outdated name stays on the "before" side
    assert 'WidgetClient(base_model="Qwen/Qwen2.5-7B")' in text
    # links: the Python revisions by commit (git trees: no prefix), the port at its configured ref
    assert f"https://example.invalid/wid/blob/{report.new.ref}/src/wid/_client.py#L" in text
    assert "https://example.invalid/wid_ex/blob/v1/lib/wid/config.ex" in text


def test_markdown_of_hostile_docstrings_is_inert(world, report):
    text = render_markdown(Renderer(world.settings), world.settings, report, title=report.title)
    out = markdown.markdown(text, extensions=["tables", "md_in_html", "attr_list", "pymdownx.superfences"])
    assert live_markup(out) == []
    assert "&lt;script&gt;" in out
    assert "7*7" in out and "Display name. 49" not in out  # template syntax in a docstring stays text


def test_template_is_overridable_by_name(world, report, tmp_path):
    custom = tmp_path / "templates"
    custom.mkdir()
    (custom / "sync.md.jinja").write_text(
        '{% extends "_base/sync.md.jinja" %}{% block checklist %}## Our own checklist{% endblock %}'
    )
    settings = load_settings(
        plugin_options(world.repo, world.ex_root, world.tmp, custom_templates=str(custom)),
        base_dir=world.tmp,
        environ={},
    )
    text = render_markdown(Renderer(settings), settings, report, title="t")
    assert "## Our own checklist" in text and "## Implementation checklist" not in text
    assert "## File mapping" in text


def write_mkdocs(world: World, tmp_path: Path) -> Path:
    import yaml

    config = tmp_path / "mkdocs.yml"
    options = plugin_options(world.repo, world.ex_root, world.tmp)
    config.write_text(yaml.safe_dump({"site_name": "t", "plugins": [{"paritydocs": options}]}), encoding="utf-8")
    return config


def test_cli_markdown_json_and_out(world, tmp_path, capsys):
    config = write_mkdocs(world, tmp_path)
    out_json, out_md = tmp_path / "sync.json", tmp_path / "sync.md"
    code = cli.main(
        [
            "sync",
            "--from",
            world.old,
            "--to",
            world.new,
            "--elixir",
            str(world.ex_root),
            "--config",
            str(config),
            "--format",
            "markdown",
            "--json",
            str(out_json),
            "--out",
            str(out_md),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.startswith(f"# {world.old} → {world.new}\n")
    assert out_md.read_text(encoding="utf-8") == captured.out
    data = json.loads(out_json.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    assert data["from"]["spec"] == world.old and data["to"]["ref"] == git(world.repo, "rev-parse", "HEAD")
    note = next(c for c in data["changes"] if c["id"] == "doc_added:wid.types.Gadget.base_model")
    assert note["notes"] == ["Port the docstring word for word."]
    # the Elixir tree named on the command line is the configured one: links may use elixir_repo.ref
    assert "https://example.invalid/wid_ex/blob/v1/" in captured.out


def test_cli_table_and_json_formats(world, tmp_path, capsys):
    config = write_mkdocs(world, tmp_path)
    assert cli.main(["sync", "--from", world.old, "--to", world.new, "--config", str(config)]) == 0
    table = capsys.readouterr().out
    assert "high    behaviour_changed" in table and "Wid.Config" in table
    assert cli.main(["sync", "--from", world.old, "--to", world.new, "--config", str(config), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)


def test_cli_unreachable_from_is_one_line_and_exit_2(world, tmp_path, capsys):
    config = write_mkdocs(world, tmp_path)
    missing = tmp_path / "no-such-repo"
    code = cli.main(
        [
            "sync",
            "--from",
            f"git:{missing}@v1",
            "--to",
            world.new,
            "--config",
            str(config),
            "--format",
            "markdown",
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"paritydocs: error: git:{missing}@v1: no such repository directory")


def test_cli_unknown_ref_is_one_line_and_exit_2(world, tmp_path, capsys):
    config = write_mkdocs(world, tmp_path)
    code = cli.main(["sync", "--from", f"git:{world.repo}@nope", "--to", world.new, "--config", str(config)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "unknown ref 'nope'" in err[0]


def test_tree_without_the_package_is_a_source_error(world, tmp_path):
    empty = tmp_path / "empty"
    (empty / "docs").mkdir(parents=True)
    with pytest.raises(SourceError) as err:
        build_sync_report(world.settings, str(empty), world.new, elixir=load_elixir(world.settings))
    assert "no Python package wid" in str(err.value)


def test_trees_without_docs_say_so(world, tmp_path):
    old = write_files(tmp_path / "old", {k: v for k, v in V1.items() if k.startswith("src/")})
    new = write_files(tmp_path / "new", {k: v for k, v in V2.items() if k.startswith("src/")})
    report = build_sync_report(world.settings, str(old), str(new), elixir=load_elixir(world.settings))
    assert not report.old.has_docs and not report.new.has_docs
    assert [w for w in report.warnings if "has no docs/ directory" in w]
    assert not [c for c in report.changes if c.python.file and c.python.file.startswith("docs/")]
    assert report.summary()["docs_dir"] == {"from": False, "to": False}
    find(report, "behaviour_changed", "wid._client.Wid.__init__")  # the code is still compared
    # a local tree has no known commit: no links to the Python repository for it
    text = render_markdown(Renderer(world.settings), world.settings, report, title="t")
    assert "https://example.invalid/wid/blob" not in text
    assert "has no `docs/` directory" in text


def test_what_the_targets_found_in_the_port_is_kept_by_content_and_never_stale(world):
    from paritydocs.sync.targets import code_of, holds_literal, numbers_of

    def searched_afresh() -> dict:
        for kept in (code_of, numbers_of, holds_literal):
            kept.cache_clear()
        return world.report().to_json()

    alone = searched_afresh()
    searches = holds_literal.cache_info().misses
    assert searches  # the fixture's changes add literals, looked up in the port
    assert world.report().to_json() == alone and holds_literal.cache_info().misses == searches  # nothing again
    config = world.ex_root / "lib" / "wid" / "config.ex"
    config.write_text(config.read_text().replace('"wid-"', '"widget-"'))
    edited = world.report().to_json()
    assert edited == searched_afresh() != alone  # the edited file is searched again: never stale


def site_report(settings: Settings):
    """The current pair's parity report, as the site has it (model names scanned, notes applied)."""
    from paritydocs.pipeline import Caches, build_report

    return build_report(settings, caches=Caches())


def test_site_pages_one_per_range_and_a_failing_range_does_not_break_the_site(world):
    broken = f"git:{world.tmp / 'gone'}@HEAD"
    settings = load_settings(
        plugin_options(
            world.repo,
            world.ex_root,
            world.tmp,
            sync_ranges=[
                {"from": world.old, "to": world.new, "title": "v1 → v2"},
                {"from": broken, "to": world.new},
            ],
        ),
        base_dir=world.tmp,
        environ={},
    )
    parity = site_report(settings)
    renderer = Renderer(settings)
    pages, outputs = sync_site_pages(settings, parity, renderer, None)
    assert {p.section for p in pages} == {"Sync reports"} and all(p.keep_model_names for p in pages)
    good, *files, failed = pages
    assert good.path == renderer.path("sync/v1-v2/index.md") and good.title == "v1 → v2"
    assert files and {p.group for p in (good, *files)} == {"v1 → v2"}
    assert all(p.path.startswith(renderer.path("sync/v1-v2/")) and p.path.endswith(".md") for p in files)
    whole = render_markdown(renderer, settings, world.report(title="v1 → v2"), title="v1 → v2", page_path=good.path)
    by_file = dict(world.report(title="v1 → v2").by_file())
    assert [p.title for p in files] == sorted(by_file)  # a page per Python file with changes, sorted
    for page in files:  # each holds its file's changes in full, linked from the range's page and back to it
        assert f"[{page.title}]({page.path.rsplit('/', 1)[1]})" in good.content
        assert "](index.md)" in page.content
        assert page.content.count("- **Python:** ") == len(by_file[page.title].changes)
    # the range's pages hold what `paritydocs sync --format markdown` shows on one page, each line once or more
    shown = "\n".join(p.content for p in (good, *files))
    assert [line for line in whole.splitlines() if line not in shown] == []
    assert "#### " not in good.content and "```diff" not in good.content  # the changes in full are on file pages
    assert "Qwen/Qwen2.5-7B" in shown  # the before side keeps the old name
    notes = [p for p in files if "> **[REVIEWED]** Port the docstring word for word." in p.content]
    assert len(notes) == 1  # notes from the site's report, on the page of the file they are about
    assert list(outputs) == ["sync-v1-v2.json"]
    jsonschema.validate(json.loads(outputs["sync-v1-v2.json"]), schema(), cls=jsonschema.Draft202012Validator)
    assert failed.title == f"{broken} → {world.new}" and failed.path.startswith(renderer.path("sync/"))
    assert failed.path.endswith("/index.md") and failed.group == failed.title
    assert "could not be generated" in failed.content and broken in failed.content
    assert "no such repository directory" in failed.content and "**Fix:** check the path" in failed.content
    assert [w for w in parity.warnings if broken in w]


def test_file_page_names_are_unique_in_their_folder_case_folded():
    from paritydocs.render.sync import _file_page_name

    taken = {"index.md"}  # the range's page
    names = [_file_page_name(f, taken) for f in ("pkg/a.py", "pkg/A.py", "index.py", "docs/x y.md", "")]
    assert names == ["pkg.a.md", "pkg.A-2.md", "index-2.md", "docs.x-y.md", "changes.md"]


def test_an_override_of_the_breaking_block_changes_the_one_page_report_and_the_file_pages(world, tmp_path):
    templates = tmp_path / "overrides"
    templates.mkdir()
    (templates / "sync.md.jinja").write_text(
        '{% extends "_base/sync.md.jinja" %}{% block breaking %}OUR BREAKING SECTION{% endblock %}\n'
    )
    options = plugin_options(
        world.repo, world.ex_root, world.tmp, sync_ranges=[{"from": world.old, "to": world.new, "slug": "own"}]
    )
    settings = load_settings({**options, "custom_templates": str(templates)}, base_dir=world.tmp, environ={})
    renderer = Renderer(settings)
    pages, _ = sync_site_pages(settings, site_report(settings), renderer, None)
    index, *files = pages
    report = world.report(title="own")
    breaking_files = {c.python.file for c in report.of_class("breaking/functional")}
    assert breaking_files and "OUR BREAKING SECTION" not in index.content
    assert {p.title for p in files if "OUR BREAKING SECTION" in p.content} == breaking_files
    assert "OUR BREAKING SECTION" in render_markdown(renderer, settings, report, title="own")


def test_site_build_calls_the_sync_pages(world):
    """site.py builds the sync pages through `sync_site_pages` and keeps their old model names."""
    from paritydocs import site

    settings = load_settings(
        plugin_options(
            world.repo, world.ex_root, world.tmp, sync_ranges=[{"from": world.old, "to": world.new, "slug": "first"}]
        ),
        base_dir=world.tmp,
        environ={},
    )
    parity = site_report(settings)
    pages, outputs = site._sync_pages(settings, parity, Renderer(settings), None)
    assert pages[0].path == Renderer(settings).path("sync/first/index.md") and len(pages) > 1
    assert all(p.path.startswith(Renderer(settings).path("sync/first/")) for p in pages)
    assert pages[0].title == f"{world.old} → {world.new}" and pages[0].section == "Sync reports"
    assert list(outputs) == ["sync-first.json"]


def test_works_after_mkdocstrings_patched_griffes_logger(world, tmp_path):
    """In `mkdocs serve`, mkdocstrings has replaced Griffe's logger by an adapter without `level` by the time the
    sync pages are rebuilt; `griffe.logger.disable()` alone would raise AttributeError."""
    import logging

    import griffe

    old = write_files(tmp_path / "old", {k: v for k, v in V1.items() if k.startswith("src/")})
    new = write_files(tmp_path / "new", {k: v for k, v in V2.items() if k.startswith("src/")})
    facade = griffe.logger
    saved = facade._logger
    facade._logger = logging.LoggerAdapter(logging.getLogger("mkdocs.plugins.griffe"), {})
    try:
        report = build_sync_report(world.settings, str(old), str(new), elixir=load_elixir(world.settings))
        assert facade._logger is not saved  # left as mkdocstrings set it
    finally:
        facade._logger = saved
    find(report, "behaviour_changed", "wid._client.Wid.__init__")


# ---- constants: changed, added, removed; the same range against the port before and after it caught up ------

LIMITS_V1 = '''
    MAX_CHUNK_LEN = 128
    """Items in one request."""
    UPLOAD_TIMEOUT = 30.0
    LEGACY_LIMIT = 7
    '''
LIMITS_V2 = '''
    MAX_CHUNK_LEN = 1024
    """Items in one request."""
    UPLOAD_TIMEOUT = 30.0
    MAX_CHUNK_BYTES = 5_000_000
    '''
PORT_BEFORE = """
    defmodule Wid.Uploads.Chunker do
      @moduledoc "Splits uploads."
      @max_chunk_len 128
      @upload_timeout_ms 30_000
      @legacy_limit 7
    end
    """
PORT_AFTER = """
    defmodule Wid.Uploads.Chunker do
      @moduledoc "Splits uploads."
      @max_chunk_len 1024
      @max_chunk_bytes 5_000_000
      @upload_timeout_ms 30_000
    end
    """


@pytest.fixture(scope="module")
def limits_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    tmp = tmp_path_factory.mktemp("limits")
    repo = tmp / "wid"
    write_files(repo, {**V1, "src/wid/lib/limits.py": LIMITS_V1})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    write_files(repo, {**V2, "src/wid/lib/limits.py": LIMITS_V2})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v2")
    ex_root = write_files(tmp / "wid_ex", {**ELIXIR, "lib/wid/uploads/chunker.ex": PORT_BEFORE})
    (tmp / "notes.yml").write_text(textwrap.dedent(NOTES), encoding="utf-8")
    settings = load_settings(plugin_options(repo, ex_root, tmp), base_dir=tmp, environ={})
    return World(tmp, repo, ex_root, settings, f"git:{repo}@HEAD~1", f"git:{repo}@HEAD")


def _constant_changes(report: SyncReport) -> dict[str, Change]:
    return {c.python.path: c for c in report.changes if c.kind.startswith("constant_")}


def test_constants_changed_added_and_removed_with_their_values_and_targets(limits_world):
    changes = _constant_changes(limits_world.report())
    assert {path: c.kind for path, c in changes.items()} == {
        "wid.lib.limits.MAX_CHUNK_LEN": "constant_changed",
        "wid.lib.limits.MAX_CHUNK_BYTES": "constant_added",
        "wid.lib.limits.LEGACY_LIMIT": "constant_removed",
    }
    changed = changes["wid.lib.limits.MAX_CHUNK_LEN"]
    assert (changed.old, changed.new, changed.cls) == ("128", "1024", BREAKING)
    assert changed.summary == "Constant `wid.lib.limits.MAX_CHUNK_LEN` changed: `128` → `1024`"
    target = changed.elixir
    assert (target.module, target.field, target.default, target.matches) == (
        "Wid.Uploads.Chunker",
        "@max_chunk_len",
        "128",
        False,
    )
    assert (target.file, target.line, target.found_by) == ("lib/wid/uploads/chunker.ex", 3, "constant name")
    added = changes["wid.lib.limits.MAX_CHUNK_BYTES"]
    assert added.new == "5000000" and not added.elixir.present
    assert added.elixir.found_by == (
        "no Elixir constant named `max_chunk_bytes` (with or without `default_`, `python_` or a unit)"
    )
    removed = changes["wid.lib.limits.LEGACY_LIMIT"]
    assert removed.old == "7" and removed.elixir.present and removed.elixir.matches is None  # the port still has it
    # an unchanged constant is no change, and a constant's change is not listed again as code
    assert "wid.lib.limits.UPLOAD_TIMEOUT" not in changes
    assert not [
        c for c in limits_world.report().changes if c.kind == "behaviour_changed" and "limits" in (c.python.path or "")
    ]


def test_the_same_range_against_the_port_that_caught_up_shows_it_done(limits_world, tmp_path):
    ex_after = write_files(tmp_path / "wid_ex_after", {**ELIXIR, "lib/wid/uploads/chunker.ex": PORT_AFTER})
    settings = load_settings(
        plugin_options(limits_world.repo, ex_after, limits_world.tmp), base_dir=limits_world.tmp, environ={}
    )
    report = build_sync_report(
        settings, limits_world.old, limits_world.new, elixir=load_elixir(settings), notes=load_notes(settings.notes)
    )
    changes = _constant_changes(report)
    assert changes["wid.lib.limits.MAX_CHUNK_LEN"].elixir.matches is True
    assert changes["wid.lib.limits.MAX_CHUNK_BYTES"].elixir.matches is True
    assert not changes["wid.lib.limits.LEGACY_LIMIT"].elixir.present  # removed in the port too
    page = render_markdown(Renderer(settings), settings, report, title="t")
    assert "holds the new value: **done**" in page
    json_report = report.to_json()
    assert any(c["elixir"] and c["elixir"].get("matches") is True for c in json_report["changes"])
    jsonschema.validate(json_report, schema())
    jsonschema.validate(limits_world.report().to_json(), schema())


def test_a_git_range_says_which_commit_made_each_change(tmp_path):
    """Three commits: the limit raised, then a constant added; each change under its commit, and the commit
    that changed only a test file listed with that file."""
    repo = tmp_path / "wid"
    write_files(repo, {**V1, "src/wid/lib/limits.py": LIMITS_V1})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    write_files(repo, {"src/wid/lib/limits.py": LIMITS_V1.replace("= 128", "= 1024")})
    git(repo, "commit", "-q", "-am", "raise the chunk limit")
    write_files(repo, {"tests/test_x.py": "def test_x():\n    pass\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a test")
    final = LIMITS_V1.replace("= 128", "= 1024").replace("    LEGACY_LIMIT = 7\n", "") + "NEW_LIMIT = 9\n"
    write_files(repo, {"src/wid/lib/limits.py": final})
    git(repo, "commit", "-q", "-am", "add a limit; drop the legacy one")
    ex_root = write_files(tmp_path / "wid_ex", {**ELIXIR, "lib/wid/uploads/chunker.ex": PORT_BEFORE})
    (tmp_path / "notes.yml").write_text("[]\n", encoding="utf-8")
    settings = load_settings(plugin_options(repo, ex_root, tmp_path), base_dir=tmp_path, environ={})
    report = build_sync_report(settings, f"git:{repo}@HEAD~3", f"git:{repo}@HEAD", elixir=load_elixir(settings))
    subjects = {c.sha: c.subject for c in report.commits}
    assert list(subjects.values()) == ["raise the chunk limit", "a test", "add a limit; drop the legacy one"]
    changes = _constant_changes(report)
    assert subjects[changes["wid.lib.limits.MAX_CHUNK_LEN"].commit] == "raise the chunk limit"
    assert changes["wid.lib.limits.MAX_CHUNK_LEN"].commit_by == "line"
    assert subjects[changes["wid.lib.limits.NEW_LIMIT"].commit] == "add a limit; drop the legacy one"
    removed = changes["wid.lib.limits.LEGACY_LIMIT"]  # no line at the new revision: found by its name
    assert (subjects[removed.commit], removed.commit_by) == ("add a limit; drop the legacy one", "text")
    page = render_markdown(Renderer(settings), settings, report, title="t")
    assert "## By commit" in page and "No change of this report; it changed: `tests/test_x.py`." in page
    data = report.to_json()
    jsonschema.validate(data, schema())
    assert [len(c["changes"]) for c in data["commits"]] == [1, 0, 2]


def test_a_string_the_port_holds_elsewhere_is_found_and_gives_a_change_its_target(tmp_path):
    """A new log message in a Python helper no type or client maps: the port already has it in another module."""
    base = {"src/wid/lib/helpers.py": "def warn_big(n):\n    return None\n"}
    helper = 'def warn_big(n):\n    if n > 3:\n        print("chunk too big for one request")\n'
    port = {
        "lib/wid/uploads/chunker.ex": 'defmodule Wid.Uploads.Chunker do\n  @moduledoc "Splits."\n'
        '  def warn(n) when n > 3, do: IO.puts("chunk too big for one request")\nend\n',
        # the same words in a doc's example and a comment only: not the code, not a place the change landed
        "lib/wid/a_docs.ex": 'defmodule Wid.ADocs do\n  @moduledoc """\n  Logs "chunk too big for one request".\n'
        '  """\n  # "chunk too big for one request"\nend\n',
    }
    change_files = {"src/wid/lib/helpers.py": helper}
    report, _ = one_commit_range(tmp_path, base, change_files, port, behaviour_modules=["wid.lib.helpers"])
    change = find(report, "behaviour_changed", "wid.lib.helpers.warn_big")
    target = change.elixir
    assert (target.module, target.found_by) == ("Wid.Uploads.Chunker", "the strings the change added")
    assert target.literals == [("chunk too big for one request", "lib/wid/uploads/chunker.ex")]
    from paritydocs.render.sync import sync_checklist

    entries = [e for _, _, group in sync_checklist(report) for e in group]
    assert next(e for e in entries if e.subject == "wid.lib.helpers.warn_big").done  # its one string is ported


def test_numbers_the_change_added_are_searched_across_the_port(tmp_path):
    """A new byte threshold (`128 * 1024`, one number) in a helper no type maps: the port has it in another module,
    written its own way; a common number (`300`, an HTTP status as often as a duration) is not looked for. A new
    constant the port holds under another name is pointed at by its value, never ticked done."""
    base = {"src/wid/lib/helpers.py": "def backoff(n):\n    return 1\n", "src/wid/lib/limits.py": LIMITS_V1}
    helper = "def backoff(n):\n    if n > 300:\n        return 2\n    return 1 if n <= 128 * 1024 else 5\n"
    port = {
        "lib/wid/uploads/chunker.ex": PORT_BEFORE.replace("@legacy_limit 7", "@byte_budget 5_000_000"),
        "lib/wid/uploads/backoff.ex": 'defmodule Wid.Uploads.Backoff do\n  @moduledoc "Waits."\n'
        "  def seconds(bytes) when bytes <= 131_072, do: 1\n  def seconds(_), do: 5\nend\n",
    }
    change = {"src/wid/lib/helpers.py": helper, "src/wid/lib/limits.py": LIMITS_V2}
    report, settings = one_commit_range(tmp_path, base, change, port, behaviour_modules=["wid.lib.helpers"])
    target = find(report, "behaviour_changed", "wid.lib.helpers.backoff").elixir
    assert (target.module, target.found_by) == ("Wid.Uploads.Backoff", "the numbers the change added")
    assert target.numbers == [("128 * 1024", "lib/wid/uploads/backoff.ex")] and target.literals == []
    constant = find(report, "constant_added", "wid.lib.limits.MAX_CHUNK_BYTES")
    assert constant.elixir.present is False and constant.elixir.matches is None
    assert constant.elixir.found_by.endswith("; `@byte_budget` of `Wid.Uploads.Chunker` holds its value 5000000")
    assert constant.elixir.numbers == [("5000000", "lib/wid/uploads/chunker.ex")]
    page = render_markdown(Renderer(settings), settings, report, title="t")
    assert "number `128 * 1024` in the port" in page
    data = report.to_json()
    jsonschema.validate(data, schema())


EXCEPTIONS_V1 = """
class WidError(Exception):
    pass


class StatusError(WidError):
    def __init__(self, message, *, status):
        super().__init__(message)
        self.status = status
"""
EXCEPTIONS_V2 = """
class WidError(Exception):
    pass


class StatusError(WidError):
    def __init__(self, message, *, status, body, request_id=None):
        super().__init__(message)
        self.status = status
        self.body = body
        self.request_id = request_id

    def __reduce__(self):
        return (type(self), (str(self),), {"status": self.status})


class SidecarError(WidError):
    \"\"\"The sidecar failed.\"\"\"
"""


def test_an_exceptions_constructor_change_lands_on_the_module_the_module_map_names(tmp_path):
    """A private `_exceptions` module the package re-exports: a required argument (Griffe's breakage, through the
    public alias), an optional one, `__reduce__` (a special method is API: pickling) and a new exception class,
    each on the port's one error module by `module_map`."""
    init = COMMON["src/wid/__init__.py"].rstrip() + (
        '\n        from ._exceptions import StatusError, WidError\n\n        __all__ = ["StatusError", "WidError"]\n'
    )
    base = {"src/wid/__init__.py": init, "src/wid/_exceptions.py": EXCEPTIONS_V1}
    port = {
        "lib/wid/error.ex": 'defmodule Wid.Error do\n  @moduledoc "Errors."\n  defstruct [:message, :status]\nend\n',
    }
    change = {"src/wid/_exceptions.py": EXCEPTIONS_V2}
    report, _ = one_commit_range(tmp_path, base, change, port, module_map={"wid._exceptions": "Wid.Error"})
    init_path = "wid._exceptions.StatusError.__init__"
    required = find(report, "api_breaking", init_path)
    assert "Parameter was added as required" in required.summary and "body" in (required.new or "")
    assert find(report, "parameter_added", init_path).new == "request_id = None"
    reduce = find(report, "function_added", "wid._exceptions.StatusError.__reduce__")
    assert reduce.new == "__reduce__(self)" and reduce.elixir.present is False
    assert "special method" in reduce.elixir.found_by
    sidecar = find(report, "class_added", "wid._exceptions.SidecarError")
    for change in (required, sidecar):
        assert change.elixir.module == "Wid.Error"
        assert change.elixir.found_by.startswith("`module_map`: `wid._exceptions` → `Wid.Error`")
    # where a new class lands is not a sign the port has it
    assert sidecar.elixir.present is False and sidecar.elixir.found_by.endswith("(no `SidecarError` in it)")
    jsonschema.validate(report.to_json(), schema())


def test_additions_anywhere_in_the_package_and_other_files_classified(tmp_path):
    base = {
        "src/wid/_exceptions.py": "class WidError(Exception):\n    pass\n",
        "pyproject.toml": '[project]\nname = "wid"\nversion = "1.0"\n',
    }
    report, _ = one_commit_range(
        tmp_path,
        base,
        {
            "src/wid/_exceptions.py": (
                'class WidError(Exception):\n    pass\n\n\nclass SidecarError(WidError):\n    """The sidecar failed."""\n'
            ),
            "src/wid/lib/queue_logger.py": "def log_state(state):\n    return state\n",
            "src/wid/lib/queue_logger_test.py": "def test_log_state():\n    pass\n",
            "tests/test_more.py": "def test_more():\n    pass\n",
            "pyproject.toml": '[project]\nname = "wid"\nversion = "1.1"\n',
        },
        {"lib/wid/queue_logger.ex": 'defmodule Wid.QueueLogger do\n  @moduledoc "Logs queue states."\nend\n'},
    )
    added = {c.python.path: c for c in report.changes if c.kind in ("class_added", "module_added", "function_added")}
    assert set(added) == {"wid._exceptions.SidecarError", "wid.lib.queue_logger"}  # a test module is no API
    assert added["wid._exceptions.SidecarError"].new == "The sidecar failed."
    queue = added["wid.lib.queue_logger"].elixir
    assert (queue.module, queue.found_by) == ("Wid.QueueLogger", "a module named `QueueLogger`")
    others = {f.file: (f.compared, f.category, f.note) for f in report.other_files}
    assert others["tests/test_more.py"] == (False, "tests", None)
    assert others["pyproject.toml"] == (False, "packaging", "version 1.0 → 1.1")
    jsonschema.validate(report.to_json(), schema())


def test_a_new_function_is_present_only_when_the_port_defines_it_and_done_items_are_ticked(limits_world, tmp_path):
    from paritydocs.render.sync import sync_checklist

    report = limits_world.report()
    new_functions = [c for c in report.changes if c.kind == "function_added"]
    for change in new_functions:
        assert change.elixir is None or change.elixir.found_by  # the function itself was looked for
    ex_after = write_files(tmp_path / "wid_ex_after", {**ELIXIR, "lib/wid/uploads/chunker.ex": PORT_AFTER})
    settings = load_settings(
        plugin_options(limits_world.repo, ex_after, limits_world.tmp), base_dir=limits_world.tmp, environ={}
    )
    after = build_sync_report(settings, limits_world.old, limits_world.new, elixir=load_elixir(settings))

    def ticked(rep):
        (_, _, high), *_ = sync_checklist(rep)
        return {e.subject for e in high if e.done}

    assert "wid.lib.limits.MAX_CHUNK_LEN" not in ticked(report)  # still 128 in the port
    assert {"wid.lib.limits.MAX_CHUNK_LEN", "wid.lib.limits.MAX_CHUNK_BYTES", "wid.lib.limits.LEGACY_LIMIT"} <= ticked(
        after
    )
    page = render_markdown(Renderer(settings), settings, after, title="t")
    assert "- [x] Update the constant `wid.lib.limits.MAX_CHUNK_LEN`" in page


def test_a_new_init_is_never_ticked_done():
    from paritydocs.render.sync import _done
    from paritydocs.sync import ElixirTarget, PythonLocation

    target = ElixirTarget(module="Wid.Types.Gadget", file="lib/g.ex", line=1, present=True)
    init = Change(
        "function_added", PythonLocation("wid.types.gadget.Gadget.__init__", "g.py"), "New function", elixir=target
    )
    method = Change(
        "function_added", PythonLocation("wid.types.gadget.Gadget.paint", "g.py"), "New function", elixir=target
    )
    assert (_done(init), _done(method)) == (False, True)


def test_code_changed_outside_behaviour_modules_is_listed_by_function(tmp_path):
    base = "def poll(n):\n    return n\n\n\ndef keep():\n    return 1\n\n\ndef _old_helper():\n    return 2\n"
    changed = (
        "def poll(n):\n    return n + 1\n\n\ndef keep():\n    return 1  # same code\n\n\ndef _rate(n):\n    return n\n"
    )
    polling = "src/wid/lib/polling.py"
    report, settings = one_commit_range(tmp_path, {polling: base}, {polling: changed})
    (status,) = [f for f in report.other_files if f.file == "src/wid/lib/polling.py"]
    # a comment is no code change; private helpers added or removed are named (public ones are items)
    assert (status.compared, status.code_changed) == (True, ["_old_helper (removed)", "_rate (new)", "poll"])
    page = render_markdown(Renderer(settings), settings, report, title="t")
    assert "| `src/wid/lib/polling.py` | `_old_helper (removed)`, `_rate (new)`, `poll` |" in page
    jsonschema.validate(report.to_json(), schema())


def test_a_git_range_whose_commits_cannot_be_listed_says_so(limits_world, monkeypatch):
    import paritydocs.sync as sync_module

    monkeypatch.setattr(sync_module, "range_history", lambda *args: None)
    monkeypatch.setattr(sync_module, "_DIFF_CACHE", type(sync_module._DIFF_CACHE)())  # compared again, here
    monkeypatch.setenv("PARITYDOCS_NO_CACHE", "1")
    report = limits_world.report()
    assert all(c.commit is None for c in report.changes) and report.commits == []
    assert report.warnings[-1].endswith(": git could not list the commits; changes are not attributed")


# ---- the Python half kept across runs --------------------------------------------------------------


def test_a_second_run_reads_the_python_half_from_the_cache_and_says_the_same(limits_world, monkeypatch):
    """No timings: a warm run loads no revision and its report is the cold run's, JSON for JSON."""
    import paritydocs.sync as sync_module

    monkeypatch.setattr(sync_module, "_DIFF_CACHE", type(sync_module._DIFF_CACHE)())
    shutil.rmtree(limits_world.tmp / "cache" / "extraction" / "sync", ignore_errors=True)
    cold = limits_world.report().to_json()
    assert len(list((limits_world.tmp / "cache" / "extraction" / "sync").glob("*.json"))) == 1

    def no_loading(*args: object) -> None:
        raise AssertionError("the revision was loaded again")

    monkeypatch.setattr(sync_module, "_DIFF_CACHE", type(sync_module._DIFF_CACHE)())
    monkeypatch.setattr(sync_module, "load_tree", no_loading)
    monkeypatch.setattr(sync_module, "range_history", no_loading)
    assert limits_world.report().to_json() == cold  # commits and attribution included


def test_an_edited_local_tree_or_a_damaged_entry_is_compared_again(limits_world, tmp_path, monkeypatch):
    import paritydocs.sync as sync_module

    old = tmp_path / "old"
    new = tmp_path / "new"
    write_files(old, {**V1, "src/wid/lib/limits.py": LIMITS_V1})
    write_files(new, {**V2, "src/wid/lib/limits.py": LIMITS_V2})
    settings = limits_world.settings

    def report() -> SyncReport:
        monkeypatch.setattr(sync_module, "_DIFF_CACHE", type(sync_module._DIFF_CACHE)())
        return build_sync_report(settings, str(old), str(new), elixir=load_elixir(settings))

    first = _constant_changes(report())["wid.lib.limits.MAX_CHUNK_LEN"]
    assert first.new == "1024"
    # the same size, another value: a key of sizes and times could miss this edit, a content key cannot
    write_files(new, {"src/wid/lib/limits.py": LIMITS_V2.replace("= 1024", "= 2048")})
    assert _constant_changes(report())["wid.lib.limits.MAX_CHUNK_LEN"].new == "2048"
    for entry in (limits_world.tmp / "cache" / "extraction" / "sync").glob("*.json"):
        entry.write_bytes(entry.read_bytes()[:-40])  # cut short: its checksum no longer holds
    assert _constant_changes(report())["wid.lib.limits.MAX_CHUNK_LEN"].new == "2048"
    monkeypatch.setenv("PARITYDOCS_NO_CACHE", "1")
    write_files(new, {"src/wid/lib/limits.py": LIMITS_V2.replace("= 1024", "= 4096")})
    assert _constant_changes(report())["wid.lib.limits.MAX_CHUNK_LEN"].new == "4096"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, False),
        (60, False),
        (128, False),
        (300, False),
        (1000, False),
        (1024, False),
        (5000, False),
        (254, True),
        (30_000, True),
        (131_072, True),
        (5_000_000, True),
        (0.25, True),
        (0.5, False),
        (True, False),
    ],
)
def test_which_numbers_are_distinctive(value, expected):
    from paritydocs.sync.codediff import distinctive

    assert distinctive(value) is expected


def test_added_numbers_leave_out_strings_comments_and_numbers_the_old_code_had():
    from paritydocs.sync.codediff import added_numbers, elixir_numbers

    diff = "\n".join(
        [
            "--- a/x.py",
            "+++ b/x.py",
            '+    log("waited 4242 s")  # 777 tries',
            "-    limit = 65_536",
            "+    limit = 65_536",
            "+    budget = 5_000_000 if big else 2.5e-3",
            "+    mask = 128 * 1024",
        ]
    )
    assert added_numbers(diff) == ["5_000_000", "2.5e-3", "128 * 1024"]
    assert elixir_numbers("@budget 5_000_000\n@mask 128 * 1024\n@f 1.5e3") == {5_000_000, 131_072, 1500}


def test_string_literals_match_whole_strings_atoms_and_interpolations():
    from paritydocs.sync.targets import literal_pattern

    assert not literal_pattern("params").search('x = "query_params"')  # a short literal is a whole string
    assert all(literal_pattern("params").search(t) for t in ('"params" => p', "opts[:params]", "%{params: 1}"))
    message = literal_pattern("Training is paused for {model_id}: {reason}")
    assert message.search('Logger.info("Training is paused for #{id}: #{why}")')  # an f-string's placeholders
    assert not message.search('"Sampling is paused for #{id}"')


def test_a_literal_is_looked_for_in_the_targets_file_first_then_in_every_file_by_path(tmp_path):
    from paritydocs.sync.targets import ElixirIndex, holds_literal

    files = {
        "lib/a.ex": 'x = "shared text here"\np = "params"\n',
        "lib/b.ex": '@moduledoc """\nshared text here\n"""\ny = "the end of b"\n',  # in a doc only
        "lib/c.ex": 'z = "shared text here"\nw = "only in c, long enough"\n',
        "lib/d.ex": '"of d"\n',
        "lib/no_module.ex": 'v = "only in a file of no module"\n',
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    index = object.__new__(ElixirIndex)  # the attributes the lookup reads, without a whole report
    index.root, index.texts, index._holdings = tmp_path, {}, None
    index.files = ["lib/a.ex", "lib/b.ex", "lib/c.ex", "lib/d.ex"]  # the files that define a module, by path
    assert index.literal_file("shared text here", None) == "lib/a.ex"
    assert index.literal_file("shared text here", "lib/c.ex") == "lib/c.ex"  # the target's file first
    assert index.literal_file("shared text here", "lib/b.ex") == "lib/a.ex"  # a doc is not code
    assert index.literal_file("only in c, long enough", None) == "lib/c.ex"
    assert index.literal_file('the end of b"\n"of d', None) is None  # never across two files
    assert index.literal_file("only in a file of no module", None) is None
    assert index.literal_file("only in a file of no module", "lib/no_module.ex") == "lib/no_module.ex"
    assert index.literal_file("nowhere at all", "lib/a.ex") is None
    assert index.literal_file("params", None) == "lib/a.ex"
    # what was found is kept by the files' content: an index made after an edit searches the edited files again
    # and no other
    searches = holds_literal.cache_info().misses
    (tmp_path / "lib/a.ex").write_text('x = "other text"\np = "query_params"\n')  # `params` is no string now
    (tmp_path / "lib/d.ex").write_text('"of d"\nu = "only in c, long enough"\n')
    again = object.__new__(ElixirIndex)
    again.root, again.texts, again._holdings, again.files = tmp_path, {}, None, index.files
    assert again.literal_file("shared text here", None) == "lib/c.ex"
    assert again.literal_file("shared text here", "lib/b.ex") == "lib/c.ex"
    assert again.literal_file("only in c, long enough", "lib/d.ex") == "lib/d.ex"
    assert again.literal_file("only in c, long enough", None) == "lib/c.ex"
    assert again.literal_file("params", None) is None
    assert (
        holds_literal.cache_info().misses == searches + 2
    )  # d's and a's new code; c's was searched for both literals before
    # which files hold each string was carried over from the index before, the two edited files searched again
    assert index._holdings is not None and again._holdings is not None
    assert index._holdings.searches > 0 and again._holdings.searches == 0
    assert again._holdings.holding("params") == frozenset({"lib/a.ex"})  # `"query_params"` holds the text
    assert again._holdings.holding("only in c, long enough") == frozenset({"lib/c.ex", "lib/d.ex"})
    assert again._holdings.holding("shared text here") == frozenset({"lib/c.ex"})  # b has it in a doc, a no more
    third = object.__new__(ElixirIndex)  # nothing changed since: the same holdings
    third.root, third.texts, third._holdings, third.files = tmp_path, {}, None, index.files
    assert third.literal_file("params", None) is None and third._holdings is again._holdings


def test_a_class_named_like_a_port_module_lands_there_and_its_files_other_code_changes_are_listed(tmp_path):
    """`QueueObserver.on_change` gains a parameter: it lands on the port's `Wid.QueueObserver` (by the class's
    name, stronger than the file), and the same file's changed helper, which no item shows, is still listed."""
    observer = (
        "class QueueObserver:\n    def on_change(self, state):\n        return state\n\n\n"
        "def _helper(x):\n    return x\n"
    )
    changed = observer.replace("on_change(self, state)", "on_change(self, state, reason=None)").replace(
        "return x", "return x + 1"
    )
    port = {
        "lib/wid/queue_observer.ex": 'defmodule Wid.QueueObserver do\n  @moduledoc "Observes."\n'
        "  def on_change(state, opts \\\\ []), do: {state, Keyword.get(opts, :reason)}\nend\n",
    }
    observed = "src/wid/lib/observer.py"
    report, _ = one_commit_range(tmp_path, {observed: observer}, {observed: changed}, port)
    target = find(report, "parameter_added", "wid.lib.observer.QueueObserver.on_change").elixir
    assert (target.module, target.field, target.present) == ("Wid.QueueObserver", "reason", True)
    assert target.found_by == "the option `:reason` that `on_change/2` of `Wid.QueueObserver` reads"
    (listed,) = [f for f in report.other_files if f.file == "src/wid/lib/observer.py"]
    assert (listed.has_changes, listed.code_changed) == (True, ["_helper"])
    jsonschema.validate(report.to_json(), schema())


def test_a_module_at_the_same_path_in_the_port_is_the_target_of_what_nothing_else_maps(tmp_path):
    """`wid/cli/commands/run.py` ↔ `lib/wid/cli/commands/run.ex`: the CLI's changes land on its twin, a new
    constant there too (missing, with where it would go)."""
    run = "def list_runs(limit=10):\n    return limit\n"
    base = {"src/wid/cli/__init__.py": "", "src/wid/cli/commands/__init__.py": "", "src/wid/cli/commands/run.py": run}
    run2 = 'DEFAULT_COLUMNS = ["id", "status"]\n\n\ndef list_runs(limit=10, columns=None):\n    return limit\n'
    port = {"lib/wid/cli/commands/run.ex": 'defmodule Wid.CLI.Commands.Run do\n  @moduledoc "Runs."\nend\n'}
    report, _ = one_commit_range(tmp_path, base, {"src/wid/cli/commands/run.py": run2}, port)
    added = find(report, "parameter_added", "wid.cli.commands.run.list_runs").elixir
    assert (added.module, added.present) == ("Wid.CLI.Commands.Run", False)
    constant = find(report, "constant_added", "wid.cli.commands.run.DEFAULT_COLUMNS").elixir
    assert (constant.module, constant.file, constant.present) == (
        "Wid.CLI.Commands.Run",
        "lib/wid/cli/commands/run.ex",
        False,
    )
    assert constant.found_by.endswith("the same path in the port: `lib/wid/cli/commands/run.ex`")


def test_the_sync_checklist_has_one_item_per_elixir_file_and_action():
    from paritydocs.render.sync import ChecklistEntry, _by_file_and_action

    def entry(subject: str, done: bool, module: str | None = "Wid.Rest", action: str = "Add the new parameter to"):
        file = "lib/wid/rest.ex" if module else None
        return ChecklistEntry(action, subject, module, file, None, state="s", done=done)

    merged = _by_file_and_action(
        [entry("a.get", True), entry("a.list", False), entry("b.new", False, None), entry("a.x", True, action="Port")]
    )
    assert [(e.action, e.module, len(e.children), e.done, e.state) for e in merged] == [
        ("Add the new parameter to", "Wid.Rest", 2, False, "2 changes, 1 done"),
        ("Add the new parameter to", None, 0, False, "s"),  # no Elixir place: the change alone
        ("Port", "Wid.Rest", 0, True, "s"),
    ]
    assert [c.subject for c in merged[0].children] == ["a.get", "a.list"]


def _site_with_a_range(world, tmp_path: Path, slug: str, **options):
    """A copy of the world's port, and the settings of a site with one sync range over it (cache in `tmp_path`)."""
    ex_root = tmp_path / "wid_ex"
    shutil.copytree(world.ex_root, ex_root)
    entry = plugin_options(
        world.repo,
        ex_root,
        world.tmp,
        sync_ranges=[{"from": world.old, "to": world.new, "slug": slug}],
        cache_dir=str(tmp_path / "cache"),
        **options,
    )
    return ex_root, load_settings(entry, base_dir=world.tmp, environ={})


def test_site_sync_page_is_kept_across_builds_and_made_again_when_an_input_changes(world, tmp_path, monkeypatch):
    """A range's page and JSON come from the cache while nothing they are made of changed: the port's files and
    the templates are part of the key."""
    from paritydocs.site import sync_pages

    templates = tmp_path / "templates"
    templates.mkdir()
    ex_root, settings = _site_with_a_range(world, tmp_path, "kept", custom_templates=str(templates))
    made: list[str] = []
    real = sync_pages.build_sync_report

    def counting(*args, **kwargs):
        made.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(sync_pages, "build_sync_report", counting)

    def pages():
        parity = site_report(settings)
        found, outputs = sync_pages.sync_site_pages(settings, parity, Renderer(settings), None)
        return {p.path: (p.title, p.group, p.content) for p in found}, outputs["sync-kept.json"]

    first = pages()
    assert len(made) == 1 and len(first[0]) > 2
    assert pages() == first and len(made) == 1  # nothing changed: kept, every page of the range
    monkeypatch.setenv("PARITYDOCS_NO_CACHE", "1")
    assert pages() == first and len(made) == 2  # the same pages made without the cache
    monkeypatch.delenv("PARITYDOCS_NO_CACHE")

    retry = ex_root / "lib" / "wid" / "retry_settings.ex"
    retry.write_text(retry.read_text().replace("defmodule", "# edited\ndefmodule", 1))
    edited = pages()[0]
    assert len(made) == 3 and edited.keys() == first[0].keys()  # a port file changed: made again
    changed = {path for path in edited if edited[path] != first[0][path]}
    targets = {path for path, (_, _, text) in first[0].items() if "retry_settings.ex" in text}
    assert changed and changed <= targets  # only the pages that point at the file: its lines moved by one
    assert any("retry_settings.ex:4]" in edited[p][2] and "retry_settings.ex:4]" not in first[0][p][2] for p in changed)
    (templates / "sync.md.jinja").write_text("custom sync page\n")
    assert all(text.startswith("custom sync page") for _, _, text in pages()[0].values()) and len(made) == 4
    assert all(text.startswith("custom sync page") for _, _, text in pages()[0].values()) and len(made) == 4


def test_a_kept_sites_key_holds_every_port_file_and_each_range(world, tmp_path):
    """A whole site read back (`site.kept`) must not show a range made from other inputs: its key changes with a
    port file no type is read from (a range's targets are looked up in every file) and with each range, and
    there is none when a range's revision cannot be resolved."""
    from dataclasses import replace

    from paritydocs.pipeline import load_python
    from paritydocs.site.kept import site_key
    from paritydocs.site.sync_pages import range_sides

    ex_root, settings = _site_with_a_range(world, tmp_path, "kept")

    def key(s: Settings = settings) -> str | None:
        elixir = load_elixir(s)
        resolved = [range_sides(s, item, elixir.source) for item in s.sync_ranges]
        options = {"site_url": None, "directory_urls": True, "markdown_copies": True}
        return site_key(s, load_python(s), elixir, autorefs=False, resolved=resolved, api={}, **options)

    first = key()
    assert first is not None and key() == first
    (ex_root / "config").mkdir(exist_ok=True)
    (ex_root / "config" / "runtime.exs").write_text("# a file the port's model is not read from\n")
    second = key()
    assert second not in (None, first)
    reversed_range = replace(settings.sync_ranges[0], from_spec=world.new, to_spec=world.old)
    assert key(replace(settings, sync_ranges=(reversed_range,))) not in (None, first, second)
    unknown = replace(settings.sync_ranges[0], from_spec=f"git:{tmp_path / 'nowhere'}@abc123")
    assert key(replace(settings, sync_ranges=(unknown,))) is None


def test_a_port_edited_many_times_keeps_the_python_half_its_range_pages_were_made_from(world, tmp_path, monkeypatch):
    """Each edit of the port makes a new range page entry; more of them than the comparisons kept must not push
    the Python half out: the next process would load both revisions with Griffe again."""
    import paritydocs.sync as sync_module
    from paritydocs.site import sync_pages
    from paritydocs.sync.store import SYNC_ENTRIES_KEPT

    ex_root, settings = _site_with_a_range(world, tmp_path, "edited")
    monkeypatch.setattr(sync_module, "_DIFF_CACHE", type(sync_module._DIFF_CACHE)())
    retry = ex_root / "lib" / "wid" / "retry_settings.ex"
    original = retry.read_text()

    def pages(edit: int) -> str:
        retry.write_text(original.replace("defmodule", f"# edit {edit}\ndefmodule", 1))
        parity = site_report(settings)
        return sync_pages.sync_site_pages(settings, parity, Renderer(settings), None)[1]["sync-edited.json"]

    for edit in range(SYNC_ENTRIES_KEPT + 1):
        pages(edit)
    assert len(list((tmp_path / "cache" / "extraction" / "sync-pages").glob("*.json"))) == sync_pages.RANGE_PAGES_KEPT

    def no_loading(*args: object) -> None:
        raise AssertionError("the revision was loaded again")

    monkeypatch.setattr(sync_module, "_DIFF_CACHE", type(sync_module._DIFF_CACHE)())  # as a new process
    monkeypatch.setattr(sync_module, "load_tree", no_loading)
    # one more edit: the range made again from the kept half, no revision loaded
    assert json.loads(pages(SYNC_ENTRIES_KEPT + 1))["changes"]


def test_the_file_pages_key_data_is_what_asdict_makes(report):
    """A file page's key is made of `data_of` of its report, which `asdict` made before: the same data, so the
    same keys (the pages kept by an earlier build stay found), without copying each leaf."""
    import dataclasses
    import json

    from paritydocs.sources.cache import data_of

    def encoded(value):
        return json.dumps(value, sort_keys=True, default=repr)

    for _, part in report.by_file():
        assert encoded(data_of(part)) == encoded(dataclasses.asdict(part))
    assert encoded(data_of(report)) == encoded(dataclasses.asdict(report))

    @dataclasses.dataclass
    class Leaf:
        name: str
        tags: frozenset[str]

    @dataclasses.dataclass
    class Node:
        leaves: tuple[Leaf, ...]
        by_name: dict[str, list[Leaf]]
        other: object = None

    node = Node((Leaf("a", frozenset({"x"})),), {"b": [Leaf("b", frozenset())]}, other=Leaf("c", frozenset()))
    assert encoded(data_of(node)) == encoded(dataclasses.asdict(node))
    assert data_of(node)["leaves"][0]["tags"] == frozenset({"x"})  # not JSON: the key falls back to `plain`


def test_a_serve_rebuild_takes_the_file_pages_made_of_the_same_data_from_the_previous_build(
    world, tmp_path, monkeypatch
):
    """In a `serve` session (`Caches`), a file page made of the very data the previous build's was made of is
    that page: no entry key made, no entry read. A page whose data changed is made again, and each page is the
    one a build without the session makes."""
    from paritydocs.pipeline import Caches
    from paritydocs.site import sync_pages
    from paritydocs.sources import cache as entries

    ex_root, settings = _site_with_a_range(world, tmp_path, "served")
    read: list[str] = []
    real_read = entries.read_entry
    monkeypatch.setattr(entries, "read_entry", lambda folder, key: read.append(folder.name) or real_read(folder, key))
    caches = Caches()

    def pages(session: Caches | None) -> dict[str, str]:
        read.clear()
        parity = site_report(settings)
        found, _ = sync_pages.sync_site_pages(settings, parity, Renderer(settings), session)
        return {p.path: p.content for p in found}

    first = pages(caches)
    assert len(caches.sync_files) == len(first) - 1  # every file page; the range's own page is not one
    retry = ex_root / "lib" / "wid" / "retry_settings.ex"
    retry.write_text(retry.read_text().replace("defmodule", "# edited\ndefmodule", 1))
    edited = pages(caches)
    changed = {path for path in edited if edited[path] != first[path]} - {"sync/served/index.md"}
    assert changed and read.count("sync-files") == len(changed)  # only the changed pages looked up
    assert edited == pages(None)  # the pages a build without the session makes
    pages(caches)
    assert "sync-files" not in read  # nothing changed since: every file page as the previous build made it


def test_a_file_page_made_of_data_equal_but_of_another_type_is_made_again(tmp_path):
    from types import SimpleNamespace

    from paritydocs.site.sync_pages import _file_pages_memo

    common = {"settings": {}, "templates": [], "autorefs": False}
    previous: dict[str, tuple[bytes, str]] = {}
    made: list[object] = []
    memo = _file_pages_memo(SimpleNamespace(cache_dir=tmp_path), common, [], previous)  # its cache folder alone
    assert memo is not None
    for value in (True, True, 1, 1.0, 1):
        page = memo({"path": "sync/r/a.md", "value": value}, lambda value=value: made.append(value) or f"{value!r}\n")
        assert page == f"{value!r}\n"
    assert made == [True, 1, 1.0]  # `True == 1 == 1.0`, yet each its own page; the last `1` kept on disk


def test_a_serve_session_whose_first_build_read_a_range_back_compares_it_again_while_idle(world, tmp_path, monkeypatch):
    """The first build of a `serve` session reads a range kept by an earlier build back whole; once idle, the
    session compares and renders it again (nothing written), so its first edit of the port looks up only the
    file pages that changed, as the edits after it do, and gives the pages a build without the session gives."""
    from paritydocs.pipeline import Caches
    from paritydocs.site import sync_pages
    from paritydocs.site.collector import IdleCollector
    from paritydocs.sources import cache as entries

    ex_root, settings = _site_with_a_range(world, tmp_path, "served")
    read: list[str] = []
    real_read = entries.read_entry
    monkeypatch.setattr(entries, "read_entry", lambda folder, key: read.append(folder.name) or real_read(folder, key))
    monkeypatch.setattr("gc.collect", lambda *args: 0)  # the idle collection itself is not what is looked at

    def pages(session: Caches | None) -> dict[str, str]:
        read.clear()
        parity = site_report(settings)
        found, _ = sync_pages.sync_site_pages(settings, parity, Renderer(settings), session)
        return {p.path: p.content for p in found}

    kept = pages(None)  # an earlier build: the range's pages kept
    folders = {d: sorted(p.name for p in d.iterdir()) for d in entries.cache_root(settings.cache_dir).rglob("*/")}
    caches, collector = Caches(), IdleCollector(idle=3600)
    try:
        collector.building()
        assert pages(caches) == kept and read == ["sync-pages"]  # read back whole
        collector.built()
        assert caches.sync_files == {}
        collector.collect()  # idle
        assert len(caches.sync_files) == len(kept) - 1
        assert {d: sorted(p.name for p in d.iterdir()) for d in folders} == folders  # nothing written
        retry = ex_root / "lib" / "wid" / "retry_settings.ex"
        retry.write_text(retry.read_text().replace("defmodule", "# edited\ndefmodule", 1))
        collector.building()
        edited = pages(caches)
        collector.built()
    finally:
        collector.close()
    changed = {path for path in edited if edited[path] != kept[path]} - {"sync/served/index.md"}
    assert changed and read.count("sync-files") == len(changed)  # only the changed pages looked up
    assert edited == pages(None)
