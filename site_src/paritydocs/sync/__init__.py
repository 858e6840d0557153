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
state (present? documented? default?). The Python half is cached per process: resolved git/PyPI trees never
change, so `mkdocs serve` compares two revisions once.

Public API: `build_sync_report`, `sync_site_pages`, `render_markdown`, `SyncReport`.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
import json
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import griffe

from paritydocs.config import RepoLink, Settings, SyncRange
from paritydocs.errors import SourceError
from paritydocs.model import Default, FieldDef, Language, SdkModel, SourceInfo, TypeDef, TypeKind
from paritydocs.modelnames import (
    ModelNameUpdate,
    Occurrence,
    apply_updates,
    classify,
    compile_updates,
    has_outdated,
    scan_tree,
)
from paritydocs.python.loader import _GRIFFE_ERRORS, SharedPackages, _final, _load_package, _walk, griffe_silenced
from paritydocs.sources.trees import SKIPPED_DIRS
from paritydocs.textsafe import brief

__all__ = [
    "BREAKING",
    "CLASSES",
    "DOCUMENTATION",
    "KIND_CLASS",
    "POLISH",
    "Change",
    "ElixirTarget",
    "PythonLocation",
    "Revision",
    "SyncReport",
    "build_sync_report",
    "render_markdown",
    "sync_site_pages",
]

BREAKING = "breaking/functional"
DOCUMENTATION = "documentation"
POLISH = "polish"
CLASSES = (BREAKING, DOCUMENTATION, POLISH)
PRIORITY = {BREAKING: "High", DOCUMENTATION: "Medium", POLISH: "Low"}

KIND_CLASS: dict[str, str] = {
    "api_breaking": BREAKING,
    "type_added": BREAKING,
    "type_removed": BREAKING,
    "type_changed": BREAKING,
    "field_added": BREAKING,
    "field_removed": BREAKING,
    "field_type_changed": BREAKING,
    "default_changed": BREAKING,
    "parameter_added": BREAKING,
    "function_added": BREAKING,
    "behaviour_changed": BREAKING,
    "doc_added": DOCUMENTATION,
    "doc_removed": DOCUMENTATION,
    "doc_changed": DOCUMENTATION,
    "model_name": POLISH,
}
"""Every change kind and its class. The JSON schema lists the same kinds."""

SECTION = "Sync reports"
DIFF_CONTEXT = 2
_HUNK = re.compile(r"^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")
_ALIAS_KINDS = {TypeKind.LITERAL_ALIAS, TypeKind.UNION_ALIAS, TypeKind.TYPE_ALIAS, TypeKind.ENUM}


# --------------------------------------------------------------------------------------------------
# The report


@dataclass(slots=True)
class Revision:
    """One side of the comparison (or the Elixir tree): the spec and what it resolved to."""

    spec: str
    version: str | None = None
    ref: str | None = None
    """The full git commit, when known."""
    root: str = ""
    kind: str = ""
    """`git`, `pypi`, `hex` or `path`."""
    has_docs: bool = False
    """Whether the tree has a `docs/` directory (a wheel has none)."""

    @property
    def label(self) -> str:
        """How the page names this revision: `e7a0d0c~1 (5ad4282)`, `0.8.0`, or the spec."""
        if self.kind == "git" and self.ref:
            short = self.ref[:7]
            return short if (self.version or "").startswith(short) else f"{self.version} ({short})"
        return self.version or self.spec

    def to_json(self) -> dict[str, Any]:
        return {"spec": self.spec, "version": self.version, "ref": self.ref}


@dataclass(slots=True)
class PythonLocation:
    """Where a change is in the Python SDK: the object (or None for a plain file) and its line on both sides."""

    path: str | None
    file: str | None
    line_old: int | None = None
    line_new: int | None = None

    @property
    def line(self) -> int | None:
        return self.line_new if self.line_new is not None else self.line_old

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "file": self.file, "line_old": self.line_old, "line_new": self.line_new}


@dataclass(slots=True)
class ElixirTarget:
    """Where a change should land in the Elixir port, and how that place looks today."""

    module: str | None
    file: str | None
    line: int | None
    field: str | None = None
    """The Elixir field (struct key) for a field-level change, when known."""
    present: bool = False
    """Whether the module (for a field-level change: the field) exists in the port."""
    documented: bool | None = None
    default: str | None = None
    """The Elixir field's default: its value (JSON) when evaluated, else the expression."""
    doc: str | None = None
    """The current Elixir doc of the target (field doc or `@moduledoc`)."""
    outdated_lines: list[int] = dataclasses.field(default_factory=list)
    """Lines of the target's file that still contain an outdated model name."""
    literals: list[tuple[str, bool]] = dataclasses.field(default_factory=list)
    """Behaviour changes: the string literals the Python change added, and whether the target's file has each
    (`"tml-"` → False: the port does not check the prefix yet)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "present": self.present,
            "documented": self.documented,
            "default": self.default,
            "doc": self.doc,
            "outdated_lines": list(self.outdated_lines),
            "literals": [{"text": text, "found": found} for text, found in self.literals],
        }


@dataclass(slots=True)
class Change:
    """One change between the two revisions."""

    kind: str
    python: PythonLocation
    summary: str
    """One line; code in backticks."""
    old: str | None = None
    new: str | None = None
    diff: str | None = None
    """A unified diff (behaviour changes)."""
    owner: str | None = None
    """The type, class, function or file the change belongs to (pages group by it)."""
    field: str | None = None
    """The Python field, for field-level changes."""
    audience: str | None = None
    """Model-name changes: `user-facing` or `internal` (tests, research notes)."""
    elixir: ElixirTarget | None = None
    notes: list[str] = dataclasses.field(default_factory=list)
    """Review notes on the same type or field."""
    id: str = ""

    @property
    def cls(self) -> str:
        return KIND_CLASS[self.kind]

    @property
    def priority(self) -> str:
        return PRIORITY[self.cls]

    @property
    def short_owner(self) -> str:
        """`RetryConfig` for `tinker.lib.retry_handler.RetryConfig`; a file path stays whole."""
        owner = self.owner or self.python.file or ""
        return owner if "/" in owner else owner.rsplit(".", 1)[-1]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "class": self.cls,
            "kind": self.kind,
            "python": self.python.to_json(),
            "old": self.old,
            "new": self.new,
            "diff": self.diff,
            "elixir": self.elixir.to_json() if self.elixir else None,
            "summary": self.summary,
            "notes": list(self.notes),
        }
        if self.audience is not None:
            data["audience"] = self.audience
        return data


@dataclass(slots=True)
class FileStatus:
    file: str
    status: str
    """`added`, `removed` or `modified`."""
    compared: bool = False
    """The file holds types or `behaviour_modules` code that was compared, and nothing was found to report
    (imports, formatting, comments, private helpers' docstrings)."""

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "status": self.status, "compared": self.compared}


