"""Review notes and waivers: the maintainers' `[REVIEWED]` lines, kept in a YAML file in the repository.

```yaml
- python: tinker.types.CreateModelRequest.lora_config   # or `elixir: Tinkex.Types.CreateModelRequest.lora_config`
  note: The port sends a default LoRA config on purpose.
  waive: [optionality_mismatch]                        # optional: finding kinds this note waives
```
A target is a type (Python path, public path or short name; Elixir module) optionally followed by `.field`, or
a constant (`tinker.lib.telemetry.MAX_BATCH_SIZE`; `Tinkex.Telemetry.Reporter.@max_batch_size`, `@` optional).

`load_notes` reads the file; `apply_notes` attaches the notes to a report's pairs, clients and rows, and waives
the finding kinds they name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from paritydocs.errors import ConfigError
from paritydocs.model import ConstantDef, TypeDef
from paritydocs.parity.findings import Finding, FindingKind
from paritydocs.parity.report import ClientPair, PairReport, ParityReport

KINDS = {k.value for k in FindingKind}


@dataclass(slots=True)
class Note:
    side: str
    """`python` or `elixir`."""
    target: str
    text: str
    waive: tuple[str, ...] = ()
    index: int = 0
    used: bool = field(default=False)

    def describe(self) -> str:
        return f"notes[{self.index}] ({self.side}: {self.target})"


def load_notes(path: Path | None) -> list[Note]:
    """Read the notes file. A missing file is a configuration error; an empty one is no notes."""
    if path is None:
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"notes file {path}: cannot read it ({err.strerror}); fix the 'notes' option") from err
    except yaml.YAMLError as err:
        raise ConfigError(f"notes file {path}: not valid YAML ({str(err).splitlines()[0]})") from err
    if data is None:
        return []
    if isinstance(data, dict) and "notes" in data:
        data = data["notes"]
    if not isinstance(data, list):
        raise ConfigError(f"notes file {path}: expected a list of notes, got {type(data).__name__}")
    notes = []
    problems: list[str] = []
    for i, item in enumerate(data):
        notes_item = _note(i, item, problems)
        if notes_item:
            notes.append(notes_item)
    if problems:
        raise ConfigError(f"notes file {path}: " + "; ".join(problems))
    return notes


def _note(i: int, item: Any, problems: list[str]) -> Note | None:
    if not isinstance(item, dict):
        problems.append(f"entry {i} must be a mapping with 'python' or 'elixir', and 'note'")
        return None
    sides = [s for s in ("python", "elixir") if isinstance(item.get(s), str)]
    if len(sides) != 1:
        problems.append(f"entry {i} needs exactly one of 'python:' or 'elixir:' naming a type or field")
        return None
    text = item.get("note")
    if not isinstance(text, str) or not text.strip():
        problems.append(f"entry {i} needs a non-empty 'note' (the reason)")
        return None
    waive = item.get("waive") or []
    if isinstance(waive, str):
        waive = [waive]
    bad = [w for w in waive if w not in KINDS and w != "all"]
    if bad:
        problems.append(f"entry {i}: unknown finding kind(s) to waive: {', '.join(map(str, bad))}")
    unknown = set(item) - {"python", "elixir", "note", "waive"}
    if unknown:
        problems.append(f"entry {i}: unknown keys {', '.join(sorted(unknown))}")
    return Note(side=sides[0], target=item[sides[0]], text=text.strip(), waive=tuple(waive), index=i)


def _type_matches(target: str, typedef: TypeDef) -> bool:
    return target in (typedef.path, typedef.public_path, typedef.name)


def apply_notes(report: ParityReport, notes: list[Note], *, warn_unused: bool = True) -> None:
    """Attach each note to its type, field, client or method; waive the kinds it names.

    Notes pointing at nothing become warnings. Type pairs and client pairs are read alike: both have
    `python`/`elixir` definitions, `findings`, `notes` and `rows` whose `python`/`elixir` carry a `name`.
    """
    groups: list[PairReport | ClientPair] = [*report.pairs, *report.client_pairs]
    for note in notes:
        for group in groups:
            typedef = group.python if note.side == "python" else group.elixir
            if _type_matches(note.target, typedef):
                note.used = True
                group.notes.append(note.text)
                _waive(group.findings, note)
                # a note on a whole type can waive its kinds on every row; the note text stays on the type
                _waive([f for row in group.rows for f in _row_findings(row)], note, attach=False)
                continue
            head, _, member = note.target.rpartition(".")
            if not head or not _type_matches(head, typedef):
                continue
            for row in group.rows:
                if member in _row_names(row, note.side):
                    note.used = True
                    row.notes.append(note.text)
                    _waive(_row_findings(row), note)
        for constant_row in report.constant_rows:
            constant = constant_row.python if note.side == "python" else constant_row.elixir
            if constant is not None and note.target in _constant_names(constant):
                note.used = True
                constant_row.notes.append(note.text)
                _waive(constant_row.findings, note)
        if not note.used and warn_unused:
            report.warnings.append(
                f"{note.describe()} points at nothing: no matched type, field, client or method is named "
                f"'{note.target}'"
            )


def _constant_names(constant: ConstantDef) -> set[str]:
    """The names a note can use for a constant: its path (`Owner.@name`, `Owner.name/0` in Elixir) and, for an
    Elixir one, `Owner.name` without the `@` or arity."""
    return {constant.path, f"{constant.owner}.{constant.name}"}


def _row_findings(row: Any) -> list[Finding]:
    return row.all_findings() if hasattr(row, "all_findings") else list(row.findings)


def _row_names(row: Any, side: str) -> set[str]:
    """The names a note can use for a row: the field, or the method and its async twin."""
    names = set()
    for attr in (side, f"{side}_async"):
        definition = getattr(row, attr, None)
        if definition is not None:
            names.add(definition.name)
    return names


def _waive(findings: list[Finding], note: Note, *, attach: bool = True) -> None:
    for finding in findings:
        if attach:
            finding.note = note.text if not finding.note else f"{finding.note}\n{note.text}"
        if "all" in note.waive or finding.kind.value in note.waive:
            finding.waived = True
            finding.waiver_reason = note.text
