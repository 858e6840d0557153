"""The one named logger recoverable problems go to, and the text a terminal or CI log may receive."""

from __future__ import annotations

import logging
import re

_LINE_BREAKS = re.compile(r"[\t\n\r]")
_C1_CONTROLS = re.compile(r"[\x80-\x9f]")


def terminal_text(text: object, *, one_line: bool = True) -> str:
    """SDK text as it may reach a terminal or a CI log: no control characters (ESC, BEL, C1 such as CSI) or
    bidirectional overrides; with `one_line`, tabs and line breaks are spaces too (a line of its own could pass
    for another log line, or for a GitHub workflow command such as `::error::`)."""
    from paritydocs.render.filters import strip_controls

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
