"""Constants side by side (`parity/constants.py`): names meeting across units and a `default_` prefix, values
compared after scaling, the module that decides between candidates, and each side's own constants."""

from __future__ import annotations

import pytest

from conftest import default
from paritydocs.model import ConstantDef
from paritydocs.parity import FindingKind, Severity
from paritydocs.parity.constants import compare_constants, constant_key


def py_const(name: str, value, owner: str = "acme.lib.uploads", line: int = 3) -> ConstantDef:
    return ConstantDef(name, owner, default(value), file=owner.replace(".", "/") + ".py", line=line)


def ex_const(name: str, value, owner: str = "Acme.Uploads", *, kind: str = "attribute", line: int = 5) -> ConstantDef:
    return ConstantDef(name, owner, default(value), file="lib/acme/uploads.ex", line=line, kind=kind)


def only(rows, kind: FindingKind):
    found = [f for row in rows for f in row.findings if f.kind is kind]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("MAX_CHUNK_LEN", ("max_chunk_len", None)),
        ("max_chunk_len", ("max_chunk_len", None)),
        ("default_flush_interval_ms", ("flush_interval", "ms")),
        ("HTTP_TIMEOUT_SECONDS", ("http_timeout", "s")),
        ("_RETRY_DELAY_SECS", ("retry_delay", "s")),
        ("BILLING_RESET_DURATION_SEC", ("billing_reset_duration", "s")),
        ("_MS", ("ms", None)),  # a suffix alone is a name
    ],
)
def test_constant_key(name, key):
    assert constant_key(name) == key


def test_a_changed_limit_is_a_mismatch():
    rows = compare_constants([py_const("MAX_CHUNK_LEN", 1024)], [ex_const("max_chunk_len", 128)])
    finding = only(rows, FindingKind.CONSTANT_MISMATCH)
    assert finding.message == (
        "Python `acme.lib.uploads.MAX_CHUNK_LEN` = 1024; Elixir `Acme.Uploads.@max_chunk_len` = 128."
    )
    assert finding.severity is Severity.HIGH
    assert (finding.python.file, finding.python.line, finding.elixir.line) == ("acme/lib/uploads.py", 3, 5)
    assert [(r.how, r.status) for r in rows] == [("name", "differs")]


def test_seconds_against_milliseconds_compare_after_scaling():
    rows = compare_constants(
        [py_const("FLUSH_INTERVAL", 10.0), py_const("HTTP_TIMEOUT_SECONDS", 5.0), py_const("FLUSH_TIMEOUT", 30.0)],
        [
            ex_const("default_flush_interval_ms", 10_000),
            ex_const("default_http_timeout_ms", 5_000),
            ex_const("default_flush_timeout_ms", 20_000),
        ],
    )
    assert [(r.how, r.status) for r in rows] == [("unit", "equal"), ("unit", "equal"), ("unit", "differs")]
    assert rows[0].findings[0].message == (
        "Python `acme.lib.uploads.FLUSH_INTERVAL` = 10.0 s; Elixir `Acme.Uploads.@default_flush_interval_ms` = "
        "10_000 ms: equal."
    )
    assert rows[0].findings[0].severity is Severity.INFO
    assert (
        rows[2].findings[0].message.endswith("= 30.0 s; Elixir `Acme.Uploads.@default_flush_timeout_ms` = 20_000 ms.")
    )


def test_equal_values_of_other_types():
    rows = compare_constants(
        [py_const("API_VERSION", "v1"), py_const("FEATURES", ["a", "b"]), py_const("RATIO", 0.25)],
        [ex_const("api_version", "v1"), ex_const("features", ["a", "b"]), ex_const("ratio", 0.25, kind="function")],
    )
    assert [r.status for r in rows] == ["equal", "equal", "equal"]
    assert rows[2].elixir.path == "Acme.Uploads.ratio/0"


