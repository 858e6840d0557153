"""Clients side by side: operations, matching, parameters, findings, JSON and the client page.

The fixture under `tests/fixtures/clients/` is an invented shop SDK: `shop.lib.public.cart_client.CartClient`
(Python, `lib` a namespace package) beside `Shop.CartClient` (Elixir). Each method is there to show one thing;
the comments in the tests name it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import jsonschema
import markdown
import pytest

from conftest import elixir_source_info, python_source_info, write_files
from html_checks import live_markup
from paritydocs.config import load_settings
from paritydocs.elixir import extract_elixir
from paritydocs.elixir.docs import elixir_option_docs
from paritydocs.model import Default, FieldDef, SdkModel, TypeDef, TypeKind
from paritydocs.parity import Severity, run_parity
from paritydocs.parity.clients import ClientPair, MethodRow, compare_clients
from paritydocs.pipeline import build_report
from paritydocs.python import extract_python
from paritydocs.python.docstrings import parse_python_doc
from paritydocs.render import Renderer
from paritydocs.render.checklist import checklist_groups
from paritydocs.render.links import Links

FIXTURE = Path(__file__).parent / "fixtures" / "clients"
PY_ROOT = FIXTURE / "python"
EX_ROOT = FIXTURE / "elixir"
CLIENT = "shop.lib.public.cart_client.CartClient"
SCHEMA = Path(__file__).parents[1] / "site_src" / "paritydocs" / "schemas" / "parity.schema.json"


def settings(**raw):
    base = {
        "python": str(PY_ROOT),
        "elixir": str(EX_ROOT),
        "python_modules": [],
        "python_clients": [CLIENT],
        "client_map": {CLIENT: "Shop.CartClient"},
        "method_aliases": {"CartClient": {"empty": "clear"}},
        "model_names": {"Qwen/Qwen2.5-7B": "Qwen/Qwen3-8B"},
        "python_repo": {"url": "https://github.com/acme/shop", "ref": "main"},
        "elixir_repo": {"url": "https://github.com/acme/shop_ex", "ref": "v1"},
        "hexdocs": "shop",
        "python_api": False,
    }
    base.update(raw)
    return load_settings(base, environ={})


@pytest.fixture(scope="module")
def models() -> tuple[SdkModel, SdkModel]:
    py = extract_python(PY_ROOT, modules=[], source=python_source_info(PY_ROOT), clients=[CLIENT])
    ex = extract_elixir(EX_ROOT, source=elixir_source_info(EX_ROOT))
    assert not py.warnings and not ex.warnings
    return py, ex


@pytest.fixture(scope="module")
def pair(models) -> ClientPair:
    pairs = compare_clients(*models, settings())
    assert [(p.python.path, p.elixir.path) for p in pairs] == [(CLIENT, "Shop.CartClient")]
    return pairs[0]


def op(pair: ClientPair, name: str) -> MethodRow:
    found = [r for r in pair.rows if r.name == name]
    assert len(found) == 1, f"{name}: {[r.name for r in pair.rows]}"
    return found[0]


def param(row: MethodRow, name: str):
    found = [p for p in row.params if p.name == name]
    assert len(found) == 1, f"{name}: {[p.name for p in row.params]}"
    return found[0]


def kinds(findings) -> list[str]:
    return sorted(f.kind.value for f in findings)


# --------------------------------------------------------------------------------------------
# Operations


def test_sync_and_async_twins_are_one_operation(pair):
    names = [r.name for r in pair.rows]
    assert "add_item_async" not in names and "checkout_async" not in names
    add = op(pair, "add_item")
    assert add.python.name == "add_item" and not add.python.is_async
    assert add.python_async.name == "add_item_async" and add.python_async.is_async
    # the Elixir `_async` twin is folded in the same way
    assert add.elixir.name == "add_item" and add.elixir_async.name == "add_item_async"
    assert any("add_item_async" in n for n in add.notes)
    checkout = op(pair, "checkout")
    assert checkout.python_async.name == "checkout_async" and checkout.elixir_async is None


def test_every_operation_has_one_row_in_order(pair):
    assert [(r.name, r.status) for r in pair.rows] == [
        ("add_item", "both"),
        ("remove_item", "both"),
        ("checkout", "both"),
        ("empty", "both"),
        ("reserve", "both"),
        ("apply_coupon", "both"),
        ("total", "both"),
        ("item_count", "both"),
        ("fetch", "both"),
        ("share_link", "python_only"),
        ("on_change", "both"),
        ("open", "both"),
        ("start_link", "elixir_only"),
        ("child_spec", "elixir_only"),
        ("merge", "elixir_only"),
    ]
    assert "_internal" not in [r.name for r in pair.rows]


def test_matching_by_name_alias_suffix_and_hidden_function(pair):
    assert op(pair, "add_item").how == "name"
    empty = op(pair, "empty")  # method_aliases: {"CartClient": {"empty": "clear"}}
    assert (empty.how, empty.elixir.name) == ("alias", "clear")
    fetch = op(pair, "fetch")  # Elixir `fetch!/2`
    assert (fetch.how, fetch.elixir.name, fetch.hexdocs_anchor) == ("suffix", "fetch!", "fetch!/2")
    on_change = op(pair, "on_change")  # `@doc false def on_change/2`: exists, not documented API
    assert on_change.how == "hidden" and on_change.elixir.arity == 2
    assert on_change.all_findings() == []


def test_without_the_alias_the_renamed_function_is_missing_on_both_sides(models):
    bare = compare_clients(*models, settings(method_aliases={}))[0]
    empty = op(bare, "empty")
    assert empty.status == "python_only"
    assert kinds(empty.findings) == ["missing_in_elixir"]
    clear = op(bare, "clear")
    assert clear.status == "elixir_only" and kinds(clear.findings) == ["missing_in_python"]


def test_alias_for_all_clients_and_unknown_alias_target(models):
    star = compare_clients(*models, settings(method_aliases={"*": {"empty": "clear"}}))[0]
    assert op(star, "empty").how == "alias"
    wrong = compare_clients(*models, settings(method_aliases={CLIENT: {"empty": "wipe"}}))[0]
    assert op(wrong, "empty").status == "python_only"
    assert any("`wipe`" in n for n in wrong.notes)


def test_elixir_arities_are_one_function_with_the_widest_params_and_all_options(pair):
    add = op(pair, "add_item")
    assert add.elixir_arities == [2, 3] and add.elixir.arity == 3
    assert add.elixir_signature == "add_item/2,3" and add.hexdocs_anchor == "add_item/3"
    assert add.elixir_head == "add_item(client, sku, opts \\\\ [])"
    assert "@doc" not in (add.elixir.doc or "") and add.elixir.spec.startswith("add_item(t(), String.t(), keyword())")
    checkout = op(pair, "checkout")  # checkout/1 reads nothing, checkout/2 reads the options
    assert [p.name for p in checkout.elixir.params if p.kind == "option"] == ["currency", "timeout"]


# --------------------------------------------------------------------------------------------
# Parameters


def test_receiver_and_opts_are_not_missing_in_python(pair):
    add = op(pair, "add_item")
    assert param(add, "client").how == "receiver" and param(add, "opts").how == "opts"
    assert param(add, "client").findings == [] and param(add, "opts").findings == []
    assert param(add, "sku").how == "name"
    # keyword parameters meet the options read from opts
    quantity = param(add, "quantity")
    assert (quantity.how, quantity.elixir.kind, quantity.findings) == ("name", "option", [])
    assert quantity.python.doc == "How many to add."  # Google `Args:` with a `(type)`
    assert quantity.elixir.doc.startswith("how many to add")  # the `@doc` option list


def test_positional_parameters_are_matched_by_position_when_names_differ(pair):
    order_id = param(op(pair, "fetch"), "order_id")
    assert (order_id.how, order_id.elixir.name, order_id.findings) == ("position", "id", [])


def test_static_method_has_no_receiver(pair):
    # `@staticmethod open(holder, *, customer)` vs `open(service_client, opts)`: the first Elixir parameter is
    # the holder's counterpart, not a receiver standing for `self`
    opened = op(pair, "open")
    holder = param(opened, "holder")
    assert (holder.how, holder.elixir.name, holder.findings) == ("position", "service_client", [])
    assert "receiver" not in [p.how for p in opened.params]
    assert param(opened, "customer").how == "name" and opened.all_findings() == []


def test_option_read_where_opts_are_handed_on(pair):
    coupon = param(op(pair, "checkout"), "coupon")  # read in handle_call/3, not in checkout/2
    assert coupon.how == "indirect" and coupon.findings == []
    assert [(r.function, r.arity, r.line) for r in coupon.indirect] == [("handle_call", 3, 109)]
    assert "handle_call/3" in coupon.notes[0]


def test_default_mismatch(pair):
    currency = param(op(pair, "checkout"), "currency")
    assert kinds(currency.findings) == ["default_mismatch"]
    message = currency.findings[0].message
    assert "'EUR'" in message and '"USD"' in message
    assert param(op(pair, "checkout"), "timeout").findings == []  # 30.0 == @default_timeout 30.0
    assert param(op(pair, "remove_item"), "quantity").findings == []  # `quantity \\ 1`


def test_default_unresolved_when_elixir_reads_without_default(pair):
    gift = param(op(pair, "add_item"), "gift_wrap")
    assert kinds(gift.findings) == ["default_unresolved"]
    assert param(op(pair, "add_item"), "note").findings == []  # None == nil


def test_optionality_mismatch_both_ways(pair):
    hold = param(op(pair, "reserve"), "hold_minutes")  # required in Python, `Keyword.get(opts, :k, 15)`
    assert kinds(hold.findings) == ["optionality_mismatch"] and "`15`" in hold.findings[0].message
    stackable = param(op(pair, "apply_coupon"), "stackable")  # default in Python, `Keyword.fetch!`
    assert kinds(stackable.findings) == ["optionality_mismatch"] and "fetch!" in stackable.findings[0].message


def test_missing_parameters_on_each_side(pair):
    reason = param(op(pair, "remove_item"), "reason")
    assert kinds(reason.findings) == ["missing_in_elixir"] and "takes no options" in reason.findings[0].message
    priority = param(op(pair, "add_item"), "priority")
    assert kinds(priority.findings) == ["missing_in_python"] and priority.elixir.kind == "option"


def _rename_parameter(py: SdkModel, method: str, old: str, new: str) -> SdkModel:
    """A copy of the Python model whose client method `method` calls its parameter `old` `new` instead."""
    (client,) = py.clients
    functions = [
        dataclasses.replace(f, params=[dataclasses.replace(p, name=new) if p.name == old else p for p in f.params])
        if f.name == method
        else f
        for f in client.functions
    ]
    return dataclasses.replace(py, clients=[dataclasses.replace(client, functions=functions)])


def test_missing_parameter_names_a_similar_option_elixir_reads(models):
    py, ex = models
    model = _rename_parameter(py, "checkout", "coupon", "coupon_code")
    row = param(op(compare_clients(model, ex, settings())[0], "checkout"), "coupon_code")
    assert kinds(row.findings) == ["missing_in_elixir"]
    assert "similar option, `:coupon` (in `handle_call/3`, lib/shop/cart_client.ex:109)" in row.findings[0].message
    # the operation's badge says it is an option that is missing, not the function the port has
    from paritydocs.render.filters import do_op_badges

    checkout = op(compare_clients(model, ex, settings())[0], "checkout")
    labels = [badge.label for badge in do_op_badges(checkout)]
    assert "1 option missing in elixir" in labels and "function missing in elixir" not in labels


def test_a_renamed_parameter_is_matched_by_method_aliases(models):
    py, ex = models
    model = _rename_parameter(py, "checkout", "timeout", "wait_seconds")
    unaliased = param(op(compare_clients(model, ex, settings())[0], "checkout"), "wait_seconds")
    assert "missing_in_elixir" in kinds(unaliased.findings)
    aliases = {"CartClient": {"empty": "clear", "checkout.wait_seconds": "timeout"}}
    row = param(op(compare_clients(model, ex, settings(method_aliases=aliases))[0], "checkout"), "wait_seconds")
    assert row.how == "alias" and row.elixir.name == "timeout"
    assert "missing_in_elixir" not in kinds(row.findings)
    assert "matched by `method_aliases`" in row.notes[-1]


def test_operation_findings(pair):
    assert kinds(op(pair, "share_link").findings) == ["missing_in_elixir"]
    assert kinds(op(pair, "merge").findings) == ["missing_in_python"]
    assert kinds(op(pair, "total").findings) == ["doc_missing_in_elixir"]
    assert kinds(op(pair, "item_count").findings) == ["doc_missing_in_python"]
    for plumbing in ("start_link", "child_spec"):
        assert op(pair, plumbing).all_findings() == []


def test_every_finding_of_the_fixture(pair):
    assert pair.findings == []  # both sides document the client
    assert kinds(pair.all_findings()) == sorted(
        [
            "default_unresolved",  # add_item gift_wrap
            "missing_in_python",  # add_item :priority
            "missing_in_elixir",  # remove_item reason
            "default_mismatch",  # checkout currency
            "optionality_mismatch",  # reserve hold_minutes
            "optionality_mismatch",  # apply_coupon stackable
            "doc_missing_in_elixir",  # total
            "doc_missing_in_python",  # item_count
            "missing_in_elixir",  # share_link
            "missing_in_python",  # merge
        ]
    )
    for finding in pair.all_findings():
        assert finding.python is not None and finding.elixir is not None
        assert finding.subject.startswith(CLIENT) and "|Shop.CartClient." in finding.subject
    assert len({f.key for f in pair.all_findings()}) == len(pair.all_findings())


def test_class_doc_missing_on_one_side(models):
    py, ex = models
    bare = dataclasses.replace(ex, types=[dataclasses.replace(t, doc=None) for t in ex.types])
    result = compare_clients(py, bare, settings())[0]
    assert kinds(result.findings) == ["doc_missing_in_elixir"]


# --------------------------------------------------------------------------------------------
# Twins and options read from derived opts (inline SDKs, shaped like Tinker's training and REST clients)

JOBS_PY = '''
    from typing import Any


    class JobClient:
        """Runs jobs."""

        def run(self, name: str, retries: int = 3) -> str:
            """Run a job and wait for it."""
            return self.run_submit(name).result()

        async def run_async(self, name: str, retries: int = 3) -> str:
            """Async version of run."""
            return ""

        def run_submit(self, name: str) -> Any:
            """Submit a job; returns a future."""

        def fetch(self, key: str) -> str:
            """Fetch a result."""
            return ""

        def poll_sync(self) -> None:
            """Poll once."""

        def cancel_submit(self, job_id: str) -> Any:
            """Cancel a job; returns a future."""

        def list_jobs(self, limit: int = 20, offset: int = 5) -> list[str]:
            """List jobs."""
            return []

        def list_archived(self, limit: int = 100) -> list[str]:
            """List archived jobs."""
            return []
'''

JOBS_EX = """
    defmodule Jobs.JobClient do
      @moduledoc "Runs jobs."

      @doc "Run a job; returns a Task."
      def run(client, name, opts \\\\ []) do
        retries = Keyword.get(opts, :retries, 3)
        Task.async(fn -> {client, name, retries} end)
      end

      @doc "Run a job and wait for it."
      def run_sync(client, name, opts \\\\ []) do
        timeout = Keyword.get(opts, :await_timeout, :infinity)
        Task.await(run(client, name, opts), timeout)
      end

      @doc "Fetch a result, blocking."
      def fetch_sync(client, key), do: {client, key}

      @doc "Poll once."
      def poll(client), do: client

      @doc "List jobs."
      def list_jobs(client, opts \\\\ []) do
        with {:ok, list_opts} <- validate(opts) do
          limit = Keyword.get(list_opts, :limit, 20)
          offset = Keyword.get(list_opts, :offset, 0)
          {client, limit, offset}
        end
      end

      @doc "List archived jobs."
      def list_archived(client, opts \\\\ []) do
        {client, Keyword.get(opts, :limit, 100)}
      end

      defp validate(opts), do: {:ok, opts}
    end
