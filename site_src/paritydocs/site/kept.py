"""A whole site kept across one-off builds: a build whose inputs did not change reads its pages back instead of
comparing the SDKs, rendering the templates and cleaning the Markdown copies again.

What is kept is a small manifest (`site` entries of the extraction cache, `extraction/site`, the `SITES_KEPT` most
recently used): for each generated page its path, title, section and nav group, and the file of the page cache
(`pages/`, content-addressed) that holds its Markdown; the same for the data files (`parity.json`, `llms.txt`,
`llms-full.txt`, `sync-*.json`) and the Markdown copies; the site's warnings; and what the pipeline logged. A hit
reads the pages' Markdown from those files (the data files are streamed from theirs, never held whole), says the
warnings and the logged lines again, and the build goes on as usual: MkDocs gets the same files.

The key (`site_key`) holds everything the pages, data files and warnings are made of:

- both models as extracted (every type, field, doc, line and warning, and where each side came from);
- the content of the Python files the API pages document (each API page carries its module's digest);
- the content of the review notes and the baseline, and of the templates (built-in and custom);
- every setting; paritydocs' code and the installed Jinja and MarkupSafe;
- for each sync range, the key of its Python half (`sync.store.diff_key`: both trees, both specs) and, when
  there are ranges, the content of every `.ex`/`.exs` file of the port (a range's targets are looked up there);
- the build's options: autorefs, `site_url`, `use_directory_urls`, whether Markdown copies are published.

Never stale, never partial:

- a build with an error (a source that cannot be read, a broken baseline) is not kept, and a range or a tree
  that cannot be keyed turns the whole site's keeping off for that build;
- a manifest is written only when every page, data file and copy is in the page cache; a hit whose files are
  not all there any more (pruned, removed) is a miss, and the site is made again;
- `PARITYDOCS_NO_CACHE=1` turns it off, as it does every cache. A `serve` session does not use it: its
  rebuilds follow edits, and it keeps what it needs in memory (`pipeline.Caches`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from paritydocs.config import Settings
from paritydocs.errors import SourceError
from paritydocs.jsonfile import TextOutput
from paritydocs.model import SdkModel
from paritydocs.render import Page, builtin_templates
from paritydocs.sources import cache as entries
from paritydocs.sources.cache import cache_root
from paritydocs.sources.trees import content_fingerprint, file_digest
from paritydocs.textsafe import logger

__all__ = [
    "SITES_KEPT",
    "Kept",
    "keep_site",
    "load_site",
    "mark_used",
    "pages_folder",
    "recording",
    "replay",
    "site_key",
]

SITES_KEPT = 8
"""Manifests kept (`extraction/site`), the most recently used ones: a few configurations or revisions."""

CHUNK = 1 << 16
"""How much of a kept data file is read at a time when it is published again."""


@dataclasses.dataclass(slots=True)
class Kept:
    """A site read back from its manifest: what `build_site` would have made."""

    pages: list[Page]
    outputs: dict[str, TextOutput]
    markdown_copies: dict[str, str]
    warnings: list[str]
    logged: list[tuple[str, int, str]]
    """(logger name, level, message) of each line the pipeline logged, in order."""


def site_key(
    settings: Settings,
    python: SdkModel,
    elixir: SdkModel,
    *,
    autorefs: bool,
    site_url: str | None,
    directory_urls: bool,
    markdown_copies: bool,
    resolved: Sequence[Any],
    api: dict[str, str],
) -> str | None:
    """The key of a site made of these inputs (see the module's docstring); None when the cache is off or an
    input cannot be read or keyed: the site is then made as usual, and not kept. `resolved`: each sync range's
    two revisions (`sync_pages.range_sides`, None for a range that could not be resolved); `api`: the digest of
    each file an API page carries (relative path → digest)."""
    if entries.extraction_cache_disabled():
        return None
    try:
        templates = [content_fingerprint(builtin_templates())]
        if settings.custom_templates:
            templates.append(content_fingerprint(Path(settings.custom_templates)))
        ranges = _range_keys(settings, resolved)
        if ranges is None:
            return None
        port = ""
        if settings.sync_ranges and elixir.source.root:
            port = content_fingerprint(Path(elixir.source.root), (".ex", ".exs"))
        parts = {
            "what": "site",
            "code": entries.own_code_digest(),
            "render": entries.distributions(("jinja2", "markupsafe")),
            "templates": templates,
            "settings": entries.plain(dataclasses.asdict(settings)),
            "files": {"notes": _file_digest(settings.notes), "baseline": _file_digest(settings.baseline)},
            "models": [_model_digest(python), _model_digest(elixir)],
            "api": api,
            "port": port,
            "ranges": ranges,
            "options": [autorefs, site_url, directory_urls, markdown_copies],
            # what the pipeline logs depends on the loggers' levels (`mkdocs build -q` drops its info lines)
            "levels": [logger.getEffectiveLevel(), logging.getLogger().getEffectiveLevel()],
        }
        return entries.entry_key(parts)
    except (OSError, RecursionError, TypeError, ValueError) as err:
        logger.debug("site cache: the inputs cannot be keyed (%s); the site is made as usual", err)
        return None


def _range_keys(settings: Settings, resolved: Sequence[Any]) -> list[list[Any]] | None:
    from paritydocs.sync.store import diff_key

    keys: list[list[Any]] = []
    for item, sides in zip(settings.sync_ranges, resolved, strict=True):
        if sides is None:
            return None
        try:
            python = diff_key(settings, sides[0], sides[1])
        except SourceError:
            return None
        if python is None:
            return None
        keys.append([item.from_spec, item.to_spec, python])
    return keys


def _file_digest(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return file_digest(path)
    except OSError:
        return "unreadable"  # the build says so itself; a later build that can read it has another key


def _model_digest(model: SdkModel) -> str:
    """Everything the model holds, encoded one item at a time: a model of thousands of types is never held twice
    (as data, then as text)."""
    digest = hashlib.sha256()
    for field in dataclasses.fields(model):
        value = getattr(model, field.name)
        digest.update(f"\0{field.name}{'[' if isinstance(value, list) else ''}\0".encode())
        for item in value if isinstance(value, list) else [value]:
            text = json.dumps(entries.data_of(item), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            digest.update(text.encode("utf-8", "surrogatepass") + b"\n")
    return digest.hexdigest()


# ---- the page cache's files --------------------------------------------------------------------------------


def pages_folder(settings: Settings) -> Path:
    """The page cache (`site.files`): `pages/` in the cache folder."""
    return cache_root(settings.cache_dir) / "pages"


def mark_used(target: Path) -> None:
    """Mark a kept file as used now, by its access time: its modification time is what a dirty rebuild compares
    with the page it wrote, so it must stay as it was."""
    with contextlib.suppress(OSError):
        os.utime(target, (time.time(), target.stat().st_mtime))


def _kept_name(settings: Settings, file: str | None) -> str:
    """A file of the page cache by its name there; ValueError for any other file (or none)."""
    if file is None:
        raise ValueError("not in the page cache")
    return Path(file).relative_to(pages_folder(settings)).as_posix()


def _kept_file(settings: Settings, name: str) -> Path:
    """The page cache's file `name` (a `_kept_name`), marked as used now; OSError when it is gone."""
    parts = name.split("/")
    if len(parts) != 3 or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"{name!r} is not a page cache file")
    target = pages_folder(settings).joinpath(*parts)
    if not target.is_file():
        raise FileNotFoundError(target)
    mark_used(target)
    return target


