from enum import Enum


class Priority(str, Enum):
    """How soon the scheduler should start a job."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
