"""BibTeX export, read back by pybtex (the reference BibTeX parser in Python): the entry arXiv
writes, every author's parts, keys, escaping, unicode, and any printable title or name."""

from __future__ import annotations

import random
import re

import pybtex.errors
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import BibliographyData, parse_string

from paperdeck.store.export.bibtex import bibtex
from paperdeck.store.export.keys import citation_keys
from paperdeck.store.export.latex import latex_title
from paperdeck.store.export.names import split_name
from paperdeck.store.models import Link, Marks, Paper
from tests.export_samples import SPECIALS_TITLE, hard_entries, real_entries

KEY = re.compile(r"[a-z0-9]+")


def parse(text: str) -> BibliographyData:
    pybtex.errors.set_strict_mode(True)  # a malformed entry or a duplicate key raises
    return parse_string(text, "bibtex")


def assert_braces_balance(text: str) -> None:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0, text
    assert depth == 0, text


def test_an_arxiv_paper_is_written_as_arxiv_writes_it() -> None:
    paper, _ = hard_entries()[0]
    assert bibtex([(paper, Marks())]) == (
        "@misc{vaswani2017attentionneed,\n"
        "  title={Attention Is All You Need},\n"
        "  author={Vaswani, Ashish and Shazeer, Noam and Parmar, Niki},\n"
        "  year={2017},\n"
        "  eprint={1706.03762},\n"
        "  archivePrefix={arXiv},\n"
        "  primaryClass={cs.CL},\n"
        "  url={https://arxiv.org/abs/1706.03762},\n"
        "}\n"
    )


def test_tags_and_note_go_in_keywords_and_annote() -> None:
    entry = parse(bibtex(hard_entries()[:1])).entries["vaswani2017attentionneed"]
    assert entry.fields["keywords"] == "nlp, to-read"
    assert entry.fields["annote"] == "Read §3 twice. Then the appendix."  # BibTeX folds line breaks


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Ludwig van Beethoven", (["Ludwig"], [], ["van"], ["Beethoven"], [])),
        ("Jean de la Fontaine", (["Jean"], [], ["de", "la"], ["Fontaine"], [])),
        ("Martin Luther King Jr.", (["Martin"], ["Luther"], [], ["King"], ["Jr."])),
        ("Martin Luther King, Jr.", (["Martin"], ["Luther"], [], ["King"], ["Jr."])),
        ("John Smith III", (["John"], [], [], ["Smith"], ["III"])),
        ("Plato", ([], [], [], ["Plato"], [])),
        ("Jean-Paul Sartre", (["Jean-Paul"], [], [], ["Sartre"], [])),
        ("Catherine Zeta-Jones", (["Catherine"], [], [], ["Zeta-Jones"], [])),
        ("山田 太郎", (["太郎"], [], [], ["山田"], [])),
        ("王小明", ([], [], [], ["王小明"], [])),
        ("Haitz Sáez de Ocáriz Borde", (["Haitz"], ["Sáez"], ["de"], ["Ocáriz", "Borde"], [])),
        ("Pedro de Alcántara y Borbón", (["Pedro"], [], ["de"], ["Alcántara", "{y}", "Borbón"], [])),
        ("Jacobus Henricus van 't Hoff", (["Jacobus"], ["Henricus"], ["van", "'t"], ["Hoff"], [])),
        ("Søren Kierkegaard", (["Søren"], [], [], ["Kierkegaard"], [])),
        ("john smith", (["john"], [], [], ["smith"], [])),
        ("Tom And Jerry", (["Tom"], ["{And}"], [], ["Jerry"], [])),
        ("de la Fontaine, Jean", (["Jean"], [], ["de", "la"], ["Fontaine"], [])),
    ],
)
def test_pybtex_reads_every_part_of_a_name(name: str, parts: tuple[list[str], ...]) -> None:
    paper = Paper(id="p", title="T", authors=["Ada Lovelace", name])
    (entry,) = parse(bibtex([(paper, Marks())])).entries.values()
    _, person = entry.persons["author"]
    found = (person.first_names, person.middle_names, person.prelast_names, person.last_names, person.lineage_names)
    assert found == parts


def test_pybtex_reads_every_hard_and_real_paper_with_all_its_authors() -> None:
    entries = hard_entries() + real_entries() + real_entries("daily_papers_2024-10-25.json")
    text = bibtex(entries)
    assert_braces_balance(text)
    parsed = parse(text)
    assert list(parsed.entries) == citation_keys(entries)
    for (paper, _), entry in zip(entries, parsed.entries.values(), strict=True):
        assert len(entry.persons.get("author", [])) == len(paper.authors)
        assert ("eprint" in entry.fields) == bool(paper.arxiv_id)


def test_keys_are_arxivs_ascii_and_unique() -> None:
    entries = hard_entries() + real_entries()
    keys = citation_keys(entries)
    assert keys[:4] == [
        "vaswani2017attentionneed",
        "vanbeethoven2024symphoniesfablesnerfllama",
        "orsted2024zetacafesorenstrasse",
        "lovelace20245051ab",
    ]
    assert all(KEY.fullmatch(key) for key in keys)
    assert len(set(keys)) == len(keys)
    assert keys[entries.index(next(e for e in entries if e[0].id == "no-arxiv"))] == "blogpostarxiv"


def test_colliding_keys_get_suffixes_by_arxiv_id_whatever_the_order() -> None:
    entries = hard_entries()
    expected = {
        "scaling-laws-a": "kaplan2024scalinglawsneurallanguagea",
        "scaling-laws-b": "kaplan2024scalinglawsneurallanguageb",
    }
    for seed in range(5):
        shuffled = entries[:]
        random.Random(seed).shuffle(shuffled)
        keys = dict(zip((paper.id for paper, _ in shuffled), citation_keys(shuffled), strict=True))
        assert {paper_id: keys[paper_id] for paper_id in expected} == expected


