"""Data files written as they are made: a large SDK's `parity.json` or `llms-full.txt` is never held as one
string.

- `JsonOutput`: a JSON value, encoded as it is written.
- `TextOutput`: a text file written piece by piece.
- `STREAMED`: both, for `isinstance`.
- `encode_indented`: what `json.dumps(value, indent=2)` gives, in pieces, in about half the time.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring, encode_basestring_ascii
from pathlib import Path
from typing import IO, Any


@dataclass(slots=True)
class JsonOutput:
    """A JSON data file written to disk as it is encoded, never held as one string: `parity.json` of a large
    SDK is tens of megabytes, and encoding it indented in memory took four times that."""

    build: Callable[[], Any]
    """Makes the JSON value, when the file is written (so it is not kept either)."""

    def dump(self, fp: IO[str], *, ascii_only: bool = False) -> None:
        """`ascii_only`: every other character as `\\u` escapes (for a terminal: no C1 or bidi controls)."""
        for piece in encode_indented(self.build(), ascii_only=ascii_only):
            fp.write(piece)
        fp.write("\n")

    def write(self, path: Path) -> None:
        with path.open("w", encoding="utf-8") as fp:
            self.dump(fp)

    def text(self) -> str:
        buffer = io.StringIO()
        self.dump(buffer)
        return buffer.getvalue()


@dataclass(slots=True)
class TextOutput:
    """A text file written piece by piece, never held as one string: `llms-full.txt` of a large SDK is every
    page's Markdown copy again, tens of megabytes, and joining it then encoding it held it twice more."""

    pieces: Callable[[], Iterable[str]]
    """Makes the file's pieces, in order, when it is written."""

    def dump(self, fp: IO[str]) -> None:
        for piece in self.pieces():
            fp.write(piece)

    def write(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="") as fp:
            self.dump(fp)

    def text(self) -> str:
        return "".join(self.pieces())


STREAMED = (JsonOutput, TextOutput)
"""The outputs written as they are made (`isinstance(content, STREAMED)`)."""


def encode_indented(value: Any, *, ascii_only: bool = False) -> Iterator[str]:
    """`json.dumps(value, indent=2, ensure_ascii=ascii_only)`, the same text, as pieces: each item of the value
    and of its items (a pair of `parity.json`, a change of a sync report) is one piece, so a large file is
    never one string. With an indent, the standard library encodes in Python, a generator per value; this
    makes each piece with plain recursion, in about half the time (`parity.json` of the seed pair: 0.022 →
    0.011 s; a sync report's JSON 0.019 → 0.012 s). A value JSON has no form for raises `TypeError`, as
    `json.dumps` does."""
    text = encode_basestring_ascii if ascii_only else encode_basestring
    yield from _pieces(value, "", text, levels=2)


def _pieces(value: Any, indent: str, text: Callable[[str], str], *, levels: int) -> Iterator[str]:
    """`value` at `indent` as pieces: the items of a list or dict each apart, `levels` deep, then whole."""
    if levels == 0 or not isinstance(value, dict | list | tuple) or not value:
        yield _encode(value, indent, text)
        return
    inner = indent + "  "
    if isinstance(value, dict):
        yield "{"
        for n, (key, item) in enumerate(value.items()):
            yield f"{',' if n else ''}\n{inner}{_key(key, text)}: "
            yield from _pieces(item, inner, text, levels=levels - 1)
        yield f"\n{indent}}}"
    else:
        yield "["
        for n, item in enumerate(value):
            yield f"{',' if n else ''}\n{inner}"
            yield from _pieces(item, inner, text, levels=levels - 1)
        yield f"\n{indent}]"


def _encode(value: Any, indent: str, text: Callable[[str], str]) -> str:
    """One value as `json.dumps(..., indent=2)` writes it at `indent` (the checks in its order)."""
    kind = type(value)
    if kind is str:
        return text(value)
    if kind is dict or kind is list or kind is tuple:
        return _container(value, indent, text)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return _float(value)
    if isinstance(value, str):
        return text(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict | list | tuple):
        return _container(value, indent, text)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _container(value: Any, indent: str, text: Callable[[str], str]) -> str:
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    inner = indent + "  "
    between = ",\n" + inner
    if isinstance(value, dict):
        body = between.join(f"{_key(k, text)}: {_encode(v, inner, text)}" for k, v in value.items())
        return f"{{\n{inner}{body}\n{indent}}}"
    body = between.join([_encode(v, inner, text) for v in value])
    return f"[\n{inner}{body}\n{indent}]"


def _key(key: Any, text: Callable[[str], str]) -> str:
    """A dict's key as `json.dumps` writes it: a string; a number, `true`, `false` or `null` as a string."""
    if isinstance(key, str):
        return text(key)
    if isinstance(key, float):
        return text(_float(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return text(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)
