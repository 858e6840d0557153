"""Source text and name bindings: a parsed file (`Source`), the names each module or class body binds
(`Scope`, `collect_scope`), and the small `ast` helpers that read annotations, expressions, signatures
(`signature_args`) and the comments that document a field (`comment_doc`) as written."""

from __future__ import annotations

import ast
import inspect
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------------------
# Source text helpers
# --------------------------------------------------------------------------------------

AST_TYPE_ALIAS: Any = getattr(ast, "TypeAlias", None)
"""`type X = ...` statements (Python 3.12+); None on older interpreters."""

_CLOSERS = {")", "]", "}"}
_OPENERS = {"(", "[", "{"}
_SKIPPED_TOKENS = {
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.COMMENT,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
}


def _flatten(segment: str) -> str:
    """Put a multi-line expression on one line, keeping every token as written.

    Line breaks become one space, or nothing next to a bracket; a trailing comma before a
    closing bracket is dropped unless it makes a one-element tuple.
    """
    if "\n" not in segment:
        return segment
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(segment).readline) if t.type not in _SKIPPED_TOKENS]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return " ".join(line.strip() for line in segment.splitlines() if line.strip())
    out: list[str] = []
    groups: list[list[int]] = []  # per open bracket: [top-level comma count]
    prev: tokenize.TokenInfo | None = None
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.type == tokenize.OP and tok.string in _OPENERS:
            groups.append([0])
        elif tok.type == tokenize.OP and tok.string in _CLOSERS and groups:
            groups.pop()
        if tok.type == tokenize.OP and tok.string == ",":
            if groups:
                groups[-1][0] += 1
            if nxt is not None and nxt.type == tokenize.OP and nxt.string in _CLOSERS:
                one_tuple = nxt.string == ")" and groups and groups[-1][0] == 1
                if not one_tuple:
                    prev = tok
                    continue
        if prev is not None:
            if prev.end[0] == tok.start[0]:
                out.append(" " * max(0, tok.start[1] - prev.end[1]))
            elif not (prev.string in _OPENERS or tok.string in _CLOSERS):
                out.append(" ")
        out.append(tok.string)
        prev = tok
    return "".join(out).strip()


def source_text(src: Source, node: ast.AST | None) -> str:
    """The source text of a node, on one line (see `_flatten`)."""
    if node is None:
        return ""
    segment = src.segment(node)
    if segment is None:
        return ast.unparse(node)
    return _flatten(segment)


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def clean_doc(text: str | None) -> str | None:
    if not text:
        return None
    cleaned = inspect.cleandoc(text).strip()
    return cleaned or None


def string_after(body: list[ast.stmt], index: int) -> str | None:
    """The attribute docstring: a string literal statement right after `body[index]`."""
    if index + 1 < len(body):
        nxt = body[index + 1]
        if isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant) and isinstance(nxt.value.value, str):
            return clean_doc(nxt.value.value)
    return None


_DIRECTIVE = re.compile(
    r"^(?:type:|noqa\b|pyright:|mypy:|fmt:|pragma\b|isort:|ruff:|pylint:|TODO\b|FIXME\b|XXX\b|HACK\b)", re.I
)
"""Comments addressed to tools or to the SDK's own developers, never a field's documentation."""
_RULE_LINE = re.compile(r"^[-=#*~_\s]*$")
"""A separator bar (`# ------`), or an empty `#`."""


def _comment_body(text: str) -> str:
    body = text[1:]
    return body[1:] if body.startswith(" ") else body


def _is_code(text: str) -> bool:
    """A commented-out statement (`# retries: int = 3`), not prose: it parses as something other than a bare
    expression (a lone word parses as a name, so prose of one word still counts as prose)."""
    try:
        body = ast.parse(text.strip()).body
    except (SyntaxError, ValueError):
        return False
    return bool(body) and not all(isinstance(stmt, ast.Expr) for stmt in body)