def test_the_module_decides_between_candidates():
    rows = compare_constants(
        [py_const("MAX_BATCH_SIZE", 100, owner="acme.lib.telemetry")],
        [
            ex_const("max_batch_size", 10, owner="Acme.Uploads.Batcher"),
            ex_const("max_batch_size", 100, owner="Acme.Telemetry.Reporter"),
        ],
    )
    assert [(r.python and r.python.path, r.elixir.path, r.status) for r in rows] == [
        ("acme.lib.telemetry.MAX_BATCH_SIZE", "Acme.Telemetry.Reporter.@max_batch_size", "equal"),
        (None, "Acme.Uploads.Batcher.@max_batch_size", "elixir_only"),
    ]


def test_the_ports_python_name_decides_between_candidates():
    rows = compare_constants(
        [py_const("DEFAULT_MAX_RETRIES", 10, owner="acme._constants")],
        [
            ex_const("default_max_retries", 2, owner="Acme.Config"),
            ex_const("python_max_retries", 10, owner="Acme.Config"),
        ],
    )
    assert [(r.elixir.name, r.status) for r in rows] == [
        ("python_max_retries", "equal"),
        ("default_max_retries", "elixir_only"),
    ]


def test_a_tie_pairs_nothing_and_names_the_candidates():
    rows = compare_constants(
        [py_const("TIMEOUT", 30, owner="acme.lib.io")],
        [ex_const("timeout", 30, owner="Acme.A"), ex_const("timeout", 30, owner="Acme.B")],
    )
    finding = only(rows, FindingKind.CONSTANT_MISSING_IN_ELIXIR)
    assert finding.message == (
        "Python constant `acme.lib.io.TIMEOUT` = 30 has no counterpart the names decide: several Elixir constants "
        "are as likely (`Acme.A.@timeout`, `Acme.B.@timeout`); pair one in `constant_map`."
    )
    assert [r.status for r in rows] == ["python_only", "elixir_only", "elixir_only"]


def test_constant_map_pairs_what_names_do_not():
    rows = compare_constants(
        [py_const("CHUNK", 4)],
        [ex_const("bytes_per_token", 4)],
        {"acme.lib.uploads.CHUNK": "Acme.Uploads.@bytes_per_token"},
    )
    assert [(r.how, r.status) for r in rows] == [("config", "equal")]


def test_one_sided_constants_and_their_severity():
    rows = compare_constants(
        [py_const("MAX_BYTES", 5), py_const("_PRIVATE_LIMIT", 3), py_const("LIMIT", 1, owner="acme._internal")],
        [ex_const("telemetry_start", ["acme", "start"])],
    )
    severities = [(f.kind, f.severity) for row in rows for f in row.findings]
    assert severities == [
        (FindingKind.CONSTANT_MISSING_IN_ELIXIR, Severity.MEDIUM),  # public: a user can import it
        (FindingKind.CONSTANT_MISSING_IN_ELIXIR, Severity.LOW),
        (FindingKind.CONSTANT_MISSING_IN_ELIXIR, Severity.LOW),  # in a private module
        (FindingKind.CONSTANT_MISSING_IN_PYTHON, Severity.INFO),
    ]
    assert rows[0].findings[0].message == (
        "Python constant `acme.lib.uploads.MAX_BYTES` = 5 has no counterpart in the port (no Elixir attribute or "
        "zero-arity function named `max_bytes`, with or without `default_`, `python_` or a unit)."
    )
    assert rows[3].findings[0].message == (
        'Elixir constant `Acme.Uploads.@telemetry_start` = ["acme", "start"] has no counterpart in Python (no '
        "UPPER_CASE constant with a literal value named `TELEMETRY_START`, with or without `DEFAULT_` or a unit)."
    )
    keys = [f.key for row in rows for f in row.findings]
    assert len(set(keys)) == len(keys)


# ---- extraction ---------------------------------------------------------------------------------------


