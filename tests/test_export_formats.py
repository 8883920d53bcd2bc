"""CSL JSON, RIS, Markdown, CSV and JSON exports read back as their consumers read them, and
the FORMATS registry."""

from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from paperdeck.store.export import FORMATS
from paperdeck.store.export.bibtex import bibtex
from paperdeck.store.export.csl import csl_json
from paperdeck.store.export.csv_table import COLUMNS, FORMULA_STARTS, csv_text
from paperdeck.store.export.json_records import json_text
from paperdeck.store.export.keys import citation_keys
from paperdeck.store.export.markdown import first_sentence, markdown
from paperdeck.store.export.names import split_name
from paperdeck.store.export.ris import ris
from paperdeck.store.models import Marks, Paper
from tests.export_samples import hard_entries, real_entries

ENTRIES = hard_entries() + real_entries()


def by_id(items: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in items}


# --- CSL JSON -----------------------------------------------------------------------------------


def test_csl_ids_are_the_bibtex_keys() -> None:
    items = json.loads(csl_json(ENTRIES))
    keys = re.findall(r"^@misc\{(\w+),$", bibtex(ENTRIES), re.MULTILINE)
    assert [item["id"] for item in items] == keys == citation_keys(ENTRIES)


def test_an_arxiv_paper_as_csl() -> None:
    item = json.loads(csl_json(hard_entries()[:1]))[0]
    assert item == {
        "id": "vaswani2017attentionneed",
        "type": "article",
        "title": "Attention Is All You Need",
        "author": [
            {"family": "Vaswani", "given": "Ashish"},
            {"family": "Shazeer", "given": "Noam"},
            {"family": "Parmar", "given": "Niki"},
        ],
        "issued": {"date-parts": [[2017, 6, 12]]},
        "DOI": "10.48550/arXiv.1706.03762",
        "publisher": "arXiv",
        "number": "arXiv:1706.03762",
        "URL": "https://arxiv.org/abs/1706.03762",
        "abstract": "Dominant transduction models are based on recurrent networks, e.g. LSTMs. We propose one.",
        "keyword": "nlp, to-read",
        "note": "Read §3 twice.\nThen the appendix.",
    }


def test_csl_names_put_particles_and_suffixes_where_csl_wants_them() -> None:
    authors = by_id(json.loads(csl_json(ENTRIES)))["vanbeethoven2024symphoniesfablesnerfllama"]["author"]
    assert authors == [
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "Fontaine", "given": "Jean", "non-dropping-particle": "de la"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        {"family": "Plato"},
        {"family": "Sartre", "given": "Jean-Paul"},
        {"family": "山田", "given": "太郎"},
        {"family": "王小明"},
        {"family": "Ocáriz Borde", "given": "Haitz Sáez", "non-dropping-particle": "de"},
    ]


def test_a_paper_without_arxiv_id_or_date_as_csl() -> None:
    items = by_id(json.loads(csl_json(ENTRIES)))
    assert items["blogpostarxiv"] == {
        "id": "blogpostarxiv",
        "type": "article",
        "title": "A Blog Post Without arXiv",
        "URL": "https://example.org/post?a=1&b=%20_x#frag",
        "keyword": "blog, later",
        "note": "No authors, no year.",
    }
    assert "issued" not in items["rasmussendeepkernelsgaussianprocesses"]  # "Feb 27": no year known


# --- RIS --------------------------------------------------------------------------------------


def ris_records(text: str) -> list[list[tuple[str, str]]]:
    """Records as (tag, value) lines, checking the layout a RIS reader relies on."""
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")  # CR LF only
    records = []
    for chunk in text.split("ER  - \r\n\r\n")[:-1]:
        lines = chunk.split("\r\n")[:-1]
        assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - \S.*", line) for line in lines), lines
        records.append([(line[:2], line[6:]) for line in lines])
    assert text.endswith("ER  - \r\n\r\n")
    return records


