"""Orbit: a small SDK for a made-up job-scheduling API (the paritydocs demo)."""

from . import types
from ._constants import DEFAULT_TIMEOUT

__all__ = ["DEFAULT_TIMEOUT", "types"]
