; Reads of a module attribute inside an expression: `@default_timeout`.
; (A definition, `@default_timeout 30_000`, has a `call` operand instead.)
(unary_operator
  operator: "@"
  operand: (identifier) @attribute_ref.name) @attribute_ref
