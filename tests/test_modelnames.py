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
