defmodule Orbit.JobsClient do
  @moduledoc """
  Submit and follow jobs.

      {:ok, job} = Orbit.JobsClient.submit(client, %Orbit.Types.SubmitJobRequest{project_id: "p", base_model: "Qwen/Qwen2.5-7B"})
  """

  @doc """
  Submit a job.
  """
  @spec submit(pid(), Orbit.Types.SubmitJobRequest.t(), keyword()) :: {:ok, Orbit.Types.JobInfo.t()} | {:error, term()}
  def submit(client, request, opts \\ []) do
    wait = Keyword.get(opts, :wait, false)
    GenServer.call(client, {:submit, request, wait})
  end

  @spec status(pid(), String.t()) :: {:ok, Orbit.Types.JobInfo.t()} | {:error, term()}
  def status(client, job_id), do: GenServer.call(client, {:status, job_id})

  @doc """
  Pause a running job (Elixir only).
  """
  @spec pause(pid(), String.t()) :: :ok
  def pause(client, job_id), do: GenServer.cast(client, {:pause, job_id})
end