"""


@pytest.fixture(scope="module")
def jobs(tmp_path_factory) -> ClientPair:
    root = tmp_path_factory.mktemp("jobs")
    write_files(root / "py", {"jobs/__init__.py": "", "jobs/client.py": JOBS_PY})
    write_files(root / "ex", {"lib/jobs/job_client.ex": JOBS_EX})
    py = extract_python(
        root / "py", modules=[], source=python_source_info(root / "py"), clients=["jobs.client.JobClient"]
    )
    ex = extract_elixir(root / "ex", source=elixir_source_info(root / "ex"))
    assert not py.warnings and not ex.warnings
    pairs = compare_clients(py, ex, settings(client_map={"jobs.client.JobClient": "Jobs.JobClient"}, method_aliases={}))
    assert len(pairs) == 1
    return pairs[0]


def test_sync_and_submit_twins_are_one_operation(jobs):
    assert [(r.name, r.status, r.how) for r in jobs.rows] == [
        ("run", "both", "name"),
        ("fetch", "both", "twin"),  # Elixir has only the blocking `fetch_sync`
        ("poll_sync", "both", "twin"),  # Python has only the blocking `poll_sync`
        ("cancel_submit", "python_only", ""),  # a twin suffix without the plain name: an operation of its own
        ("list_jobs", "both", "name"),
        ("list_archived", "both", "name"),
    ]
    run = op(jobs, "run")
    # no "Elixir `run_sync/2,3` has no counterpart in Python", no "Python `run_submit` has no counterpart"
    assert run.findings == [] and all(not p.findings for p in run.params)
    assert run.python_async.name == "run_async" and [v.name for v in run.elixir_variants] == ["run_sync"]
    assert any("`run_submit` (submits and returns a future)" in n for n in run.notes)
    assert any("blocking twin `run_sync/3`" in n for n in run.notes)
    assert any("only the blocking `_sync` variant, `fetch_sync`" in n for n in op(jobs, "fetch").notes)


def test_options_read_from_derived_opts_in_the_function_itself(jobs):
    rows = {p.name: p for p in op(jobs, "list_jobs").params if p.python is not None}
    limit, offset = rows["limit"], rows["offset"]
    # `list_archived` reads `:limit` with 100 too; the function's own read (20) is the one compared
    assert (limit.how, limit.elixir.default.value, limit.findings) == ("indirect", 20, [])
    assert "derived from `opts`" in limit.notes[0]
    assert [r.function for r in limit.indirect] == ["list_jobs"]
    assert kinds(offset.findings) == ["default_mismatch"]  # Python 5, Elixir 0
    assert "defaults to 5 in Python" in offset.findings[0].message


# --------------------------------------------------------------------------------------------
# Pairing clients with modules


def test_client_found_by_unique_short_name(models):
    pairs = compare_clients(*models, settings(client_map={}))
    assert [p.elixir.path for p in pairs] == ["Shop.CartClient"]


def test_unmatched_clients_are_skipped_with_a_warning(models, caplog):
    py, ex = models
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.paritydocs"):
        assert compare_clients(py, ex, settings(client_map={CLIENT: "Shop.Nope"})) == []
    assert "Shop.Nope" in caplog.text and CLIENT in caplog.text and "client_map" in caplog.text
    caplog.clear()
    twin = TypeDef(path="Other.CartClient", name="CartClient", kind=TypeKind.MODULE, file="lib/other.ex")
    ambiguous = dataclasses.replace(ex, types=[*ex.types, twin])
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.paritydocs"):
        assert compare_clients(py, ambiguous, settings(client_map={})) == []
    assert "add it to client_map" in caplog.text and "Other.CartClient" in caplog.text


# --------------------------------------------------------------------------------------------
# Docstrings


def test_google_docstring_sections():
    parts = parse_python_doc(
        """Add an item.

        More words.

        Args:
            sku: The code.
            quantity (int): How many.
                Continued here.

        Returns:
            The cart.

        Raises:
            KeyError: unknown sku.

        Example:
            >>> add("A")
        """
    )
    assert (parts.summary, parts.description) == ("Add an item.", "More words.")
    assert parts.args == {"sku": "The code.", "quantity": "How many. Continued here."}
    assert parts.returns == "The cart."
    assert parts.examples == '```pycon\n>>> add("A")\n```'
    assert parts.sections == [("Raises", "KeyError: unknown sku.")]


def test_list_style_docstring_and_fenced_example():
    parts = parse_python_doc(
        "Sample.\n\nArgs:\n- `prompt`: The prompt\n  continued\n- `n`: How many\n\n"
        "Example:\n```python\nx = 1\nArgs:\n```\n"
    )
    assert parts.args == {"prompt": "The prompt continued", "n": "How many"}
    assert parts.examples == "```python\nx = 1\nArgs:\n```"  # a header-like line inside a fence stays code
    assert not parse_python_doc(None) and not parse_python_doc("  ")


def test_elixir_option_docs():
    doc = "Does it.\n\n## Options\n\n  * `:limit` - at most this many\n    (default 20)\n  * `:offset` (integer) - skip"
    assert elixir_option_docs(doc) == {"limit": "at most this many (default 20)", "offset": "skip"}


# --------------------------------------------------------------------------------------------
# Report, JSON, page


@pytest.fixture(scope="module")
def report(models, pair):
    result = run_parity(*models, settings())
    result.client_pairs = [pair]
    return result


def test_report_counts_client_findings(report, pair):
    summary = report.summary()
    assert summary["findings"] == len(pair.all_findings()) == 10
    assert summary["by_kind"]["optionality_mismatch"] == 2
    links = Links(settings(), client_pages={CLIENT: "clients/CartClient.md"})
    groups = checklist_groups(report, links)
    items = [entry for _, group in groups for item in group for entry in item.findings]
    assert len(items) == 10  # all of them are high, medium or low
    assert {item.page for item in items} == {"clients/CartClient.md"}
    assert {item.title for item in items} == {"CartClient"}
    # one item per file and action: every finding of the client lands in the port's one file (docs only the port
    # has are one item for the whole site: nothing to port)
    files = {item.file for _, group in groups for item in group if not item.action.startswith("Nothing to port")}
    assert files == {pair.elixir.file}


def test_json_validates_against_the_schema(report):
    data = json.loads(json.dumps(report.to_json()))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    (client,) = data["clients"]
    assert (client["python"], client["elixir"]) == (CLIENT, "Shop.CartClient")
    add = next(o for o in client["operations"] if o["name"] == "add_item")
    assert add["python_async"]["name"] == "add_item_async" and add["elixir_arities"] == [2, 3]
    coupon = next(o for o in client["operations"] if o["name"] == "checkout")["params"]
    assert {p["match"] for p in coupon} == {"receiver", "name", "indirect", "opts"}
    bad = json.loads(json.dumps(data))
    bad["clients"][0]["operations"][0]["match"] = "guess"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)


def _client_page(report):
    pages = Renderer(settings()).pages(report)
    found = [p for p in pages if p.path == "clients/CartClient.md"]
    assert len(found) == 1 and found[0].section == "Clients"
    return found[0].content


def test_client_page_shows_both_signatures_docs_and_links(report):
    page = _client_page(report)
    # the operations table: Python signature │ Elixir name/arity + @spec
    assert "`add_item(sku: str, quantity: int = 1, *, gift_wrap: bool = False, note: str | None = None)" in page
    assert "`add_item/2,3`" in page and "`@spec add_item(t(), String.t(), keyword()) ::" in page
    assert "def add_item(client, sku, opts \\\\ [])" in page
    assert "https://hexdocs.pm/shop/Shop.CartClient.html#add_item/3" in page
    assert "https://github.com/acme/shop/blob/main/src/shop/lib/public/cart_client.py#L30" in page
    assert "https://github.com/acme/shop_ex/blob/v1/lib/shop/cart_client.ex#L35" in page
    # docs side by side, model names updated, Google sections shown
    assert page.count('<div class="pd-columns" markdown>') == 1 + 15
    assert "Qwen/Qwen3-8B" in page and "Qwen2.5" not in page
    assert "**Returns**" in page and "```pycon" in page
    assert '!!! danger "High · default_mismatch"' in page


def test_client_page_renders_to_inert_html_tables(report):
    page = _client_page(report)
    html = markdown.markdown(page, extensions=["tables", "admonition", "md_in_html", "pymdownx.superfences"])
    assert live_markup(html) == []
    assert html.count("<table>") == 1 + sum(1 for r in report.client_pairs[0].rows if r.params)
    assert 'id="f-op-add_item"' in html and 'href="#f-op-add_item"' in html


def test_hostile_sdk_text_stays_inert(models):
    py, ex = models
    evil = "<script>alert(1)</script> [x](javascript:alert(1)) {{ 7*7 }}"
    hostile = dataclasses.replace(
        ex,
        types=[
            dataclasses.replace(
                t,
                doc=evil,
                functions=[dataclasses.replace(f, doc=evil, spec=(f.spec or "") + " <b>") for f in t.functions],
            )
            for t in ex.types
        ],
    )
    result = run_parity(py, hostile, settings(), clients=True)
    page = _client_page(result)
    html = markdown.markdown(page, extensions=["tables", "admonition", "md_in_html", "pymdownx.superfences"])
    assert live_markup(html) == [] and "<script" not in html and "<b>" not in html and "49" not in page


def test_build_report_includes_clients():
    report = build_report(settings())
    assert [cp.python.name for cp in report.client_pairs] == ["CartClient"]
    assert report.summary()["findings"] >= 10


def test_run_parity_assembles_the_whole_report(models, pair):
    """Types alone by default (sync and the type tests); clients and model names when asked, as `build_report` does."""
    py, ex = models
    assert run_parity(py, ex, settings()).client_pairs == []
    assert run_parity(py, ex, settings()).model_names == []
    whole = run_parity(py, ex, settings(), clients=True, model_names=True)
    assert [cp.to_json() for cp in whole.client_pairs] == [pair.to_json()]
    assert whole.model_names and {o.new for o in whole.model_names} == {"Qwen/Qwen3-8B"}
    assert whole.to_json()["clients"] == build_report(settings()).to_json()["clients"]


def test_two_clients_of_one_name_get_two_pages(report, pair):
    """`jobs_client.JobsClient` and `v2.jobs_client.JobsClient`: one page would have held only the second."""
    other = dataclasses.replace(pair, python=dataclasses.replace(pair.python, path="shop.v2.cart_client.CartClient"))
    report.client_pairs = [pair, other]
    try:
        pages = [p for p in Renderer(settings()).pages(report) if p.section == "Clients"]
    finally:
        report.client_pairs = [pair]
    paths = sorted(p.path for p in pages)
    assert paths == ["clients/shop-lib-public-cart_client-CartClient.md", "clients/shop-v2-cart_client-CartClient.md"]
    dashboard = next(p for p in Renderer(settings()).pages(report) if p.path == "index.md").content
    assert "clients/CartClient.md" in dashboard  # one client of that name keeps its short page name


ALIAS_PY = '''
    class ShelfClient:
        """Publishes things."""

        def publish_from_path(self, path: str) -> None:
            """Publish the thing at a path."""

        def archive(self, path: str) -> None:
            """Archive a thing."""
'''

ALIAS_EX = """
    defmodule Shelf.ShelfClient do
      @moduledoc "Publishes things."

      @doc "Publish a thing."
      def publish(client, path), do: {client, path}

      @doc \"\"\"
      Publish the thing at a path.

      Alias for `publish/2` to mirror Python naming.
      \"\"\"
      def publish_from_path(client, path), do: publish(client, path)

      @doc "Archive a thing."
      def archive(client, path), do: {client, path}

      @doc "Alias for `archive/2`."
      def stash(client, path), do: archive(client, path)

      @doc "Forget a thing; mentions `publish/2` without calling itself an alias."
      def forget(client, path), do: {client, path}
    end
