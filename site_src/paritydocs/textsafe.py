"""Text for terminals and logs: the one named logger, control characters stripped, one-line messages."""

from __future__ import annotations

import logging
import re

_LINE_BREAKS = re.compile(r"[\t\n\r]")
_C1_CONTROLS = re.compile(r"[\x80-\x9f]")


def terminal_text(text: object, *, one_line: bool = True) -> str:
    """SDK text as it may reach a terminal or a CI log: no control characters (ESC, BEL, C1 such as CSI) or
    bidirectional overrides; with `one_line`, tabs and line breaks are spaces too (a line of its own could pass
    for another log line, or for a GitHub workflow command such as `::error::`)."""
    value = str(text)
    if one_line:
        value = _LINE_BREAKS.sub(" ", value)
    return _C1_CONTROLS.sub("", strip_controls(value))


class _TerminalText(logging.Filter):
    """Every message of the paritydocs logger as `terminal_text`: they quote SDK names and file names."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = terminal_text(record.getMessage())
        record.args = ()
        return True


logger = logging.getLogger("mkdocs.plugins.paritydocs")
"""Named under `mkdocs.plugins` so `mkdocs build --strict` counts our warnings."""
logger.addFilter(_TerminalText())


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """Drop control characters and bidirectional overrides, which can disguise text."""
    return _CONTROL.sub("", text)


def one_line(value: object, limit: int = 300, *, ellipsis: str = "...") -> str:
    """An error's text for a one-line message: white space folded, at most `limit` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - len(ellipsis)] + ellipsis


def brief(value: object) -> str:
    """A shorter `one_line` for the warnings of a sync report (200 characters, a single-character ellipsis)."""
    return one_line(value, 200, ellipsis="…")
