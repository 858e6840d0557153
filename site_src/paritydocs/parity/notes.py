"""Review notes and waivers: the maintainers' `[REVIEWED]` lines, kept in a YAML file in the repository.

```yaml
- python: tinker.types.CreateModelRequest.lora_config   # or `elixir: Tinkex.Types.CreateModelRequest.lora_config`
  note: The port sends a default LoRA config on purpose.
  waive: [optionality_mismatch]                        # optional: finding kinds this note waives
```
A target is a type (Python path, public path or short name; Elixir module) optionally followed by `.field`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from paritydocs.errors import ConfigError
from paritydocs.parity.findings import FindingKind

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
