; Module definitions, at any depth (nested modules included).
;
;   defmodule Acme.Widget do ... end
;   defmodule __MODULE__.Inner do ... end
;
; @module.name is the first argument (an alias, or a `dot` whose left side is
; `__MODULE__`); the do_block is read from @module in Python.
(call
  target: (identifier) @_module.keyword
  (arguments
    .
    (_) @module.name)
  (#eq? @_module.keyword "defmodule")) @module
