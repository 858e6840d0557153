"""Settings: the `paritydocs` plugin entry of `mkdocs.yml`, validated once, read by the plugin and the CLI.

Two steps, as mkdocstrings-python does: the raw mapping (YAML or MkDocs' config) is validated into a
frozen, keyword-only `Settings`. Every mistake is reported, one line each, in one `ConfigError`.
Defaults are the Tinker/Tinkex profile.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from paritydocs.errors import ConfigError

FINDING_LEVELS = ("high", "medium", "low", "info")

TINKER_PROFILE: dict[str, Any] = {
    "python": "pypi:tinker==0.8.0",
    "elixir": "git:https://github.com/North-Shore-AI/tinkex@c2fb609",
    # `QueueState` lives beside the futures, not in `tinker.types`; the port's `Tinkex.Types.QueueState` says it
    # "Mirrors the Python QueueState enum"
    "python_modules": ["tinker.types", "tinker.lib.retry_handler.RetryConfig", "tinker.lib.api_future_impl.QueueState"],
    "python_clients": [
        "tinker.lib.public_interfaces.service_client.ServiceClient",
        "tinker.lib.public_interfaces.training_client.TrainingClient",
        "tinker.lib.public_interfaces.sampling_client.SamplingClient",
        "tinker.lib.public_interfaces.rest_client.RestClient",
    ],
    "elixir_dirs": ["lib"],
    "type_prefixes": {"tinker.types": "Tinkex.Types"},
    "type_map": {
        "tinker.lib.retry_handler.RetryConfig": "Tinkex.RetryConfig",
        # the port's struct is what `from_json/1` decodes off the wire (`path`, `sampling_session_id`, both
        # nullable): the wire twin, decided here so matching need not warn about the two candidates
        "tinker.types.SaveWeightsForSamplerResponseInternal": "Tinkex.Types.SaveWeightsForSamplerResponse",
    },
    "client_map": {
        "tinker.lib.public_interfaces.service_client.ServiceClient": "Tinkex.ServiceClient",
        "tinker.lib.public_interfaces.training_client.TrainingClient": "Tinkex.TrainingClient",
        "tinker.lib.public_interfaces.sampling_client.SamplingClient": "Tinkex.SamplingClient",
        "tinker.lib.public_interfaces.rest_client.RestClient": "Tinkex.RestClient",
    },
    "field_aliases": {
        "RetryConfig": {
            "retry_delay_base": "base_delay_ms",
            "retry_delay_max": "max_delay_ms",
            "jitter_factor": "jitter_pct",
        },
    },
    "method_aliases": {
        "RestClient": {
            "delete_checkpoint_from_tinker_path": "delete_checkpoint_by_tinker_path",
            "get_checkpoint_archive_url_from_tinker_path": "get_checkpoint_archive_url_by_tinker_path",
        },
        # "method.parameter": Elixir option, for a parameter the port renamed
        "SamplingClient": {"sample.include_prompt_logprobs": "prompt_logprobs"},
    },
    "model_names": {"Qwen/Qwen2.5-7B": "Qwen/Qwen3-8B"},
    "module_map": {
        # the REST resources are the port's `Tinkex.API.*` modules; the exceptions its one `Tinkex.Error`
        **{
            f"tinker.resources.{name}": f"Tinkex.API.{name.capitalize()}"
            for name in ("futures", "models", "sampling", "service", "telemetry", "training", "weights")
        },
        "tinker._exceptions": "Tinkex.Error",
        "tinker.lib.public_interfaces.api_future": "Tinkex.Future",
    },
    "type_directions": {},
    "constant_map": {
        # the same dtype table under another name (`%{"target_tokens" => :int64, ...}` in the port)
        "tinker.types.datum._KEY_TO_TYPE": "Tinkex.Types.Datum.@key_dtype_map",
    },
    "notes": None,
    "custom_templates": None,
    "python_repo": {"url": "https://github.com/thinking-machines-lab/tinker", "ref": "main", "prefix": ""},
    "elixir_repo": {
        "url": "https://github.com/North-Shore-AI/tinkex",
        "ref": "c2fb609",
        "prefix": "",
        "release": "v{version}",
    },
    "hexdocs": "tinkex",
    "python_api": True,
    "sync_ranges": [],
    "behaviour_modules": [
        "tinker._client.Tinker.__init__",
        "tinker._client.AsyncTinker.__init__",
        "tinker.lib.public_interfaces",
    ],
    "fail_on": "high",
    "baseline": None,
    "cache_dir": None,
    "nav_title": "Parity",
    "output_dir": "",
    "replace": [],
}

PROFILE_MAPS = (
    "type_prefixes",
    "type_map",
    "client_map",
    "field_aliases",
    "method_aliases",
    "model_names",
    "module_map",
    "type_directions",
    "constant_map",
)
"""The options whose entries add to the profile's (the user's win where both name one key), unless `replace`
lists them: then the user's entries are the whole option."""
_NESTED_MAPS = ("field_aliases", "method_aliases")


