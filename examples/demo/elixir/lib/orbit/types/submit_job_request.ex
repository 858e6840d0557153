defmodule Orbit.Types.SubmitJobRequest do
  @moduledoc """
  Request to submit a training job.

  Mirrors Python `orbit.types.SubmitJobRequest`.

  ## Example

      iex> %Orbit.Types.SubmitJobRequest{project_id: "p", base_model: "Qwen/Qwen2.5-7B"}
  """

  alias Orbit.Types.ResourceSpec

  @enforce_keys [:project_id, :base_model]
  @derive {Jason.Encoder, only: [:project_id, :base_model, :priority, :resources, :labels, :type]}
  defstruct [
    :project_id,
    :base_model,
    :labels,
    priority: :normal,
    resources: %ResourceSpec{},
    max_runtime_ms: 1_800_000,
    type: "submit_job"
  ]

  @type t :: %__MODULE__{
          project_id: String.t(),
          base_model: String.t(),
          labels: map() | nil,
          priority: Orbit.Types.Priority.t(),
          resources: ResourceSpec.t(),
          max_runtime_ms: pos_integer(),
          type: String.t()
        }
end