"""


def test_an_elixir_function_the_port_documents_as_an_alias_of_a_paired_one_is_no_finding(tmp_path):
    write_files(tmp_path / "py", {"shelf/__init__.py": "", "shelf/client.py": ALIAS_PY})
    write_files(tmp_path / "ex", {"lib/shelf/shelf_client.ex": ALIAS_EX})
    py = extract_python(
        tmp_path / "py", modules=[], source=python_source_info(tmp_path / "py"), clients=["shelf.client.ShelfClient"]
    )
    ex = extract_elixir(tmp_path / "ex", source=elixir_source_info(tmp_path / "ex"))
    [pair] = compare_clients(py, ex, settings(client_map={"shelf.client.ShelfClient": "Shelf.ShelfClient"}))
    rows = {r.name: r for r in pair.rows}
    # the paired function's @doc calls `publish/2` the same operation; `stash/2` says so of the paired `archive`
    for name, paired in (("publish", "publish_from_path"), ("stash", "archive")):
        assert rows[name].status == "elixir_only" and rows[name].findings == []
        assert any("already pairs with Python" in n and f"`{paired}`" in n for n in rows[name].notes)
    # naming another function is not calling yourself its alias
    assert kinds(rows["forget"].findings) == ["missing_in_python"]


def test_a_parameter_only_the_process_reads_and_python_documents_as_without_effect(models):
    # TrainingClient.save_weights_and_get_sampling_client(name=...): "Deprecated, has no effect"; the port's
    # `start_link/1` reads `:name` for the process, no operation does
    py, ex = models
    model = _rename_parameter(py, "checkout", "coupon", "name")
    (client,) = model.clients
    for function in client.functions:
        for p in function.params:
            if function.name == "checkout" and p.name == "name":
                p.doc = "Deprecated, has no effect (kept for old callers)."
    row = param(op(compare_clients(model, ex, settings())[0], "checkout"), "name")
    (finding,) = row.findings
    assert finding.kind.value == "missing_in_elixir" and finding.severity is Severity.LOW
    assert (
        "that runs an operation (only `child_spec/1` and `start_link/1` read `:name`, to start the process)"
        in finding.message
    )
    assert finding.message.endswith(
        "Python documents it as without effect (“Deprecated, has no effect (kept for old callers)”)."
    )
    plain = param(
        op(compare_clients(_rename_parameter(py, "checkout", "coupon", "name"), ex, settings())[0], "checkout"), "name"
    )
    assert plain.findings[0].severity is Severity.HIGH  # a documented parameter that does something stays high


WEIGHED_PY = '''
from typing import Literal


class ShelfClient:
    """Shelves things."""

    def publish(self, path: str, count: int, mode: Literal["fast"] = "fast") -> None:
        """Publish a thing."""

    def status(self) -> str:
        """What the shelf holds."""

    def whoami(self) -> str:
        """Who asks."""


class DeskClient:
    """Desks."""

    def open(self) -> None:
        """Open the desk."""
'''

WEIGHED_EX = {
    "lib/shelf/shelf_client.ex": """
        defmodule Shelf.ShelfClient do
          @moduledoc "Shelves things."

          @doc "Publish a thing."
          def publish(client, path, opts \\\\ []) do
            {client, path, Keyword.get(opts, :count, 1)}
          end
        end
    """,
    "lib/shelf/desk_client.ex": """
        defmodule Shelf.DeskClient do
          @moduledoc "Desks."

          @doc "Open the desk."
          def open(client), do: client

          @doc "What the shelf holds."
          def status(client), do: client
        end
    """,
}


def test_findings_a_port_user_cannot_hit_are_weighed_down(tmp_path):
    write_files(tmp_path / "py", {"shelf/__init__.py": "", "shelf/client.py": WEIGHED_PY})
    write_files(tmp_path / "ex", WEIGHED_EX)
    clients = ["shelf.client.ShelfClient", "shelf.client.DeskClient"]
    client_map = {"shelf.client.ShelfClient": "Shelf.ShelfClient", "shelf.client.DeskClient": "Shelf.DeskClient"}
    py = extract_python(tmp_path / "py", modules=[], source=python_source_info(tmp_path / "py"), clients=clients)
    ex = extract_elixir(tmp_path / "ex", source=elixir_source_info(tmp_path / "ex"))
    assert not ex.warnings
    pairs = compare_clients(py, ex, settings(python_clients=clients, client_map=client_map))
    shelf = next(p for p in pairs if p.python.name == "ShelfClient")
    publish = op(shelf, "publish")
    # a required parameter the port fills with its own default: a value goes out either way
    (count,) = param(publish, "count").findings
    assert count.severity is Severity.MEDIUM and "The port fills in its default where Python makes" in count.message
    # a parameter of one possible value, its default: nothing for a caller to choose
    (mode,) = param(publish, "mode").findings
    assert mode.severity is Severity.LOW and 'allows one value, its default `"fast"`' in mode.message
    # a method the port has on another client
    (status,) = op(shelf, "status").findings
    assert status.severity is Severity.MEDIUM
    assert "The port has it on another client (`Shelf.DeskClient.status/1`)" in status.message
    # a method the port has nowhere stays high
    (whoami,) = op(shelf, "whoami").findings
    assert whoami.severity is Severity.HIGH and "another client" not in whoami.message
    # the port's default is the one the Python request type holds when none is given: the same value goes out
    request = TypeDef(path="shelf.types.PublishRequest", name="PublishRequest", kind=TypeKind.PYDANTIC_MODEL)
    request.fields = [FieldDef("count", "int", required=False, default=Default("1", 1, True))]
    py.types.append(request)

    def publish_count():
        again = compare_clients(py, ex, settings(python_clients=clients, client_map=client_map))
        (finding,) = param(op(next(p for p in again if p.python.name == "ShelfClient"), "publish"), "count").findings
        return finding

    count = publish_count()
    assert count.severity is Severity.LOW
    assert "Python's `PublishRequest.count` defaults to `1` too" in count.message
    assert "check that it is the one" not in count.message
    request.fields[0].default = Default("2", 2, True)  # another value: the port's default is to check
    assert publish_count().severity is Severity.MEDIUM