@dataclass(frozen=True, kw_only=True, slots=True)
class RepoLink:
    """Where to link source lines: `{url}/blob/{ref}/{prefix}{file}#L{line}`."""

    url: str
    ref: str
    prefix: str = ""
    release: str | None = None
    """The ref of a release (`v{version}`), for a `pypi:`/`hex:` source other than the configured one."""

    def blob(self, file: str, line: int | None = None, *, ref: str | None = None, prefixed: bool = True) -> str:
        """The URL of `file` (relative to the SDK's root, or to the repository when not `prefixed`) at `ref`
        (default: the configured one). Quoted: a space or parenthesis in a path must not end a Markdown link."""
        if prefixed and not file.startswith(self.prefix):
            file = self.prefix + file
        anchor = f"#L{line}" if line else ""
        return f"{self.url.rstrip('/')}/blob/{quote(ref or self.ref)}/{quote(file)}{anchor}"


@dataclass(frozen=True, kw_only=True, slots=True)
class SyncRange:
    """Two revisions of the Python SDK to compare on a "Sync reports" page."""

    from_spec: str
    to_spec: str
    title: str | None = None
    slug: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Settings:
    """Validated configuration. Attribute docs are the user-facing documentation of each option."""

    python: str
    """Python SDK source spec (path, `git:REPO@REF`, `pypi:NAME==VER`). `PARITYDOCS_PYTHON` overrides it."""
    elixir: str
    """Elixir SDK source spec (path, `git:REPO@REF`, `hex:NAME==VER`). `PARITYDOCS_ELIXIR` overrides it."""
    python_modules: tuple[str, ...]
    """Python modules (read recursively) or single objects whose types are documented."""
    python_clients: tuple[str, ...]
    """Python client classes whose public methods are compared."""
    elixir_dirs: tuple[str, ...]
    """Directories of `.ex` files, relative to the Elixir root."""
    type_prefixes: Mapping[str, str]
    """Python module prefix → Elixir module prefix; CamelCase names under them are matched by equality."""
    type_map: Mapping[str, str]
    """Explicit Python type path (or short name) → Elixir module."""
    client_map: Mapping[str, str]
    """Python client class → Elixir module."""
    field_aliases: Mapping[str, Mapping[str, str]]
    """Per Python type (short name or path, or `*` for all): Python field → Elixir field."""
    method_aliases: Mapping[str, Mapping[str, str]]
    """Per Python client (short name or path, or `*`): Python method → Elixir function."""
    model_names: Mapping[str, str]
    """Ordered map of outdated model names → current ones, applied to everything published."""
    module_map: Mapping[str, str]
    """Python module (`tinker.lib.sidecar`) → the Elixir module that implements it, for pairs the evidence does not
    make (see the parity rules, "Modules")."""
    type_directions: Mapping[str, str]
    """Python type (short name or path) or Elixir module → `sent`, `received` or `both`: which way its data flows,
    where the code does not say it (see the parity rules, "Which way the data flows")."""
    constant_map: Mapping[str, str]
    """Python constant (`tinker.lib.telemetry.FLUSH_INTERVAL`) → Elixir constant (`Tinkex.Telemetry.Reporter.@x`
    for an attribute, `Tinkex.X.name/0` for a function), for pairs the names do not make."""
    notes: Path | None
    """YAML file of review notes and waivers."""
    custom_templates: Path | None
    """Directory whose templates override the built-in ones by name."""
    python_repo: RepoLink | None
    elixir_repo: RepoLink | None
    hexdocs: str | None
    """Hex package name for HexDocs links (`https://hexdocs.pm/{hexdocs}/{Module}.html`)."""
    python_api: bool
    """Render the Python API section with mkdocstrings-python."""
    sync_ranges: tuple[SyncRange, ...]
    behaviour_modules: tuple[str, ...]
    """Functions, classes or modules whose changed bodies a sync report shows (`tinker._client.Tinker.__init__`)."""
    fail_on: str
    baseline: Path | None
    """A `paritydocs check --write-baseline` file: the checklist page adds what is new since it."""
    cache_dir: Path | None
    nav_title: str
    output_dir: str
    """Folder (under docs) where generated pages live."""
    python_configured: str = ""
    """The `python` spec the configuration itself gives (`python` may be `PARITYDOCS_PYTHON`): the spec
    `python_repo.ref` is pinned for."""
    elixir_configured: str = ""
    python_shown: str = ""
    """The `python` spec as the user wrote it (relative to the configuration, or the variable's value): what pages
    and `parity.json` show. `python` is the one resolved, absolute: a path of the build machine, never published."""
    elixir_shown: str = ""
    user_entries: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """The keys the configuration itself gives in each map option (`type_map`, `field_aliases`, ...), profile
    entries aside: an entry there that names nothing in the trees is a warning (an error with `--strict`)."""
    base_dir: Path = field(default_factory=Path.cwd)
    """Directory relative paths are resolved against (the directory of mkdocs.yml)."""

    def with_overrides(self, *, python: str | None = None, elixir: str | None = None) -> Settings:
        return replace(
            self,
            python=python or self.python,
            elixir=elixir or self.elixir,
            python_shown=python or self.python_shown,
            elixir_shown=elixir or self.elixir_shown,
        )


