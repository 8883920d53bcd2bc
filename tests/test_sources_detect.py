"""store.sources.detect: a file's format is told from its content, every format comes back as
papers plus warnings in one shape, and anything else is one line listing what paperdeck reads."""

from __future__ import annotations

import io
import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperdeck.store.dumps import parse_file
from paperdeck.store.errors import DumpError, PaperdeckError, SourceError
from paperdeck.store.library import Library
from paperdeck.store.sources.detect import FORMATS, detect_format, parse_any
from tests.sources_support import DATA, HF_API, NEW_DAY, OLD_DAY, assert_clean, recorded


@pytest.mark.parametrize(
    ("path", "kind", "count"),
    [
        (HF_API / f"daily_papers_{OLD_DAY}.json", "daily_papers", 25),
        (HF_API / f"daily_papers_{NEW_DAY}.json", "daily_papers", 15),
        (DATA / "arxiv_listing_cs_2023-12-29.txt", "arxiv_email", 7),
        (DATA / "arxiv_listing_math_2024-06-04.eml", "arxiv_email", 3),
        (DATA / "arxiv_listing_damaged.txt", "arxiv_email", 4),
        (DATA / "arxiv_atom_query.xml", "arxiv_atom", 3),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else str(value),
)
def test_each_format_is_told_by_its_content_from_bytes_or_a_stream(path: Path, kind: str, count: int) -> None:
    data = path.read_bytes()
    assert detect_format(data[:65536]) == kind
    for source in (data, io.BytesIO(data)):
        result = parse_any(source, "input", requested_day=OLD_DAY)
        assert (result.format, len(result.papers)) == (kind, count)


def test_page_dumps_read_as_the_dump_parser_reads_them(seed_paths: list[Path]) -> None:
    for path in seed_paths:
        expected = parse_file(path)
        for source in (path.read_bytes(), io.BytesIO(path.read_bytes())):
            result = parse_any(source, str(path), path.name)
            assert result.format == "page_dump"
            assert [paper.to_dict() for paper in result.papers] == [
                block.to_paper().to_dict() for block in expected.blocks
            ]
            assert (result.warnings, result.warning_count) == (expected.warnings, expected.warning_count)


def test_a_dump_longer_than_the_detection_head_is_read_whole(seed_paths: list[Path]) -> None:
    data = b"\n".join(path.read_bytes() for path in seed_paths) * 3
    assert len(data) > 65536 * 2
    whole = parse_any(data, "big.txt")
    streamed = parse_any(io.BytesIO(data), "big.txt")
    assert len(streamed.papers) == len(whole.papers) > 0


def test_a_dump_whose_first_title_opens_with_a_bracket_is_still_a_dump() -> None:
    text = "[CLS] Tokens Are Not All You Need\n" + "An abstract that is long enough to be one. " * 10 + "\n"
    result = parse_any(text.encode(), "cls.txt")
    assert result.format == "page_dump" and [paper.title for paper in result.papers] == [
        "[CLS] Tokens Are Not All You Need"
    ]


def test_json_that_orjson_refuses_but_json_allows_is_still_read() -> None:
    item = recorded(NEW_DAY)[0]
    item["paper"]["upvotes"] = 10**30  # past 64 bits: orjson refuses the whole document
    (paper,) = parse_any(json.dumps([item]).encode(), "big.json").papers
    assert paper.arxiv_id == "2608.16590" and paper.upvotes is None  # not a count


def test_an_empty_daily_list_and_a_single_paper_object_are_daily_papers() -> None:
    assert parse_any(b"[]", "empty.json").papers == []
    single = orjson.dumps(recorded(NEW_DAY)[0]["paper"])
    (paper,) = parse_any(single, "paper.json").papers
    assert paper.arxiv_id == "2608.16590"


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (b'{"error": "Invalid date"}', SourceError, "JSON, but not Daily Papers"),
        (b"[1, 2, 3]", SourceError, "JSON, but not Daily Papers"),
        (b"[" * 100_000 + b"]" * 100_000, SourceError, "JSON nested too deeply"),
        (b"<!DOCTYPE html><html><body>Daily Papers</body></html>", SourceError, "an HTML page"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", DumpError, "binary file"),
        (b"", DumpError, "file is empty"),
        (b"Daily Papers\nSubscribe\n", DumpError, "no papers found"),
        (b"just a note\n", DumpError, "title at end of file has no abstract"),
    ],
    ids=["json-object", "json-numbers", "json-deep", "html", "png", "empty", "chrome", "note"],
)
def test_a_file_in_no_known_format_is_one_line_listing_the_formats(data: bytes, error: type, message: str) -> None:
    with pytest.raises(error) as raised:
        parse_any(data, "mystery.bin")
    text = str(raised.value)
    assert text.startswith("mystery.bin") and message in text and "\n" not in text
    if error is DumpError or "HTML" in text:
        assert text.endswith(FORMATS)


def test_a_damaged_dump_keeps_its_own_message() -> None:
    with pytest.raises(DumpError, match="title at end of file has no abstract"):
        parse_any(b"A Title\n" + b"An abstract long enough to be one. " * 10 + b"\nA title cut off\n", "cut.txt")


def test_every_source_imports_into_a_library_as_parsed_dumps_do(tmp_path: Path) -> None:
    """Papers of every source go through the one door, Library.add_papers."""
    library = Library.open(tmp_path / "lib")
    results = [
        parse_any((HF_API / f"daily_papers_{NEW_DAY}.json").read_bytes(), "new.json"),
        parse_any((DATA / "arxiv_listing_cs_2023-12-29.txt").read_bytes(), "listing.txt"),
        parse_any((DATA / "arxiv_atom_query.xml").read_bytes(), "feed.xml"),
    ]
    report = library.add_papers(paper for result in results for paper in result.papers)
    # The feed and the listing share two papers (by title): they merge instead of doubling.
    assert report.papers == 15 + 7 + 3 - 2 and report.new == report.papers
    merged = library.papers[
        "sparse-mixture-routing-for-long-context-language-models-a-study-of-expert-collapse-and-recovery"
    ]
    assert [source.name for source in merged.sources] == ["arxiv-email", "arxiv-api"]
    assert (
        merged.added > 0
        and library.papers["co-rl-unsupervised-reasoning-emerges-from-diverse-cohort-in-multi-agent-rl"].github_stars
        == 1
    )


_starts = st.sampled_from(
    [b"", b"[", b"{", b"<?xml ", b"<feed ", b"\\\\\narXiv:", b"From: a@arxiv.org\n", b"\xef\xbb\xbf["]
)


@settings(max_examples=300, deadline=None)
@given(data=st.builds(bytes.__add__, _starts, st.binary(max_size=300)))
def test_fuzzed_files_raise_nothing_but_a_paperdeck_error(data: bytes) -> None:
    try:
        result = parse_any(data, "fuzz")
    except PaperdeckError as error:
        assert "\n" not in str(error)
        return
    for paper in result.papers:
        assert_clean(paper)
