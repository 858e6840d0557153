"""The sync report's records and their JSON: revisions, Python places, Elixir targets, changes, files.

The change classes (`BREAKING`, `DOCUMENTATION`, `POLISH`) and their priorities, and `KIND_CLASS`, every change
kind with its class. The report's Markdown is `paritydocs.render.sync`.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from paritydocs.jsonfile import encode_indented
from paritydocs.modelnames import Occurrence
from paritydocs.sources.git import Commit

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
    "constant_added": BREAKING,
    "constant_changed": BREAKING,
    "constant_removed": BREAKING,
    "parameter_added": BREAKING,
    "function_added": BREAKING,
    "class_added": BREAKING,
    "module_added": BREAKING,
    "behaviour_changed": BREAKING,
    "doc_added": DOCUMENTATION,
    "doc_removed": DOCUMENTATION,
    "doc_changed": DOCUMENTATION,
    "model_name": POLISH,
}
"""Every change kind and its class. The JSON schema lists the same kinds."""


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
    literals: list[tuple[str, str | None]] = dataclasses.field(default_factory=list)
    """Behaviour changes: the string literals the Python change added, and the port's file that has each (the
    target's own file first, else the first other file under the port's folders), or None (`"tml-"` → None:
    the port does not check the prefix yet)."""
    numbers: list[tuple[str, str | None]] = dataclasses.field(default_factory=list)
    """Behaviour changes: the distinctive numbers the Python change added (as Python writes them), and the port's
    file holding each as a number literal (the target's own file first), or None; a constant change whose port
    has no constant of that name: its value (and in milliseconds, for a seconds constant), where the port has it."""
    matches: bool | None = None
    """Constant changes: whether the port's constant holds the Python value the change leads to (after scaling
    seconds to milliseconds): True is done, False still open, None not comparable."""
    found_by: str | None = None
    """How the target was found, when not by the type matching: `constant name`, `constant_map`."""

    @property
    def is_constant(self) -> bool:
        """The target is a constant of the port: `field` is `@name` (an attribute) or `name/0` (a function)."""
        field = self.field or ""
        return field.startswith("@") or field.endswith("/0")

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
            "literals": [{"text": text, "found": where is not None, "file": where} for text, where in self.literals],
            **(
                {"numbers": [{"text": text, "found": where is not None, "file": where} for text, where in self.numbers]}
                if self.numbers
                else {}
            ),
            **({"matches": self.matches} if self.matches is not None else {}),
            **({"found_by": self.found_by} if self.found_by is not None else {}),
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
    commit: str | None = None
    """For a git range: the commit that made the change (full hash), when known."""
    commit_by: str | None = None
    """How `commit` was found: `line` (the last commit of the range to change the change's line, `git blame`),
    `text` (the newest commit that added or removed the change's text, `git log -S`: a removal, or a docstring
    below an older line) or `file` (the last commit to touch the file)."""

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
        if self.commit is not None:
            data["commit"] = {"sha": self.commit, "by": self.commit_by}
        return data


@dataclass(slots=True)
class FileStatus:
    file: str
    status: str
    """`added`, `removed` or `modified`."""
    compared: bool = False
    """The file is a module of the packages (its API, constants and, in `behaviour_modules`, code were compared)
    and nothing was found to report (imports, formatting, comments, private helpers' docstrings, code outside
    `behaviour_modules`)."""
    category: str = ""
    """What the file is, when not a compared module: `tests`, `docs`, `packaging`, `ci` or `other`."""
    note: str | None = None
    """What changed in it, when that can be said (`version 0.7.0 → 0.8.0` for `pyproject.toml`)."""
    code_changed: list[str] = field(default_factory=list)
    """A compared module: its functions and methods whose code changed outside `behaviour_modules` (where to
    look by hand; no diff is shown)."""
    has_changes: bool = False
    """The file also has change items above: it is listed for the functions of `code_changed` that no item shows."""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"file": self.file, "status": self.status, "compared": self.compared}
        if self.category:
            data["category"] = self.category
        if self.note:
            data["note"] = self.note
        if self.code_changed:
            data["code_changed"] = list(self.code_changed)
        if self.has_changes:
            data["has_changes"] = True
        return data


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
    commits: list[Commit] = field(default_factory=list)
    """For a git range: its commits, oldest first (the page has a section per commit)."""

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
            "commits": [
                {"sha": c.sha, "subject": c.subject, "changes": [x.id for x in self.changes if x.commit == c.sha]}
                for c in self.commits
            ],
        }

    def by_commit(self) -> list[tuple[Commit, list[Change]]]:
        """Each commit of a git range with the changes it made, oldest first; commits that made none included."""
        return [(c, [x for x in self.changes if x.commit == c.sha]) for c in self.commits]

    def dumps(self) -> str:
        return "".join(encode_indented(self.to_json())) + "\n"

    # ---- views the template reads

    def groups(self, cls: str) -> list[tuple[str, list[Change]]]:
        """Changes of one class grouped by owner (type, function, file), in report order."""
        grouped: OrderedDict[str, list[Change]] = OrderedDict()
        for change in self.of_class(cls):
            grouped.setdefault(change.owner or change.python.file or "", []).append(change)
        return list(grouped.items())

    def by_file(self) -> list[tuple[str, SyncReport]]:
        """The breaking/functional and documentation changes by Python file, sorted by file, each file's as a
        report of its own (the same revisions and port; those changes and their commits only, no other files,
        outdated names or warnings): the site gives each a page. A change without a file is under `""`."""
        grouped: dict[str, list[Change]] = {}
        for change in self.changes:
            if change.cls != POLISH:
                grouped.setdefault(change.python.file or "", []).append(change)
        out = []
        for file, changes in sorted(grouped.items()):
            shas = {c.commit for c in changes}
            commits = [c for c in self.commits if c.sha in shas]
            part = dataclasses.replace(
                self, changes=changes, other_files=[], elixir_model_names=[], warnings=[], commits=commits
            )
            out.append((file, part))
        return out

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
