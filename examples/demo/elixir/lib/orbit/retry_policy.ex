defmodule Orbit.RetryPolicy do
  @moduledoc """
  Retry configuration for requests.

  Mirrors the Python `RetryPolicy`, in milliseconds.
  """

  defstruct [:max_attempts, :stall_timeout_ms, :first_delay_ms, :last_delay_ms, :jitter_pct, :max_connections]

  @type t :: %__MODULE__{
          max_attempts: non_neg_integer() | :infinity,
          stall_timeout_ms: pos_integer(),
          first_delay_ms: pos_integer(),
          last_delay_ms: pos_integer(),
          jitter_pct: float(),
          max_connections: pos_integer()
        }

  @default_max_attempts :infinity
  @default_stall_timeout_ms 1_800_000
  @default_first_delay_ms 200
  @default_last_delay_ms 5_000
  @default_jitter_pct 0.1
  @default_max_connections 64

  @doc """
  Build a retry policy from options.
  """
  @spec new(keyword()) :: t()
  def new(opts \\ []) do
    %__MODULE__{
      max_attempts: Keyword.get(opts, :max_attempts, @default_max_attempts),
      stall_timeout_ms: Keyword.get(opts, :stall_timeout_ms, @default_stall_timeout_ms),
      first_delay_ms: Keyword.get(opts, :first_delay_ms, @default_first_delay_ms),
      last_delay_ms: Keyword.get(opts, :last_delay_ms, @default_last_delay_ms),
      jitter_pct: Keyword.get(opts, :jitter_pct, @default_jitter_pct),
      max_connections: Keyword.get(opts, :max_connections, @default_max_connections)
    }
  end
end
