"""Model-name updates: boundary-aware rewriting, idempotence, the report's classification."""

from __future__ import annotations

import pytest

from paritydocs.errors import ConfigError
from paritydocs.modelnames import apply_updates, classify, compile_updates, scan_tree

UPDATES = compile_updates({"Qwen/Qwen2.5-7B": "Qwen/Qwen3-8B"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("base_model='Qwen/Qwen2.5-7B'", "base_model='Qwen/Qwen3-8B'"),
        ('"Qwen/Qwen2.5-7B"', '"Qwen/Qwen3-8B"'),
        ("Use Qwen/Qwen2.5-7B.", "Use Qwen/Qwen3-8B."),
        ("(e.g., Qwen/Qwen2.5-7B)", "(e.g., Qwen/Qwen3-8B)"),
        ("`Qwen/Qwen2.5-7B`", "`Qwen/Qwen3-8B`"),
        ("Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B-Instruct"),
        ("Qwen/Qwen2.5-7B.1", "Qwen/Qwen2.5-7B.1"),
        ("org/Qwen/Qwen2.5-7B", "org/Qwen/Qwen2.5-7B"),
        ("Qwen/Qwen2.5-7B/adapter", "Qwen/Qwen2.5-7B/adapter"),
        ("XQwen/Qwen2.5-7B", "XQwen/Qwen2.5-7B"),
        ("Qwen/Qwen2.5-7B and Qwen/Qwen2.5-7B", "Qwen/Qwen3-8B and Qwen/Qwen3-8B"),
    ],
)
def test_rewrite_respects_model_id_boundaries(text, expected):
    assert apply_updates(text, UPDATES) == expected


def test_rewrite_is_idempotent_and_ordered():
    updates = compile_updates({"a/m-1": "a/m-2", "b/x": "b/y"})
    once = apply_updates("a/m-1 b/x a/m-1-big", updates)
    assert once == "a/m-2 b/y a/m-1-big"
    assert apply_updates(once, updates) == once


def test_a_new_name_that_is_also_old_is_refused():
    with pytest.raises(ConfigError, match="idempotent"):
        compile_updates({"a/m-1": "a/m-2", "a/m-2": "a/m-3"})


@pytest.mark.parametrize(
    ("path", "audience"),
    [
        ("README.md", "user-facing"),
        ("docs/guides/getting_started.md", "user-facing"),
        ("lib/tinkex/types/x.ex", "user-facing"),
        ("src/pkg/client.py", "user-facing"),
        ("examples/train.exs", "user-facing"),
        ("test/tinkex/x_test.exs", "internal"),
        ("tests/test_client.py", "internal"),
        ("docs/20251118/port_research/notes.md", "internal"),
        ("docs/20251126/gaps_02/adrs/006.md", "internal"),
        ("CHANGELOG.md", "internal"),
    ],
)
def test_classification(path, audience):
    assert classify(path)[0] == audience


def test_scan_finds_every_occurrence_with_line_and_class(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "test").mkdir()
    (tmp_path / "lib" / "a.ex").write_text('@moduledoc """\nUse "Qwen/Qwen2.5-7B".\n"""\n')
    (tmp_path / "test" / "a_test.exs").write_text('x = "Qwen/Qwen2.5-7B"\ny = "Qwen/Qwen2.5-7B-Instruct"\n')
    (tmp_path / "README.md").write_text("no model here\n")
    (tmp_path / "loop").symlink_to(tmp_path)  # a symlink loop is walked once
    found = scan_tree(tmp_path, "elixir", UPDATES)
    assert [(o.file, o.line, o.audience) for o in found] == [
        ("lib/a.ex", 2, "user-facing"),
        ("test/a_test.exs", 1, "internal"),
    ]


def test_a_scan_reads_again_only_the_files_that_changed_or_changed_in_the_last_second(tmp_path, monkeypatch, request):
    from pathlib import Path

    from paritydocs.sources import trees

    (tmp_path / "lib").mkdir()
    for name in ("a.ex", "b.ex", "c.ex"):
        (tmp_path / "lib" / name).write_text(f'# {name}\nx = "Qwen/Qwen2.5-7B"\n')
    read: list[str] = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or read_bytes(self))

    def scan() -> list[tuple[str, int]]:
        read.clear()
        return [(o.file, o.line) for o in scan_tree(tmp_path, "elixir", UPDATES)]

    every = [("lib/a.ex", 2), ("lib/b.ex", 2), ("lib/c.ex", 2)]
    assert scan() == every and scan() == every
    assert sorted(read) == ["a.ex", "b.ex", "c.ex"]  # written in the last second: read again each time
    monkeypatch.setattr(trees, "SETTLED_NS", 0)
    assert scan() == every and sorted(read) == ["a.ex", "b.ex", "c.ex"]  # not kept outside `serve`
    assert scan() == every and read
    request.getfixturevalue("keeping_files")  # as a `serve` session has it
    assert scan() == every and read  # kept now
    assert scan() == every and read == []
    (tmp_path / "lib" / "b.ex").write_text('# b.ex\n\nx = "Qwen/Qwen2.5-7B"\n')  # another line
    (tmp_path / "lib" / "c.ex").write_text('# c.ex\nx = "Qwen/Qwen3-8B"\n')
    assert scan() == [("lib/a.ex", 2), ("lib/b.ex", 3)] and sorted(read) == ["b.ex", "c.ex"]
    assert scan_tree(tmp_path, "elixir", compile_updates({"Qwen/Qwen3-8B": "Qwen/Qwen4"}))[0].file == "lib/c.ex"
    (tmp_path / "lib" / "a.ex").unlink()
    assert scan() == [("lib/b.ex", 3)] and read == []