@dataclass(slots=True)
class ChecklistEntry:
    """One checkbox of the implementation checklist."""

    action: str
    subject: str | None
    module: str | None
    file: str | None
    url: str | None
    details: list[str] = field(default_factory=list)
    state: str = ""
    lines: list[int] = field(default_factory=list)


@dataclass(slots=True)
class SyncReport:
    title: str
    old: Revision
    new: Revision
    elixir: Revision
    changes: list[Change]
    other_files: list[FileStatus] = field(default_factory=list)
    """Files that differ between the revisions and that no change points at (tests, lock files...)."""
    elixir_model_names: list[Occurrence] = field(default_factory=list)
    """Outdated model names still in the Elixir tree."""
    warnings: list[str] = field(default_factory=list)

    def of_class(self, cls: str) -> list[Change]:
        return [c for c in self.changes if c.cls == cls]

    def of_kind(self, *kinds: str) -> list[Change]:
        return [c for c in self.changes if c.kind in kinds]

    def summary(self) -> dict[str, Any]:
        targets = [c.elixir for c in self.changes]
        elixir_user = [o for o in self.elixir_model_names if o.audience == "user-facing"]
        return {
            "changes": len(self.changes),
            "by_class": {cls: len(self.of_class(cls)) for cls in CLASSES},
            "by_kind": {kind: n for kind in KIND_CLASS if (n := len(self.of_kind(kind)))},
            "breaking_functional": [c.id for c in self.of_class(BREAKING)],
            "elixir_targets": {
                "present": sum(1 for t in targets if t is not None and t.present),
                "missing": sum(1 for t in targets if t is not None and not t.present),
                "unmapped": sum(1 for t in targets if t is None),
            },
            "model_names": {
                "replaced_in_python": len(self.of_kind("model_name")),
                "elixir_user_facing": len(elixir_user),
                "elixir_internal": len(self.elixir_model_names) - len(elixir_user),
            },
            "docs_dir": {"from": self.old.has_docs, "to": self.new.has_docs},
            "other_files": len(self.other_files),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "from": self.old.to_json(),
            "to": self.new.to_json(),
            "elixir": self.elixir.to_json(),
            "changes": [c.to_json() for c in self.changes],
            "summary": self.summary(),
            "other_files": [f.to_json() for f in self.other_files],
            "elixir_model_names": [o.to_json() for o in self.elixir_model_names],
            "warnings": list(self.warnings),
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    # ---- views the template reads

    def groups(self, cls: str) -> list[tuple[str, list[Change]]]:
        """Changes of one class grouped by owner (type, function, file), in report order."""
        grouped: OrderedDict[str, list[Change]] = OrderedDict()
        for change in self.of_class(cls):
            grouped.setdefault(change.owner or change.python.file or "", []).append(change)
        return list(grouped.items())

    def file_mapping(self) -> list[tuple[str, str | None, str | None]]:
        """(Python file, Elixir file, Elixir module) pairs of the changes, unique, sorted; a Python file whose
        changes have no Elixir target gets one row without."""
        rows: set[tuple[str, str | None, str | None]] = set()
        for change in self.changes:
            file = change.python.file
            target = change.elixir
            if file and target is not None and target.module:
                rows.add((file, target.file, target.module))
        mapped = {row[0] for row in rows}
        for change in self.changes:
            file = change.python.file
            if file and file not in mapped:
                rows.add((file, None, None))
        return sorted(rows, key=lambda r: (r[0], r[1] or "", r[2] or ""))

    def checklist(self, links: SyncLinks | None = None) -> list[tuple[str, str, list[ChecklistEntry]]]:
        """(priority, class, entries): one entry per functional change, per Elixir module to document, per
        Elixir file still holding an outdated model name."""
        high: list[ChecklistEntry] = []
        for change in self.of_class(BREAKING):
            target = change.elixir
            high.append(
                ChecklistEntry(
                    action=_ACTIONS.get(change.kind, "Port"),
                    subject=change.python.path or change.python.file,
                    module=target.module if target else None,
                    file=target.file if target else None,
                    url=links.elixir(target.file, target.line) if links and target and target.file else None,
                    details=[change.field] if change.field else [],
                    state=_target_state(target),
                )
            )
        medium: dict[str, ChecklistEntry] = OrderedDict()
        for change in self.of_class(DOCUMENTATION):
            target = change.elixir
            key = (target.module if target and target.module else None) or change.owner or ""
            entry = medium.get(key)
            if entry is None:
                entry = medium[key] = ChecklistEntry(
                    action="Port documentation of",
                    subject=change.owner,
                    module=target.module if target else None,
                    file=target.file if target else None,
                    url=links.elixir(target.file, target.line) if links and target and target.file else None,
                )
            label = _doc_label(change)
            if label not in entry.details:
                entry.details.append(label)
        for entry in medium.values():
            entry.state = _doc_state(entry, self.of_class(DOCUMENTATION))
        low: dict[str, ChecklistEntry] = OrderedDict()
        for occ in self.elixir_model_names:
            if occ.audience != "user-facing":
                continue
            entry = low.get(occ.file)
            if entry is None:
                entry = low[occ.file] = ChecklistEntry(
                    action="Replace outdated model names",
                    subject=None,
                    module=None,
                    file=occ.file,
                    url=links.elixir(occ.file, occ.line) if links else None,
                    state=occ.reason,
                )
            pair = f"{occ.old} → {occ.new}"
            if pair not in entry.details:
                entry.details.append(pair)
            entry.lines.append(occ.line)
        return [
            (PRIORITY[BREAKING], BREAKING, high),
            (PRIORITY[DOCUMENTATION], DOCUMENTATION, list(medium.values())),
            (PRIORITY[POLISH], POLISH, list(low.values())),
        ]


_ACTIONS = {
    "api_breaking": "Check the breaking change in",
    "type_added": "Port the new type",
    "type_removed": "Remove or deprecate the port of",
    "type_changed": "Update the members of",
    "field_added": "Add the new field to",
    "field_removed": "Remove or deprecate the field of",
    "field_type_changed": "Update the field type in",
    "default_changed": "Update the default in",
    "parameter_added": "Add the new parameter to",
    "function_added": "Port the new function",
    "behaviour_changed": "Port the behaviour change of",
}


def _target_state(target: ElixirTarget | None) -> str:
    if target is None:
        return "no Elixir target found"
    if not target.present:
        return "missing in the port" if target.module else "no Elixir target found"
    bits = []
    if target.field:
        bits.append(f"field :{target.field}")
    if target.default is not None:
        bits.append(f"default {target.default}")
    return ", ".join(bits)


def _doc_label(change: Change) -> str:
    target = change.elixir
    if change.field:
        ex_name = target.field if target and target.field else change.field
        return f"{change.field} → :{ex_name}" if ex_name != change.field else change.field
    return change.owner.rsplit(".", 1)[-1] if change.owner else "(module)"


def _doc_state(entry: ChecklistEntry, changes: list[Change]) -> str:
    mine = [c for c in changes if c.elixir is not None and c.elixir.module == entry.module and entry.module]
    if not entry.module:
        return "no Elixir target found"
    undocumented = sum(1 for c in mine if c.elixir is not None and c.elixir.present and not c.elixir.documented)
    missing = sum(1 for c in mine if c.elixir is not None and not c.elixir.present)
    parts = []
    if undocumented:
        parts.append(f"{undocumented} undocumented in the port")
    if missing:
        parts.append(f"{missing} missing in the port")
    documented = len(mine) - undocumented - missing
    if documented:
        parts.append(f"{documented} already documented: review")
    return ", ".join(parts)


# --------------------------------------------------------------------------------------------------
# Links


@dataclass(slots=True)
class SyncLinks:
    """Source links for both Python revisions and the Elixir tree; none where the revision's commit is unknown."""

    python_repo: RepoLink | None
    elixir_repo: RepoLink | None
    old_ref: str | None
    new_ref: str | None
    elixir_ref: str | None
    old_prefix: bool = True
    new_prefix: bool = True

    @classmethod
    def for_report(cls, settings: Settings, report: SyncReport, *, elixir_pinned: bool = True) -> SyncLinks:
        """`elixir_pinned`: the Elixir tree is the configured one, so `elixir_repo.ref` may stand in for an
        unknown commit (as on the other pages); False for a tree given on the command line."""

        def python_ref(rev: Revision) -> str | None:
            if rev.ref:
                return rev.ref
            if settings.python_repo is not None and rev.spec == settings.python:
                return settings.python_repo.ref  # the configured pin is what python_repo.ref points at
            return None

        elixir_ref = report.elixir.ref
        if elixir_ref is None and elixir_pinned and settings.elixir_repo is not None:
            elixir_ref = settings.elixir_repo.ref
        return cls(
            settings.python_repo,
            settings.elixir_repo,
            python_ref(report.old),
            python_ref(report.new),
            elixir_ref,
            # a git tree is the repository itself: its paths are already repository paths
            old_prefix=report.old.kind != "git",
            new_prefix=report.new.kind != "git",
        )

    @staticmethod
    def _blob(repo: RepoLink | None, ref: str | None, file: str | None, line: int | None, prefix: bool) -> str | None:
        if repo is None or ref is None or not file:
            return None
        return repo.blob(file, line, ref=ref, prefixed=prefix)

    def python_old(self, file: str | None, line: int | None = None) -> str | None:
        return self._blob(self.python_repo, self.old_ref, file, line, self.old_prefix)

    def python_new(self, file: str | None, line: int | None = None) -> str | None:
        return self._blob(self.python_repo, self.new_ref, file, line, self.new_prefix)

    def elixir(self, file: str | None, line: int | None = None) -> str | None:
        return self._blob(self.elixir_repo, self.elixir_ref, file, line, True)


# --------------------------------------------------------------------------------------------------
# Loading the Python trees with Griffe (statically)


def _top_packages(settings: Settings) -> list[str]:
    tops: list[str] = []
    for path in (*settings.python_modules, *settings.python_clients, *settings.behaviour_modules):
        top = path.split(".", 1)[0]
        if top and top not in tops:
            tops.append(top)
    return tops


@dataclass(slots=True)
class _Tree:
    """One Python revision: its root, its Griffe packages and the `extract_python` model."""

    spec: str
    root: Path
    tops: dict[str, griffe.Module]
    model: SdkModel
    warnings: list[str] = field(default_factory=list)

    def get(self, path: str) -> Any:
        top, _, rest = path.partition(".")
        module = self.tops.get(top)
        if module is None:
            return None
        if not rest:
            return module
        try:
            obj = module[rest]
        except _GRIFFE_ERRORS:
            return None
        return _final(obj)

    def rel(self, obj: Any) -> str | None:
        filepath = getattr(obj, "filepath", None)
        if not isinstance(filepath, Path):
            return None
        for base in (self.root, self.root.resolve()):
            with suppress(ValueError):
                return filepath.relative_to(base).as_posix()
        return None


# --------------------------------------------------------------------------------------------------
# Comparing the two revisions (everything that does not depend on the Elixir tree)


@dataclass(slots=True)
class _PythonDiff:
    old: _Tree
    new: _Tree
    changes: list[Change]
    other_files: list[FileStatus]
    warnings: list[str]


_DIFF_CACHE: OrderedDict[tuple[Any, ...], _PythonDiff] = OrderedDict()
_DIFF_CACHE_SIZE = 4


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def _default_text(default: Default | None) -> str | None:
    """A Python default for people: the evaluated value in Python syntax, else the expression as written."""
    if default is None:
        return None
    return repr(default.value) if default.resolved else default.expr


def _elixir_default_text(default: Default | None) -> str | None:
    """An Elixir default in Elixir syntax (`nil`, `1_000`, `:atom`), else the expression as written."""
    from paritydocs.parity.rules import ex_value

    if default is None:
        return None
    if not default.resolved or default.expr.startswith(":"):
        return default.expr
    return ex_value(default.value)


def _defaults_differ(old: Default | None, new: Default | None) -> bool:
    """The values when both were evaluated (as JSON, so `1` and `True` differ), else the expressions."""
    if old is None or new is None:
        return (old is None) != (new is None)
    if old.resolved and new.resolved:
        return json.dumps(old.value, sort_keys=True) != json.dumps(new.value, sort_keys=True)
    return old.expr != new.expr


def _type_key(typedef: TypeDef) -> str:
    return typedef.public_path or typedef.path


class _Differ:
    def __init__(self, settings: Settings, old: _Tree, new: _Tree) -> None:
        self.settings = settings
        self.old = old
        self.new = new
        self.updates = compile_updates(settings.model_names)
        self.changes: list[Change] = []
        self.warnings: list[str] = [*old.warnings, *new.warnings]
        self.doc_paths: set[str] = set()
        self.removed_paths: set[str] = set()
        """Dotted paths (defining and public) of the types and fields found removed."""
        self.renamed_only: set[str] = set()
        """Files whose every changed line is a model-name replacement."""

    def add(self, change: Change) -> None:
        self.changes.append(change)

    def doc_change(
        self, owner: str, field_name: str | None, old: str | None, new: str | None, loc: PythonLocation
    ) -> None:
        """A docstring added, removed or changed; whitespace-only and model-name-only edits are not."""
        if _norm(old) == _norm(new):
            return
        name = (field_name or owner).rsplit(".", 1)[-1]
        if name.startswith("_") and not name.startswith("__"):
            return  # a private helper's docstring is not user documentation
        if old and new and _norm(apply_updates(old, self.updates)) == _norm(new):
            return  # only model names changed: listed once, as model-name lines
        subject = f"{owner}.{field_name}" if field_name else owner
        self.doc_paths.add(subject)
        if not old:
            kind, what = "doc_added", "Docstring added to"
        elif not new:
            kind, what = "doc_removed", "Docstring removed from"
        else:
            kind, what = "doc_changed", "Docstring changed:"
        self.add(Change(kind, loc, f"{what} `{subject}`", old=old, new=new, owner=owner, field=field_name))

    # ---- types and fields (from extract_python)

    def types(self) -> None:
        old_types = {_type_key(t): t for t in self.old.model.types}
        new_types = {_type_key(t): t for t in self.new.model.types}
        for key, new in new_types.items():
            old = old_types.get(key)
            if old is None:
                loc = PythonLocation(key, new.file, None, new.line)
                self.add(Change("type_added", loc, f"New type `{key}` ({new.kind.value})", new=new.doc, owner=key))
                self.doc_paths.add(key)
                continue
            self.compare_type(key, old, new)
        for key, old in old_types.items():
            if key not in new_types:
                loc = PythonLocation(key, old.file, old.line, None)
                self.removed_paths.update({old.path, key})
                self.add(Change("type_removed", loc, f"Type `{key}` removed", old=old.doc, owner=key))

    def compare_type(self, key: str, old: TypeDef, new: TypeDef) -> None:
        file = new.file or old.file
        self.doc_change(key, None, old.doc, new.doc, PythonLocation(key, file, old.line, new.line))
        if old.members != new.members or (new.kind in _ALIAS_KINDS and old.annotation != new.annotation):
            before = ", ".join(map(repr, old.members)) if old.members else old.annotation
            after = ", ".join(map(repr, new.members)) if new.members else new.annotation
            loc = PythonLocation(key, file, old.line, new.line)
            self.add(
                Change(
                    "type_changed",
                    loc,
                    f"`{key}` changed: {len(new.members)} members",
                    old=before,
                    new=after,
                    owner=key,
                )
            )
        old_fields = {f.name: f for f in old.fields}
        new_names = {f.name for f in new.fields}
        for nf in new.fields:
            of = old_fields.get(nf.name)
            path = f"{key}.{nf.name}"
            if of is None:
                loc = PythonLocation(path, file, None, nf.line)
                detail = f"`{nf.annotation}`" if nf.annotation else "no annotation"
                default = f", default `{nf.default.expr}`" if nf.default else ", required"
                self.add(
                    Change(
                        "field_added",
                        loc,
                        f"New field `{path}`: {detail}{default}",
                        new=_field_text(nf),
                        owner=key,
                        field=nf.name,
                    )
                )
                self.doc_paths.add(path)
                continue
            self.compare_field(key, file, of, nf)
        for of in old.fields:
            if of.name not in new_names:
                path = f"{key}.{of.name}"
                loc = PythonLocation(path, file, of.line, None)
                self.removed_paths.update({path, f"{old.path}.{of.name}"})
                self.add(
                    Change(
                        "field_removed", loc, f"Field `{path}` removed", old=_field_text(of), owner=key, field=of.name
                    )
                )

    def compare_field(self, key: str, file: str, old: FieldDef, new: FieldDef) -> None:
        path = f"{key}.{old.name}"
        loc = PythonLocation(path, file, old.line, new.line)
        if _norm(old.annotation) != _norm(new.annotation) or old.required != new.required:
            self.add(
                Change(
                    "field_type_changed",
                    loc,
                    f"Type of `{path}` changed",
                    old=_field_text(old),
                    new=_field_text(new),
                    owner=key,
                    field=old.name,
                )
            )
        if _defaults_differ(old.default, new.default):
            before, after = _default_text(old.default), _default_text(new.default)
            self.add(
                Change(
                    "default_changed",
                    loc,
                    f"Default of `{path}` changed: `{before or 'none'}` → `{after or 'none'}`",
                    old=before,
                    new=after,
                    owner=key,
                    field=old.name,
                )
            )
        self.doc_change(key, old.name, old.doc, new.doc, loc)

    # ---- Griffe: breaking changes, added parameters, behaviour

    def breaking(self) -> None:
        for top, new_mod in self.new.tops.items():
            old_mod = self.old.tops.get(top)
            if old_mod is None:
                continue
            try:
                breakages = list(griffe.find_breaking_changes(old_mod, new_mod))
            except Exception as err:  # a griffe bug must not hide the rest of the report
                self.warnings.append(f"griffe could not compare the APIs of '{top}': {brief(err)}")
                continue
            for breakage in breakages:
                self.breakage(breakage)

    def breakage(self, breakage: Any) -> None:
        obj = breakage.obj
        path = obj.path
        removed = breakage.kind is griffe.BreakageKind.OBJECT_REMOVED
        if removed and path in self.removed_paths:
            return  # our field/type removal says the same, with the Elixir target: keep one
        old_obj = obj if removed else self.old.get(path)
        new_obj = None if removed else (self.new.get(path) or obj)
        file = (self.old.rel(_final(old_obj)) if removed else self.new.rel(_final(new_obj))) or None
        loc = PythonLocation(path, file, _lineno(old_obj), _lineno(new_obj))
        details = f" ({breakage.details})" if breakage.details else ""
        self.add(
            Change(
                "api_breaking",
                loc,
                f"{breakage.kind.value}: `{path}`{details}",
                old=_breakage_value(breakage.old_value),
                new=_breakage_value(breakage.new_value),
                owner=_owner_of(path, obj),
            )
        )

    def scope(self, tree: _Tree, paths: Iterable[str]) -> dict[str, Any]:
        objects: dict[str, Any] = {}
        for path in paths:
            root = tree.get(path)
            if root is None:
                continue
            for obj in _walk(root):
                objects.setdefault(obj.path, obj)
        return objects

    def parameters(self) -> None:
        """Optional parameters added to functions (Griffe reports required ones as breaking)."""
        paths = [*self.settings.behaviour_modules, *self.settings.python_clients, *self.settings.python_modules]
        old_objs = self.scope(self.old, paths)
        for path, new in self.scope(self.new, paths).items():
            if not new.is_function:
                continue
            old = old_objs.get(path)
            if old is None or not old.is_function:
                if old is None and _is_public_name(new.name) and new.parent is not None and new.parent.path in old_objs:
                    loc = PythonLocation(path, self.new.rel(new), None, new.lineno)
                    self.add(Change("function_added", loc, f"New function `{path}`", new=_signature(new), owner=path))
                continue
            old_names = {p.name for p in old.parameters}
            for param in new.parameters:
                if param.name in old_names or param.required:
                    continue
                loc = PythonLocation(path, self.new.rel(new), old.lineno, new.lineno)
                default = f" = {param.default}" if param.default is not None else ""
                self.add(
                    Change(
                        "parameter_added",
                        loc,
                        f"New parameter `{param.name}` of `{path}`",
                        new=f"{param.name}{default}",
                        owner=path,
                    )
                )

    def behaviour(self) -> None:
        scope = self.settings.behaviour_modules
        for path in scope:
            if self.old.get(path) is None and self.new.get(path) is None:
                self.warnings.append(
                    f"behaviour_modules: `{path}` is in neither revision ({self.old.spec}, {self.new.spec})"
                )
        old_objs = self.scope(self.old, scope)
        new_objs = self.scope(self.new, scope)
        for path, new in new_objs.items():
            old = old_objs.get(path)
            if old is None:
                continue
            file_old, file_new = self.old.rel(old), self.new.rel(new)
            loc = PythonLocation(path, file_new or file_old, old.lineno, new.lineno)
            if path not in self.doc_paths:
                self.doc_change(path, None, _docstring(old), _docstring(new), loc)
            if new.is_function or new.is_attribute:
                self.body(path, old, new, loc)

    def body(self, path: str, old: Any, new: Any, loc: PythonLocation) -> None:
        before = _code_lines(old)
        after = _code_lines(new)
        if before is None or after is None:
            return
        if [t.rstrip() for _, t in before] == [t.rstrip() for _, t in after]:
            return
        tree_old, tree_new = _syntax(old), _syntax(new)
        if tree_old is not None and tree_old == tree_new:
            return  # reformatted or comments only: same code
        diff = _unified(before, after, loc.file or "", self.old.rel(old) or "")
        if not diff:
            return
        what = "Code" if new.is_function else "Value"
        self.add(Change("behaviour_changed", loc, f"{what} of `{path}` changed", diff=diff, owner=path))

    # ---- model names (docstrings, docs/, any text file)

    def model_names(self) -> None:
        if not self.updates:
            return
        old_root, new_root = self.old.root, self.new.root
        by_file: OrderedDict[str, list[Occurrence]] = OrderedDict()
        for occ in scan_tree(old_root, "python", self.updates):
            by_file.setdefault(occ.file, []).append(occ)
        enclosing = _Enclosing(self.new)
        for rel in by_file:
            new_path = new_root / rel
            if not new_path.is_file():
                continue
            before = _read_lines(old_root / rel)
            after = _read_lines(new_path)
            replaced = list(_replaced_lines(before, after, self.updates))
            if before != after and [apply_updates(line, self.updates) for line in before] == after:
                self.renamed_only.add(rel)
            for i, j, update in replaced:
                owner = enclosing.find(rel, j + 1) if rel.endswith(".py") else None
                audience, reason = classify(rel)
                loc = PythonLocation(owner, rel, i + 1, j + 1)
                self.add(
                    Change(
                        "model_name",
                        loc,
                        f"`{update.old}` → `{update.new}` in {rel}:{j + 1} ({reason})",
                        old=before[i].strip(),
                        new=after[j].strip(),
                        owner=owner or rel,
                        audience=audience,
                    )
                )

    def run(self) -> list[Change]:
        self.types()
        self.breaking()
        self.parameters()
        self.behaviour()
        self.model_names()
        return self.changes


def _is_public_name(name: str) -> bool:
    return not name.startswith("_") or name == "__init__"


def _field_text(f: FieldDef) -> str:
    text = f.name
    if f.annotation:
        text += f": {f.annotation}"
    if f.default is not None:
        text += f" = {f.default.expr}"
    return text


def _lineno(obj: Any) -> int | None:
    if obj is None:
        return None
    if getattr(obj, "is_alias", False):
        return obj.alias_lineno
    return obj.lineno


def _owner_of(path: str, obj: Any) -> str:
    """Group a breakage under its class (or function), not the parameter or attribute."""
    parent = getattr(obj, "parent", None)
    member = getattr(obj, "is_attribute", False) or getattr(obj, "is_function", False)
    if member and parent is not None and getattr(parent, "is_class", False):
        return str(parent.path)
    return path


def _breakage_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, griffe.Parameter):
        text = value.name
        if value.annotation is not None:
            text += f": {value.annotation}"
        if value.default is not None:
            text += f" = {value.default}"
        return text
    if isinstance(value, list | tuple):
        return ", ".join(str(getattr(v, "canonical_path", v)) for v in value)
    if hasattr(value, "path") and hasattr(value, "kind"):
        return f"{value.kind.value} {value.path}"
    return str(value)


