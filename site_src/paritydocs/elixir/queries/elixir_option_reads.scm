; Keyword options a function body reads from one of its parameters.
;
;   Keyword.get(opts, :key)          Keyword.get(opts, :key, default)
;   Keyword.fetch(opts, :key)        Keyword.fetch!(opts, :key)
;   opts[:key]                       opts |> Keyword.get(:key, default)
;
; @read.var is the variable read from, @read.key the option's atom,
; @read.args the argument list (the default, if any, is read from it in Python,
; as is a `|| default` (the last pattern)).

(call
  target: (dot
    left: (alias) @_read.module
    right: (identifier) @read.function)
  (arguments
    .
    (identifier) @read.var
    .
    (atom) @read.key) @read.args
  (#eq? @_read.module "Keyword")
  (#any-of? @read.function "get" "fetch" "fetch!")) @read

(access_call
  target: (identifier) @read.var
  key: (atom) @read.key) @read

(binary_operator
  left: (identifier) @read.var
  operator: "|>"
  right: (call
    target: (dot
      left: (alias) @_read.module
      right: (identifier) @read.function)
    (arguments
      .
      (atom) @read.key) @read.args)
  (#eq? @_read.module "Keyword")
  (#any-of? @read.function "get" "fetch" "fetch!")) @read

; `left || default`: when `left` is one of the reads above, `default` is its default
; (`Keyword.get(opts, :key) || 10`, `opts[:key] || @default_key`).
(binary_operator
  left: (_) @or.left
  operator: "||"
  right: (_) @or.default) @or
