"""Baselines: the finding keys a project has accepted (`paritydocs check --write-baseline`), so that a pull request
is judged by the findings it introduces. The file is `{"findings": [key, ...]}`; a key is `Finding.key`."""

from __future__ import annotations

import json
from pathlib import Path

from paritydocs.errors import ConfigError

__all__ = ["load_baseline"]


def load_baseline(path: str | Path | None) -> set[str]:
    """The finding keys of the baseline at `path` (none for no path); a file that cannot be read or is not a
    baseline is a `ConfigError` naming it and the fix."""
    if not path:
        return set()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(
            f"baseline {path}: cannot read it ({err.strerror}); create one with `paritydocs check --write-baseline`"
        ) from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"baseline {path}: not valid JSON ({err})") from err
    keys = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(keys, list):
        raise ConfigError(f'baseline {path}: expected {{"findings": [keys...]}}')
    return {str(k) for k in keys}
