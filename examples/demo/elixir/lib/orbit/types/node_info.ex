defmodule Orbit.Types.NodeInfo do
  @moduledoc """
  A machine a job runs on.
  """

  defstruct [:hostname, :zone]

  @type t :: %__MODULE__{hostname: String.t() | nil, zone: String.t() | nil}
end