def comment_doc(src: Source, stmt: ast.stmt, after: int) -> tuple[str, bool] | None:
    """The comment that documents a class-body statement, and whether it is a `#:` doc comment. `after` is the
    last line of the statement before it (or of the class header): the lines between hold no statement, so a
    line there that starts with `#` is a comment, never the inside of a string.

    `#:` comments win (Sphinx's doc comments): the run of `#:` lines directly above the statement, else a `#:`
    after it on its last line. Otherwise the run of plain comment lines directly above it (no blank line between),
    without tool directives (`# type: ignore`, `# noqa`, `# TODO`), separator bars and commented-out code.
    """
    if not src.lines:
        src.lines = _LINE_RE.findall(src.text)
    block: list[str] = []
    line = stmt.lineno - 1
    while after < line <= len(src.lines) and src.lines[line - 1].lstrip().startswith("#"):
        block.insert(0, src.lines[line - 1].strip())
        line -= 1
    marked: list[str] = []
    for text in reversed(block):
        if not text.startswith("#:"):
            break
        marked.insert(0, _comment_body(text[1:]))
    end, end_col = getattr(stmt, "end_lineno", None), getattr(stmt, "end_col_offset", None)
    if not marked and end is not None and end_col is not None and end <= len(src.lines):
        # what follows the statement on its last line can only be `;`, another statement or a comment
        rest = src.lines[end - 1].encode()[end_col:].decode(errors="replace").strip()
        if rest.startswith("#:"):
            marked = [_comment_body(rest[1:])]
    if marked:
        doc = clean_doc("\n".join(marked))
        return (doc, True) if doc else None
    plain = [_comment_body(text) for text in block]
    plain = [text for text in plain if not _DIRECTIVE.match(text.strip()) and not _RULE_LINE.match(text)]
    plain = [text for text in plain if not _is_code(text)]
    doc = clean_doc("\n".join(plain))
    return (doc, False) if doc else None


def decorator_name(node: ast.expr) -> str | None:
    """`staticmethod` for `@staticmethod`, `wraps` for `@functools.wraps(f)`, `setter` for `@x.setter`."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def signature_args(args: ast.arguments, *, bound: bool) -> list[tuple[str, ast.arg, ast.expr | None]]:
    """A signature's parameters in order as (kind, arg, default node): kinds `posonly`, `regular`, `vararg`,
    `kwonly`, `kwarg`. With `bound`, the first positional parameter (`self`, `cls`) is left out."""
    raw: list[tuple[str, ast.arg, ast.expr | None]] = []
    positional = [*args.posonlyargs, *args.args]
    first_default = len(positional) - len(args.defaults)
    for i, arg in enumerate(positional):
        kind = "posonly" if i < len(args.posonlyargs) else "regular"
        raw.append((kind, arg, args.defaults[i - first_default] if i >= first_default else None))
    if args.vararg is not None:
        raw.append(("vararg", args.vararg, None))
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        raw.append(("kwonly", arg, kw_default))
    if args.kwarg is not None:
        raw.append(("kwarg", args.kwarg, None))
    if bound and raw and raw[0][0] in ("posonly", "regular"):
        raw = raw[1:]
    return raw


def dotted_name(node: ast.AST) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def last_name(dotted: str | None) -> str | None:
    return dotted.rsplit(".", 1)[-1] if dotted else None


def annotation_head(node: ast.AST | None) -> str | None:
    """The last name of an annotation's head: `Optional` for `typing.Optional[int]`."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value.strip(), mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.Subscript):
        node = node.value
    return last_name(dotted_name(node))


def subscript_args(node: ast.Subscript) -> list[ast.expr]:
    inner = node.slice
    if isinstance(inner, ast.Tuple):
        return list(inner.elts)
    return [inner]


def unwrap_annotated(node: ast.expr) -> tuple[ast.expr, list[ast.expr]]:
    """`Annotated[T, m1, m2]` → (T, [m1, m2]); anything else → (node, [])."""
    metadata: list[ast.expr] = []
    while isinstance(node, ast.Subscript) and annotation_head(node) == "Annotated":
        args = subscript_args(node)
        if not args:
            break
        metadata.extend(args[1:])
        node = args[0]
    return node, metadata


# --------------------------------------------------------------------------------------
# Per-file syntax: bindings of names at module or class level
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Binding:
    kind: str
    """`assign` (a simple `name = value`), `import`, `from`, `class`, `def`, or `other`."""
    line: int
    nested: bool
    """Inside an `if`/`try`/`for`/`with`/… block rather than directly in the scope's body."""
    value: ast.expr | None = None
    module: str | None = None
    """For `import a.b as c`: `a.b`; for `import a.b`: `a`."""