def test_a_suffix_never_takes_another_papers_key() -> None:
    def paper(paper_id: str, title: str) -> tuple[Paper, Marks]:
        return Paper(id=paper_id, title=title, authors=["Ann Smith"], published="2024-01-01"), Marks()

    keys = citation_keys([paper("1", "Foo"), paper("2", "Foo"), paper("3", "Fooa")])
    assert keys == ["smith2024foob", "smith2024fooc", "smith2024fooa"]


def test_a_paper_without_arxiv_id_keeps_title_link_tags_and_note() -> None:
    entry = parse(bibtex(hard_entries())).entries["blogpostarxiv"]
    assert dict(entry.fields) == {
        "title": "A Blog Post Without {arXiv}",
        "url": "https://example.org/post?a=1&b=%20_x#frag",
        "keywords": "blog, later",
        "annote": "No authors, no year.",
    }
    assert not entry.persons


def test_latex_specials_are_escaped() -> None:
    assert latex_title(SPECIALS_TITLE) == (
        r"50\% \& \$5 \#1 a\_b $\lbrace$x$\rbrace$ \textasciitilde{} \textasciicircum{} \textbackslash{} done"
    )
    assert latex_title("Balanced {x} and lone }") == r"Balanced $\lbrace$x$\rbrace$ and lone $\rbrace$"


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("NeRF in the Wild", "{NeRF} in the Wild"),
        ("LLaMA: Open Foundation Models", "{LLaMA}: Open Foundation Models"),
        ("GPT-4 Technical Report", "{GPT}-4 Technical Report"),
        ("A Survey of 3D Vision and X-ray", "A Survey of {3D} Vision and {X}-ray"),
        ("Attention Is All You Need", "Attention Is All You Need"),  # Title Case: a capital says nothing
        ("Deep kernels for Gaussian processes", "Deep kernels for {Gaussian} processes"),  # sentence case: a name
        ("Training leaves traces: Centered residuals", "Training leaves traces: Centered residuals"),
        ("Zeta ζ: ΔNet on Étoile", "Zeta ζ: {ΔNet} on Étoile"),
    ],
)
def test_capitals_a_style_must_keep_are_braced(title: str, written: str) -> None:
    assert latex_title(title) == written


def test_a_title_starting_with_equals_is_plain_bibtex() -> None:
    entry = parse(bibtex(hard_entries())).entries["starthyperlinkhttpevilexamplecmdccalca0"]
    assert entry.fields["title"].startswith("={HYPERLINK}(")


def test_unicode_is_kept_as_utf8_or_written_as_latex() -> None:
    entries = hard_entries()[1:3]
    utf8 = bibtex(entries)
    assert "Søren" in utf8 and "Ørsted, Søren" in utf8 and "Straße" in utf8 and "ζ" in utf8
    ascii_text = bibtex(entries, ascii=True)
    assert ascii_text.isascii()
    for written in (r"$\zeta$", r"Caf{\'e}", r"S{\o}ren", r"Stra{\ss}e", r"{\O}rsted", r"M{\"u}ller, Jos{\'e}"):
        assert written in ascii_text
    assert_braces_balance(ascii_text)
    ascii_entry = parse(ascii_text).entries["vanbeethoven2024symphoniesfablesnerfllama"]
    assert [person.last_names for person in ascii_entry.persons["author"]][-1] == [r"Oc{\'a}riz", "Borde"]


def test_keys_and_entries_do_not_depend_on_the_order_given() -> None:
    entries = hard_entries() + real_entries()
    shuffled = entries[::-1]
    forward = parse(bibtex(entries)).entries
    backward = parse(bibtex(shuffled)).entries
    assert sorted(forward) == sorted(backward)
    assert all(forward[key].fields == backward[key].fields for key in forward)


def test_private_use_characters_never_become_braces() -> None:
    stand_ins = "\ue000\ue001\ue000"
    paper = Paper(id="p", title=f"A{stand_ins}B", authors=[f"Ann{stand_ins} Lee"], arxiv_id="2401.00001")
    text = bibtex([(paper, Marks(tags=[stand_ins], note=stand_ins + "x"))])
    assert_braces_balance(text)
    (entry,) = parse(text).entries.values()
    assert entry.fields["title"] == "{AB}"  # the stand-ins are gone; "AB" is an acronym


# Anything a title or a name could hold once cleaned at the door: printable text (no control
# characters, no lone surrogates), private-use code points included.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=60)


@settings(max_examples=300, deadline=None)
@given(
    title=TEXT,
    authors=st.lists(TEXT, max_size=5),
    tags=st.lists(TEXT, max_size=3),
    note=TEXT,
    arxiv_id=st.one_of(st.just("2401.00001"), TEXT),
    categories=st.lists(TEXT, max_size=2),
    ascii=st.booleans(),
)
def test_any_printable_title_and_names_parse(
    title: str, authors: list[str], tags: list[str], note: str, arxiv_id: str, categories: list[str], ascii: bool
) -> None:
    paper = Paper(
        id="p",
        title=title,
        authors=authors,
        arxiv_id=arxiv_id,
        categories=categories,
        links=[Link("https://a.b/{x}", "code")],
    )
    text = bibtex([(paper, Marks(tags=tags, note=note))], ascii=ascii)
    assert_braces_balance(text)
    assert not ascii or text.isascii()
    (key, entry), *rest = parse(text).entries.items()
    assert not rest
    assert KEY.fullmatch(key)
    assert len(entry.persons.get("author", [])) == sum(1 for author in authors if split_name(author).family)
