"""What a build holds of its generated pages between converting and writing them (`site/held.py`), and the
outputs it writes as they are made, never held whole (`jsonfile.TextOutput`)."""

from __future__ import annotations

from types import SimpleNamespace

from paritydocs.site.held import HeldPages, release_markdown


def _page(uri: str, content: str | None, *, title: str | None = "Thing", meta: dict | None = None) -> SimpleNamespace:
    return SimpleNamespace(
        file=SimpleNamespace(src_uri=uri),
        content=content,
        markdown="# Thing\n\nText.\n",
        meta=meta or {},
        _title_from_render=title,
    )


def test_a_pages_html_is_held_compressed_and_given_back_exactly():
    text = "<h1>Thing</h1><p>é → \U0001f600 \udcff</p>" * 200  # non-ASCII, a lone surrogate (surrogateescape)
    page, other = _page("types/Thing.md", text), _page("types/Other.md", "<p>Other</p>")
    held = HeldPages()
    held.hold([page, other])
    assert page.content is None and other.content is None and len(held) == 2
    held.give_back(page)
    assert page.content == text and len(held) == 1
    held.give_back(page)  # once only: nothing held for it now
    assert page.content == text
    held.give_back_all()
    assert other.content == "<p>Other</p>" and len(held) == 0


def test_a_page_whose_title_comes_from_its_text_keeps_its_text():
    untitled = _page("notes.md", "<p>No heading</p>", title=None)
    titled_by_meta = _page("meta.md", "<p>x</p>", title=None, meta={"title": "From meta"})
    held = HeldPages()
    held.hold([untitled, titled_by_meta, _page("empty.md", None)])
    assert untitled.content == "<p>No heading</p>" and titled_by_meta.content is None and len(held) == 1
    release_markdown(untitled)
    release_markdown(titled_by_meta)
    assert untitled.markdown == "# Thing\n\nText.\n" and titled_by_meta.markdown == ""


def test_a_page_of_another_build_with_the_same_path_is_not_given_what_was_held():
    first, second = _page("types/Thing.md", "<p>first</p>"), _page("types/Thing.md", "<p>second</p>")
    held = HeldPages()
    held.hold([first])
    second.content = None
    held.give_back(second)
    assert second.content is None and len(held) == 1
    held.give_back_all()
    assert first.content == "<p>first</p>"


def test_a_text_output_is_written_piece_by_piece_as_its_text_reads(tmp_path):
    from paritydocs.jsonfile import STREAMED, TextOutput

    made: list[int] = []

    def pieces():
        made.append(1)
        yield "# Title\n"
        yield "é → line\r\nnext\n"

    output = TextOutput(pieces)
    assert made == [] and isinstance(output, STREAMED)  # nothing made until it is written
    output.write(tmp_path / "full.txt")
    assert (
        (tmp_path / "full.txt").read_bytes() == output.text().encode("utf-8") == "# Title\né → line\r\nnext\n".encode()
    )
    assert made == [1, 1]


def _material_index(entries_by_page: list[list[dict]]):
    from material.plugins.search.plugin import SearchIndex

    index = SearchIndex(lang=["en"], separator=r"[\s\-]+", pipeline=["stemmer"], fields={"title": {"boost": 1e3}})
    return SimpleNamespace(search_index=index), entries_by_page


PAGES = [
    [{"location": "", "title": "Home", "text": "<p>Welcome é → \U0001f600</p>"}],
    [
        {"location": "types/Thing/", "title": "Thing", "text": "<p>A thing</p>", "tags": ["a"]},
        {"location": "types/Thing/#fields", "title": "Fields", "text": 'quote " and \\ slash', "boost": 2},
    ],
    [],  # a page search left out
    [{"location": "about/", "title": "About", "text": ""}],
]


def test_search_entries_held_compressed_are_written_as_material_writes_them(tmp_path):
    from paritydocs.site.held import SearchSpool

    search, pages = _material_index(PAGES)
    whole = SimpleNamespace(search_index=type(search.search_index)(**search.search_index.config))
    spool = SearchSpool()
    for entries in pages:
        search.search_index.entries.extend(entries)  # what Material's on_page_context adds for the page
        whole.search_index.entries.extend(entries)
        spool.take(search)
        assert search.search_index.entries == []
    assert len(spool) == 3
    index = tmp_path / "search" / "search_index.json"
    index.parent.mkdir()
    index.write_bytes(search.search_index.generate_search_index(None).encode())  # Material's, of no entries
    spool.write(search, str(tmp_path))
    assert index.read_bytes() == whole.search_index.generate_search_index(None).encode("utf-8")
    assert len(spool) == 0


