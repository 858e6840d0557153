"""Sync reports: what changed in the Python SDK between two revisions, and where each change lands in the port.

A sync report is the generated form of a hand-written "Python SDK parity" analysis. For two revisions of the
Python SDK (`git:REPO@REF`, `pypi:NAME==VER` or local trees) it finds:

- breaking API changes, with Griffe's own detection (`griffe.find_breaking_changes`) over the top packages of
  `python_modules`, loaded statically; plus additions Griffe does not report (types, fields, parameters);
- docstrings added, removed or changed, per type and per field (from `extract_python` on both revisions), and
  per function/class in `behaviour_modules`;
- defaults changed (the evaluated value when both sides resolved, else the expression as written);
- changed behaviour in `behaviour_modules`: functions, methods and constants whose code changed, the docstring
  left out, shown as a unified diff (a reformatting that leaves the syntax tree unchanged is not a change);
- model-name updates: lines where an outdated name of `model_names` became its new name.

Each change gets a class (`breaking/functional`, `documentation`, `polish`: the High / Medium / Low of a
checklist) and its Elixir target, found with the same matching as the parity pages, with the target's current
state (present? documented? default?). The Python half is cached: in
the process (`mkdocs serve` compares two revisions once) and across runs, keyed by the trees' content
(`store`).

The package, one module a step (each imports only those above it in this list):

- `report`: the records and their JSON (`SyncReport`, `Change`, `Revision`, `PythonLocation`, `ElixirTarget`,
  `FileStatus`, the classes and `KIND_CLASS`);
- `revisions`: resolving, checking and loading the two revisions;
- `store`: the Python half kept across runs (the extraction cache's `sync` entries);
- `codediff`: source lines, syntax trees, unified diffs, literals, model-name lines, changed files;
- `differ`: the changes between the two loaded revisions;
- `targets`: the Elixir target of each change, and the review notes.

The report's Markdown is `paritydocs.render.sync`, its site pages `paritydocs.site.sync_pages`.

Public API:

- `build_sync_report`: compare two revisions and map each change to the Elixir port, as a `SyncReport`.
- `SyncReport`, `Change`, `Revision`, `PythonLocation`, `ElixirTarget`, `FileStatus`: the report's records.
- `BREAKING`, `DOCUMENTATION`, `POLISH`, `CLASSES`, `PRIORITY`, `KIND_CLASS`: the change classes and kinds.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from paritydocs.config import Settings
from paritydocs.model import SdkModel
from paritydocs.modelnames import Occurrence, compile_updates, scan_tree
from paritydocs.python.loader import griffe_silenced
from paritydocs.sources.git import History, is_git_range, range_history
from paritydocs.sync.codediff import changed_files, classify_file
from paritydocs.sync.differ import Differ
from paritydocs.sync.report import (
    BREAKING,
    CLASSES,
    DOCUMENTATION,
    KIND_CLASS,
    POLISH,
    PRIORITY,
    Change,
    ElixirTarget,
    FileStatus,
    PythonLocation,
    Revision,
    SyncReport,
)
from paritydocs.sync.revisions import PythonDiff, Tree, fingerprint, load_tree, range_spec, resolve_revision
from paritydocs.sync.store import diff_key, load_diff, store_diff
from paritydocs.sync.targets import ElixirIndex, notes_index

__all__ = [
    "BREAKING",
    "CLASSES",
    "DOCUMENTATION",
    "KIND_CLASS",
    "POLISH",
    "PRIORITY",
    "Change",
    "ElixirTarget",
    "FileStatus",
    "PythonLocation",
    "Revision",
    "SyncReport",
    "build_sync_report",
    "shared_trees",
]

# --------------------------------------------------------------------------------------------------
# The Python half, cached in the process and across runs


_DIFF_CACHE: OrderedDict[tuple[Any, ...], PythonDiff] = OrderedDict()
_DIFF_CACHE_SIZE = 4

_SHARED_TREES: ContextVar[dict[tuple[Any, ...], Tree] | None] = ContextVar("shared_trees", default=None)
"""The revisions loaded inside `shared_trees()`, by what `load_tree` reads; None outside it."""


@contextmanager
def shared_trees() -> Iterator[None]:
    """Within it, a revision that two ranges compare is loaded once (a site's `declared → latest` and a pinned
    range from the same release): a comparison reads a revision's Griffe packages and model, and changes neither.
    Outside it each comparison loads its own, and no tree outlives its comparison."""
    if _SHARED_TREES.get() is not None:
        yield
        return
    token = _SHARED_TREES.set({})
    try:
        yield
    finally:
        _SHARED_TREES.reset(token)


def _load_tree(settings: Settings, rev: Revision, root: Path) -> Tree:
    shared = _SHARED_TREES.get()
    if shared is None:
        return load_tree(settings, rev, root)
    key = (
        rev.spec,
        rev.kind,
        rev.version,
        rev.ref,
        str(root),
        fingerprint(rev, root),
        tuple(settings.python_modules),
        tuple(settings.python_clients),
        tuple(settings.behaviour_modules),
    )
    tree = shared.get(key)
    if tree is None:
        tree = shared[key] = load_tree(settings, rev, root)
    return tree


def _python_diff(settings: Settings, old: tuple[Revision, Path], new: tuple[Revision, Path]) -> PythonDiff:
    """The Python half of the report: from this process's memory (a served site compares once), else from the
    persistent cache (`paritydocs.sync.store`), else compared now and kept in both."""
    (old_rev, old_root), (new_rev, new_root) = old, new
    key = (
        fingerprint(old_rev, old_root),
        fingerprint(new_rev, new_root),
        old_rev.spec,
        new_rev.spec,
        settings.python_modules,
        settings.python_clients,
        settings.behaviour_modules,
        tuple(settings.model_names.items()),
    )
    result = _DIFF_CACHE.get(key)
    if result is not None:
        _DIFF_CACHE.move_to_end(key)
        return result
    stored = diff_key(settings, old, new)
    result = load_diff(settings, stored)
    if result is None:
        result = _compare(settings, old, new)
        store_diff(settings, stored, result)
    _DIFF_CACHE[key] = result
    while len(_DIFF_CACHE) > _DIFF_CACHE_SIZE:
        _DIFF_CACHE.popitem(last=False)
    return result


def _compare(settings: Settings, old_side: tuple[Revision, Path], new_side: tuple[Revision, Path]) -> PythonDiff:
    (old_rev, old_root), (new_rev, new_root) = old_side, new_side
    with griffe_silenced():
        old = _load_tree(settings, old_rev, old_root)
        new = _load_tree(settings, new_rev, new_root)
        differ = Differ(settings, old, new)
        changes = differ.run()
    # a file counts as covered when a change other than a model-name line points at it, or when its only edits
    # are model-name replacements; `docs/api/x.md` with other edits too stays listed
    referenced = {c.python.file for c in changes if c.kind != "model_name"} | differ.renamed_only
    compared = {t.file for t in (*old.model.types, *new.model.types)}
    for tree in (old, new):
        # every module of the packages: its API (Griffe), additions, parameters and constants were compared
        compared.update(f for obj in differ.scope(tree, tree.tops).values() if obj.is_module and (f := tree.rel(obj)))
    other: list[FileStatus] = []
    with_diff = {c.python.path for c in changes if c.kind == "behaviour_changed"}
    for status in changed_files(old_root, new_root):
        status.compared = status.file in compared
        if status.file in referenced:
            # a file with items above: still list the functions whose code changed that no item shows a diff of
            if status.compared and status.status == "modified" and status.file.endswith(".py"):
                status.code_changed = [
                    name for name in differ.code_changes_in(status.file) if not _is_shown(name, with_diff)
                ]
                if status.code_changed:
                    status.has_changes = True
                    other.append(status)
            continue
        if not status.compared:
            status.category, status.note = classify_file(status.file, old_root, new_root)
        elif status.status == "modified" and status.file.endswith(".py"):
            status.code_changed = differ.code_changes_in(status.file)
        other.append(status)
    from paritydocs.sources.cache import cache_root

    history = range_history(old_rev.spec, new_rev.spec, cache_root(settings.cache_dir))
    if history is not None:
        _attribute_commits(changes, history)
    commits = list(history.commits) if history is not None else None
    return PythonDiff(old.model, new.model, changes, other, differ.warnings, commits)


# --------------------------------------------------------------------------------------------------
# Entry points


def build_sync_report(
    settings: Settings,
    from_spec: str,
    to_spec: str,
    *,
    elixir: SdkModel,
    parity: Any = None,
    notes: list[Any] | None = None,
    title: str | None = None,
    elixir_occurrences: list[Occurrence] | None = None,
    revisions: tuple[tuple[Revision, Path], tuple[Revision, Path]] | None = None,
) -> SyncReport:
    """Compare two revisions of the Python SDK and map each change to the Elixir port.

    Review notes annotate the changes of the type or field they target: from `parity` (the `ParityReport` of
    the current pair, as the site has it), or else from `notes` (applied to the `to` revision against the
    port). `elixir_occurrences` are the outdated model names already found in the Elixir tree (scanned here
    otherwise). `revisions`: both sides as `resolve_revision` gave them for these specs, when the caller resolved
    them already. Raises
    `SourceError` when a revision cannot be resolved or holds none of the packages.
    """
    # `declared` (the release the port's mix.exs mirrors) and `latest` (the newest on the index) as real specs
    port_read = bool(elixir.source.root)
    from_spec = range_spec(settings, from_spec, elixir.source.mirrors, port_read=port_read)
    to_spec = range_spec(settings, to_spec, elixir.source.mirrors, port_read=port_read)
    (old_rev, old_root), (new_rev, new_root) = revisions or (
        resolve_revision(settings, from_spec),
        resolve_revision(settings, to_spec),
    )
    diff = _python_diff(settings, (old_rev, old_root), (new_rev, new_root))
    # the Python trees are cached; the revisions' specs are the caller's
    ex_source = elixir.source
    elixir_rev = Revision(ex_source.spec, ex_source.version, ex_source.ref, ex_source.root, "", False)
    updates = compile_updates(settings.model_names)
    if elixir_occurrences is None:
        elixir_occurrences = scan_tree(Path(ex_source.root), "elixir", updates) if ex_source.root else []
    elixir_occurrences = [o for o in elixir_occurrences if o.side == "elixir"]
    index = ElixirIndex(settings, diff, elixir, elixir_occurrences)
    if parity is None and notes:
        from paritydocs.parity import run_parity

        parity = run_parity(diff.new, elixir, settings, notes)
    type_notes, field_notes = notes_index(parity)
    changes = [_copy(c) for c in diff.changes]
    for change in changes:
        if ex_source.root:
            change.elixir = index.target(change)
        if change.owner and change.field:
            change.notes = list(field_notes.get((change.owner, change.field), []))
        elif change.owner in type_notes:
            change.notes = list(type_notes[change.owner].notes)
    changes.sort(key=_order)
    _assign_ids(changes)

    warnings = list(diff.warnings)
    if diff.commits is None and is_git_range(from_spec, to_spec):
        warnings.append(f"{from_spec} → {to_spec}: git could not list the commits; changes are not attributed")
    if not ex_source.root:
        warnings.append(f"{ex_source.spec}: the Elixir tree is unavailable; changes have no Elixir target")
    for rev in (old_rev, new_rev):
        if not rev.has_docs:
            why = "a wheel ships only the package" if rev.kind == "pypi" else "none in this tree"
            warnings.append(
                f"{rev.spec} has no docs/ directory ({why}): model-name changes in the published docs are not"
                " covered; compare git revisions to include them"
            )
    for client, module in index.missing_clients.items():
        warnings.append(f"client_map: `{client}` → `{module}`, but `{module}` is not in the Elixir tree")
    report = SyncReport(
        commits=list(diff.commits or []),
        title=title or f"{from_spec} → {to_spec}",
        old=old_rev,
        new=new_rev,
        elixir=elixir_rev,
        changes=changes,
        other_files=list(diff.other_files),
        elixir_model_names=elixir_occurrences,
        warnings=warnings,
    )
    return report


def _is_shown(name: str, with_diff: set[str | None]) -> bool:
    """Whether a changed function (`Class.method`, dotted from its module) already has a behaviour item's diff."""
    return any(path is not None and (path == name or path.endswith("." + name)) for path in with_diff)


