"""The one named logger recoverable problems go to."""

from __future__ import annotations

import logging

logger = logging.getLogger("mkdocs.plugins.paritydocs")
"""Named under `mkdocs.plugins` so `mkdocs build --strict` counts our warnings."""