@dataclass(slots=True)
class Scope:
    bindings: dict[str, list[_Binding]] = field(default_factory=dict)
    star_lines: list[int] = field(default_factory=list)
    dynamic: set[str] = field(default_factory=set)
    """Names rebound from elsewhere (`global` in a function, `del`): never evaluated."""

    def add(self, name: str, binding: _Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


def _target_names(node: ast.AST) -> Iterator[str]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            yield sub.id
        elif isinstance(sub, (ast.MatchAs, ast.MatchStar)) and sub.name:
            yield sub.name
        elif isinstance(sub, ast.MatchMapping) and sub.rest:
            yield sub.rest


def _statements(stmt: ast.stmt) -> Iterator[ast.stmt]:
    """`stmt` and every statement nested in it (function and class bodies included), not their expressions: a
    `global` is a statement, so finding one needs no walk through every expression of a function."""
    stack = [stmt]
    while stack:
        node = stack.pop()
        yield node
        for attr in ("body", "orelse", "finalbody"):
            sub = getattr(node, attr, None)
            if isinstance(sub, list):
                stack.extend(s for s in sub if isinstance(s, ast.stmt))
        for handler in getattr(node, "handlers", None) or ():
            stack.extend(handler.body)
        for case in getattr(node, "cases", None) or ():
            stack.extend(case.body)


def collect_scope(body: list[ast.stmt], scope: Scope | None = None, *, nested: bool = False) -> Scope:
    """Every binding of a name in a module or class body (not inside functions or classes)."""
    scope = scope if scope is not None else Scope()
    for stmt in body:
        line = stmt.lineno
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scope.add(stmt.name, _Binding("class" if isinstance(stmt, ast.ClassDef) else "def", line, nested))
            for inner in _statements(stmt):
                if isinstance(inner, ast.Global):
                    scope.dynamic.update(inner.names)
            continue
        # Walrus targets anywhere in the statement bind at this level.
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                scope.add(sub.target.id, _Binding("other", line, nested))
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    scope.add(target.id, _Binding("assign", line, nested, value=stmt.value))
                elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
                    for name in _target_names(target):
                        scope.add(name, _Binding("other", line, nested))
        elif isinstance(stmt, ast.AnnAssign):
            if isinstance(stmt.target, ast.Name) and stmt.value is not None:
                scope.add(stmt.target.id, _Binding("assign", line, nested, value=stmt.value))
        elif isinstance(stmt, ast.AugAssign):
            if isinstance(stmt.target, ast.Name):
                scope.add(stmt.target.id, _Binding("other", line, nested))
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    scope.add(alias.asname, _Binding("import", line, nested, module=alias.name))
                else:
                    top = alias.name.split(".", 1)[0]
                    scope.add(top, _Binding("import", line, nested, module=top))
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name == "*":
                    scope.star_lines.append(line)
                else:
                    scope.add(alias.asname or alias.name, _Binding("from", line, nested))
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                scope.dynamic.update(_target_names(target))
        elif AST_TYPE_ALIAS is not None and isinstance(stmt, AST_TYPE_ALIAS):  # pragma: no cover - 3.12+
            name_node = getattr(stmt, "name", None)
            if isinstance(name_node, ast.Name):
                scope.add(name_node.id, _Binding("other", line, nested))
        else:
            # Compound statements: names bound by their headers, then their bodies.
            if isinstance(stmt, (ast.For, ast.AsyncFor)):
                for name in _target_names(stmt.target):
                    scope.add(name, _Binding("other", line, True))
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    if item.optional_vars is not None:
                        for name in _target_names(item.optional_vars):
                            scope.add(name, _Binding("other", line, True))
            elif isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    for name in _target_names(case.pattern):
                        scope.add(name, _Binding("other", line, True))
            for attr in ("body", "orelse", "finalbody"):
                sub_body = getattr(stmt, attr, None)
                if isinstance(sub_body, list) and sub_body and isinstance(sub_body[0], ast.stmt):
                    collect_scope(sub_body, scope, nested=True)
            for handler in getattr(stmt, "handlers", []) or []:
                if handler.name:
                    scope.add(handler.name, _Binding("other", handler.lineno, True))
                collect_scope(handler.body, scope, nested=True)
            if isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    collect_scope(case.body, scope, nested=True)
    return scope


@dataclass(slots=True)
class Source:
    path: Path
    text: str
    tree: ast.Module
    scope: Scope
    class_scopes: dict[int, Scope] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    """Lines split as `ast` counts them (only \\n, \\r\\n and \\r end a line)."""
    class_nodes: dict[tuple[str, int | None], ast.ClassDef | None] = field(default_factory=dict)
    """(class name, line Griffe gives) → its `ClassDef` in this file, as `SdkTree.class_node` found it."""

    def segment(self, node: ast.AST) -> str | None:
        """Like `ast.get_source_segment`, without splitting the whole file on every call."""
        lineno, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        col, end_col = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if lineno is None or end is None or col is None or end_col is None:
            return None
        if not self.lines:
            self.lines = _LINE_RE.findall(self.text)
        if end > len(self.lines):
            return None
        if lineno == end:
            return self.lines[lineno - 1].encode()[col:end_col].decode(errors="replace")
        first = self.lines[lineno - 1].encode()[col:].decode(errors="replace")
        last = self.lines[end - 1].encode()[:end_col].decode(errors="replace")
        return first + "".join(self.lines[lineno : end - 1]) + last

    def class_scope(self, node: ast.ClassDef) -> Scope:
        key = id(node)
        if key not in self.class_scopes:
            self.class_scopes[key] = collect_scope(node.body)
        return self.class_scopes[key]
