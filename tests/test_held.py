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