def test_python_constants_of_modules_and_classes(tmp_path):
    from conftest import python_source_info, write_files
    from paritydocs.python import extract_python

    write_files(
        tmp_path,
        {
            "acme/__init__.py": "",
            "acme/_limits.py": "BASE = 1024\n",
            "acme/lib/__init__.py": "",
            "acme/lib/uploads.py": (
                "import enum\n"
                "from typing import TypeVar\n"
                "from typing_extensions import TypeAlias\n"
                "from acme._limits import BASE\n"
                "\n"
                "MAX_CHUNK_LEN = BASE\n"
                '"""Items in one request."""\n'
                "MAX_CHUNK_BYTES: int = 5 * 1000 * 1000\n"
                "_RETRY_DELAY_SECS = 60\n"
                "T = TypeVar('T')\n"
                "ChunkID: TypeAlias = str\n"
                "try:\n"
                "    import numpy\n"
                "    _HAVE_NUMPY = True\n"
                "except ImportError:\n"
                "    _HAVE_NUMPY = False\n"
                "PATTERN = compile_pattern('x')\n"
                "lowercase = 3\n"
                "\n"
                "class Color(str, enum.Enum):\n"
                '    RED = "red"\n'
                "\n"
                "class Uploader:\n"
                "    PART_SIZE = 8 * BASE\n"
                "    RETRIES = 3\n"
                "    RETRIES = 4\n"
                "\n"
                "    def run(self):\n"
                "        LOCAL_LIMIT = 5\n"
                "        return LOCAL_LIMIT\n"
            ),
        },
    )
    model = extract_python(tmp_path, modules=["acme"], source=python_source_info(tmp_path))
    found = [(c.path, c.value.value, c.kind, c.line, c.doc) for c in model.constants]
    assert found == [
        ("acme._limits.BASE", 1024, "module", 1, None),
        ("acme.lib.uploads.MAX_CHUNK_LEN", 1024, "module", 6, "Items in one request."),
        ("acme.lib.uploads.MAX_CHUNK_BYTES", 5_000_000, "module", 8, None),
        ("acme.lib.uploads._RETRY_DELAY_SECS", 60, "module", 9, None),
        ("acme.lib.uploads.Uploader.PART_SIZE", 8192, "class", 24, None),
    ]
    assert model.constants[1].value.expr == "BASE"
    data = model.to_json()["constants"][0]
    assert data == {
        "name": "BASE",
        "owner": "acme._limits",
        "kind": "module",
        "value": {"expr": "1024", "value": 1024, "resolved": True},
        "file": "acme/_limits.py",
        "line": 1,
    }


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("class Limits: MAX_PARTS = 4\n", ["acme.odd.Limits.MAX_PARTS"]),
        ("first = 1; SECOND_LIMIT = 2\n", ["acme.odd.SECOND_LIMIT"]),
        ("(WRAPPED) = 3\n", ["acme.odd.WRAPPED"]),
        ("(\n    SPLIT\n) = 4\n", ["acme.odd.SPLIT"]),
        ("CONTINUED \\\n    = 5\n", ["acme.odd.CONTINUED"]),
        ("TABBED_LIMIT\t: int = 6\n", ["acme.odd.TABBED_LIMIT"]),
        ("class A:\n\tINDENTED\t= 7\n", ["acme.odd.A.INDENTED"]),
        ("x = 1\nclass B:\n    limit = 2\n    def f(self):\n        return MAX\n", []),
    ],
)
def test_every_way_to_bind_a_constant_is_read(tmp_path, code, names):
    """A module is parsed for its constants only when its text may bind one (`MAY_BIND_CONSTANT`): each form
    a statement binding an UPPER_CASE name can take is still read, and the test's regular expression agrees
    with the parse on each (the last module binds none)."""
    from conftest import python_source_info, write_files
    from paritydocs.python import extract_python
    from paritydocs.python.constants import MAY_BIND_CONSTANT

    write_files(tmp_path, {"acme/__init__.py": "", "acme/odd.py": code})
    model = extract_python(tmp_path, modules=["acme"], source=python_source_info(tmp_path))
    assert [c.path for c in model.constants] == names
    assert (MAY_BIND_CONSTANT.search(code) is not None) == bool(names)


