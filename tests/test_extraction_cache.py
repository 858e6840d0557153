"""The persistent extraction cache: a warm `check` says exactly what a cold one says, every input of an extraction
invalidates it (a `.py` file, an `.ex` file, paritydocs' own code), a damaged entry is extracted again, the cache
stays bounded and can be bypassed. No timings: what is checked is which extractions run and what comes out."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from pathlib import Path

import pytest

import paritydocs.elixir
import paritydocs.python
from conftest import python_source_info, write_files
from paritydocs.cli import main
from paritydocs.model import (
    Default,
    FieldDef,
    FunctionDef,
    ModelDataError,
    SdkModel,
    TypeDef,
    TypeKind,
    from_data,
    to_data,
)
from paritydocs.sources import cache as store
from paritydocs.textsafe import logger
from site_helpers import copy_demo

PLUGIN = """\
site_name: acme
plugins:
  - paritydocs:
      python: py
      elixir: ex
      python_modules: [acme.types]
      python_clients: [acme.client.Client]
      type_prefixes: {acme.types: Acme.Types}
      type_map: {}
      client_map: {acme.client.Client: Acme.Client}
      field_aliases: {}
      method_aliases: {}
      model_names: {old-model: new-model}
      behaviour_modules: []
"""


def write_pair(tmp_path: Path) -> Path:
    """A small pair with a bit of everything the models hold: fields, defaults, an enum, a client, warnings."""
    root = tmp_path / "pair"
    write_files(
        root,
        {
            "mkdocs.yml": PLUGIN,
            "py/src/acme/__init__.py": "",
            "py/src/acme/types/__init__.py": """
                from .job import Job
                from .state import State
            """,
            "py/src/acme/types/job.py": '''
                from typing import Optional

                class BaseModel:
                    pass

                class Job(BaseModel):
                    """A job."""

                    name: str
                    """The job's name."""
                    retries: int = 3
                    """How often it is retried."""
                    model: Optional[str] = "old-model"
                    limits: dict = {"cpu": 2.5, "tags": ["a", "b"]}
            ''',
            "py/src/acme/types/state.py": """
                from typing import Literal

                State = Literal["queued", "running", "done"]
            """,
            "py/src/acme/client.py": '''
                class Client:
                    def submit(self, job: str, *, priority: int = 1, timeout: float | None = None) -> str:
                        """Submit a job.

                        Args:
                            job: The job.
                            priority: How urgent it is.
                        """
                        return job
            ''',
            "ex/lib/acme/types/job.ex": '''
                defmodule Acme.Types.Job do
                  @moduledoc """
                  A job.
                  """
                  defstruct [:name, retries: 5, model: "old-model", limits: %{cpu: 2}]

                  @type t :: %__MODULE__{name: String.t(), retries: integer(), model: String.t() | nil}
                end
            ''',
            "ex/lib/acme/types/state.ex": """
                defmodule Acme.Types.State do
                  @type t :: :queued | :running
                end
            """,
            "ex/lib/acme/client.ex": """
                defmodule Acme.Client do
                  @doc "Submit a job."
                  @spec submit(String.t(), keyword()) :: {:ok, String.t()}
                  def submit(job, opts \\\\ []) do
                    priority = Keyword.get(opts, :priority, 2)
                    {:ok, "#{job}#{priority}"}
                  end
                end
            """,
            "ex/lib/acme/broken.ex": "defmodule Acme.Broken do\n  def x(",
        },
    )
    return root


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PARITYDOCS_CACHE", str(folder))
    monkeypatch.delenv("PARITYDOCS_NO_CACHE", raising=False)
    return folder


def check(capsys: pytest.CaptureFixture[str], config: Path, out: Path, *extra: str) -> tuple[str, str, bytes]:
    """`paritydocs check` on the pair: (the table and summary, the warnings, parity.json's bytes)."""
    code = main(["check", "--config", str(config), "--fail-on", "info", "--json", str(out), *extra])
    printed, warnings = capsys.readouterr()
    assert code in (0, 1)
    return printed, warnings, out.read_bytes()


class Spy:
    """Counts the cold extractions: `extract_python` calls and Elixir files parsed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.python = 0
        self.elixir: list[str] = []
        real_python, real_file = paritydocs.python.extract_python, paritydocs.elixir.extract_file

        def python(*args, **kwargs):
            self.python += 1
            return real_python(*args, **kwargs)

        def elixir_file(rel, data):
            self.elixir.append(rel)
            return real_file(rel, data)

        monkeypatch.setattr(paritydocs.python, "extract_python", python)
        monkeypatch.setattr(paritydocs.elixir, "extract_file", elixir_file)

    def reset(self) -> None:
        self.python, self.elixir = 0, []


def entries(cache_dir: Path, kind: str) -> list[Path]:
    return sorted((cache_dir / "extraction" / kind).glob("*.json"))


# ---- warm is cold ------------------------------------------------------------------------------------------------


def test_warm_check_is_byte_identical_to_cold(tmp_path, cache_dir, capsys, monkeypatch):
    root = write_pair(tmp_path)
    spy = Spy(monkeypatch)
    cold = check(capsys, root / "mkdocs.yml", tmp_path / "cold.json")
    assert spy.python == 1 and len(spy.elixir) == 4
    assert len(entries(cache_dir, "python")) == 1 and len(entries(cache_dir, "elixir")) == 1
    spy.reset()
    warm = check(capsys, root / "mkdocs.yml", tmp_path / "warm.json")
    assert (spy.python, spy.elixir) == (0, [])  # nothing extracted: both models came from the cache
    assert warm == cold
    uncached = check(capsys, root / "mkdocs.yml", tmp_path / "nocache.json", "--no-cache")
    assert spy.python == 1 and len(spy.elixir) == 4
    assert uncached == cold
    # the pair really exercises the model: findings, a client, an extraction warning
    assert b"default_mismatch" in cold[2] and b"Acme.Client" in cold[2] and "broken.ex:1: syntax error" in cold[1]


def test_warm_demo_check_and_extract_are_identical(tmp_path, cache_dir, capsys):
    demo = copy_demo(tmp_path)
    config = demo / "mkdocs.yml"
    cold = check(capsys, config, tmp_path / "cold.json")
    warm = check(capsys, config, tmp_path / "warm.json")
    assert warm == cold
    for side in ("python", "elixir"):
        outs = []
        for run in ("cold", "warm"):
            out = tmp_path / f"{side}-{run}.json"
            extra = ["--no-cache"] if run == "cold" else []
            assert (
                main(["extract", "--config", str(config), f"--{side}", str(demo / side), "--json", str(out), *extra])
                == 0
            )
            outs.append(out.read_bytes())
        assert outs[0] == outs[1]


def test_a_cached_model_gets_a_fresh_source(tmp_path, cache_dir, capsys):
    root = write_pair(tmp_path)
    config = str(root / "mkdocs.yml")
    sources = []
    for spec in (str(root / "py"), str(root / "py") + "/"):  # two specs of one folder: one cache entry
        out = tmp_path / "extract.json"
        assert main(["extract", "--config", config, "--python", spec, "--json", str(out)]) == 0
        sources.append(json.loads(out.read_text())["source"])
    assert len(entries(cache_dir, "python")) == 1
    assert [s["spec"] for s in sources] == [str(root / "py"), str(root / "py") + "/"]


# ---- what invalidates --------------------------------------------------------------------------------------------


def test_editing_a_python_file_extracts_the_python_side_again(tmp_path, cache_dir, capsys, monkeypatch):
    root = write_pair(tmp_path)
    spy = Spy(monkeypatch)
    before = check(capsys, root / "mkdocs.yml", tmp_path / "a.json")
    job = root / "py" / "src" / "acme" / "types" / "job.py"
    job.write_text(job.read_text().replace("retries: int = 3", "retries: int = 5"))
    spy.reset()
    after = check(capsys, root / "mkdocs.yml", tmp_path / "b.json")
    assert spy.python == 1 and spy.elixir == []
    assert after != before
    assert after == check(capsys, root / "mkdocs.yml", tmp_path / "c.json", "--no-cache")
    # any file of the package counts, not only those with types in them
    (root / "py" / "src" / "acme" / "notes.txt").write_text("new\n")
    spy.reset()
    check(capsys, root / "mkdocs.yml", tmp_path / "d.json")
    assert spy.python == 1


def test_editing_an_elixir_file_parses_that_file_only(tmp_path, cache_dir, capsys, monkeypatch):
    root = write_pair(tmp_path)
    spy = Spy(monkeypatch)
    before = check(capsys, root / "mkdocs.yml", tmp_path / "a.json")
    job = root / "ex" / "lib" / "acme" / "types" / "job.ex"
    job.write_text(job.read_text().replace("retries: 5", "retries: 3"))
    spy.reset()
    after = check(capsys, root / "mkdocs.yml", tmp_path / "b.json")
    assert spy.python == 0 and spy.elixir == ["lib/acme/types/job.ex"]
    assert after != before
    assert after == check(capsys, root / "mkdocs.yml", tmp_path / "c.json", "--no-cache")
    # a removed file leaves the entry; an added one is parsed alone
    (root / "ex" / "lib" / "acme" / "client.ex").unlink()
    (root / "ex" / "lib" / "acme" / "extra.ex").write_text("defmodule Acme.Extra do\nend\n")
    spy.reset()
    after = check(capsys, root / "mkdocs.yml", tmp_path / "d.json")
    assert spy.elixir == ["lib/acme/extra.ex"]
    assert after == check(capsys, root / "mkdocs.yml", tmp_path / "e.json", "--no-cache")
    entry = json.loads(entries(cache_dir, "elixir")[0].read_bytes().split(b"\n", 1)[1])
    assert sorted(entry["files"]) == [
        "lib/acme/broken.ex",
        "lib/acme/extra.ex",
        "lib/acme/types/job.ex",
        "lib/acme/types/state.ex",
    ]


def test_a_change_in_paritydocs_own_code_invalidates_both_sides(tmp_path, cache_dir, capsys, monkeypatch):
    root = write_pair(tmp_path)
    spy = Spy(monkeypatch)
    cold = check(capsys, root / "mkdocs.yml", tmp_path / "a.json")
    monkeypatch.setattr(store, "own_code_digest", lambda: "paritydocs as edited")
    spy.reset()
    assert check(capsys, root / "mkdocs.yml", tmp_path / "b.json") == cold
    assert spy.python == 1 and len(spy.elixir) == 4
    assert len(entries(cache_dir, "python")) == 2 and len(entries(cache_dir, "elixir")) == 2


def test_the_code_digest_covers_the_package_sources():
    digest = store.own_code_digest()
    assert len(digest) == 64 and digest == store.own_code_digest()
    package = Path(paritydocs.__file__).parent
    assert (package / "elixir" / "queries").is_dir()  # the .scm queries are read too


def test_settings_that_change_the_extraction_are_in_the_key(tmp_path, cache_dir, capsys, monkeypatch):
    root = write_pair(tmp_path)
    spy = Spy(monkeypatch)
    check(capsys, root / "mkdocs.yml", tmp_path / "a.json")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("python_clients: [acme.client.Client]", "python_clients: []"))
    spy.reset()
    check(capsys, config, tmp_path / "b.json")
    assert spy.python == 1 and spy.elixir == []


# ---- damaged entries, the bound, the switch ----------------------------------------------------------------------


def _damaged(entry: Path, how: str) -> None:
    raw = entry.read_bytes()
    head, body = raw.split(b"\n", 1)
    if how == "truncated":
        entry.write_bytes(raw[: len(raw) // 2])
    elif how == "not json":
        entry.write_bytes(b"\x00\xffnot json at all")
    elif how == "checksum":
        entry.write_bytes(head + b"\n" + body.replace(b'"', b"'", 1))
    elif how == "format":
        header = json.loads(head)
        header["format"] = 999
        entry.write_bytes(json.dumps(header).encode() + b"\n" + body)
    elif how == "wrong shape":  # a valid entry, checksum and all, whose types are of no kind paritydocs knows
        new_body = body.replace(b'"kind":"', b'"kind":"no_such_kind_')
        assert new_body != body
        header = json.loads(head)
        header["sha256"] = hashlib.sha256(new_body).hexdigest()
        entry.write_bytes(json.dumps(header).encode() + b"\n" + new_body)
    elif how == "empty":
        entry.write_bytes(b"")


@pytest.mark.parametrize("how", ["truncated", "not json", "checksum", "format", "wrong shape", "empty"])
def test_a_damaged_entry_is_extracted_again(tmp_path, cache_dir, capsys, monkeypatch, caplog, how):
    root = write_pair(tmp_path)
    spy = Spy(monkeypatch)
    cold = check(capsys, root / "mkdocs.yml", tmp_path / "a.json")
    for kind in ("python", "elixir"):
        _damaged(entries(cache_dir, kind)[0], how)
    spy.reset()
    with caplog.at_level(logging.DEBUG, logger=logger.name):
        assert check(capsys, root / "mkdocs.yml", tmp_path / "b.json") == cold
    assert spy.python == 1 and len(spy.elixir) == 4
    if how != "empty":
        assert "extraction cache" in caplog.text
    spy.reset()
    assert check(capsys, root / "mkdocs.yml", tmp_path / "c.json") == cold  # rewritten whole: warm again
    assert (spy.python, spy.elixir) == (0, [])


def test_an_unwritable_cache_still_checks(tmp_path, capsys, monkeypatch):
    root = write_pair(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be\n")
    monkeypatch.setenv("PARITYDOCS_CACHE", str(blocker))
    cold = check(capsys, root / "mkdocs.yml", tmp_path / "a.json", "--no-cache")
    assert check(capsys, root / "mkdocs.yml", tmp_path / "b.json") == cold


def test_no_cache_env_neither_reads_nor_writes(tmp_path, cache_dir, capsys, monkeypatch):
    root = write_pair(tmp_path)
    monkeypatch.setenv("PARITYDOCS_NO_CACHE", "1")
    check(capsys, root / "mkdocs.yml", tmp_path / "a.json")
    assert not (cache_dir / "extraction").exists()
    monkeypatch.setenv("PARITYDOCS_NO_CACHE", "0")
    check(capsys, root / "mkdocs.yml", tmp_path / "b.json")
    assert entries(cache_dir, "python") and entries(cache_dir, "elixir")
    assert store.extraction_cache_disabled({"PARITYDOCS_NO_CACHE": "yes"})
    assert not store.extraction_cache_disabled({"PARITYDOCS_NO_CACHE": "false"})
    assert not store.extraction_cache_disabled({})


def test_the_cache_keeps_the_most_recently_used_entries(tmp_path):
    kind = tmp_path / "extraction" / "python"
    now = time.time()
    for age, key in ((300, "a"), (200, "b"), (100, "c")):
        assert store.write_entry(kind, key, {"key": key}, keep=3)
        os.utime(kind / f"{key}.json", (now - age, now - age))
    assert store.read_entry(kind, "a") == {"key": "a"}  # used: now the most recent
    (kind / ".tmp-stale-1.json").write_text("left by a killed run")
    os.utime(kind / ".tmp-stale-1.json", (now - 2 * store.SCRATCH_MAX_AGE, now - 2 * store.SCRATCH_MAX_AGE))
    assert store.write_entry(kind, "d", {"key": "d"}, keep=3)
    assert sorted(p.name for p in kind.iterdir()) == ["a.json", "c.json", "d.json"]
    assert store.read_entry(kind, "b") is None


def test_the_bound_holds_across_checks(tmp_path, cache_dir, capsys, monkeypatch):
    monkeypatch.setattr(store, "EXTRACTION_ENTRIES_KEPT", 2)
    for i in range(4):  # four trees: four keys a side
        root = write_pair(tmp_path / f"t{i}")
        check(capsys, root / "mkdocs.yml", tmp_path / f"{i}.json")
        assert len(entries(cache_dir, "python")) == min(i + 1, 2)
        assert len(entries(cache_dir, "elixir")) == min(i + 1, 2)


def test_an_entry_under_another_key_is_not_read(tmp_path):
    kind = tmp_path / "k"
    store.write_entry(kind, "one", [1])
    os.replace(kind / "one.json", kind / "two.json")  # renamed by hand: its header names another key
    assert store.read_entry(kind, "two") is None


# ---- the JSON form of the model ----------------------------------------------------------------------------------


def test_model_records_round_trip_losslessly():
    typedef = TypeDef(
        path="a.B",
        name="B",
        kind=TypeKind.ENUM,
        fields=[
            FieldDef("x", "int", default=Default("1 + 1", 2, True), line=3),
            FieldDef("y", default=Default("f()", None, False), required=True),
        ],
        members=["a", 1, 2.5, None, True, [1, {"k": "v"}]],
        functions=[FunctionDef("f", 1, is_async=True, decorators=["staticmethod"])],
        local_types={"format": ":png | :jpeg"},
    )
    data = json.loads(json.dumps(to_data(typedef)))
    back = from_data(TypeDef, data)
    assert back == typedef and back.kind is TypeKind.ENUM
    assert json.dumps(back.to_json(with_functions=True)) == json.dumps(typedef.to_json(with_functions=True))


@pytest.mark.parametrize(
    "value",
    [(1, 2), {1, 2}, {1: "a"}, TypeKind.ENUM, b"bytes"],
    ids=["tuple", "set", "int key", "enum in Any", "bytes"],
)
def test_values_without_a_lossless_json_form_are_refused(value):
    with pytest.raises(ModelDataError):
        to_data(TypeDef(path="a.B", name="B", kind=TypeKind.CLASS, members=[value]))


@pytest.mark.parametrize(
    "data",
    [
        {"path": "a", "name": "B"},  # no kind
        {"path": "a", "name": "B", "kind": "no_such_kind"},
        {"path": "a", "name": "B", "kind": "class", "line": "3"},
        {"path": "a", "name": "B", "kind": "class", "line": True},
        {"path": "a", "name": "B", "kind": "class", "surprise": 1},
        {"path": "a", "name": "B", "kind": "class", "fields": {"x": 1}},
        [],
    ],
)
def test_data_that_is_not_a_record_is_refused(data):
    with pytest.raises(ModelDataError):
        from_data(TypeDef, data)


def test_a_whole_model_round_trips():
    model = SdkModel(
        source=python_source_info("/x"),
        types=[TypeDef(path="a.B", name="B", kind=TypeKind.CLASS, file="a.py", line=1)],
    )
    assert from_data(SdkModel, json.loads(json.dumps(to_data(model)))) == model


def test_a_bounded_folder_is_listed_again_only_once_its_slack_was_written(tmp_path: Path) -> None:
    """`serve` rebuilds write a few entries each: the folder is pruned on the process's first write to it, then
    only once `keep / PRUNE_SLACK` more entries were written, so it never holds more than `keep` plus that."""
    from paritydocs.sources import cache as entries

    folder, keep = tmp_path / "render", 100
    slack = keep // entries.PRUNE_SLACK
    for i in range(keep + 3):
        entries.write_entry(folder, f"k{i:04d}", i, prune=False)
    assert entries.prune_due(folder, keep, written=keep + 3)  # the first write of this process
    entries.prune_entries(folder, keep)
    assert len(list(folder.glob("*.json"))) == keep
    assert not entries.prune_due(folder, keep, written=0)
    pruned = []
    for _ in range(3 * slack):
        pruned.append(entries.prune_due(folder, keep, written=1))
    assert pruned.count(True) == 3  # once every `slack` writes
    assert pruned[: slack - 1] == [False] * (slack - 1) and pruned[slack - 1]
    assert entries.prune_due(tmp_path / "other", keep, written=1)  # each folder on its own


def test_the_writes_since_a_folder_was_listed_are_counted_across_processes(tmp_path: Path, monkeypatch) -> None:
    """One-off builds each write a few entries: the count is kept in the folder, so the next process does not
    list it again before the slack was written either; a count that cannot be read has the folder listed."""
    from paritydocs.sources import cache as entries

    folder, keep = tmp_path / "render", 100
    folder.mkdir()
    slack = keep // entries.PRUNE_SLACK
    assert entries.prune_due(folder, keep, written=1)  # never listed: listed
    due = []
    for _ in range(slack):
        monkeypatch.setattr(entries, "_written_since_prune", {})  # each build a process of its own
        due.append(entries.prune_due(folder, keep, written=1))
    assert due == [False] * (slack - 1) + [True]
    assert (folder / entries.WRITTEN_FILE).read_text() == "0"
    assert not entries.prune_due(folder, keep, written=1)
    (folder / entries.WRITTEN_FILE).write_text("")  # half-written by a build at the same time
    monkeypatch.setattr(entries, "_written_since_prune", {})
    assert entries.prune_due(folder, keep, written=1)
    entries.write_entry(folder, "k", 1, prune=False)
    entries.prune_entries(folder, keep)  # the count is no entry: neither listed nor removed
    assert (folder / entries.WRITTEN_FILE).exists() and (folder / "k.json").exists()


def test_a_bounded_folder_prunes_all_but_its_newest_as_a_sort_of_the_whole_listing_would():
    import random

    from paritydocs.sources.cache import beyond_newest

    rng = random.Random(3)
    for _ in range(200):
        listing = [(float(rng.randrange(8)), f"entry-{rng.randrange(40):02d}-{i}") for i in range(rng.randrange(30))]
        keep = rng.randrange(-1, 35)
        expected = {name for _, name in sorted(listing, reverse=True)[max(keep, 0) :]}
        made: list[int] = []

        def twice(listing=listing, made=made):
            made.append(1)
            return iter(listing)

        assert set(beyond_newest(twice, keep)) == expected
        assert len(made) == (1 if len(listing) <= keep else 2)  # a folder within its bound is listed once