def _signature(function: Any) -> str:
    params = []
    for p in function.parameters:
        text = p.name
        if p.annotation is not None:
            text += f": {p.annotation}"
        if p.default is not None:
            text += f" = {p.default}"
        params.append(text)
    returns = f" -> {function.returns}" if function.returns is not None else ""
    return f"{function.name}({', '.join(params)}){returns}"


def _docstring(obj: Any) -> str | None:
    doc = getattr(obj, "docstring", None)
    return doc.value if doc is not None and doc.value else None


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _code_lines(obj: Any) -> list[tuple[int, str]] | None:
    """An object's source lines (number, text), its docstring left out."""
    filepath = getattr(obj, "filepath", None)
    if not isinstance(filepath, Path) or not obj.lineno or not obj.endlineno:
        return None
    lines = _read_lines(filepath)
    skip: set[int] = set()
    doc = getattr(obj, "docstring", None)
    if doc is not None and doc.lineno and doc.endlineno and not obj.is_attribute:
        skip = set(range(doc.lineno, doc.endlineno + 1))
    return [(n, lines[n - 1]) for n in range(obj.lineno, obj.endlineno + 1) if n not in skip and n <= len(lines)]


def _syntax(obj: Any) -> str | None:
    """What runs, as text: a function's decorators and body without its docstring (its signature is API, compared
    by Griffe), an attribute's statement. Equal for a reformatting; None when the slice does not parse."""
    filepath = getattr(obj, "filepath", None)
    if not isinstance(filepath, Path) or not obj.lineno or not obj.endlineno:
        return None
    lines = _read_lines(filepath)[obj.lineno - 1 : obj.endlineno]
    source = "if 1:\n" + "\n".join(" " + line for line in lines)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.body:
            first = node.body[0]
            value = first.value if isinstance(first, ast.Expr) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                node.body = node.body[1:]
    statements = tree.body[0].body if isinstance(tree.body[0], ast.If) else tree.body
    parts = []
    for node in statements:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            parts.append(ast.dump(ast.Module(body=node.body, type_ignores=[]), include_attributes=False))
            parts.append(
                ast.dump(
                    ast.Module(body=[ast.Expr(d) for d in node.decorator_list], type_ignores=[]),
                    include_attributes=False,
                )
            )
            parts.append(str(isinstance(node, ast.AsyncFunctionDef)))
        else:
            parts.append(ast.dump(node, include_attributes=False))
    return "\n".join(parts)


