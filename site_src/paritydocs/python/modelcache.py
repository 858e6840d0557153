"""The persistent cache of Python models: an `SdkModel` kept as JSON in the cache directory, keyed by the content
of every file the extraction can read, the settings that change it and paritydocs' own code.

What the extraction reads is the top-level packages of the configured modules and clients, found where
`find_search_path` finds them; the key hashes, for each search path found and each top-level name, the package
folder (every file, by relative path and content, `__pycache__` left out), `top.py`, `top.pyi` and `top-stubs/`.
A search path holding a `.pth` file (Griffe follows those to other folders) is not cached at all. The tree's root,
as given and resolved, is part of the key too: the model's file paths are relative to it.

Nothing here imports Griffe: a warm `paritydocs check` never loads it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from paritydocs.model import ModelDataError, SdkModel, SourceInfo, from_data, to_data
from paritydocs.python.paths import find_search_path
from paritydocs.sources import cache as entries
from paritydocs.textsafe import logger

__all__ = ["PythonModelCache"]


class PythonModelCache:
    """The cache entry of one extraction: `load()` the model if it is cached, else `store(model)` after extracting.

    `key` is None when the tree cannot be cached (a `.pth` file, an unreadable file): both are then no-ops."""

    def __init__(
        self,
        cache_dir: Path | None,
        root: Path,
        *,
        modules: Sequence[str],
        clients: Sequence[str] = (),
        loader: str = "",
    ) -> None:
        self.dir = entries.extraction_dir(cache_dir, "python")
        self.key = python_cache_key(root, modules=modules, clients=clients, loader=loader)

    def load(self, source: SourceInfo) -> SdkModel | None:
        """The cached model with `source` (fresh: spec and revision are the caller's), or None."""
        if self.key is None:
            return None
        data = entries.read_entry(self.dir, self.key)
        if data is None:
            return None
        try:
            model = from_data(SdkModel, data)
        except (ModelDataError, RecursionError) as err:
            logger.debug("extraction cache: python entry %s does not decode (%s); extracting", self.key, err)
            return None
        model.source = source
        return model

    def store(self, model: SdkModel) -> None:
        if self.key is None:
            return
        try:
            data = to_data(model)
        except (ModelDataError, RecursionError) as err:
            logger.debug("extraction cache: python model not cached (%s)", err)
            return
        entries.write_entry(self.dir, self.key, data)


def python_cache_key(
    root: Path, *, modules: Sequence[str], clients: Sequence[str] = (), loader: str = ""
) -> str | None:
    """The key of the model `extract_python(root, modules=..., clients=...)` returns; None when not cacheable.
    `loader`: how another loader's tree was loaded (`SharedPackages.signature`), "" for the extraction's own load."""
    tops = sorted({spec.strip().split(".")[0] for spec in (*modules, *clients) if spec.strip()})
    found = {top: find_search_path(root, top) for top in tops}
    searches = sorted({search for search in found.values() if search is not None})
    digest = hashlib.sha256()
    try:
        for search in searches:
            if any(name.endswith(".pth") for name in os.listdir(search)):
                logger.debug("extraction cache: %s has a .pth file; the Python model is not cached", search)
                return None
            digest.update(f"search {os.path.relpath(search, root)}\n".encode())
            for top in tops:
                for name in (top, f"{top}.py", f"{top}.pyi", f"{top}-stubs"):
                    _hash_path(digest, search, search / name)
    except (OSError, ValueError, RecursionError) as err:
        logger.debug("extraction cache: cannot read the Python tree at %s (%s); not cached", root, err)
        return None
    return entries.entry_key(
        {
            "code": entries.own_code_digest(),
            "root": str(root),
            "real_root": os.path.realpath(root),
            "modules": list(modules),
            "clients": list(clients),
            "loader": loader,
            "found": {top: str(search) if search is not None else None for top, search in found.items()},
            "files": digest.hexdigest(),
        }
    )


def _hash_path(digest: hashlib._Hash, base: Path, path: Path, depth: int = 0) -> None:
    """Add `path` (a file, or a folder recursively; links as their target and their text) to `digest`."""
    if depth > 64:
        raise ValueError(f"{path}: folders nested too deep")
    rel = path.relative_to(base).as_posix()
    if path.is_symlink():
        digest.update(f"link {rel} -> {os.readlink(path)}\n".encode())
    if path.is_dir():
        digest.update(f"dir {rel}\n".encode())
        for entry in sorted(os.listdir(path)):
            if entry != "__pycache__":
                _hash_path(digest, base, path / entry, depth + 1)
    elif path.is_file():
        digest.update(f"file {rel}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
