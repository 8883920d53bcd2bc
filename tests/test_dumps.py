"""The page-dump parser on the real seed files, on each line-end/encoding variant, and on bad input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperdeck.store.dumps import parse_file, parse_stream, parse_text
from paperdeck.store.errors import DumpError
from tests.conftest import load_papers

EXPECTED_BLOCKS = {"000": 119, "001": 76, "002": 74, "003": 102, "004": 37}
EXPECTED_PAGE_DATES = {"000": None, "001": "Mar 11", "002": "Mar 12", "003": "Mar 13", "004": "Dec 16"}


def test_every_seed_layout_block_counts(seed_paths: list[Path]) -> None:
    counts = {path.name[:3]: len(parse_file(path).blocks) for path in seed_paths}
    assert counts == EXPECTED_BLOCKS
    assert sum(counts.values()) == 408
    for path in seed_paths:
        result = parse_file(path)
        assert result.warnings == []
        assert {block.page_date for block in result.blocks} == {EXPECTED_PAGE_DATES[path.name[:3]]}


def test_unique_papers(seed_papers) -> None:
    assert len(seed_papers) == 362
    assert len({paper.id for paper in seed_papers}) == 362


def test_compact_layout_strips_chrome_and_glued_subscribe(seed_paths: list[Path]) -> None:
    blocks = parse_file(seed_paths[0]).blocks
    assert blocks[0].title == "WorldSplat: Gaussian-Centric Feed-Forward 4D Scene Generation for Autonomous Driving"
    assert blocks[0].line == 3
    assert blocks[0].abstract.startswith("Recent advances in driving-scene generation")
    assert all("Get trending papers" not in block.title for block in blocks)
    assert blocks[-1].title.startswith("Speculative") or blocks[-1].abstract.endswith("sampling distribution.")


def test_metadata_layout_examples(seed_papers) -> None:
    by_prefix = {paper.title.split(":")[0].split(",")[0]: paper for paper in seed_papers}
    flexvar = by_prefix["FlexVAR"]
    # A date shown without a year stays as shown (the seed pages name no year of their own).
    assert (flexvar.authors_count, flexvar.published, flexvar.published_text, flexvar.upvotes) == (
        9,
        None,
        "Feb 27",
        None,
    )
    treasure = by_prefix["Treasure Hunt"]
    assert (treasure.published_text, treasure.upvotes) == ("Jun 17", 4)
    redone = by_prefix["RedOne 2.0"]
    assert (redone.authors_count, redone.published, redone.published_text, redone.upvotes) == (None,) * 4
    inception = by_prefix["Inception-v4"]
    assert (inception.published, inception.published_text) == ("2016-02-23", None)
    assert inception.year == 2016 and inception.shown_date == "Feb 23, 2016"
    assert [p.upvotes for p in seed_papers if p.published == "2024-05-22"] == [1]


def test_latex_accents_in_seeds(seed_papers) -> None:
    poincare = next(paper for paper in seed_papers if paper.title == "Poincaré ResNet")
    assert "Poincaré ball" in poincare.abstract
    assert "Fréchet" in poincare.abstract
    assert "\\'" not in poincare.abstract
    assert any("Tülu 3" in paper.abstract for paper in seed_papers)


def test_same_paper_in_several_dumps_keeps_every_source(seed_papers) -> None:
    prompt = next(paper for paper in seed_papers if paper.title.startswith("Generative Visual Prompt"))
    assert {source.name[:3] for source in prompt.sources} >= {"000", "001", "002"}


@pytest.mark.parametrize(
    "transform",
    [
        lambda text: text.replace("\n", "\r\n"),
        lambda text: text.replace("\n", "\r"),
        lambda text: "\ufeff" + text,
        lambda text: text.replace("\n", " \t \n"),
        lambda text: text.replace("\n\n", "\n\t\n\n"),
    ],
    ids=["crlf", "cr", "bom", "trailing-space-tab", "tab-lines"],
)
def test_line_ends_bom_and_stray_whitespace(seed_paths: list[Path], transform) -> None:
    for path in seed_paths:
        text = path.read_text(encoding="utf-8")
        plain = parse_text(text, "x").blocks
        varied = parse_text(transform(text), "x").blocks
        assert [(b.title, b.abstract, b.published, b.upvotes, b.authors_count) for b in varied] == [
            (b.title, b.abstract, b.published, b.upvotes, b.authors_count) for b in plain
        ]


LONG = "We study a thing. " * 20


def test_broken_block_is_a_warning_with_line_number() -> None:
    text = f"Good One\n\n{LONG}\n\nOrphan title\n\nGood Two\n\n{LONG}\n"
    result = parse_text(text, "page.txt")
    assert [block.title for block in result.blocks] == ["Good One", "Good Two"]
    assert result.warnings == ["page.txt:5: title with no abstract, skipped"]


def test_metadata_with_no_paper_is_a_warning() -> None:
    result = parse_text(f"new\n\n  • 3 authors\n\nTitle\n\n{LONG}\n", "p.txt")
    assert [block.title for block in result.blocks] == ["Title"]
    assert result.warnings == ["p.txt:3: metadata line '• 3 authors' with no paper before it, ignored"]


def test_one_author_and_upvotes_with_year() -> None:
    result = parse_text(f"T\n\n{LONG}\n\n  • 1 author\n·\nMay 22, 2024 1\n", "p.txt")
    block = result.blocks[0]
    assert (block.authors_count, block.published, block.upvotes) == (1, "May 22, 2024", 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty.txt: file is empty"),
        ("   \n\n", "empty.txt: file is empty"),
        ("new\nSubscribe\nMar 11\n", "empty.txt: no papers found"),
        (f"Title\n{LONG}\nLast title\n", "empty.txt:3: title at end of file has no abstract"),
    ],
)
def test_whole_file_errors(text: str, message: str) -> None:
    with pytest.raises(DumpError) as error:
        parse_stream(io.BytesIO(text.encode()), "empty.txt")
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_binary_and_non_utf8(tmp_path: Path) -> None:
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\x00\x01\x02PNG")
    with pytest.raises(DumpError, match="binary file"):
        parse_file(binary)
    latin = tmp_path / "l.txt"
    latin.write_bytes(b"Title\n\nCaf\xe9 abstract\n")
    with pytest.raises(DumpError, match=r"l.txt:3: not UTF-8"):
        parse_file(latin)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DumpError, match="no such file"):
        parse_file(tmp_path / "nope.txt")
    with pytest.raises(DumpError, match="is a directory"):
        parse_file(tmp_path)


def test_load_papers_merges_duplicates(seed_paths: list[Path]) -> None:
    once = load_papers(seed_paths)
    twice = load_papers(seed_paths + seed_paths)
    assert [paper.to_dict() for paper in once] == [paper.to_dict() for paper in twice]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=400))
def test_random_text_raises_only_dump_error(text: str) -> None:
    try:
        result = parse_text(text, "random.txt")
    except DumpError:
        return
    for block in result.blocks:
        assert block.title and block.abstract


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "new",
                "Subscribe",
                "Mar 11",
                "  • 2 authors",
                "·",
                "Feb 27 4",
                "",
                "A title",
                LONG,
                "Another Title",
                "SubscribeGlued Title",
            ]
        ),
        max_size=30,
    )
)
def test_random_dump_shaped_text_raises_only_dump_error(lines: list[str]) -> None:
    try:
        parse_text("\n".join(lines), "shaped.txt")
    except DumpError as error:
        assert str(error).startswith("shaped.txt")


def test_a_link_a_shell_would_act_on_is_not_kept_from_a_dump() -> None:
    """As for every other source: only plain http(s) links are stored."""
    abstract = "We release code at https://github.com/a/b;touch$x|y&z and https://github.com/ok/repo. " * 2
    result = parse_text(f"A Title Of A Paper Long Enough\n\n{abstract}\n", "t.txt")
    assert [link.url for block in result.blocks for link in block.to_paper().links] == ["https://github.com/ok/repo"]