def test_a_module_that_binds_no_constant_is_not_parsed_for_them(tmp_path):
    from conftest import write_files
    from paritydocs.python.loader import SdkTree

    write_files(
        tmp_path,
        {
            "acme/__init__.py": "",
            "acme/plain.py": "def helper(limit):\n    return limit\n",
            "acme/limits.py": "MAX = 3\n",
        },
    )
    from paritydocs.python.constants import MAY_BIND_CONSTANT

    tree = SdkTree(tmp_path)
    assert tree.source(tmp_path / "acme" / "plain.py", only_if=MAY_BIND_CONSTANT) is None
    assert tmp_path / "acme" / "plain.py" not in tree._sources  # not kept as unparsable: others parse it
    assert tree.source(tmp_path / "acme" / "plain.py") is not None
    assert tree.source(tmp_path / "acme" / "limits.py", only_if=MAY_BIND_CONSTANT) is not None


def test_elixir_constants_of_attributes_and_zero_arity_functions(tmp_path):
    from elixir_helpers import extract_text, module

    model = extract_text(
        tmp_path,
        "defmodule Acme.Uploads do\n"
        '  @moduledoc "Uploads."\n'
        "  @behaviour Acme.Sink\n"
        "  @max_chunk_len 1024\n"
        "  @max_chunk_bytes 5 * 1000 * 1000\n"
        "  @default_timeout_ms 30_000\n"
        "  @workers System.schedulers_online()\n"
        "  @events [[:acme, :upload, :start]]\n"
        "  @tag 1\n"
        "  @tag 2\n"
        "\n"
        '  @doc "Part size."\n'
        "  def part_size, do: 8 * 1024\n"
        "  def max_chunk_len, do: @max_chunk_len\n"
        "  defp secret, do: 3\n"
        "  def retries(n), do: n\n"
        "end\n",
    )
    uploads = module(model, "Acme.Uploads")
    found = [(c.path, c.value.value, c.line) for c in uploads.constants]
    assert found == [
        ("Acme.Uploads.@max_chunk_len", 1024, 4),
        ("Acme.Uploads.@max_chunk_bytes", 5_000_000, 5),
        ("Acme.Uploads.@default_timeout_ms", 30_000, 6),
        ("Acme.Uploads.@events", [["acme", "upload", "start"]], 8),
        ("Acme.Uploads.part_size/0", 8192, 13),
    ]
    assert uploads.constants[-1].doc == "Part size."
    assert model.constants == uploads.constants
    assert model.to_json()["modules"][0]["constants"][0]["name"] == "max_chunk_len"
    assert "constants" not in model.to_json()


def test_an_elixir_atom_is_shown_as_written():
    atoms = ConstantDef("max_attempts", "Acme.Retry", default("infinity", ":infinity"), "lib/retry.ex", 3, "attribute")
    events = ConstantDef(
        "events", "Acme.Retry", default(["acme", "start"], "[:acme,\n   :start]"), "lib/retry.ex", 4, "attribute"
    )
    messages = [f.message for row in compare_constants([], [atoms, events]) for f in row.findings]
    assert messages[0].startswith("Elixir constant `Acme.Retry.@max_attempts` = :infinity has")
    assert messages[1].startswith("Elixir constant `Acme.Retry.@events` = [:acme, :start] has")


def test_a_name_stating_its_unit_breaks_a_tie():
    # INITIAL_RETRY_DELAY = 0.5 against `@initial_retry_delay 500` and `@initial_retry_delay_ms 500`
    rows = compare_constants(
        [py_const("INITIAL_RETRY_DELAY", 0.5, owner="acme._constants")],
        [
            ex_const("initial_retry_delay", 500, owner="Acme.Retry"),
            ex_const("initial_retry_delay_ms", 500, owner="Acme.RetryConfig"),
        ],
    )
    assert [(r.elixir.path, r.how, r.status) for r in rows] == [
        ("Acme.RetryConfig.@initial_retry_delay_ms", "unit", "equal"),
        ("Acme.Retry.@initial_retry_delay", "", "elixir_only"),
    ]
    assert rows[1].findings[0].message == (
        "Elixir constant `Acme.Retry.@initial_retry_delay` = 500 has no Python counterpart of its own: Python's "
        "constant of that name goes elsewhere (`acme._constants.INITIAL_RETRY_DELAY` is paired with "
        "`Acme.RetryConfig.@initial_retry_delay_ms`)."
    )


