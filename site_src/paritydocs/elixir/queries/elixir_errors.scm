; Syntax errors tree-sitter recovered from: unexpected tokens and inserted tokens.
(ERROR) @error
(MISSING) @missing
