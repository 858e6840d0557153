; Syntax errors tree-sitter recovered from: unexpected tokens and inserted tokens.
(ERROR) @error
(MISSING) @missing

; A reserved word where an expression stands: a stray `end` (one more than the `do`s it could close) parses as a
; variable named `end`, and the code after it falls outside the module it was written in.
((identifier) @stray_end
  (#eq? @stray_end "end"))