def test_an_index_not_shaped_as_expected_gets_its_entries_back_and_is_written_whole(tmp_path):
    from paritydocs.site.held import SearchSpool

    search, pages = _material_index(PAGES)
    spool = SearchSpool()
    for entries in pages:
        search.search_index.entries.extend(entries)
        spool.take(search)
    written: list[list] = []

    def other_format(prev):  # a later Material that writes its entries under another key
        import json

        written.append(list(search.search_index.entries))
        return json.dumps({"items": search.search_index.entries, "config": {}})

    search.search_index.generate_search_index = other_format
    spool.write(search, str(tmp_path))
    expected = [e for page in pages for e in page]
    assert search.search_index.entries == expected
    text = (tmp_path / "search" / "search_index.json").read_text()
    assert '"items": [{"location": ""' in text and "types/Thing/#fields" in text and len(spool) == 0


def test_a_built_sites_search_index_and_inventory_are_those_material_and_mkdocstrings_write_alone(
    tmp_path, monkeypatch
):
    from paritydocs.site import plugin
    from paritydocs.site.held import SearchSpool
    from site_helpers import build_site, copy_demo

    monkeypatch.setenv("PARITYDOCS_NO_CACHE", "1")  # every page indexed by Material itself
    demo = copy_demo(tmp_path)
    taken: list[int] = []
    take = SearchSpool.take

    def counting(self, search):
        taken.append(len(search.search_index.entries))
        take(self, search)

    monkeypatch.setattr(SearchSpool, "take", counting)
    compressed: list[object] = []
    by_line = plugin.compress_inventory_by_line

    def recording(inventory):
        compressed.append(inventory)
        by_line(inventory)

    monkeypatch.setattr(plugin, "compress_inventory_by_line", recording)
    ours = build_site(demo / "mkdocs.yml", tmp_path / "ours")
    assert len(taken) > 20 and sum(taken) > 50 and len(compressed) == 1 and len(compressed[0]) > 20
    monkeypatch.setattr(SearchSpool, "take", lambda self, search: None)  # Material holds and writes them all
    monkeypatch.setattr(plugin, "compress_inventory_by_line", lambda inventory: None)
    alone = build_site(demo / "mkdocs.yml", tmp_path / "alone")
    for name in ("search/search_index.json", "objects.inv"):
        assert (ours / name).read_bytes() == (alone / name).read_bytes(), name


def test_objects_inv_compressed_line_by_line_is_the_file_mkdocstrings_writes():
    from mkdocstrings import Inventory

    from paritydocs.site.held import compress_inventory_by_line

    def filled() -> Inventory:
        inventory = Inventory(project="Orbit é", version="1.2.3")
        for i in range(3000):  # several of zlib's blocks; names out of order, non-ASCII, a dispname
            name = f"orbit.types.T{(i * 7919) % 3000}.field_{i % 13}"
            inventory.register(
                name, "py", "attribute", f"api/{name}/#{name}", dispname="Ärger" if i % 500 == 0 else None
            )
        inventory.register("types/JobInfo", "std", "doc", "types/JobInfo/")
        return inventory

    expected = filled().format_sphinx()
    inventory = filled()
    compress_inventory_by_line(inventory)
    assert "format_sphinx" in vars(inventory) and inventory.format_sphinx() == expected
    empty = Inventory(project="Orbit", version="1")
    compress_inventory_by_line(empty)
    assert empty.format_sphinx() == Inventory(project="Orbit", version="1").format_sphinx()  # mkdocstrings' own


def test_a_temporary_file_that_fails_gives_search_back_its_entries_in_order(tmp_path, monkeypatch):
    import io

    from paritydocs.site import held

    class FullDisk(io.BytesIO):
        writes = 0

        def write(self, data):
            FullDisk.writes += 1
            if FullDisk.writes == 2:  # the second page's entries: half written, then the disk is full
                super().write(bytes(data)[: len(data) // 2])
                raise OSError(28, "No space left on device")
            return super().write(data)

    monkeypatch.setattr(held.tempfile, "TemporaryFile", lambda **kwargs: FullDisk())
    search, pages = _material_index(PAGES)
    spool = held.SearchSpool()
    for entries in pages:
        search.search_index.entries.extend(entries)
        spool.take(search)
    assert search.search_index.entries == [e for page in pages for e in page] and len(spool) == 0
    spool.write(search, str(tmp_path))  # Material writes them all itself
    assert not (tmp_path / "search").exists()
