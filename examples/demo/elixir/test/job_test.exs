defmodule Orbit.JobTest do
  use ExUnit.Case
  test "model" do
    assert %Orbit.Types.SubmitJobRequest{project_id: "p", base_model: "Qwen/Qwen2.5-7B"}.base_model
  end
end
