defmodule Orbit.Types.ResourceSpec do
  @moduledoc """
  Hardware a job asks for.

  ## Fields

    * `:gpus` - Number of accelerators to reserve.
    * `:memory_gb` - Host memory in gigabytes.
  """

  defstruct gpus: 1, memory_gb: 16.0

  @type t :: %__MODULE__{gpus: non_neg_integer(), memory_gb: float()}
end