def test_the_ports_python_value_names_its_own_default_beside_it():
    rows = compare_constants(
        [py_const("DEFAULT_MAX_RETRIES", 10, owner="acme._constants")],
        [
            ex_const("default_max_retries", 2, owner="Acme.Config"),
            ex_const("python_max_retries", 10, owner="Acme.Config"),
        ],
    )
    assert rows[0].findings[0].message == (
        "Python `acme._constants.DEFAULT_MAX_RETRIES` = 10; Elixir `Acme.Config.@python_max_retries` = 10: equal "
        "(the port's own `Acme.Config.@default_max_retries` = 2)."
    )


def test_review_notes_reach_constants_by_path():
    from paritydocs.config import load_settings
    from paritydocs.model import Language, SdkModel, SourceInfo
    from paritydocs.parity import run_parity
    from paritydocs.parity.notes import Note

    py = SdkModel(SourceInfo("p", "", Language.PYTHON), constants=[py_const("MAX_CHUNK_LEN", 1024)])
    ex = SdkModel(
        SourceInfo("e", "", Language.ELIXIR),
        constants=[ex_const("max_chunk_len", 128), ex_const("pool_size", 3)],
    )
    settings = load_settings({"python": "p", "elixir": "e"}, environ={})
    notes = [
        Note(side="python", target="acme.lib.uploads.MAX_CHUNK_LEN", text="Server caps it.", waive=("all",), index=0),
        Note(side="elixir", target="Acme.Uploads.pool_size", text="Port only.", waive=(), index=1),
    ]
    report = run_parity(py, ex, settings, notes, constants=True, warn_unused=True)
    mismatch, pool = report.constant_rows
    assert mismatch.findings[0].waived and mismatch.notes == ["Server caps it."]
    assert pool.notes == ["Port only."] and not pool.findings[0].waived
    assert report.warnings == []


# ---- modules ----------------------------------------------------------------------------------------------


def test_every_python_module_beside_the_port_module_that_implements_it(tmp_path):
    from conftest import ex_type, py_type, write_files
    from paritydocs.model import ModuleDef, TypeKind
    from paritydocs.parity.modules import compare_modules
    from paritydocs.python import extract_python

    root = write_files(
        tmp_path,
        {
            "acme/__init__.py": "",
            "acme/_errors.py": "class AcmeError(Exception):\n    pass\n",
            "acme/lib/__init__.py": "",
            "acme/lib/queue_logger.py": '"""Logs queues."""\n\ndef log(x):\n    return x\n',
            "acme/lib/queue_logger_test.py": "def test_log():\n    pass\n",
            "acme/lib/version.py": "def version():\n    return 1\n",
            "acme/lib/nothing.py": "LIMIT = 3\n",
        },
    )
    from conftest import python_source_info

    model = extract_python(root, modules=["acme"], source=python_source_info(root))
    paths = [m.path for m in model.modules]
    assert paths == [
        "acme",
        "acme._errors",
        "acme.lib",
        "acme.lib.nothing",
        "acme.lib.queue_logger",
        "acme.lib.version",
    ]
    queue = next(m for m in model.modules if m.path == "acme.lib.queue_logger")
    assert (queue.functions, queue.doc, queue.file) == (["log"], "Logs queues.", "acme/lib/queue_logger.py")

    datum_py = py_type("Datum", [], module="acme.types")
    datum_ex = ex_type("Datum", [])
    elixir = [
        ex_type("QueueLogger", [], kind=TypeKind.MODULE, prefix="Acme"),
        ex_type("Version", [], kind=TypeKind.MODULE, prefix="Acme"),
        ex_type("Version", [], kind=TypeKind.MODULE, prefix="Acme.Lib.Cmd"),  # shares the word `lib`
        ex_type("Errors", [], kind=TypeKind.MODULE, prefix="Acme.Util", doc="Mirrors Python acme._errors.AcmeError."),
        datum_ex,
    ]
    python = [
        *(m for m in model.modules if m.path != "acme.lib.nothing"),
        ModuleDef("acme.types.datum", classes=["Datum"]),
    ]
    python.append(next(m for m in model.modules if m.path == "acme.lib.nothing"))
    rows = {
        r.python.path: r for r in compare_modules(python, elixir, [(datum_py, datum_ex)], {"acme": "Acme.Util.Errors"})
    }
    assert {p: (r.elixir.path if r.elixir else None, r.how, r.status) for p, r in rows.items()} == {
        "acme": (None, "", "empty"),
        "acme._errors": ("Acme.Util.Errors", "mirrors", "mapped"),
        "acme.lib": (None, "", "empty"),
        "acme.lib.queue_logger": ("Acme.QueueLogger", "name", "mapped"),
        "acme.lib.version": ("Acme.Lib.Cmd.Version", "name", "mapped"),
        "acme.types.datum": ("Acme.Types.Datum", "types", "mapped"),
        "acme.lib.nothing": (None, "", "empty"),
    }
    assert rows["acme._errors"].evidence == "the port's `@moduledoc` (“Mirrors Python acme._errors.AcmeError”)"


