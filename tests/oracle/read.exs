# A second reading of Elixir files, by Elixir's own parser (Code.string_to_quoted/2: no compilation, no Hex),
# for the tests to compare with what paritydocs' tree-sitter extraction reads. One line per fact, tab-separated:
#
#   file <path> ok | error <message>
#   module <path> <Module>
#   field <path> <Module> <name> <default>       default: nil | int:1 | float:1.5 | str:<base64> | atom:x | bool:true
#                                                  | list | map | tuple | ? (not a literal)
#   enforce <path> <Module> <key>
#   moduledoc <path> <Module> <base64 of the text> | false
#
# Usage: elixir tests/oracle/read.exs FILE...

defmodule Oracle do
  def main(files), do: Enum.each(files, &read_file/1)

  defp read_file(path) do
    source = File.read!(path)

    if String.valid?(source), do: parse(path, source), else: IO.puts("file\t#{path}\terror\tnot UTF-8")
  end

  defp parse(path, source) do
    case Code.string_to_quoted(source, columns: false, existing_atoms_only: false) do
      {:ok, ast} ->
        IO.puts("file\t#{path}\tok")
        walk(ast, nil, path)

      {:error, {_meta, message, token}} ->
        IO.puts("file\t#{path}\terror\t#{one_line(message)}#{one_line(token)}")
    end
  end

  defp one_line(text) when is_binary(text), do: String.replace(text, ~r/\s+/, " ")
  defp one_line(other), do: one_line(inspect(other))

  # defmodule inside defmodule: names nest (`defmodule Inner` in `Outer` is `Outer.Inner`)
  defp walk({:defmodule, _, [name, [do: body]]}, enclosing, path) do
    case module_name(name, enclosing) do
      nil ->
        :ok

      full ->
        IO.puts("module\t#{path}\t#{full}")
        Enum.each(statements(body), &statement(&1, full, path))
        Enum.each(statements(body), &walk(&1, full, path))
    end
  end

  defp walk({:__block__, _, items}, enclosing, path), do: Enum.each(items, &walk(&1, enclosing, path))
  defp walk(_other, _enclosing, _path), do: :ok

  defp statements({:__block__, _, items}), do: items
  defp statements(item), do: [item]

  defp module_name({:__aliases__, _, parts}, enclosing) when is_list(parts) do
    case parts do
      [{:__MODULE__, _, _} | rest] -> join([enclosing | Enum.map(rest, &Atom.to_string/1)])
      _ -> if Enum.all?(parts, &is_atom/1), do: join([enclosing | Enum.map(parts, &Atom.to_string/1)]), else: nil
    end
  end

  defp module_name(_other, _enclosing), do: nil

  defp join(parts), do: parts |> Enum.reject(&is_nil/1) |> Enum.join(".") |> String.replace_prefix("Elixir.", "")

  defp statement({kind, _, [fields]}, module, path) when kind in [:defstruct, :defexception] and is_list(fields) do
    Enum.each(fields, fn
      {name, default} when is_atom(name) -> IO.puts("field\t#{path}\t#{module}\t#{name}\t#{literal(default)}")
      name when is_atom(name) -> IO.puts("field\t#{path}\t#{module}\t#{name}\tnil")
      _ -> :ok
    end)
  end

  defp statement({:@, _, [{:enforce_keys, _, [keys]}]}, module, path) do
    keys =
      case keys do
        {:@, _, [{name, _, _}]} -> Process.get({module, name}, [])  # `@enforce_keys @required`
        list when is_list(list) -> list
        _ -> []
      end

    Enum.each(keys, fn key -> if is_atom(key), do: IO.puts("enforce\t#{path}\t#{module}\t#{key}") end)
  end

  defp statement({:@, _, [{:moduledoc, _, [doc]}]}, module, path) do
    case doc_text(doc) do
      nil -> :ok
      false -> IO.puts("moduledoc\t#{path}\t#{module}\tfalse")
      text -> IO.puts("moduledoc\t#{path}\t#{module}\t#{Base.encode64(text)}")
    end
  end

  # an attribute of literal atoms, for `@enforce_keys @required` below it
  defp statement({:@, _, [{name, _, [value]}]}, module, _path) when is_atom(name) and is_list(value) do
    if Enum.all?(value, &is_atom/1), do: Process.put({module, name}, value)
    :ok
  end

  defp statement(_other, _module, _path), do: :ok

  defp doc_text(false), do: false
  defp doc_text(text) when is_binary(text), do: text
  defp doc_text({sigil, _, [{:<<>>, _, [text]}, _modifiers]}) when sigil in [:sigil_S, :sigil_s] and is_binary(text),
    do: text
  defp doc_text(_other), do: nil

  defp literal(nil), do: "nil"
  defp literal(value) when is_boolean(value), do: "bool:#{value}"
  defp literal(value) when is_integer(value), do: "int:#{value}"
  defp literal(value) when is_float(value), do: "float:#{value}"
  defp literal(value) when is_binary(value), do: "str:#{Base.encode64(value)}"
  defp literal(value) when is_atom(value), do: "atom:#{value}"
  defp literal({:-, _, [value]}) when is_number(value), do: literal(-value)
  defp literal(value) when is_list(value), do: "list"
  defp literal({:%{}, _, _}), do: "map"
  defp literal({:{}, _, _}), do: "tuple"
  defp literal({_, _}), do: "tuple"
  defp literal(_other), do: "?"
end

Oracle.main(System.argv())
