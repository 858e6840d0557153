"""The site reads the Python SDK with Griffe once: the extraction takes the tree mkdocstrings' handler loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import griffe
import pytest

from conftest import python_source_info
from paritydocs.python import extract_python
from paritydocs.python.loader import SharedPackages
from site_helpers import build_site, copy_demo, count_griffe_loads

FIXTURE = Path(__file__).parent / "fixtures" / "pysdk"
MODULES = ["acme.types", "acme.lib.backoff.BackoffConfig"]
CLIENTS = ["acme.lib.public.client.WidgetClient"]


EXTENSIONS = (
    "paritydocs.site.mkdocstrings:NamespaceSubpackages",
    {"paritydocs.site.mkdocstrings:SdkDocstrings": {"model_names": {"catalogue": "CATALOG"}}},
)


def _mkdocstrings_like_tree(src: Path) -> griffe.ModulesCollection:
    """What mkdocstrings' handler loads with the extensions the plugin gives it: docstrings rewritten."""
    loader = griffe.GriffeLoader(
        extensions=griffe.load_extensions(*EXTENSIONS),
        search_paths=[src],
        docstring_parser=griffe.Parser.google,
        allow_inspection=False,
    )
    loader.load("acme")
    loader.resolve_aliases(implicit=False)
    return loader.modules_collection


def _shared(load) -> SharedPackages:
    return SharedPackages(load, griffe.load_extensions(*EXTENSIONS), griffe.Parser.google)


def _extract(root: Path, packages=None):
    return extract_python(root, modules=MODULES, source=python_source_info(root), clients=CLIENTS, packages=packages)


def test_extraction_from_the_shared_tree_equals_its_own_load_docstrings_as_written():
    tree = _mkdocstrings_like_tree(FIXTURE / "src")
    gadget = tree["acme.types.gadget.Gadget"]
    assert "CATALOG" in gadget.docstring.value  # the tree mkdocstrings renders has the update applied
    asked: list[str] = []

    def packages(name: str):
        asked.append(name)
        return tree.get_member(name)

    shared = _extract(FIXTURE, _shared(packages))
    assert asked == ["acme"]
    assert shared.to_json() == _extract(FIXTURE).to_json()
    assert shared.type_named("acme.types.gadget.Gadget").doc == "A gadget as the catalogue service describes it."


def test_a_package_loaded_from_another_tree_is_not_used(tmp_path):
    other = tmp_path / "copy"
    shutil.copytree(FIXTURE, other)
    tree = _mkdocstrings_like_tree(other / "src")
    model = _extract(FIXTURE, _shared(tree.get_member))
    assert model.to_json() == _extract(FIXTURE).to_json()  # loaded from FIXTURE itself: paths under it


def test_several_top_level_packages_are_each_loaded_by_the_extraction():
    asked: list[str] = []
    model = extract_python(
        FIXTURE,
        modules=[*MODULES, "othertop.types"],
        source=python_source_info(FIXTURE),
        packages=_shared(asked.append),
    )
    assert asked == []
    assert model.type_named("acme.types.gadget.Gadget") is not None


def test_the_demo_site_loads_the_python_sdk_once(tmp_path, monkeypatch):
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    loads = count_griffe_loads(monkeypatch)
    demo = copy_demo(tmp_path)
    site = build_site(demo / "mkdocs.yml", tmp_path / "site")
    assert loads == ["orbit"]
    # both readers got what they need from the one load
    assert "A machine a job runs on." in (site / "types" / "NodeInfo" / "index.html").read_text()
    assert "host name." in (site / "api" / "orbit.types.NodeInfo" / "index.html").read_text()


def test_a_build_whose_python_sdk_did_not_change_loads_it_not_at_all(tmp_path, monkeypatch):
    """The model of the tree mkdocstrings loaded is kept under the handler's options, and the API pages'
    conversions are kept: nothing needs Griffe. An edit loads it once again."""
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    demo = copy_demo(tmp_path)
    first = build_site(demo / "mkdocs.yml", tmp_path / "first")
    loads = count_griffe_loads(monkeypatch)
    second = build_site(demo / "mkdocs.yml", tmp_path / "second")
    assert loads == []
    page = Path("types") / "NodeInfo" / "index.html"
    assert (second / page).read_bytes() == (first / page).read_bytes()
    node = demo / "python" / "src" / "orbit" / "types" / "job_info.py"  # NodeInfo is defined there
    node.write_text(node.read_text().replace("A machine a job runs on.", "A machine jobs run on."))
    third = build_site(demo / "mkdocs.yml", tmp_path / "third")
    assert loads == ["orbit"]
    assert "A machine jobs run on." in (third / page).read_text()


@pytest.mark.parametrize("option", ["allow_inspection: true", "preload_modules: [orbit]"])
def test_options_that_would_change_the_tree_keep_two_loads(tmp_path, monkeypatch, option):
    monkeypatch.setenv("PARITYDOCS_CACHE", str(tmp_path / "cache"))
    loads = count_griffe_loads(monkeypatch)
    demo = copy_demo(tmp_path)
    config = demo / "mkdocs.yml"
    text = config.read_text()
    assert "            show_source: false\n" in text
    config.write_text(
        text.replace("            show_source: false\n", f"            show_source: false\n            {option}\n")
    )
    build_site(config, tmp_path / "site")
    assert loads.count("orbit") >= 2  # the extraction's own, static load, then mkdocstrings' (preloads add one)


def test_modules_the_extraction_adds_to_the_shared_tree_go_through_its_extensions(tmp_path):
    """A package whose `__init__` does not parse: the other loader skips it (here without the namespace
    extension that would fill it), the extraction visits its modules into the shared tree, with the shared
    extensions, so the API pages render them sanitised like the rest."""
    sdk = tmp_path / "sdk"
    shutil.copytree(FIXTURE, sdk)
    (sdk / "src/acme/types/__init__.py").write_text("this is not python (\n")
    gadget = sdk / "src/acme/types/gadget.py"
    hostile = "A gadget as the catalogue service describes it. <script>alert(1)</script>"
    gadget.write_text(gadget.read_text().replace("A gadget as the catalogue service describes it.", hostile))
    sanitising = {"paritydocs.site.mkdocstrings:SdkDocstrings": {"model_names": {}}}
    loader = griffe.GriffeLoader(
        extensions=griffe.load_extensions(sanitising), search_paths=[sdk / "src"], allow_inspection=False
    )
    loader.load("acme")
    assert "acme.types.gadget" not in loader.modules_collection  # skipped with its package
    shared = SharedPackages(loader.modules_collection.get_member, griffe.load_extensions(sanitising))

    model = _extract(sdk, shared)
    added = loader.modules_collection["acme.types.gadget.Gadget"]
    assert "<script>" not in added.docstring.value  # what mkdocstrings renders
    assert model.type_named("acme.types.gadget.Gadget").doc == hostile  # the data, as written
