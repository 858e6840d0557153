defmodule Orbit.Types.Priority do
  @moduledoc """
  Scheduling priority of a job.
  """

  @type t :: :low | :normal | :high
end