def _unified(before: list[tuple[int, str]], after: list[tuple[int, str]], file_new: str, file_old: str) -> str:
    """`difflib.unified_diff` of the code lines, hunk headers renumbered to the files' own lines."""
    out = []
    for line in difflib.unified_diff(
        [t for _, t in before],
        [t for _, t in after],
        fromfile=f"a/{file_old or file_new}",
        tofile=f"b/{file_new}",
        n=DIFF_CONTEXT,
        lineterm="",
    ):
        match = _HUNK.match(line)
        if match:
            start_old = int(match.group(1))
            start_new = int(match.group(3))
            real_old = before[start_old - 1][0] if 0 < start_old <= len(before) else start_old
            real_new = after[start_new - 1][0] if 0 < start_new <= len(after) else start_new
            line = f"@@ -{real_old}{match.group(2) or ''} +{real_new}{match.group(4) or ''} @@"
        out.append(line)
    return "\n".join(out)


_STRING = re.compile(r""""((?:[^"\\]|\\.){2,200})"|'((?:[^'\\]|\\.){2,200})'""")


def _added_literals(diff: str) -> list[str]:
    """String literals on the added lines of a diff that no removed line has (new messages, prefixes, keys)."""
    added: list[str] = []
    removed: set[str] = set()
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            continue
        if line[:1] in "+-":
            for match in _STRING.finditer(line[1:]):
                text = match.group(1) if match.group(1) is not None else match.group(2)
                if line[0] == "-":
                    removed.add(text)
                elif text not in added:
                    added.append(text)
    return [text for text in added if text not in removed]


