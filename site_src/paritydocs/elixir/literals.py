"""Literal values: an Elixir expression evaluated to JSON when that is sound (`evaluate`, `default_of`), else
kept as text.

Numbers, atoms, strings, heredocs, `~s`/`~S`/`~w` sigils, lists, keyword lists, tuples, maps, `<>` and
arithmetic, and module attributes (`@name`, as defined before the point of use). Anything else raises
`Unresolved`; `default_of` turns that into a `Default` with `resolved=False`.
"""

from __future__ import annotations

import re
from typing import Any

from paritydocs.elixir.records import FileState, Module
from paritydocs.elixir.syntax import child_of_type, named, operator, shorten
from paritydocs.model import Default

__all__ = [
    "MAX_LITERAL_BYTES",
    "MAX_LITERAL_DEPTH",
    "TooDeep",
    "Unresolved",
    "attribute_value",
    "default_of",
    "evaluate",
    "evaluate_binary",
    "evaluate_items",
    "evaluate_map",
    "evaluate_pair",
    "keyword_name",
    "sigil_words",
    "string_value",
]


MAX_LITERAL_DEPTH = 200
"""Nesting depth past which a literal is not evaluated (kept as text, with a warning)."""

MAX_LITERAL_BYTES = 256 * 1024
"""Size past which a default expression is not evaluated (kept as shortened text, with a warning)."""


class Unresolved(Exception):
    """A literal that cannot be evaluated soundly."""


class TooDeep(Unresolved):
    """A literal nested deeper than MAX_LITERAL_DEPTH."""


# -- evaluation ------------------------------------------------------------------------


def default_of(state: FileState, node: Any, module: Module, at: int) -> Default:
    """The `Default` of an expression: evaluated when sound, else kept as text, unresolved.

    A module attribute (`@default_x`) is looked up as defined before byte `at`; the expression
    recorded is then the attribute's literal text as written."""
    expr = state.text(node)
    target, where = node, at
    for _ in range(MAX_LITERAL_DEPTH):  # follow @a -> @b -> literal, for the text
        attr = attribute_value(state, target, module, where)
        if attr is None:
            break
        where, target = attr
    if target is not node:
        expr = state.text(target)
    size = target.end_byte - target.start_byte
    if size > MAX_LITERAL_BYTES:
        state.warn(node, f"literal of {size} bytes not evaluated (limit {MAX_LITERAL_BYTES})")
        return Default(expr=shorten(expr, 2000), value=None, resolved=False)
    try:
        value = evaluate(state, node, module, at)
    except TooDeep:
        state.warn(node, f"literal nested more than {MAX_LITERAL_DEPTH} deep; not evaluated")
        return Default(expr=shorten(expr, 2000), value=None, resolved=False)
    except Unresolved:
        return Default(expr=expr, value=None, resolved=False)
    return Default(expr=expr, value=value, resolved=True)


def attribute_value(state: FileState, node: Any, module: Module, at: int) -> tuple[int, Any] | None:
    """If `node` is `@name`, the (position, value node) of its last definition before `at`."""
    if node.type != "unary_operator" or operator(node) != "@":
        return None
    operand = node.child_by_field_name("operand")
    if operand is None or operand.type != "identifier":
        return None
    definitions = module.attributes.get(state.text(operand), [])
    earlier = [d for d in definitions if d[0] < at]
    return earlier[-1] if earlier else None


