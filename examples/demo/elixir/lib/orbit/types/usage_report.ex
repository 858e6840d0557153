defmodule Orbit.Types.UsageReport do
  @moduledoc """
  Accelerator hours used by a project (Elixir-only helper type).
  """

  defstruct [:project_id, gpu_hours: 0.0]

  @type t :: %__MODULE__{project_id: String.t() | nil, gpu_hours: float()}
end
