"""The checks a patched file passes before its edits are kept: no more syntax errors (`error_count`), no new
extraction warnings and the new docs read back by the extractor (`verify_file`), and each module's edit, parsed
again on its own, changing nothing but its `@moduledoc` text (`verify_module`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from paritydocs.elixir import extract_file, find_modules, parse_elixir
from paritydocs.elixir.syntax import child_of_type
from paritydocs.suggest.edits import Edit, ModuleDocs, apply_edits, attribute_of, moduledoc_value

__all__ = ["error_count", "verify_file", "verify_module"]


def error_count(tree: Any) -> int:
    """ERROR and MISSING nodes in a tree."""
    count = 0
    cursor = tree.walk()
    while True:
        node = cursor.node
        if node.type == "ERROR" or node.is_missing:
            count += 1
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return count


def verify_file(rel: str, old: bytes, new: bytes, planned: list[ModuleDocs]) -> str | None:
    """Why the patched file is worse than the original for the extractor, or None."""
    before, after = extract_file(rel, old), extract_file(rel, new)
    new_warnings = Counter(w.message for w in after.warnings) - Counter(w.message for w in before.warnings)
    if new_warnings:
        return f"the patched file gives new extraction warnings ({'; '.join(sorted(new_warnings))})"
    types = {t.path: t for t in after.types}
    for docs in planned:
        typedef = types.get(docs.module)
        if typedef is None:
            return f"{docs.module} is no longer extracted from the patched file"
        unread = [n for n, _ in docs.fields if (f := typedef.field_named(n)) is None or not f.doc]
        if unread:
            return f"the extractor does not read the new docs of {docs.module} ({', '.join(unread)})"
    return None


def _statement_kind(stmt: Any, src: bytes) -> str:
    """`@name` for a module attribute, the node type for anything else."""
    attribute = attribute_of(stmt, src)
    return "@" + attribute[0] if attribute is not None else str(stmt.type)


def _module_shape(tree: Any, src: bytes, module: str) -> tuple[list[str], Any] | None:
    """The statement kinds of a module's do-block and its last `@moduledoc` value node (or None)."""
    node = find_modules(tree, src).get(module)
    block = child_of_type(node, "do_block") if node is not None else None
    if block is None:
        return None
    kinds = [_statement_kind(s, src) for s in block.named_children if s.type != "comment"]
    found = moduledoc_value(block, src)
    return kinds, found[1] if found is not None else None


def _interpolations(value: Any) -> int:
    return sum(1 for child in value.children if child.type == "interpolation")


def verify_module(src: bytes, tree: Any, module: str, edits: Sequence[Edit], *, created: bool) -> str | None:
    """Why one module's docs edits, applied alone and parsed again, change more than its `@moduledoc` text, or None.

    Defence in depth against inserted text that ends the `@moduledoc` early (what follows would be Elixir
    code, run at compile time): the do-block must hold the same statements (plus the `@moduledoc` created),
    and its `@moduledoc` must still be one string, starting and ending where the edited one does, with no
    new interpolation. A patched file with more syntax errors is left to the whole file's check.
    """
    new = apply_edits(src, edits)
    new_tree = parse_elixir(new)
    if error_count(new_tree) > error_count(tree):
        return None
    problem = (
        "the inserted text would end the @moduledoc early or change the code of the module "
        "(re-parsed, its do-block no longer matches); port the docs by hand; not edited"
    )
    before, after = _module_shape(tree, src, module), _module_shape(new_tree, new, module)
    if before is None:
        return None  # not edited: `module_docs_edits` found no do-block
    if after is None:
        return problem
    kinds, value = before
    if created:
        (edit,) = edits
        opening = edit.text.index(b'@moduledoc """') + len("@moduledoc ")
        span = (edit.start + opening, edit.start + edit.text.rindex(b'"""') + 3)
        kinds, kind, interpolations = ["@moduledoc", *kinds], "string", 0
    else:

        def shifted(pos: int) -> int:
            return pos + sum(len(e.text) - (e.end - e.start) for e in edits if e.end <= pos)

        span = (shifted(value.start_byte), shifted(value.end_byte))
        kind, interpolations = value.type, _interpolations(value)
    new_kinds, new_value = after
    if (
        new_kinds != kinds
        or new_value is None
        or new_value.type != kind
        or (new_value.start_byte, new_value.end_byte) != span
        or _interpolations(new_value) != interpolations
    ):
        return problem
    return None
