"""JSON data files written as they are encoded: a large SDK's `parity.json` is never held as one string."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
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
