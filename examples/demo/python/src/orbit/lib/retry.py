"""Retries with exponential backoff."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from .._constants import DEFAULT_POOL, FIRST_BACKOFF, LAST_BACKOFF


@dataclass
class RetryPolicy:
    """How failed requests are retried."""

    max_connections: int = DEFAULT_POOL.max_connections or 10
    """Upper bound on concurrent connections."""

    stall_timeout: float = 30 * 60
    """Seconds without progress before a request fails."""

    backoff_first: float = FIRST_BACKOFF
    """Delay in seconds before the first retry."""

    backoff_last: float = LAST_BACKOFF
    """Longest delay in seconds between retries."""

    jitter: float = 0.1
    """Random jitter factor (0-1) applied to each delay."""

    retry_on: tuple[type[BaseException], ...] = (asyncio.TimeoutError, ConnectionError)
    """Exception types that trigger a retry."""