def evaluate(state: FileState, node: Any, module: Module, at: int, depth: int = 0) -> Any:
    """The JSON value of an Elixir literal, or raise `Unresolved`. Never guesses."""
    if depth > MAX_LITERAL_DEPTH:
        raise TooDeep
    kind = node.type
    if kind == "integer":
        return _parse_integer(state.text(node))
    if kind == "float":
        return float(state.text(node).replace("_", ""))
    if kind == "boolean":
        return state.text(node) == "true"
    if kind == "nil":
        return None
    if kind == "atom":
        return state.text(node)[1:]
    if kind == "quoted_atom":
        value = string_value(state, node)
        if value is None:
            raise Unresolved
        return value
    if kind == "char":
        return _parse_char(state.text(node))
    if kind in ("string", "sigil"):
        if kind == "sigil":
            words = sigil_words(state, node)
            if words is not None:
                return words
        value = string_value(state, node)
        if value is None:
            raise Unresolved
        return value
    if kind == "list":
        return evaluate_items(state, named(node), module, at, depth)
    if kind == "tuple":
        return [evaluate(state, c, module, at, depth + 1) for c in named(node)]
    if kind == "map":
        if child_of_type(node, "struct") is not None:
            raise Unresolved  # %Struct{}: its defaults live in another module
        content = child_of_type(node, "map_content")
        return evaluate_map(state, named(content) if content is not None else [], module, at, depth)
    if kind == "block":
        inner = named(node)
        if len(inner) != 1:
            raise Unresolved
        return evaluate(state, inner[0], module, at, depth + 1)
    if kind == "unary_operator":
        op = operator(node)
        operand = node.child_by_field_name("operand")
        if operand is None:
            raise Unresolved
        if op == "@":
            attr = attribute_value(state, node, module, at)
            if attr is None:
                raise Unresolved
            return evaluate(state, attr[1], module, attr[0], depth + 1)
        if op in ("-", "+"):
            value = evaluate(state, operand, module, at, depth + 1)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise Unresolved
            return -value if op == "-" else value
        raise Unresolved
    if kind == "binary_operator":
        return evaluate_binary(state, node, module, at, depth)
    raise Unresolved


def evaluate_binary(state: FileState, node: Any, module: Module, at: int, depth: int) -> Any:
    op = operator(node)
    if op not in ("+", "-", "*", "/", "<>"):
        raise Unresolved
    left_node, right_node = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left_node is None or right_node is None:
        raise Unresolved
    left = evaluate(state, left_node, module, at, depth + 1)
    right = evaluate(state, right_node, module, at, depth + 1)
    if op == "<>":
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        raise Unresolved
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
    if not numbers:
        raise Unresolved
    try:
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        return float(left) / float(right)  # Elixir's `/` always gives a float
    except (ZeroDivisionError, OverflowError) as exc:
        raise Unresolved from exc


def evaluate_items(state: FileState, items: list[Any], module: Module, at: int, depth: int) -> Any:
    """A list: plain values, or a keyword list (as a JSON object when every item is a pair)."""
    values: list[Any] = []
    pairs: list[tuple[str, Any]] = []
    plain = False
    for item in items:
        if item.type == "keywords":
            for pair in named(item):
                pairs.append(evaluate_pair(state, pair, module, at, depth))
        else:
            plain = True
            values.append(evaluate(state, item, module, at, depth + 1))
    if not pairs:
        return values
    if plain:  # [1, a: 2] is [1, {:a, 2}]
        return values + [[k, v] for k, v in pairs]
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise Unresolved  # a keyword list with a repeated key has no JSON object form
    return dict(pairs)


def evaluate_pair(state: FileState, pair: Any, module: Module, at: int, depth: int) -> tuple[str, Any]:
    if pair.type != "pair":
        raise Unresolved
    key_node, value_node = pair.child_by_field_name("key"), pair.child_by_field_name("value")
    if key_node is None or value_node is None:
        raise Unresolved
    key = keyword_name(state, key_node)
    if key is None:
        raise Unresolved
    return key, evaluate(state, value_node, module, at, depth + 1)


