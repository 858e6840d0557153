"""Data files written as they are made: a large SDK's `parity.json` or `llms-full.txt` is never held as one
string.

- `JsonOutput`: a JSON value, encoded as it is written.
- `TextOutput`: a text file written piece by piece.
- `STREAMED`: both, for `isinstance`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
        json.dump(self.build(), fp, indent=2, ensure_ascii=ascii_only)
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