def _replaced_lines(
    before: list[str], after: list[str], updates: Sequence[ModelNameUpdate]
) -> Iterator[tuple[int, int, ModelNameUpdate]]:
    """(old index, new index, update) for lines where an outdated model name became its new name."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue
        used: set[int] = set()
        for i in range(i1, i2):
            if not has_outdated(before[i], updates):
                continue
            expected = apply_updates(before[i], updates)
            j = next((k for k in range(j1, j2) if k not in used and after[k] == expected), None)
            if j is None:
                k = j1 + (i - i1)
                if (
                    k < j2
                    and k not in used
                    and not has_outdated(after[k], updates)
                    and any(u.new in after[k] for u in updates)
                ):
                    j = k
            if j is None:
                continue
            used.add(j)
            update = next(
                (u for u in updates if u.pattern.search(before[i]) and u.new in after[j]),
                next(u for u in updates if u.pattern.search(before[i])),
            )
            yield i, j, update


class _Enclosing:
    """The innermost Griffe object (module, class, function) around a line of a file of one revision."""

    def __init__(self, tree: _Tree) -> None:
        self.tree = tree
        self.index: dict[str, list[tuple[int, int, str]]] | None = None

    def find(self, rel: str, line: int) -> str | None:
        if self.index is None:
            self.index = {}
            for top in self.tree.tops.values():
                for obj in _walk(top):
                    file = self.tree.rel(obj)
                    if file is None:
                        continue
                    start = obj.lineno or 1
                    end = obj.endlineno or (10**9 if obj.is_module else start)
                    self.index.setdefault(file, []).append((start, end, obj.path))
        best: tuple[int, str] | None = None
        for start, end, path in self.index.get(rel, []):
            if start <= line <= end and (best is None or end - start < best[0]):
                best = (end - start, path)
        return best[1] if best else None


def _changed_files(old_root: Path, new_root: Path) -> list[FileStatus]:
    def listing(root: Path) -> dict[str, Path]:
        files: dict[str, Path] = {}
        stack = [root]
        while stack:
            folder = stack.pop()
            try:
                entries = list(folder.iterdir())
            except OSError:
                continue
            for entry in entries:
                if entry.name in SKIPPED_DIRS or entry.is_symlink():
                    continue
                if entry.is_dir():
                    stack.append(entry)
                elif entry.is_file() and entry.name != ".paritydocs-complete":
                    files[entry.relative_to(root).as_posix()] = entry
        return files

    old, new = listing(old_root), listing(new_root)
    out = []
    for rel in sorted(set(old) | set(new)):
        if rel not in new:
            out.append(FileStatus(rel, "removed"))
        elif rel not in old:
            out.append(FileStatus(rel, "added"))
        else:
            a, b = old[rel], new[rel]
            with suppress(OSError):
                if a.stat().st_size != b.stat().st_size or a.read_bytes() != b.read_bytes():
                    out.append(FileStatus(rel, "modified"))
    return out


# --------------------------------------------------------------------------------------------------
# Resolving and caching


def _resolve_revision(settings: Settings, spec: str) -> tuple[Revision, Path]:
    from paritydocs.pipeline import check_python_tree
    from paritydocs.sources import resolve

    resolved = resolve(spec, cache_dir=settings.cache_dir)
    root = Path(resolved.root)
    check_python_tree(spec, root, _top_packages(settings))
    rev = Revision(spec, resolved.version, resolved.ref, str(root), resolved.kind, (root / "docs").is_dir())
    return rev, root


def _fingerprint(rev: Revision, root: Path) -> str:
    """Resolved git/PyPI/Hex trees never change; a local tree is fingerprinted by its files' sizes and times."""
    if rev.kind in ("git", "pypi", "hex"):
        return f"{rev.kind}:{root}"
    from paritydocs.sources.trees import tree_fingerprint

    return tree_fingerprint(root)