def evaluate_map(state: FileState, items: list[Any], module: Module, at: int, depth: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for item in items:
        if item.type == "keywords":
            entries = [evaluate_pair(state, p, module, at, depth) for p in named(item)]
        elif item.type == "binary_operator" and operator(item) == "=>":
            key_node, value_node = item.child_by_field_name("left"), item.child_by_field_name("right")
            if key_node is None or value_node is None:
                raise Unresolved
            key = evaluate(state, key_node, module, at, depth + 1)
            if not isinstance(key, str):
                raise Unresolved  # JSON objects only have string keys
            entries = [(key, evaluate(state, value_node, module, at, depth + 1))]
        else:
            raise Unresolved  # %{map | key: value}, ...
        for key, value in entries:
            if key in result:
                raise Unresolved  # :a and "a" would collide
            result[key] = value
    return result


def keyword_name(state: FileState, node: Any) -> str | None:
    if node.type == "keyword":
        return state.text(node).rstrip().removesuffix(":")
    if node.type == "quoted_keyword":
        return string_value(state, node)
    return None


def string_value(state: FileState, node: Any, *, keep_interpolation: bool = False) -> str | None:
    """The value of a string, heredoc, quoted atom/keyword or ~s/~S sigil; None when it
    interpolates (unless `keep_interpolation`, for docs) or is another sigil."""
    sigil_name = None
    for child in node.children:
        if child.type == "sigil_name":
            sigil_name = state.text(child)
        elif child.type == "interpolation" and not keep_interpolation:
            return None
    start = node.child_by_field_name("quoted_start")
    end = node.child_by_field_name("quoted_end")
    if start is None or end is None:
        return None
    if sigil_name is not None and sigil_name not in ("s", "S"):
        return None
    raw = state.src[start.end_byte : end.start_byte].decode("utf-8", errors="replace")
    delimiter = state.text(start)
    if delimiter in ('"""', "'''"):
        raw = _dedent_heredoc(raw)
    if sigil_name == "S":
        return raw
    return _unescape(raw)


def sigil_words(state: FileState, node: Any) -> list[str] | None:
    """`~w(a b c)` as ["a", "b", "c"] (also with the `a` modifier: atom names); None otherwise."""
    name = child_of_type(node, "sigil_name")
    if name is None or state.text(name) not in ("w", "W"):
        return None
    modifiers = child_of_type(node, "sigil_modifiers")
    if modifiers is not None and state.text(modifiers) not in ("s", "a"):
        raise Unresolved  # ~w()c: charlists
    if any(c.type == "interpolation" for c in node.children):
        raise Unresolved
    start, end = node.child_by_field_name("quoted_start"), node.child_by_field_name("quoted_end")
    if start is None or end is None:
        raise Unresolved
    raw = state.src[start.end_byte : end.start_byte].decode("utf-8", errors="replace")
    return raw.split()


# --------------------------------------------------------------------------------------------
# Literal text


def _parse_integer(text: str) -> int:
    digits = text.replace("_", "")
    prefix = digits[:2].lower()
    bases = {"0x": 16, "0o": 8, "0b": 2}
    try:
        if prefix in bases:
            return int(digits[2:], bases[prefix])
        return int(digits, 10)
    except ValueError as exc:
        raise Unresolved from exc


def _parse_char(text: str) -> int:
    body = text[1:]
    if body.startswith("\\"):
        value = _unescape(body)
        if len(value) != 1:
            raise Unresolved
        return ord(value)
    if len(body) != 1:
        raise Unresolved
    return ord(body)


_ESCAPE = re.compile(r"\\(x\{[0-9A-Fa-f]+\}|x[0-9A-Fa-f]{1,2}|u\{[0-9A-Fa-f]+\}|u[0-9A-Fa-f]{4}|\r?\n|.)", re.S)
_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "d": "\x7f",
    "e": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "s": " ",
    "t": "\t",
    "v": "\v",
    "0": "\0",
}


def _unescape(raw: str) -> str:
    """Elixir string escapes (`\\n`, `\\t`, `\\x41`, `\\u{1F600}`, line continuation) in already-extracted text."""
    if "\\" not in raw:
        return raw

    def replace(match: re.Match[str]) -> str:
        seq = match.group(1)
        if seq in ("\n", "\r\n"):
            return ""
        if seq[0] in "xu" and len(seq) > 1:
            digits = seq[1:].strip("{}")
            try:
                return chr(int(digits, 16))
            except (ValueError, OverflowError):
                return match.group(0)
        return _SIMPLE_ESCAPES.get(seq, seq)

    return _ESCAPE.sub(replace, raw)


def _dedent_heredoc(raw: str) -> str:
    """The value of a heredoc body: from the line after the opening quotes, each line stripped of
    the closing quotes' indentation."""
    newline = raw.find("\n")
    body = raw[newline + 1 :] if newline >= 0 else raw
    lines = body.split("\n")
    indent = lines.pop() if lines else ""
    if indent.strip():  # closing quotes not on a line of their own (a broken heredoc)
        lines.append(indent)
        indent = ""
    width = len(indent)
    out = []
    for line in lines:
        stripped = line.lstrip(" \t")
        removed = len(line) - len(stripped)
        out.append(line[min(removed, width) :])
    return "\n".join(out) + ("\n" if out else "")
