defmodule Orbit.Types.JobInfo do
  @moduledoc """
  Status of a submitted job.
  """

  alias Orbit.Types.NodeInfo

  @enforce_keys [:job_id]
  defstruct [:job_id, :state, :progress, :error, nodes: []]

  @type t :: %__MODULE__{
          job_id: String.t(),
          state: Orbit.Types.JobState.t(),
          progress: float() | nil,
          # Error message when the job failed.
          error: String.t() | nil,
          nodes: [NodeInfo.t()]
        }
end
