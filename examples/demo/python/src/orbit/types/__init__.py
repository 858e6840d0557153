from .job_state import JobState
from .priority import Priority
from .submit_job_request import ResourceSpec, SubmitJobRequest
from .job_info import JobInfo, NodeInfo
from .queue_stats import QueueStats

__all__ = ["JobInfo", "JobState", "NodeInfo", "Priority", "QueueStats", "ResourceSpec", "SubmitJobRequest"]
