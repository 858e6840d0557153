; What a function body does with structs (`elixir/usage.py`): where it builds one and where it decodes one.
;
;   %Mod{key: value}               a struct built in place (an update `%Mod{s | k: v}` builds nothing new;
;                                  a pattern `%Mod{} = x` builds nothing: `usage.py` leaves both out)
;   Mod.new(key: value)            the module's constructor (also `Mod.from_map(map)` and the other decoders)
;   struct(Mod, key: value)        Kernel's struct builders
;   alias A.B / alias A.{B, C} / alias A.B, as: C    how the file names modules

(map
  (struct
    (_) @build.module)) @build

(call
  target: (dot
    left: (alias) @use.module
    right: (identifier) @use.function)
  (arguments) @use.args
  (#any-of? @use.function "new" "from_map" "from_json" "decode" "parse")) @use

(call
  target: (identifier) @_kernel.function
  (arguments
    .
    (alias) @use.module) @use.args
  (#any-of? @_kernel.function "struct" "struct!")) @use

(call
  target: (identifier) @_alias.keyword
  (arguments) @alias.args
  (#eq? @_alias.keyword "alias")) @alias
