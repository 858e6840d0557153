"""Links on the generated pages: source lines in the two repositories, HexDocs, and the pages themselves.

- `Links`: URLs for source lines, HexDocs and pages, from configuration.
- `unique_slugs`: page slugs from short type names, unique within one section.
- `relpath_factory`: links from the page being rendered to another generated page.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from paritydocs.config import RepoLink, Settings
from paritydocs.model import Location, SourceInfo

__all__ = ["Links", "relpath_factory", "source_ref", "unique_slugs"]


@dataclass(slots=True)
class Links:
    """URLs for source lines, HexDocs and pages, from configuration."""

    settings: Settings
    python_ref: str | None = None
    elixir_ref: str | None = None
    pair_pages: dict[str, str] = field(default_factory=dict)
    """Python type path → page path."""
    client_pages: dict[str, str] = field(default_factory=dict)
    python_on: bool = True
    """False when no revision of `python_repo` is known for the tree that was read (`source_ref`)."""
    elixir_on: bool = True
    hexdocs_version: str | None = None
    """The port's release (its `mix.exs` `@version`, or the `hex:` spec's): HexDocs links name it, so they show
    the docs of the code that was read, not the newest release's."""

    @classmethod
    def of_sources(cls, settings: Settings, python: SourceInfo, elixir: SourceInfo) -> Links:
        """Links to the revisions of the trees that were actually read (`source_ref`)."""
        py_ref, py_on, _ = source_ref(settings.python_repo, python, settings.python_configured)
        ex_ref, ex_on, _ = source_ref(settings.elixir_repo, elixir, settings.elixir_configured)
        return cls(
            settings,
            python_ref=py_ref,
            elixir_ref=ex_ref,
            python_on=py_on,
            elixir_on=ex_on,
            hexdocs_version=elixir.version,
        )

    def _blob(self, repo: RepoLink | None, ref: str | None, loc: Location | None) -> str | None:
        if repo is None or loc is None or not loc.file:
            return None
        return repo.blob(loc.file, loc.line, ref=ref)

    def python(self, loc: Location | None) -> str | None:
        return self._blob(self.settings.python_repo, self.python_ref, loc) if self.python_on else None

    def elixir(self, loc: Location | None) -> str | None:
        return self._blob(self.settings.elixir_repo, self.elixir_ref, loc) if self.elixir_on else None

    def hexdocs(self, module: str, function: str | None = None) -> str | None:
        if not self.settings.hexdocs:
            return None
        anchor = f"#{function}" if function else ""
        version = f"{quote(self.hexdocs_version)}/" if self.hexdocs_version else ""
        package = quote(self.settings.hexdocs)
        return f"https://hexdocs.pm/{package}/{version}{quote(module)}.html{quote(anchor, safe='#/?!:')}"


def source_ref(repo: RepoLink | None, source: SourceInfo, configured: str) -> tuple[str | None, bool, str | None]:
    """(ref, links on, warning) for the source lines of a tree that was read: its own git commit when known (a
    `git:` spec, a local checkout); for a `pypi:`/`hex:` release, the repository's `release` pattern
    (`v{version}`); the configured `ref` only for the spec the configuration gives (it is pinned for that one);
    otherwise no source links, and a warning saying why. Never a link to a revision that was not read."""
    if repo is None:
        return None, False, None
    if source.ref:
        return source.ref, True, None
    spec = source.spec or ""
    if spec.startswith(("pypi:", "hex:")) and source.version and repo.release:
        return repo.release.format(version=source.version), True, None
    if not configured or spec == configured:
        return None, True, None  # `repo.ref`, pinned for this very spec
    why = (
        f"{spec}: no source links to {repo.url}: the revision of this tree is unknown (it is not the configured "
        f"`{configured}`, which `ref: {repo.ref}` is pinned for)"
    )
    fix = 'give a git: spec, or a `release` pattern such as "v{version}" in the repository\'s link settings'
    return None, False, f"{why}; {fix}"


def unique_slugs(names: list[tuple[str, str]]) -> dict[str, str]:
    """key → slug from the short name, falling back to the full path where two types share a name."""
    counts: dict[str, int] = {}
    for _, short in names:
        counts[short] = counts.get(short, 0) + 1
    return {key: (short if counts[short] == 1 else key.replace(".", "-")) for key, short in names}


def unique_name(stem: str, taken: set[str], *, suffix: str = "", fold: bool = False) -> str:
    """`stem + suffix`, or `stem-2 + suffix`, `stem-3 + suffix`… the first not in `taken` (compared lower-cased
    with `fold`, as file systems that fold case compare names); added to `taken`."""
    name, n = stem + suffix, 1
    while (name.lower() if fold else name) in taken:
        n += 1
        name = f"{stem}-{n}{suffix}"
    taken.add(name.lower() if fold else name)
    return name


def relpath_factory(page_path: str) -> Callable[[str], str]:
    """Link from the page being rendered to another generated page (both relative to the docs dir)."""
    base = posixpath.dirname(page_path)

    def relpath(target: str) -> str:
        target, _, anchor = target.partition("#")
        rel = posixpath.relpath(target, base or ".")
        return rel + (f"#{anchor}" if anchor else "")

    return relpath