def _telling_text(change: Change) -> str | None:
    """Text of the change to look for in the history: a removed object's name (`MAX_CHUNK_LEN`), else the first
    line of what is new (or was removed) that the other side does not have, when it is distinctive enough (six
    characters or more)."""
    name = (change.python.path or "").rsplit(".", 1)[-1]
    if change.python.line_new is None and len(name) >= 6:
        return name
    if change.diff:  # a behaviour change: its first added line of code
        added = [
            line[1:].strip() for line in change.diff.splitlines() if line.startswith("+") and not line.startswith("+++")
        ]
        return next((line[:200] for line in added if len(line) >= 6), None)
    source = change.old if change.python.line_new is None else change.new
    other = {line.strip() for line in ((change.new if source is change.old else change.old) or "").splitlines()}
    for line in (source or "").splitlines():
        line = line.strip()
        if len(line) >= 6 and line not in other:  # a changed docstring: a line the other side does not have
            return line[:200]
    return None


def _attribute_commits(changes: list[Change], history: History) -> None:
    """Each change's commit: the one that last changed its line in the range (`git blame`); else the newest one
    that added or removed its text (`git log -S`: a removal, a docstring below an older line, a behaviour change's
    first added line); else the one commit of the range that touched its file. When several did, the change stays
    unattributed: a guess would mislead."""
    for change in changes:
        file = change.python.file
        if not file:
            continue
        sha = history.line_commit(file, change.python.line_new) if change.python.line_new else None
        if sha is not None:
            change.commit, change.commit_by = sha, "line"
            continue
        text = _telling_text(change)
        sha = history.text_commit(file, text) if text else None
        if sha is not None:
            change.commit, change.commit_by = sha, "text"
            continue
        touching = [c.sha for c in history.commits if file in c.files]
        if len(touching) == 1:  # only then is the file's last commit certainly the change's
            change.commit, change.commit_by = touching[0], "file"


def _copy(change: Change) -> Change:
    return Change(
        change.kind,
        PythonLocation(**change.python.to_json()),
        change.summary,
        change.old,
        change.new,
        change.diff,
        change.owner,
        change.field,
        change.audience,
        commit=change.commit,
        commit_by=change.commit_by,
    )


def _order(change: Change) -> tuple[Any, ...]:
    return (
        CLASSES.index(change.cls),
        change.python.file or "",
        change.python.line or 0,
        list(KIND_CLASS).index(change.kind),
        change.python.path or "",
    )


def _assign_ids(changes: list[Change]) -> None:
    seen: dict[str, int] = {}
    for change in changes:
        if change.kind == "model_name":
            base = f"model_name:{change.python.file}:{change.python.line_new}"
        elif change.kind == "parameter_added":
            base = f"parameter_added:{change.python.path}:{change.new.split(' ', 1)[0] if change.new else ''}"
        elif change.kind == "api_breaking":
            base = f"api_breaking:{change.python.path}:{change.summary.split(':', 1)[0]}"
        else:
            base = f"{change.kind}:{change.python.path or change.python.file}"
        count = seen.get(base, 0) + 1
        seen[base] = count
        change.id = base if count == 1 else f"{base}#{count}"