# ---- the manifest ------------------------------------------------------------------------------------------


def _dir(settings: Settings) -> Path:
    return entries.extraction_dir(settings.cache_dir, "site")


def load_site(settings: Settings, key: str) -> Kept | None:
    """The site kept under `key`, its pages read back from the page cache; None when there is none or one of its
    files is gone."""
    data = entries.read_entry(_dir(settings), key)
    if not isinstance(data, dict):
        return None
    try:
        pages = [
            Page(path, title, _kept_file(settings, file).read_bytes().decode("utf-8"), section, bool(keep), group)
            for path, title, section, keep, group, file in data["pages"]
        ]
        outputs = {rel: _streamed(_kept_file(settings, file)) for rel, file in data["outputs"]}
        copies = {rel: _kept_file(settings, file).read_bytes().decode("utf-8") for rel, file in data["copies"]}
        warnings = [str(w) for w in data["warnings"]]
        logged = [(str(name), int(level), str(message)) for name, level, message in data["logged"]]
    except (OSError, KeyError, TypeError, ValueError) as err:
        logger.debug("site cache: entry %s cannot be used (%s); the site is made again", key, err)
        return None
    return Kept(pages, outputs, copies, warnings, logged)


def _streamed(path: Path) -> TextOutput:
    def pieces() -> Iterator[str]:
        with path.open(encoding="utf-8", newline="") as handle:
            while piece := handle.read(CHUNK):
                yield piece

    return TextOutput(pieces)


