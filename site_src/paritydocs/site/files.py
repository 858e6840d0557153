"""The files the MkDocs plugin adds to a build, and the ones `serve` watches.

- `add_site_files`: the generated pages, data files and stylesheet of a `SiteBuild`, added to MkDocs' files.
- `page_file`: a generated file backed by a cache file that is rewritten only when its content changes.
- `watched_paths`: what `serve` watches: the templates, the notes file and local SDK checkouts.
- `prune_pages`: the page cache bounded, the least recently used files removed (`installed_count`: whether a build
  added any).
- `CSS_URI`: where the stylesheet is published.
"""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import os
import posixpath
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files, InclusionLevel

from paritydocs.config import Settings
from paritydocs.jsonfile import STREAMED, JsonOutput, TextOutput
from paritydocs.render import builtin_templates
from paritydocs.site import SiteBuild
from paritydocs.site.kept import mark_used, pages_folder
from paritydocs.sources.cache import beyond_newest
from paritydocs.textsafe import logger

__all__ = [
    "CSS_URI",
    "PAGES_KEPT",
    "StoredFiles",
    "add_site_files",
    "installed_count",
    "page_file",
    "pages_folder",
    "prune_pages",
    "stash_markdown_copies",
    "watched_paths",
    "write_markdown_copies",
]

CSS_URI = "assets/paritydocs.css"


class StoredFiles:
    """What a `serve` session's last build put in the page cache: each site file's text and its cached file, so
    a rebuild does not encode, hash, look up and mark as used again a file whose text did not change (0.02 s of
    a rebuild of the seed pair's 520 pages and Markdown copies). A file gone from the cache since (pruned, or
    removed by hand) is stored again. Not for one-off builds: it holds the text of every page."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, str], tuple[str, str]] = {}
        self.hits = 0
        """Files found stored as they are (for the tests)."""

    def get(self, folder: Path, path: str, text: str) -> str | None:
        kept = self._files.get((str(folder), path))
        if kept is not None and kept[0] == text and os.path.isfile(kept[1]):
            self.hits += 1
            return kept[1]
        return None

    def put(self, folder: Path, path: str, text: str, target: str) -> None:
        self._files[str(folder), path] = (text, target)


def add_site_files(
    files: Files, config: Any, site: SiteBuild, stored: StoredFiles | None = None
) -> tuple[set[str], set[str]]:
    """Add the site's pages, data files and stylesheet to `files`. Returns the pages it generated (their HTML
    is cleaned) and those of them that show outdated model names on purpose. `stored`: a `serve` session's."""
    generated: set[str] = set()
    keep_names: set[str] = set()
    for page in site.pages:
        existing = files.get_file_from_path(page.path)
        if existing is not None and not existing.generated_by:
            logger.warning(
                "docs/%s exists and replaces the generated page of the same name; "
                "set the paritydocs 'output_dir' option to generate elsewhere",
                page.path,
            )
            continue
        if existing is not None:
            files.remove(existing)
        files.append(page_file(config, site.settings, page.path, page.content, stored))
        generated.add(page.path)
        if page.keep_model_names:
            keep_names.add(page.path)
    # parity.json, llms.txt, sync-*.json: files MkDocs copies, so no copy of them is held through the build
    for rel, content in site.outputs.items():
        if files.get_file_from_path(rel) is None:
            files.append(page_file(config, site.settings, rel, content, stored))
    css = Path(__file__).parents[1] / "assets" / "paritydocs.css"
    if files.get_file_from_path(CSS_URI) is None:
        files.append(File.generated(config, CSS_URI, abs_src_path=str(css), inclusion=InclusionLevel.NOT_IN_NAV))
    return generated, keep_names


def page_file(
    config: Any,
    settings: Settings,
    path: str,
    content: str | JsonOutput | TextOutput,
    stored: StoredFiles | None = None,
) -> File:
    """A generated file backed by a cache file named by its content (and its path in the site).

    Content-addressed: a build's file is never rewritten by another build, so two builds at once (one
    configuration, two sources) each publish their own pages; an unchanged page keeps its file and its mtime, so
    a dirty rebuild (`paritydocs serve`) renders again only the pages whose content changed.
    """
    folder = pages_folder(settings)
    try:
        if isinstance(content, STREAMED):  # written to disk first, hashed there: never held as a string
            folder.mkdir(parents=True, exist_ok=True)
            temporary = folder / f".{posixpath.basename(path)}.{os.getpid()}.{id(content)}.tmp"
            try:
                content.write(temporary)
                with temporary.open("rb") as handle:
                    digest = _digest(path, hashlib.file_digest(handle, "sha256").digest())
                target = _install_page(folder, path, digest, temporary)
            finally:
                temporary.unlink(missing_ok=True)
        else:
            target = Path(_store_text(folder, path, content, stored))
    except OSError:  # a read-only cache: build from memory
        text = content.text() if isinstance(content, STREAMED) else content
        return File.generated(config, path, content=text)
    return File.generated(config, path, abs_src_path=str(target))


def _digest(path: str, content_hash: bytes) -> str:
    """The cache name of a file of the site: its path there and its content's hash."""
    return hashlib.sha256(path.encode("utf-8") + b"\0" + content_hash).hexdigest()


