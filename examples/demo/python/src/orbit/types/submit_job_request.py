from typing import Any, Optional

from typing_extensions import Literal

from .._compat import PYDANTIC_V2, ConfigDict
from .._models import StrictBase
from .priority import Priority

__all__ = ["ResourceSpec", "SubmitJobRequest"]


class ResourceSpec(StrictBase):
    """Hardware a job asks for."""

    gpus: int = 1
    """Number of accelerators to reserve."""

    memory_gb: float = 16.0
    """Host memory in gigabytes."""


class SubmitJobRequest(StrictBase):
    """Request to submit a training job."""

    project_id: str
    """Project the job is billed to."""

    base_model: str
    """The model to fine-tune (e.g., 'Qwen/Qwen3-8B')."""

    priority: Priority = Priority.NORMAL
    """Scheduling priority."""

    resources: Optional[ResourceSpec] = None
    """Hardware to reserve; the server picks when omitted."""

    labels: Optional[dict[str, Any]] = None
    """Free-form labels, set by the end-user."""

    max_runtime: float = 3600.0
    """Wall-clock limit in seconds."""

    type: Literal["submit_job"] = "submit_job"

    if PYDANTIC_V2:
        model_config = ConfigDict(protected_namespaces=tuple())