def keep_site(
    settings: Settings,
    key: str,
    *,
    pages: list[Page],
    outputs: list[str],
    copies: list[str],
    warnings: list[str],
    logged: list[tuple[str, int, str]],
    files: Any,
    stashed: dict[str, str],
) -> bool:
    """Write the manifest of a site (`SiteBuild.kept_key`) just made and added to MkDocs' `files`: its `pages`,
    the site paths of its data files (`outputs`) and of its Markdown `copies`, its warnings and what the pipeline
    `logged`; `stashed`: the copies' files (`files.stash_markdown_copies`). Nothing is written unless every page,
    data file and copy is a file of the page cache (not so for a user's page of the same name, or a read-only
    cache)."""

    def installed(path: str) -> str:
        file = files.get_file_from_path(path)
        return _kept_name(settings, file.abs_src_path if file is not None else None)

    try:
        kept_pages = [[p.path, p.title, p.section, p.keep_model_names, p.group, installed(p.path)] for p in pages]
        kept_outputs = [[rel, installed(rel)] for rel in outputs]
        if set(stashed) != set(copies):
            return False
        kept_copies = [[rel, _kept_name(settings, stashed[rel])] for rel in copies]
    except ValueError:
        return False
    data = {
        "pages": kept_pages,
        "outputs": kept_outputs,
        "copies": kept_copies,
        "warnings": warnings,
        "logged": [list(line) for line in logged],
    }
    return entries.write_entry(_dir(settings), key, data, keep=SITES_KEPT)


# ---- what the pipeline logs --------------------------------------------------------------------------------


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[tuple[str, int, str]] = []
        self._last: logging.LogRecord | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record is self._last:  # one record reaching both loggers listened to (one after the other)
            return
        self._last = record
        self.lines.append((record.name, record.levelno, record.getMessage()))


@contextmanager
def recording(*, on: bool = True) -> Iterator[list[tuple[str, int, str]]]:
    """Every line logged at info level or above while the block runs (MkDocs' loggers, which do not propagate to
    the root, and the others), to be said again when the site is read back. `on=False`: nothing is recorded."""
    recorder = _Recorder()
    listened = [logging.getLogger("mkdocs"), logging.getLogger()] if on else []
    for listener in listened:
        listener.addHandler(recorder)
    try:
        yield recorder.lines
    finally:
        for listener in listened:
            listener.removeHandler(recorder)


def replay(logged: list[tuple[str, int, str]]) -> None:
    """Say again what the pipeline logged when the site was made."""
    for name, level, message in logged:
        logging.getLogger(name).log(level, "%s", message)