def test_ris_has_one_record_per_paper_and_one_au_per_author() -> None:
    records = ris_records(ris(ENTRIES))
    assert len(records) == len(ENTRIES)
    for record, (paper, marks) in zip(records, ENTRIES, strict=True):
        assert record[0] == ("TY", "GEN")
        assert sum(tag == "AU" for tag, _ in record) == len(paper.authors)
        assert [value for tag, value in record if tag == "KW"] == marks.tags


def test_an_arxiv_paper_as_ris() -> None:
    (record,) = ris_records(ris(hard_entries()[:1]))
    assert record == [
        ("TY", "GEN"),
        ("TI", "Attention Is All You Need"),
        ("AU", "Vaswani, Ashish"),
        ("AU", "Shazeer, Noam"),
        ("AU", "Parmar, Niki"),
        ("AB", "Dominant transduction models are based on recurrent networks, e.g. LSTMs. We propose one."),
        ("DA", "2017/06/12/"),
        ("PY", "2017"),
        ("DO", "10.48550/arXiv.1706.03762"),
        ("PB", "arXiv"),
        ("UR", "https://arxiv.org/abs/1706.03762"),
        ("N1", "Read §3 twice. Then the appendix."),
        ("KW", "nlp"),
        ("KW", "to-read"),
    ]


def test_ris_names_are_last_first_suffix() -> None:
    (record,) = ris_records(ris(hard_entries()[1:2]))
    assert [value for tag, value in record if tag == "AU"] == [
        "van Beethoven, Ludwig",
        "de la Fontaine, Jean",
        "King, Martin Luther, Jr.",
        "Plato",
        "Sartre, Jean-Paul",
        "山田, 太郎",
        "王小明",
        "de Ocáriz Borde, Haitz Sáez",
    ]


# --- CSV --------------------------------------------------------------------------------------


def expected_row(paper: Paper, marks: Marks) -> dict[str, str]:
    return {
        "id": paper.id,
        "arxiv_id": paper.arxiv_id or "",
        "title": paper.title,
        "authors": "; ".join(paper.authors),
        "date": paper.published or paper.published_text or "",
        "upvotes": "" if paper.upvotes is None else str(paper.upvotes),
        "starred": "yes" if marks.starred else "no",
        "read": "yes" if marks.read else "no",
        "tags": "; ".join(marks.tags),
        "note": marks.note,
    }