def _load_tree(settings: Settings, rev: Revision, root: Path) -> _Tree:
    from paritydocs.python import extract_python

    warnings: list[str] = []
    tops: dict[str, griffe.Module] = {}
    for top in _top_packages(settings):
        module = _load_package(rev.spec, root, top, warnings)
        if module is not None:
            tops[top] = module
    if not tops:
        names = ", ".join(_top_packages(settings)) or "(none configured)"
        raise SourceError(
            rev.spec,
            f"no Python package {names} in {root}",
            "point at the SDK's repository, wheel or sdist (the package directory or src/ layout must be there)",
        )
    info = SourceInfo(spec=rev.spec, root=str(root), language=Language.PYTHON, version=rev.version, ref=rev.ref)
    # the extraction reads the trees just loaded for the API comparison, instead of loading the revision again
    shared = SharedPackages(tops.get, griffe.load_extensions())
    model = extract_python(
        root, modules=settings.python_modules, source=info, clients=settings.python_clients, packages=shared
    )
    warnings.extend(f"{rev.spec}: {w}" for w in model.warnings)
    return _Tree(rev.spec, root, tops, model, warnings)


def _python_diff(
    settings: Settings, old_rev: Revision, old_root: Path, new_rev: Revision, new_root: Path
) -> _PythonDiff:
    key = (
        _fingerprint(old_rev, old_root),
        _fingerprint(new_rev, new_root),
        settings.python_modules,
        settings.python_clients,
        settings.behaviour_modules,
        tuple(settings.model_names.items()),
    )
    cached = _DIFF_CACHE.get(key)
    if cached is not None:
        _DIFF_CACHE.move_to_end(key)
        return cached
    with griffe_silenced():
        old = _load_tree(settings, old_rev, old_root)
        new = _load_tree(settings, new_rev, new_root)
        differ = _Differ(settings, old, new)
        changes = differ.run()
    # a file counts as covered when a change other than a model-name line points at it, or when its only edits
    # are model-name replacements; `docs/api/x.md` with other edits too stays listed
    referenced = {c.python.file for c in changes if c.kind != "model_name"} | differ.renamed_only
    compared = {t.file for t in (*old.model.types, *new.model.types)}
    for tree in (old, new):
        compared.update(f for obj in differ.scope(tree, settings.behaviour_modules).values() if (f := tree.rel(obj)))
    other = [f for f in _changed_files(old_root, new_root) if f.file not in referenced]
    for status in other:
        status.compared = status.file in compared
    result = _PythonDiff(old, new, changes, other, differ.warnings)
    _DIFF_CACHE[key] = result
    while len(_DIFF_CACHE) > _DIFF_CACHE_SIZE:
        _DIFF_CACHE.popitem(last=False)
    return result