def _install_page(folder: Path, path: str, digest: str, written: Path) -> Path:
    """Move the file `written` to its content-addressed place, unless a build already put the same one there;
    atomic: a build reading it sees the whole file or none."""
    target = folder / digest[:2] / digest / posixpath.basename(path)
    if target.is_file():
        written.unlink(missing_ok=True)  # the same content, there already
        mark_used(target)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(written, target)
        _installed[0] += 1
    return target


_installed = [0]
"""Files this process added to a page cache: a build that added none leaves it within its bound."""


def installed_count() -> int:
    """How many files this process has added to a page cache so far (`prune_pages` is needed after a build only
    when it added some)."""
    return _installed[0]


def _store_text(folder: Path, path: str, text: str, stored: StoredFiles | None) -> str:
    """`_store` of a text, unless `stored` has it as it is; the cached file."""
    kept = stored.get(folder, path, text) if stored is not None else None
    if kept is not None:
        return kept
    target = str(_store(folder, path, text.encode("utf-8")))
    if stored is not None:
        stored.put(folder, path, text, target)
    return target


def _store(folder: Path, path: str, data: bytes) -> Path:
    """`data`, the content of the site's file `path`, in the content-addressed cache (see `page_file`)."""
    digest = _digest(path, hashlib.sha256(data).digest())
    target = folder / digest[:2] / digest / posixpath.basename(path)
    if target.is_file():
        mark_used(target)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        return _install_page(folder, path, digest, temporary)
    finally:
        temporary.unlink(missing_ok=True)


PAGES_KEPT = 20_000
"""Files kept in the page cache (`pages/`), the most recently used ones; never fewer than 4 builds' worth."""


def prune_pages(folder: Path, *, used: int) -> None:
    """Remove the least recently used files of the page cache `folder` (`pages_folder`) beyond `PAGES_KEPT` (or
    four times the `used` files of this build, when more): an edit makes a new file, and `serve` makes many."""

    def listing() -> Iterator[tuple[float, str]]:
        for entry in folder.glob("*/*/*"):
            if entry.name.startswith("."):
                continue  # a build's file being written
            with contextlib.suppress(OSError):
                yield entry.stat().st_atime, str(entry)

    try:
        for path in beyond_newest(listing, max(PAGES_KEPT, 4 * used)):
            with contextlib.suppress(OSError):
                os.unlink(path)
                os.rmdir(os.path.dirname(path))
    except OSError:
        return


def watched_paths(settings: Settings, watch_paths: list[str]) -> list[str]:
    """What `serve` watches, sorted: the built-in and custom templates, the notes file, and `watch_paths` (the
    local checkouts of the SDKs); only the paths that exist."""
    watched = {str(builtin_templates().resolve())}
    if settings.custom_templates:
        watched.add(str(settings.custom_templates))
    if settings.notes:
        watched.add(str(settings.notes))
    watched.update(watch_paths)
    return [path for path in sorted(watched) if Path(path).exists()]


def stash_markdown_copies(
    settings: Settings, copies: dict[str, str], stored: StoredFiles | None = None
) -> dict[str, str]:
    """The pages' Markdown copies written to the cache folder (by content, as the pages are), so a build holds
    their paths rather than their text until it writes the site; path in the site → cached file (as text: a
    `Path` holds each of its parts, some 0.6 KB a copy). A copy the cache cannot hold is said, and not
    published."""
    folder = pages_folder(settings)
    stashed: dict[str, str] = {}
    for rel, text in copies.items():
        try:
            stashed[rel] = _store_text(folder, rel, text, stored)
        except OSError as err:
            logger.warning("paritydocs: %s: cannot keep the Markdown copy of %s (%s)", folder, rel, err.strerror)
    return stashed


def write_markdown_copies(
    site_dir: Path, copies: dict[str, str], written: dict[str, str] | None = None
) -> dict[str, str]:
    """Each page's Markdown copy beside its HTML in the built site (`llms.txt` links them), copied only when it
    changed; a copy of a page this build no longer has is removed (a dirty rebuild keeps the old site's files).
    A page a user's own file replaced has no folder of its own to go in: skipped, as its HTML is not ours.
    Returns what is in the site now (path in the site → cached file).

    `written`: what the previous build of a `serve` session returned for the same folder, which only MkDocs and
    this function write to. The cached files are named by their content, so a copy from the same cached file
    that is still there is the same: neither read nor compared again (MkDocs' clean build empties the folder),
    and only those paths are looked at for copies no longer built, not the whole site."""
    stale = (
        written
        if written is not None
        else (old.relative_to(site_dir).as_posix() for old in site_dir.rglob("*.html.md"))
    )
    for rel in stale:
        if rel not in copies:
            with contextlib.suppress(OSError):
                (site_dir / rel).unlink()
    now: dict[str, str] = {}
    for rel, source in copies.items():
        target = site_dir / rel
        if written is not None and written.get(rel) == source and target.is_file():
            now[rel] = source
            continue
        if not target.parent.is_dir():
            continue
        try:
            if not target.is_file() or not filecmp.cmp(source, target, shallow=False):
                shutil.copyfile(source, target)
            now[rel] = source
        except OSError as err:
            logger.warning("paritydocs: %s: cannot write the Markdown copy (%s)", target, err.strerror)
    return now