def unneutralised(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def test_csv_reads_back_as_the_same_cells() -> None:
    text = csv_text(ENTRIES)
    assert text.startswith(",".join(COLUMNS) + "\r\n") and text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(ENTRIES)
    for row, (paper, marks) in zip(rows, ENTRIES, strict=True):
        cells = {name: unneutralised(value) for name, value in row.items()}
        links = cells.pop("links").split("; ")
        assert cells == expected_row(paper, marks)
        if paper.arxiv_id:
            assert f"https://arxiv.org/abs/{paper.arxiv_id}" in links


def test_csv_neutralises_cells_a_spreadsheet_would_run() -> None:
    rows = list(csv.DictReader(io.StringIO(csv_text(ENTRIES), newline="")))
    formula = next(row for row in rows if row["id"] == "formula")
    assert formula["title"] == "'=HYPERLINK(\"http://evil.example\") and +cmd|' /C calc'!A0"
    assert formula["authors"] == "'-Dash Start"
    assert formula["tags"] == "'@mention"
    assert formula["note"] == "'=1+1"
    for row in rows:
        assert not any(value.startswith(FORMULA_STARTS) for value in row.values()), row


# --- Markdown ---------------------------------------------------------------------------------


def rendered_items(text: str) -> list[tuple[str, str]]:
    """(link text, href) of the first link of each top-level list item, as CommonMark renders."""
    found = []
    tokens = MarkdownIt("commonmark").parse(text)
    for index, token in enumerate(tokens):
        if token.type == "list_item_open" and token.level == 1:
            inline = next(t for t in tokens[index:] if t.type == "inline")
            children = inline.children or []
            opening = next((i for i, t in enumerate(children) if t.type == "link_open"), None)
            if opening is None:
                found.append(("".join(t.content for t in children if t.type == "text"), ""))
                continue
            closing = next(i for i, t in enumerate(children) if t.type == "link_close")
            label = "".join(t.content for t in children[opening:closing] if t.type in ("text", "code_inline"))
            found.append((label, children[opening].attrs["href"]))
    return found


def test_markdown_is_one_list_with_each_title_rendered_as_written() -> None:
    text = markdown(ENTRIES)
    items = rendered_items(text)
    assert len(items) == len(ENTRIES)
    for (label, href), (paper, _) in zip(items, ENTRIES, strict=True):
        link = paper.primary_link
        if link:
            assert (label, href) == (paper.title, link.url)
        else:
            assert label.startswith(paper.title)


def test_a_markdown_item_reads_as_a_reading_list_entry() -> None:
    assert markdown(hard_entries()[:1]) == (
        "- [Attention Is All You Need](https://huggingface.co/papers/1706.03762)"
        " — Vaswani et al., 2017 · ★ · #nlp #to-read\n"
        "\n"
        "  Dominant transduction models are based on recurrent networks, e.g. LSTMs.\n"
        "\n"
        "  > Read §3 twice.\n"
        "  > Then the appendix.\n"
        "\n"
        "  [arXiv](https://arxiv.org/abs/1706.03762) · [Hugging Face](https://huggingface.co/papers/1706.03762)"
        " · [Code](https://github.com/tensorflow/tensor2tensor)\n"
    )


def test_the_tldr_is_the_ai_summary_and_the_note_stays_in_the_item() -> None:
    html = MarkdownIt("commonmark").render(markdown(hard_entries()[:2]))
    assert html.count("<li>") == 2 and html.count("<blockquote>") == 1
    assert "<blockquote>\n<p>Read §3 twice.\nThen the appendix.</p>\n</blockquote>\n" in html
    assert "Composers, fabulists &amp; philosophers *rank* [models] with `code`_in_titles." in html


def test_first_sentence() -> None:
    assert first_sentence("We use e.g. LSTMs. Then more.") == "We use e.g. LSTMs."
    assert first_sentence("As J. Smith showed, it works. Next.") == "As J. Smith showed, it works."
    assert first_sentence("Vaswani et al. (2017) used it. Next.") == "Vaswani et al. (2017) used it."
    assert first_sentence("No end here") == "No end here"
    long = first_sentence("word " * 100)
    assert len(long) <= 301 and long.endswith("…")


@settings(max_examples=200, deadline=None)
@given(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=60).filter(str.strip),
    st.booleans(),
)
def test_any_title_renders_as_itself(title: str, linked: bool) -> None:
    paper = Paper(id="p", title=title, arxiv_id="2401.00001" if linked else None)
    ((label, _),) = rendered_items(markdown([(paper, Marks())]))
    assert label == " ".join(title.split())


# --- JSON and the registry --------------------------------------------------------------------


def test_json_holds_everything_stored_with_the_marks() -> None:
    records = json.loads(json_text(ENTRIES))
    assert records == [{**paper.to_dict(), "marks": marks.to_dict()} for paper, marks in ENTRIES]


def test_formats_are_declared_once_and_all_work_from_any_iterable() -> None:
    assert list(FORMATS) == ["bibtex", "csl-json", "ris", "markdown", "csv", "json"]
    for name, declared in FORMATS.items():
        assert declared.extension.startswith(".") and "/" in declared.media_type and declared.description
        text = declared.export(entry for entry in ENTRIES)  # a generator is read once
        assert text == declared.export(ENTRIES), name


TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(title=TEXT, authors=st.lists(TEXT, max_size=4), tags=st.lists(TEXT, max_size=3), note=TEXT)
def test_any_text_keeps_ris_records_and_csv_cells_whole(
    title: str, authors: list[str], tags: list[str], note: str
) -> None:
    entries = [(Paper(id="p", title=title, authors=authors, arxiv_id="2401.00001"), Marks(tags=tags, note=note))]
    (record,) = ris_records(ris(entries))
    assert sum(tag == "AU" for tag, _ in record) == sum(1 for author in authors if split_name(author).family)
    (row,) = csv.DictReader(io.StringIO(csv_text(entries), newline=""))
    assert unneutralised(row["title"]) == title and unneutralised(row["note"]) == note