# --------------------------------------------------------------------------------------------------
# Elixir targets


class _ElixirIndex:
    """Finds the Elixir target of a change: types and fields by the parity matching, clients by `client_map`,
    `*._client.*` by the `*.Config` module, and files by the types and clients defined in them."""

    def __init__(self, settings: Settings, diff: _PythonDiff, elixir: SdkModel, occurrences: list[Occurrence]) -> None:
        from paritydocs.parity.matching import match_types

        self.settings = settings
        self.root = Path(elixir.source.root)
        self.texts: dict[str, str] = {}
        self.modules = {t.path: t for t in elixir.types}
        new_types = list(diff.new.model.types)
        new_keys = {_type_key(t) for t in new_types}
        old_only = [t for t in diff.old.model.types if _type_key(t) not in new_keys]
        self.py_types: dict[str, TypeDef] = {}
        for t in (*new_types, *old_only):
            self.py_types.setdefault(_type_key(t), t)
            self.py_types.setdefault(t.path, t)
        self.old_types = {_type_key(t): t for t in diff.old.model.types}
        combined = SdkModel(source=diff.new.model.source, types=[*new_types, *old_only])
        matched = match_types(combined, elixir, prefixes=settings.type_prefixes, type_map=settings.type_map)
        self.targets: dict[str, TypeDef] = {}
        for py, ex in matched.pairs:
            self.targets[_type_key(py)] = ex
            self.targets[py.path] = ex
        self.outdated: dict[str, list[int]] = {}
        for occ in occurrences:
            if occ.side == "elixir":
                lines = self.outdated.setdefault(occ.file, [])
                if occ.line not in lines:
                    lines.append(occ.line)
        configs = sorted(
            (m for m in elixir.types if m.path.endswith(".Config")), key=lambda m: (m.path.count("."), m.path)
        )
        self.config = configs[0] if configs else None
        self.clients = {
            client: self.modules[module] for client, module in settings.client_map.items() if module in self.modules
        }
        self.missing_clients = {c: m for c, m in settings.client_map.items() if m not in self.modules}
        self.by_file: dict[str, TypeDef] = {}
        for key, ex in self.targets.items():
            py_type = self.py_types.get(key)
            if py_type is not None and py_type.file:
                self.by_file.setdefault(py_type.file, ex)
        for client_def in (*diff.new.model.clients, *diff.old.model.clients):
            client_module = self.clients.get(client_def.path)
            if client_module is not None and client_def.file:
                self.by_file.setdefault(client_def.file, client_module)
        self.by_stem: dict[str, TypeDef] = {}
        for client_path, client_module in self.clients.items():
            self.by_stem.setdefault(client_path.rsplit(".", 1)[-1].lower(), client_module)

    # ---- building targets

    def module_target(self, module: TypeDef) -> ElixirTarget:
        return ElixirTarget(
            module=module.path,
            file=module.file or None,
            line=module.line,
            present=True,
            documented=bool(module.doc),
            doc=module.doc,
            outdated_lines=list(self.outdated.get(module.file, [])),
        )

    def candidate(self, typedef: TypeDef) -> str | None:
        for key in (typedef.path, typedef.public_path, typedef.name):
            if key and key in self.settings.type_map:
                return self.settings.type_map[key]
        for py_prefix, ex_prefix in self.settings.type_prefixes.items():
            for path in (typedef.public_path, typedef.path):
                if path and path.startswith(py_prefix + "."):
                    return f"{ex_prefix}.{typedef.name}"
        return None

    def type_target(self, key: str, field_name: str | None) -> ElixirTarget | None:
        typedef = self.py_types[key]
        module = self.targets.get(key)
        if module is None:
            name = self.candidate(typedef)
            if name is None:
                return None
            return ElixirTarget(module=name, file=None, line=None, field=field_name, present=False)
        if field_name is None:
            return self.module_target(module)
        return self.field_target(typedef, module, field_name)

    def field_target(self, typedef: TypeDef, module: TypeDef, name: str) -> ElixirTarget:
        from paritydocs.parity.matching import field_aliases_for, match_fields

        aliases = field_aliases_for(typedef, self.settings.field_aliases)
        py_fields = list(typedef.fields)
        old = self.old_types.get(_type_key(typedef))
        removed = old.field_named(name) if old is not None and typedef.field_named(name) is None else None
        if removed is not None:
            py_fields.append(removed)
        ex_field = None
        for pair in match_fields(py_fields, module.fields, aliases):
            if pair.python is not None and pair.python.name == name:
                ex_field = pair.elixir
                break
        outdated = list(self.outdated.get(module.file, []))
        if ex_field is None:
            return ElixirTarget(
                module=module.path,
                file=module.file or None,
                line=module.line,
                field=aliases.get(name, name),
                present=False,
                documented=None,
                outdated_lines=outdated,
            )
        return ElixirTarget(
            module=module.path,
            file=module.file or None,
            line=ex_field.line or module.line,
            field=ex_field.name,
            present=True,
            documented=bool(ex_field.doc),
            default=_elixir_default_text(ex_field.default),
            doc=ex_field.doc,
            outdated_lines=outdated,
        )

    def path_target(self, path: str) -> ElixirTarget | None:
        best = max((k for k in self.py_types if path.startswith(k + ".")), key=len, default=None)
        if best is not None:
            return self.type_target(best, None)
        client = max(
            (c for c in self.settings.client_map if path == c or path.startswith(c + ".")), key=len, default=None
        )
        if client is not None:
            module = self.clients.get(client)
            if module is not None:
                return self.module_target(module)
            return ElixirTarget(module=self.settings.client_map[client], file=None, line=None, present=False)
        parts = path.split(".")
        if "_client" in parts[1:] and self.config is not None:
            return self.module_target(self.config)
        return None

    def file_target(self, file: str) -> ElixirTarget | None:
        module = self.by_file.get(file)
        if module is None and file.endswith(".md"):
            module = self.by_stem.get(Path(file).stem.lower())  # docs/api/samplingclient.md ↔ SamplingClient
        return self.module_target(module) if module is not None else None

    def target(self, change: Change) -> ElixirTarget | None:
        target = self._target(change)
        if target is not None and target.file and change.diff:
            text = self.elixir_text(target.file)
            target.literals = [(literal, literal in text) for literal in _added_literals(change.diff)]
        return target

    def elixir_text(self, file: str) -> str:
        if file not in self.texts:
            try:
                self.texts[file] = (self.root / file).read_text(encoding="utf-8", errors="replace")
            except OSError:
                self.texts[file] = ""
        return self.texts[file]

    def _target(self, change: Change) -> ElixirTarget | None:
        owner = change.owner
        if owner is not None and owner in self.py_types and change.kind not in ("api_breaking", "behaviour_changed"):
            return self.type_target(owner, change.field)
        for path in (change.python.path, owner):
            if path and (path in self.py_types or "." in path):
                if path in self.py_types:
                    return self.type_target(path, change.field)
                target = self.path_target(path)
                if target is not None:
                    return target
        return self.file_target(change.python.file) if change.python.file else None


