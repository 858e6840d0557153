from typing import List, Optional

from .._models import BaseModel
from .job_state import JobState

__all__ = ["JobInfo", "NodeInfo"]


class NodeInfo(BaseModel):
    """A machine a job runs on."""

    hostname: Optional[str] = None
    """The node's host name."""

    zone: Optional[str] = None
    """Availability zone of the node."""


class JobInfo(BaseModel):
    """Status of a submitted job."""

    job_id: str
    """Unique identifier of the job."""

    state: JobState
    """Where the job is in its life cycle."""

    nodes: List[NodeInfo] = []
    """Nodes the job was placed on."""

    progress: Optional[float] = None
    """Fraction of steps done, from 0 to 1."""

    error: Optional[str] = None
