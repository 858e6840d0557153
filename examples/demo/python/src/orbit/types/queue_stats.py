from .._models import BaseModel

__all__ = ["QueueStats"]


class QueueStats(BaseModel):
    """Counters of the scheduler's queue."""

    waiting: int = 0
    """Jobs waiting to start."""

    running: int = 0
    """Jobs running now."""