def _notes_index(parity: Any) -> tuple[dict[str, Any], dict[tuple[str, str], list[str]]]:
    types: dict[str, Any] = {}
    fields: dict[tuple[str, str], list[str]] = {}
    if parity is None:
        return types, fields
    for pair in parity.pairs:
        for key in (pair.python.path, pair.python.public_path):
            if key:
                types.setdefault(key, pair)
                for row in pair.rows:
                    if row.python is not None and row.notes:
                        fields.setdefault((key, row.python.name), []).extend(row.notes)
    return types, fields


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
) -> SyncReport:
    """Compare two revisions of the Python SDK and map each change to the Elixir port.

    Review notes annotate the changes of the type or field they target: from `parity` (the `ParityReport` of
    the current pair, as the site has it), or else from `notes` (applied to the `to` revision against the
    port). `elixir_occurrences` are the outdated model names already found in the Elixir tree (scanned here
    otherwise). Raises `SourceError` when a revision cannot be resolved or holds none of the packages.
    """
    old_rev, old_root = _resolve_revision(settings, from_spec)
    new_rev, new_root = _resolve_revision(settings, to_spec)
    diff = _python_diff(settings, old_rev, old_root, new_rev, new_root)
    # the Python trees are cached; the revisions' specs are the caller's
    ex_source = elixir.source
    elixir_rev = Revision(ex_source.spec, ex_source.version, ex_source.ref, ex_source.root, "", False)
    updates = compile_updates(settings.model_names)
    if elixir_occurrences is None:
        elixir_occurrences = scan_tree(Path(ex_source.root), "elixir", updates) if ex_source.root else []
    elixir_occurrences = [o for o in elixir_occurrences if o.side == "elixir"]
    index = _ElixirIndex(settings, diff, elixir, elixir_occurrences)
    if parity is None and notes:
        from paritydocs.parity import run_parity

        parity = run_parity(diff.new.model, elixir, settings, notes)
    type_notes, field_notes = _notes_index(parity)
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


def render_markdown(
    renderer: Any,
    settings: Settings,
    report: SyncReport | None,
    *,
    title: str,
    failure: SourceError | None = None,
    page_path: str = "",
    elixir_pinned: bool = True,
) -> str:
    """The report (or the failure page) through the overridable `sync.md.jinja` template."""
    links = SyncLinks.for_report(settings, report, elixir_pinned=elixir_pinned) if report is not None else None
    return renderer.render(
        "sync",
        title=title,
        sync=report,
        failure=failure,
        links=links,
        checklist=report.checklist(links) if report is not None else [],
        classes=CLASSES,
        priority=PRIORITY,
        settings=settings,
        relpath=_relpath(page_path),
    )


def _relpath(page_path: str) -> Any:
    import posixpath

    base = posixpath.dirname(page_path) or "."

    def relpath(target: str) -> str:
        return posixpath.relpath(target, base)

    return relpath


def _slugs(ranges: Sequence[SyncRange]) -> list[str]:
    from paritydocs.render.filters import do_slug

    out: list[str] = []
    for item in ranges:
        base = item.slug or do_slug(item.title or f"{item.from_spec}-{item.to_spec}")
        slug, n = base, 1
        while slug in out:
            n += 1
            slug = f"{base}-{n}"
        out.append(slug)
    return out


def sync_site_pages(settings: Settings, report: Any, renderer: Any, caches: Any) -> tuple[list[Any], dict[str, str]]:
    """One page per `sync_ranges` entry (and `sync-<slug>.json`). A range whose source fails gets a page that
    says which spec failed and how to fix it; the rest of the site is built as usual."""
    from paritydocs.render import Page

    del caches  # the Python half is cached in this module: resolved trees never change
    pages: list[Page] = []
    outputs: dict[str, str] = {}
    occurrences = [o for o in getattr(report, "model_names", []) if o.side == "elixir"]
    for item, slug in zip(settings.sync_ranges, _slugs(settings.sync_ranges), strict=True):
        title = item.title or f"{item.from_spec} → {item.to_spec}"
        path = renderer.path(f"sync/{slug}.md")
        try:
            sync = build_sync_report(
                settings,
                item.from_spec,
                item.to_spec,
                elixir=report.elixir_model,
                parity=report,
                title=title,
                elixir_occurrences=occurrences if report.elixir_model.source.root else None,
            )
        except SourceError as err:
            content = render_markdown(renderer, settings, None, title=title, failure=err, page_path=path)
            report.warnings.append(f"sync report '{title}': {err}")
        else:
            content = render_markdown(renderer, settings, sync, title=title, page_path=path)
            outputs[f"sync-{slug}.json"] = sync.dumps()
        pages.append(Page(path, title, content, SECTION, keep_model_names=True))
    return pages, outputs
