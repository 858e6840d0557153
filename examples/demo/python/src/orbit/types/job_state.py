from typing_extensions import Literal, TypeAlias

__all__ = ["JobState"]

JobState: TypeAlias = Literal["queued", "running", "done", "failed", "cancelled"]
