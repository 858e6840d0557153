"""The jobs client."""

from __future__ import annotations

from ...types import JobInfo, SubmitJobRequest


class JobsClient:
    """Submit and follow jobs.

    Example:
        ```python
        client = JobsClient(api_key="orb-...")
        job = client.submit(SubmitJobRequest(project_id="p", base_model="Qwen/Qwen3-8B"))
        ```
    """

    def __init__(self, api_key: str, timeout: float = 30.0) -> None:
        self._api_key = api_key
        self._timeout = timeout

    def submit(self, request: SubmitJobRequest, *, wait: bool = False) -> JobInfo:
        """Submit a job.

        Args:
            request: What to run.
            wait: Block until the job has started.

        Returns:
            The job's status.
        """
        raise NotImplementedError

    async def submit_async(self, request: SubmitJobRequest, *, wait: bool = False) -> JobInfo:
        """Async version of `submit`."""
        raise NotImplementedError

    def status(self, job_id: str) -> JobInfo:
        """Current status of a job.

        Args:
            job_id: The job to look up.
        """
        raise NotImplementedError

    def cancel(self, job_id: str, reason: str | None = None) -> None:
        """Cancel a job.

        Args:
            job_id: The job to cancel.
            reason: Shown in the job's history.
        """
        raise NotImplementedError