def test_a_module_with_no_port_says_what_was_searched():
    from paritydocs.model import ModuleDef
    from paritydocs.parity.modules import compare_modules

    (row,) = compare_modules([ModuleDef("acme.lib.sidecar", functions=["start"])], [], [])
    assert (row.status, row.evidence) == (
        "unmapped",
        "no `module_map` entry, no “Mirrors Python”, no paired type, no module named `Sidecar`",
    )


def test_one_python_constant_at_a_time_gives_compare_constants_row():
    """`ConstantIndex.row` compares a Python constant with the Elixir constants that can decide its row only: the
    row is the one `compare_constants` gives against all of them, on names, units, modules, ties, siblings and
    `constant_map` drawn at random."""
    import random

    from paritydocs.parity.constants import ConstantIndex

    rng = random.Random(19)
    stems = ["max_retries", "timeout", "chunk_len", "pool_size", "flush_interval"]
    units = ["", "_ms", "_seconds", "_s"]
    owners_ex = ["Acme.Uploads", "Acme.Retry", "Acme.Types.Pool", "Acme.Config"]
    owners_py = ["acme.lib.uploads", "acme.lib.retry", "acme.types.pool", "acme.config"]

    def row_data(row):
        return (
            row.python.path if row.python else None,
            row.elixir.path if row.elixir else None,
            row.how,
            [(f.kind, f.severity, f.message) for f in row.findings],
            list(row.notes),
        )

    for _ in range(200):
        elixir = []
        for i in range(rng.randrange(0, 12)):
            prefix = rng.choice(["", "default_", "python_"])
            name = f"{prefix}{rng.choice(stems)}{rng.choice(units)}"
            kind = rng.choice(["attribute", "function"])
            elixir.append(ex_const(name, rng.choice([1, 5, 30, 1000, "a"]), rng.choice(owners_ex), kind=kind, line=i))
        pythons = [
            py_const(
                f"{rng.choice(['', 'DEFAULT_'])}{rng.choice(stems).upper()}{rng.choice(units).upper()}",
                rng.choice([1, 5, 30, 1000, "a"]),
                rng.choice(owners_py),
                line=i,
            )
            for i in range(3)
        ]
        constant_map = {py.path: rng.choice(elixir).path for py in pythons if elixir and rng.random() < 0.3}
        index = ConstantIndex(elixir, constant_map)
        for py in pythons:
            whole = next(r for r in compare_constants([py], elixir, constant_map) if r.python)
            assert row_data(index.row(py)) == row_data(whole)
