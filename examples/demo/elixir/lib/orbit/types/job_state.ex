defmodule Orbit.Types.JobState do
  @moduledoc """
  Life-cycle state of a job.

  Wire format: `"queued"` | `"running"` | `"done"` | `"failed"`
  """

  @type t :: :queued | :running | :done | :failed

  @doc """
  Parse the wire string.
  """
  @spec parse(String.t()) :: t() | nil
  def parse("queued"), do: :queued
  def parse("running"), do: :running
  def parse("done"), do: :done
  def parse("failed"), do: :failed
  def parse(_), do: nil
end