def str_list(name: str, value: Any, errors: list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.append(f"'{name}' must be a list of strings, got {value!r}")
        return ()
    return tuple(value)


def str_map(name: str, value: Any, errors: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        errors.append(f"'{name}' must be a mapping of strings to strings, got {value!r}")
        return {}
    return dict(value)


DIRECTIONS = ("sent", "received", "both")
"""The values of `type_directions`."""


def directions(value: Any, errors: list[str]) -> dict[str, str]:
    found = str_map("type_directions", value, errors)
    wrong = {k: v for k, v in found.items() if v not in DIRECTIONS}
    for key, direction in wrong.items():
        errors.append(f"'type_directions': `{key}` must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    return {k: v for k, v in found.items() if k not in wrong}


def nested_map(name: str, value: Any, errors: list[str]) -> dict[str, dict[str, str]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        errors.append(f"'{name}' must be a mapping of type names to {{python_name: elixir_name}} mappings")
        return {}
    return {str(k): str_map(f"{name}.{k}", v, errors) for k, v in value.items()}


def repo(name: str, value: Any, errors: list[str]) -> RepoLink | None:
    if value in (None, False):
        return None
    if isinstance(value, str):
        value = {"url": value}
    if not isinstance(value, Mapping) or not isinstance(value.get("url"), str):
        errors.append(f"'{name}' must be a mapping with 'url' (and optional 'ref', 'prefix'), got {value!r}")
        return None
    unknown = set(value) - {"url", "ref", "prefix", "release"}
    if unknown:
        errors.append(f"'{name}' has unknown keys: {', '.join(sorted(unknown))} (expected url, ref, prefix, release)")
    release = value.get("release")
    if release is not None and (not isinstance(release, str) or "{version}" not in release):
        errors.append(f"'{name}.release' must be a ref pattern with {{version}} (\"v{{version}}\"), got {release!r}")
        release = None
    return RepoLink(
        url=value["url"], ref=str(value.get("ref") or "main"), prefix=str(value.get("prefix") or ""), release=release
    )


def sync_ranges(value: Any, errors: list[str]) -> tuple[SyncRange, ...]:
    if not value:
        return ()
    if not isinstance(value, list):
        errors.append("'sync_ranges' must be a list of {from, to, title} mappings")
        return ()
    ranges = []
    for i, item in enumerate(value):
        if (
            not isinstance(item, Mapping)
            or not isinstance(item.get("from"), str)
            or not isinstance(item.get("to"), str)
        ):
            errors.append(f"'sync_ranges[{i}]' needs string 'from' and 'to' source specs, got {item!r}")
            continue
        slug = item.get("slug")
        if slug is not None and (not isinstance(slug, str) or not re.fullmatch(r"[\w][\w.-]*", slug) or ".." in slug):
            errors.append(f"'sync_ranges[{i}].slug' must be a file name (letters, digits, '.', '-', '_'), got {slug!r}")
            continue
        ranges.append(SyncRange(from_spec=item["from"], to_spec=item["to"], title=item.get("title"), slug=slug))
    return tuple(ranges)


def inside(rel: str) -> bool:
    """A relative folder that stays under its root: no `..`, no absolute path, no drive."""
    parts = rel.replace("\\", "/").split("/")
    return not rel.startswith(("/", "\\")) and ".." not in parts and ":" not in rel


def _path(name: str, value: Any, base: Path, errors: list[str]) -> Path | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str | os.PathLike):
        errors.append(f"'{name}' must be a path, got {value!r}")
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _spec(value: Any, base: Path) -> Any:
    """A local path spec in the configuration is relative to the configuration file, not the shell."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith("git:"):
        repo, at, ref = value[4:].rpartition("@")
        if at and repo and "://" not in repo and not repo.startswith(("~", "/")) and ":" not in repo:
            return f"git:{(base / repo).as_posix()}@{ref}"
        return value
    if value.startswith(("pypi:", "hex:")) or value.startswith(("~", "/")):
        return value
    return (base / value).as_posix()


def load_settings(
    raw: Mapping[str, Any] | None, *, base_dir: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Validate the raw plugin options (profile defaults filled in) into `Settings`.

    Raises `ConfigError` listing every mistake, one per line.
    """
    environ = os.environ if environ is None else environ
    base = (base_dir or Path.cwd()).resolve()
    raw = {k: v for k, v in dict(raw or {}).items() if k != "enabled" and v is not None}
    errors: list[str] = []
    for key in sorted(set(raw) - set(TINKER_PROFILE)):
        errors.append(f"unknown option '{key}' (known: {', '.join(sorted(TINKER_PROFILE))})")
    merged, user_entries = _with_profile({k: v for k, v in raw.items() if k in TINKER_PROFILE})
    if not isinstance(merged["output_dir"], str) or not inside(merged["output_dir"].strip("/")):
        errors.append(
            f"'output_dir' must be a folder under docs_dir (or \"\" for its root), got {merged['output_dir']!r}"
        )
    for key in ("python", "elixir", "nav_title"):
        if not isinstance(merged[key], str) or not merged[key]:
            errors.append(f"'{key}' must be a non-empty string, got {merged[key]!r}")
    fail_on = merged["fail_on"]
    if fail_on not in FINDING_LEVELS:
        errors.append(f"'fail_on' must be one of {', '.join(FINDING_LEVELS)}, got {fail_on!r}")
    hexdocs = merged["hexdocs"]
    hexdocs_problems: list[str] = []
    hex_package(hexdocs, hexdocs_problems)
    errors.extend(f"'hexdocs' {p}" for p in hexdocs_problems)
    if not isinstance(merged["python_api"], bool):
        errors.append(f"'python_api' must be true or false, got {merged['python_api']!r}")
    replace_problems: list[str] = []
    replace_option(merged["replace"], replace_problems)
    errors.extend(f"'replace' {p}" for p in replace_problems)
    settings = Settings(
        python=str(environ.get("PARITYDOCS_PYTHON") or _spec(merged["python"], base)),
        elixir=str(environ.get("PARITYDOCS_ELIXIR") or _spec(merged["elixir"], base)),
        python_shown=str(environ.get("PARITYDOCS_PYTHON") or merged["python"]),
        elixir_shown=str(environ.get("PARITYDOCS_ELIXIR") or merged["elixir"]),
        python_modules=str_list("python_modules", merged["python_modules"], errors),
        python_clients=str_list("python_clients", merged["python_clients"] or [], errors),
        elixir_dirs=str_list("elixir_dirs", merged["elixir_dirs"], errors),
        type_prefixes=str_map("type_prefixes", merged["type_prefixes"], errors),
        type_map=str_map("type_map", merged["type_map"], errors),
        client_map=str_map("client_map", merged["client_map"], errors),
        field_aliases=nested_map("field_aliases", merged["field_aliases"], errors),
        method_aliases=nested_map("method_aliases", merged["method_aliases"], errors),
        model_names=str_map("model_names", merged["model_names"], errors),
        constant_map=str_map("constant_map", merged["constant_map"], errors),
        module_map=str_map("module_map", merged["module_map"], errors),
        type_directions=directions(merged["type_directions"], errors),
        notes=_path("notes", merged["notes"], base, errors),
        custom_templates=_path("custom_templates", merged["custom_templates"], base, errors),
        python_repo=repo("python_repo", merged["python_repo"], errors),
        elixir_repo=repo("elixir_repo", merged["elixir_repo"], errors),
        hexdocs=hexdocs if isinstance(hexdocs, str) and HEX_PACKAGE.fullmatch(hexdocs) else None,
        python_api=bool(merged["python_api"]),
        sync_ranges=sync_ranges(merged["sync_ranges"], errors),
        behaviour_modules=str_list("behaviour_modules", merged["behaviour_modules"] or [], errors),
        fail_on=fail_on if fail_on in FINDING_LEVELS else "high",
        baseline=_path("baseline", merged["baseline"], base, errors),
        cache_dir=_path("cache_dir", merged["cache_dir"], base, errors),
        nav_title=str(merged["nav_title"]),
        output_dir=str(merged["output_dir"]).strip("/"),
        user_entries=user_entries,
        python_configured=str(merged["python"]),
        elixir_configured=str(merged["elixir"]),
        base_dir=base,
    )
    if settings.custom_templates is not None and not settings.custom_templates.is_dir():
        errors.append(f"'custom_templates': no such directory {settings.custom_templates}")
    if errors:
        raise ConfigError("paritydocs configuration: " + "; ".join(errors), problems=errors)
    return settings


HEX_PACKAGE = re.compile(r"[a-z][a-z0-9_]*")
"""A Hex package name, as Hex accepts them: it goes into every HexDocs URL."""


def hex_package(value: Any, errors: list[str]) -> None:
    """`hexdocs`: a Hex package name (`tinkex`), or null for no HexDocs links."""
    if value is not None and (not isinstance(value, str) or not HEX_PACKAGE.fullmatch(value)):
        errors.append(f"must be a Hex package name (lowercase letters, digits, '_') or null, got {value!r}")


def replace_option(value: Any, errors: list[str]) -> None:
    """`replace`: the names of options whose profile entries are dropped (see `PROFILE_MAPS`)."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        errors.append(f"must be a list of option names, got {value!r}")
        return
    for name in names:
        if name not in PROFILE_MAPS:
            errors.append(f"{name!r} is not an option the profile has entries for ({', '.join(PROFILE_MAPS)})")


def _with_profile(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, frozenset[str]]]:
    """The profile's values with the user's on top: a list or a scalar replaces the profile's, a map adds to it
    (a nested map per inner map: `field_aliases.RetryConfig` keeps the profile's aliases of other types), unless
    `replace` names it. Also the keys the user wrote in each map, the entries to check against the trees."""
    replaced = raw.get("replace") or []
    replaced = [replaced] if isinstance(replaced, str) else [r for r in replaced if isinstance(r, str)]
    merged = {**TINKER_PROFILE, **{k: v for k, v in raw.items() if k in TINKER_PROFILE}}
    user_entries: dict[str, frozenset[str]] = {}
    for name in PROFILE_MAPS:
        mine = raw.get(name)
        if not isinstance(mine, Mapping):
            continue
        user_entries[name] = frozenset(str(k) for k in mine)
        if name in replaced:
            continue
        profile = TINKER_PROFILE[name]
        if name in _NESTED_MAPS:
            merged[name] = {
                **profile,
                **{k: {**profile.get(k, {}), **v} if isinstance(v, Mapping) else v for k, v in mine.items()},
            }
        else:
            merged[name] = {**profile, **mine}
    for name in replaced:
        if name not in raw:
            merged[name] = {}
    return merged, user_entries


def read_mkdocs_plugin_options(config_file: Path) -> dict[str, Any] | None:
    """The raw options of the `paritydocs` plugin entry in an `mkdocs.yml`, or None when it has none.

    Uses MkDocs' own YAML loader so `!ENV` and `!relative` tags behave as in a build.
    """
    from mkdocs.utils.yaml import yaml_load

    try:
        with config_file.open("rb") as handle:
            data = yaml_load(handle)
    except OSError as err:
        raise ConfigError(
            f"{config_file}: cannot read it ({err.strerror}); pass --config PATH to an mkdocs.yml"
        ) from err
    except Exception as err:  # yaml errors have many types; report them as one line
        raise ConfigError(f"{config_file}: not valid YAML ({str(err).splitlines()[0]})") from err
    plugins = (data or {}).get("plugins") if isinstance(data, Mapping) else None
    # `plugins:` is a list of names or one-key mappings, or (MkDocs 1.4+) one mapping of name → options
    entries = (
        plugins.items()
        if isinstance(plugins, Mapping)
        else [next(iter(e.items())) if isinstance(e, Mapping) and len(e) == 1 else (e, None) for e in plugins or []]
    )
    for name, options in entries:
        if name == "paritydocs":
            if options is not None and not isinstance(options, Mapping):
                raise ConfigError(f"{config_file}: the paritydocs plugin entry must be a mapping of options")
            return dict(options or {})
    return None


def settings_fields() -> list[str]:
    return [f.name for f in fields(Settings)]
