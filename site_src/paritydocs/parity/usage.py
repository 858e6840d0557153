"""Evidence from the port's program flow: where its code builds each struct and where it decodes one
(`TypeDef.builds`, `TypeDef.decodes`, read by `paritydocs.elixir.usage`), gathered by the struct's module.

Two questions the optionality rule asks of it (`parity.rules`):

- **Does every place the port builds the struct set the field?** Then what the struct itself allows for the field
  (nil, or a default of its own) never goes out: only what those places set does.
- **Does every place the port decodes the struct match the key first?** Then a response without the key never
  reaches the decoder: an enforced key cannot fail to decode there.

Only the code of other modules counts: the struct's own `new/1` and `from_map/1` are what is being judged. With no
such place at all, or one whose keys are not written out (`Mod.new(opts)`), there is no evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from paritydocs.model import DecodeCall, SdkModel, StructBuild

__all__ = ["PortUsage", "UsageSite", "sites_text"]


@dataclass(frozen=True, slots=True)
class UsageSite:
    """One place in the port: the module and file whose code it is, and the build or decoder call."""

    module: str
    file: str
    line: int
    function: str

    @property
    def where(self) -> str:
        return f"`{self.module.rsplit('.', 1)[-1]}.{self.function}` ({self.file}:{self.line})"


@dataclass(slots=True)
class PortUsage:
    """The port's builds and decoder calls of each struct module, by the other modules' code."""

    builds: dict[str, list[tuple[UsageSite, StructBuild]]] = field(default_factory=dict)
    decodes: dict[str, list[tuple[UsageSite, DecodeCall]]] = field(default_factory=dict)

    @classmethod
    def of(cls, elixir: SdkModel) -> PortUsage:
        usage = cls()
        for module in elixir.types:
            for build in module.builds:
                if build.module != module.path:
                    site = UsageSite(module.path, module.file, build.line, build.function)
                    usage.builds.setdefault(build.module, []).append((site, build))
            for call in module.decodes:
                if call.module != module.path:
                    site = UsageSite(module.path, module.file, call.line, call.caller)
                    usage.decodes.setdefault(call.module, []).append((site, call))
        return usage

    def always_set(self, struct: str, key: str) -> list[UsageSite] | None:
        """The places that build `struct`, when there is at least one and every one sets `key` to something
        other than a literal nil; else None."""
        builds = self.builds.get(struct, [])
        if not builds or any(b.open or key not in b.keys for _, b in builds):
            return None
        return [site for site, _ in builds]

    def decoded_with_key(self, struct: str, key: str) -> list[UsageSite] | None:
        """The places that call `struct`'s decoders, when there is at least one and each matched its argument to
        hold `key` before the call; else None."""
        calls = self.decodes.get(struct, [])
        if not calls or any(key not in c.matched_keys for _, c in calls):
            return None
        return [site for site, _ in calls]


def sites_text(sites: list[UsageSite], limit: int = 3) -> str:
    """`A.f/1` (lib/a.ex:3), `B.g/2` (lib/b.ex:9) and 2 more."""
    shown = [s.where for s in sites[:limit]]
    more = len(sites) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")
