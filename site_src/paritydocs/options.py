"""The plugin entry's schema in MkDocs' own `config_options`, read by the plugin and the CLI alike.

MkDocs validates every option of a plugin entry and reports every mistake at once ("Plugin 'paritydocs' option
'fail_on': ..."), before any build work starts; the CLI runs the same schema over the entry it reads from
`mkdocs.yml` (either form of `plugins:`, a list or a mapping), so `paritydocs check` and `mkdocs build` accept
and refuse the same configurations. Each option's check is the one `paritydocs.config` builds `Settings` with;
an unknown option is an error, not MkDocs' usual warning: a misspelt `fail_onn` would otherwise leave the check
on its default without a word.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.base import ValidationError

import paritydocs.config as cfg

__all__ = ["ParitydocsConfig", "validate_options"]

Check = Callable[[Any, list[str]], Any]


class _Checked(opt.BaseConfigOption[Any]):
    """An option whose value `paritydocs.config` checks; unset (None) stays unset: the profile's value applies."""

    def __init__(self, check: Check) -> None:
        super().__init__()
        self.default = None
        self.check = check

    def run_validation(self, value: object) -> Any:
        if value is None:
            return None
        errors: list[str] = []
        self.check(value, errors)
        if errors:  # MkDocs names the option ("option 'fail_on': ..."): the text says what is wrong
            raise ValidationError("; ".join(errors))
        return value


def _string(value: Any, errors: list[str]) -> None:
    if not isinstance(value, str) or not value:
        errors.append(f"must be a non-empty string, got {value!r}")


def _choice(values: tuple[str, ...]) -> Check:
    def check(value: Any, errors: list[str]) -> None:
        if value not in values:
            errors.append(f"must be one of {', '.join(values)}, got {value!r}")

    return check


def _boolean(value: Any, errors: list[str]) -> None:
    if not isinstance(value, bool):
        errors.append(f"must be true or false, got {value!r}")


def _path_check(value: Any, errors: list[str]) -> None:
    if value != "" and not isinstance(value, str):
        errors.append(f"must be a path, got {value!r}")


def _folder(value: Any, errors: list[str]) -> None:
    if not isinstance(value, str) or not cfg.inside(value.strip("/")):
        errors.append(f'must be a folder under docs_dir (or "" for its root), got {value!r}')


def _strip(name: str, check: Callable[[str, Any, list[str]], Any]) -> Check:
    """A `config` validator that names its option (`'type_map' must be ...`), with the name taken off."""

    def run(value: Any, errors: list[str]) -> None:
        found: list[str] = []
        check(name, value, found)
        errors.extend(e.removeprefix(f"'{name}' ").removeprefix(f"'{name}': ") for e in found)

    return run


_CHECKS: dict[str, Check] = {
    "python": _string,
    "elixir": _string,
    "nav_title": _string,
    "python_modules": _strip("python_modules", cfg.str_list),
    "python_clients": _strip("python_clients", cfg.str_list),
    "elixir_dirs": _strip("elixir_dirs", cfg.str_list),
    "behaviour_modules": _strip("behaviour_modules", cfg.str_list),
    "type_prefixes": _strip("type_prefixes", cfg.str_map),
    "type_map": _strip("type_map", cfg.str_map),
    "client_map": _strip("client_map", cfg.str_map),
    "model_names": _strip("model_names", cfg.str_map),
    "constant_map": _strip("constant_map", cfg.str_map),
    "module_map": _strip("module_map", cfg.str_map),
    "type_directions": _strip("type_directions", lambda _n, v, e: cfg.directions(v, e)),
    "field_aliases": _strip("field_aliases", cfg.nested_map),
    "method_aliases": _strip("method_aliases", cfg.nested_map),
    "python_repo": _strip("python_repo", cfg.repo),
    "elixir_repo": _strip("elixir_repo", cfg.repo),
    "sync_ranges": _strip("sync_ranges", lambda _n, v, e: cfg.sync_ranges(v, e)),
    "notes": _path_check,
    "custom_templates": _path_check,
    "baseline": _path_check,
    "cache_dir": _path_check,
    "hexdocs": cfg.hex_package,
    "python_api": _boolean,
    "fail_on": _choice(cfg.FINDING_LEVELS),
    "output_dir": _folder,
    "replace": cfg.replace_option,
}


class ParitydocsConfig(base.Config):
    """Every option of `paritydocs.config.Settings`, each checked as `Settings` is built."""

    enabled = opt.Type(bool, default=True)
    python = _Checked(_CHECKS["python"])
    elixir = _Checked(_CHECKS["elixir"])
    python_modules = _Checked(_CHECKS["python_modules"])
    python_clients = _Checked(_CHECKS["python_clients"])
    elixir_dirs = _Checked(_CHECKS["elixir_dirs"])
    type_prefixes = _Checked(_CHECKS["type_prefixes"])
    type_map = _Checked(_CHECKS["type_map"])
    client_map = _Checked(_CHECKS["client_map"])
    field_aliases = _Checked(_CHECKS["field_aliases"])
    method_aliases = _Checked(_CHECKS["method_aliases"])
    model_names = _Checked(_CHECKS["model_names"])
    constant_map = _Checked(_CHECKS["constant_map"])
    module_map = _Checked(_CHECKS["module_map"])
    type_directions = _Checked(_CHECKS["type_directions"])
    notes = _Checked(_CHECKS["notes"])
    custom_templates = _Checked(_CHECKS["custom_templates"])
    python_repo = _Checked(_CHECKS["python_repo"])
    elixir_repo = _Checked(_CHECKS["elixir_repo"])
    hexdocs = _Checked(_CHECKS["hexdocs"])
    python_api = _Checked(_CHECKS["python_api"])
    sync_ranges = _Checked(_CHECKS["sync_ranges"])
    behaviour_modules = _Checked(_CHECKS["behaviour_modules"])
    fail_on = _Checked(_CHECKS["fail_on"])
    baseline = _Checked(_CHECKS["baseline"])
    cache_dir = _Checked(_CHECKS["cache_dir"])
    nav_title = _Checked(_CHECKS["nav_title"])
    output_dir = _Checked(_CHECKS["output_dir"])
    replace = _Checked(_CHECKS["replace"])

    def validate(self) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        """Every option checked, every mistake kept: MkDocs' own loop stops at the first failing option, which
        hides the others until that one is fixed. An unknown option name is a mistake too."""
        failed: list[tuple[str, Exception]] = []
        warnings: list[tuple[str, str]] = []
        for key, option in self._schema:
            try:
                self[key] = option.validate(self.get(key))
                warnings.extend((key, w) for w in option.warnings)
                option.reset_warnings()
            except ValidationError as err:
                failed.append((key, err))
        known = ", ".join(sorted(cfg.TINKER_PROFILE))
        for key in sorted(set(self.keys()) - {name for name, _ in self._schema}):
            failed.append((key, ValidationError(f"unknown option (known: {known})")))
        return failed, warnings


def validate_options(raw: Mapping[str, Any], config_file: Path | None = None) -> list[str]:
    """Every mistake in a plugin entry's raw options, as MkDocs words them ("option 'fail_on': must be ...")."""
    config = ParitydocsConfig(config_file_path=str(config_file) if config_file else None)
    config.load_dict(dict(raw))
    failed, _warnings = config.validate()
    return [f"option '{key}': {err}" for key, err in failed]
