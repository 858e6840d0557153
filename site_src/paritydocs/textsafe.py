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


_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
    "\u00ad"  # soft hyphen: invisible, and splits a word (a model name) the rewrite would match
    "\u061c\u180e"  # Arabic letter mark, Mongolian vowel separator
    "\u200b-\u200f"  # zero-width space, non-joiner, joiner; left-to-right and right-to-left marks
    "\u202a-\u202e"  # bidirectional embeddings and overrides (Trojan Source)
    "\u2060-\u2064"  # word joiner and the invisible operators
    "\u2066-\u2069"  # bidirectional isolates
    "\ufeff"  # byte order mark / zero-width no-break space
    "]"
)


def strip_controls(text: str) -> str:
    """Drop control characters, bidirectional controls and invisible characters (zero-width, BOM, soft hyphen):
    they can disguise text (Trojan Source), or split a word so a rewrite or a search misses it."""
    return _CONTROL.sub("", text)


def one_line(value: object, limit: int = 300, *, ellipsis: str = "...") -> str:
    """An error's text for a one-line message: white space folded, at most `limit` characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - len(ellipsis)] + ellipsis


def brief(value: object) -> str:
    """A shorter `one_line` for the warnings of a sync report (200 characters, a single-character ellipsis)."""
    return one_line(value, 200, ellipsis="…")
