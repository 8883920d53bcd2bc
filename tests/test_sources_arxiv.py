"""store.sources.arxiv_email and arxiv_atom on fixtures in arXiv's real layouts (made-up
papers): the daily listing mail (plain, saved with headers, damaged) and the export API feed."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperdeck.store.clean import has_control
from paperdeck.store.errors import SourceError
from paperdeck.store.sources.arxiv_atom import parse_atom
from paperdeck.store.sources.arxiv_email import parse_email, split_authors
from tests.sources_support import DATA, assert_clean

CS_LISTING = DATA / "arxiv_listing_cs_2023-12-29.txt"
MATH_MAIL = DATA / "arxiv_listing_math_2024-06-04.eml"
DAMAGED = DATA / "arxiv_listing_damaged.txt"
ATOM = DATA / "arxiv_atom_query.xml"


def test_a_daily_listing_gives_new_cross_listed_and_replaced_papers() -> None:
    result = parse_email(CS_LISTING.read_bytes(), CS_LISTING.name)
    assert result.warnings == [] and result.format == "arxiv_email"
    papers = {paper.arxiv_id: paper for paper in result.papers}
    assert list(papers) == [
        "2401.00007",
        "2401.00012",
        "2401.00031",
        "2401.00044",
        "2312.17650",
        "2310.04412",
        "2309.11890",
    ]
    first = papers["2401.00007"]
    assert (
        first.title
        == "Sparse Mixture Routing for Long-Context Language Models: A Study of Expert Collapse and Recovery"
    )
    assert first.id == "sparse-mixture-routing-for-long-context-language-models-a-study-of-expert-collapse-and-recovery"
    assert first.authors == ["Mara Lindqvist", "Tomás Echeverría", "Priya Raghunathan", "Wen-Li Zhou"]
    assert first.categories == ["cs.LG", "cs.CL"] and first.published == "2023-12-29"
    assert first.extra == {
        "listing": "new",
        "comments": "14 pages, 6 figures; code at https://github.com/example-lab/sparse-routing",
    }
    assert first.abstract.startswith(
        "Mixture-of-experts language models route each token to a few experts, but routing"
    )
    assert first.abstract.count("\n") == 1 and "\nWe propose a recovery schedule" in first.abstract
    assert [(link.url, link.kind) for link in first.links] == [
        ("https://github.com/example-lab/sparse-routing", "code")
    ]
    assert [(source.name, source.page_date) for source in first.sources] == [("arxiv-email", "2023-12-29")]
    second = papers["2401.00012"]
    assert second.authors[-2:] == ["Hiroshi Tanabe", "the OpenQA Consortium"]  # `, and` ends the list
    assert second.extra == {
        "listing": "new",
        "comments": "Accepted at EACL 2024",
        "journal_ref": "Proceedings of EACL 2024, pp. 112-127",
        "license": "http://creativecommons.org/licenses/by/4.0/",
        "doi": "10.18653/v1/2024.eacl-long.9",
    }
    third = papers["2401.00031"]  # LaTeX accents, affiliations in parentheses
    assert third.title == "On the Sample Complexity of Learning Schrödinger Bridges"
    assert third.authors == ["Émile Durand", "Karin Müller", "Rafael Ortiz"]
    assert third.categories == ["cs.LG", "math.OC", "stat.ML"]
    assert papers["2401.00044"].extra["listing"] == papers["2312.17650"].extra["listing"] == "cross-list"
    assert papers["2312.17650"].published == "2023-12-28" and papers["2312.17650"].categories[0] == "stat.ML"
    replaced = papers["2309.11890"]  # a replaced cross-listing: no abstract in the mail, no first-version date
    assert replaced.title == "A Note on Convergence of Adaptive Gradient Methods Under Heavy-Tailed Noise"
    assert (replaced.abstract, replaced.published) == ("", None)
    assert replaced.extra == {
        "listing": "replaced",
        "journal_ref": "SIAM J. Optim. 34 (2024) 1-22",
        "revised": "2023-12-28",
    }
    for paper in result.papers:
        assert_clean(paper)


def test_a_saved_message_is_decoded_from_its_transfer_encoding() -> None:
    raw = MATH_MAIL.read_bytes()
    assert b"=C3=BC" in raw and b"\r\n" in raw  # quoted-printable UTF-8, CRLF: as a mail client saves it
    result = parse_email(raw, MATH_MAIL.name)
    assert result.warnings == []
    papers = {paper.arxiv_id: paper for paper in result.papers}
    assert list(papers) == ["2406.02118", "2406.02255", "math/0601001"]
    assert papers["2406.02118"].title == "Cycle Decompositions of Dense Regular Graphs — a Short Proof"
    assert papers["2406.02118"].authors == ["Zoë Kowalczyk", "Jürgen Baumann"]
    assert "question of Erdős and Gallai" in papers["2406.02118"].abstract
    assert papers["2406.02118"].sources[0].page_date == "2024-06-04"
    old = papers["math/0601001"]  # an old-style id keeps its slash
    assert (
        old.extra["listing"] == "replaced"
        and old.authors == ["Grégoire Lefèvre"]
        and old.categories == ["math.PR", "math.GR"]
    )


def test_base64_bodies_and_mboxes_of_several_messages_are_read() -> None:
    listing = CS_LISTING.read_text(encoding="utf-8")
    messages = []
    for day in ("Fri, 29 Dec 2023 20:00:00 -0500", "Mon, 01 Jan 2024 20:00:00 -0500"):
        message = EmailMessage(policy=SMTP)
        message["From"], message["Subject"], message["Date"] = "no-reply@arxiv.org", "cs daily", day
        message.set_content(listing.replace("received from", "was from"), charset="utf-8", cte="base64")
        messages.append(b"From no-reply@arxiv.org Fri Dec 29 20:00:00 2023\n" + message.as_bytes())
    result = parse_email(b"\n".join(messages), "inbox.mbox")
    assert len(result.papers) == 14
    # Without a "received from" line the message's own date names the mailing.
    assert [paper.sources[0].page_date for paper in result.papers[::7]] == ["2023-12-29", "2024-01-01"]


def test_a_damaged_listing_keeps_what_it_can_and_says_what_it_skipped() -> None:
    result = parse_email(DAMAGED.read_bytes(), DAMAGED.name)
    assert [paper.arxiv_id for paper in result.papers] == ["2402.01001", "2402.01004", "2402.01005", "2402.01006"]
    assert result.warnings == [
        "arxiv_listing_damaged.txt:42: arXiv:2402.01004 has no closing line (cut off?)",
        "arxiv_listing_damaged.txt:63: arXiv:2402.01006 has no closing line (cut off?)",
        "arxiv_listing_damaged.txt:5: arXiv:2402.01001: link 'https://evil.example/x;rm' in the abstract dropped "
        "(not a plain http(s) link)",
        "arxiv_listing_damaged.txt:20: arXiv:2402.01002: no usable title, skipped",
        "arxiv_listing_damaged.txt:31: arXiv:'9999.99999': no usable arXiv id, skipped",
    ]
    hostile = result.papers[0]  # OSC 52, CSI 2J, a C1 CSI and CSI 6n in the raw mail
    assert hostile.title == "Safe Terminals for Everyone" and hostile.authors == ["Eve Mallory", "Bob Builder"]
    assert hostile.extra["comments"] == "a comment with an escape inside"
    assert [link.url for link in hostile.links] == ["https://example.org/safe-terminals"]
    assert result.papers[1].abstract.endswith("the next entry still begins at its own arXiv line.")
    assert result.papers[3].abstract == "The download stopped here, in the middle of a sent"
    for paper in result.papers:
        assert_clean(paper)
    assert not any(has_control(warning) for warning in result.warnings)


@pytest.mark.parametrize("text", ["", "Hello,\n\nthis is a letter, not a listing.\n", "\\\\\nno entry here\n\\\\\n"])
def test_text_without_a_listing_entry_is_an_error(text: str) -> None:
    with pytest.raises(SourceError, match="no arXiv listing entries found"):
        parse_email(text, "letter.txt")


def test_authors_split_at_commas_and_and_without_affiliations() -> None:
    assert split_authors("A. One (MIT), B. Two and C. Three ((1) X, (2) Y)") == ["A. One", "B. Two", "C. Three"]
    assert split_authors("Ann Anderson, Band Leader, and Sandy Andrews") == [
        "Ann Anderson",
        "Band Leader",
        "Sandy Andrews",
    ]
    assert split_authors("") == []


def test_an_atom_feed_gives_its_entries() -> None:
    data = ATOM.read_bytes()
    result = parse_atom(data)
    assert result.warnings == [] and len(result.papers) == 3
    first, old, third = result.papers
    assert first.arxiv_id == "2401.00007" and first.title.endswith("A Study of Expert Collapse and Recovery")
    assert first.authors == ["Mara Lindqvist", "Tomás Echeverría", "Wen-Li Zhou"]  # LaTeX accents made letters
    assert first.published == "2023-12-29" and first.categories == ["cs.LG", "cs.CL"]
    assert first.extra == {"comments": "14 pages, 6 figures"} and first.abstract.count("\n") == 1
    assert [link.url for link in first.links] == ["https://github.com/example-lab/sparse-routing"]
    assert old.arxiv_id == "hep-th/9901001" and old.categories == ["hep-th", "gr-qc"]
    assert old.extra == {"journal_ref": "Nucl.Phys. B550 (1999) 1-20", "doi": "10.1016/S0550-3213(99)00001-2"}
    assert third.arxiv_id == "2312.17650" and third.categories == ["stat.ML", "cs.LG", "q-bio.QM"]  # primary first
    assert [(source.name, source.page_date) for source in third.sources] == [("arxiv-api", None)]
    for paper in result.papers:
        assert_clean(paper)


def test_arxivs_error_feed_is_an_error() -> None:
    with pytest.raises(SourceError, match=r"arXiv answered with an error: incorrect id format for 1234\.1234v"):
        parse_atom((DATA / "arxiv_atom_error.xml").read_bytes())


FEED = '<feed xmlns="http://www.w3.org/2005/Atom">{}</feed>'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>', "not well-formed XML"),
        (b"", "not well-formed XML"),
        (b"Rate exceeded.", "not well-formed XML"),
        (b'<rss version="2.0"><channel/></rss>', "not an Atom feed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&b;</title></feed>',
            "DTD or entity declarations refused",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>',
            "DTD or entity declarations refused",
        ),
    ],
)
def test_damaged_or_hostile_xml_is_one_error(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        parse_atom(data, "feed.xml")


def test_entries_without_an_id_title_or_summary_are_skipped_with_a_warning() -> None:
    entries = (
        "<entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Kept</title><summary>An abstract.</summary></entry>"
        "<entry><id>http://arxiv.org/abs/2401.00002v1</id><summary>No title.</summary></entry>"
        "<entry><id>http://example.org/x</id><title>Bad id</title><summary>S.</summary></entry>"
        "<entry><id>http://arxiv.org/abs/2401.00004v1</id><title>\u009b31mC1\u009b</title><summary> </summary></entry>"
    )
    result = parse_atom(FEED.format(entries).encode())
    assert [paper.title for paper in result.papers] == ["Kept"]
    assert result.warnings == [
        "arxiv-api: entry 1 (2401.00002): no usable title, skipped",
        "arxiv-api: entry 2 ('http://example.org/x'): no usable arXiv id, skipped",
        "arxiv-api: entry 3 (2401.00004): no usable abstract, skipped",
    ]


def test_c1_controls_legal_in_xml_are_removed() -> None:
    entry = (
        "<entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Title\u009b2J here</title>"
        "<summary>Sum\u009d0;x\u009cmary</summary><author><name>A\u0085B</name></author></entry>"  # NEL: a line break
    )
    (paper,) = parse_atom(FEED.format(entry).encode()).papers
    assert (paper.title, paper.abstract, paper.authors) == ("Title here", "Summary", ["A B"])


@pytest.mark.parametrize(
    ("received", "day"),
    [("Thu 28 Dec 23", "2023-12-28"), ("Mon 29 Mar 99", "1999-03-29"), ("Mon 31 Feb 26", None), ("Mon 3 Foo 26", None)],
)
def test_the_mailing_day_comes_from_the_received_range(received: str, day: str | None) -> None:
    text = CS_LISTING.read_text(encoding="utf-8").replace("Fri 29 Dec 23", received)
    assert {paper.sources[0].page_date for paper in parse_email(text, "listing.txt").papers} == {day}


_MAIL_LINES = [
    "\\\\", "arXiv:2401.00001", "arXiv:", "Paper (*cross-listing*): x", "Date: Fri, 29 Dec 2023 18:04:11 GMT",
    "Title: T", "  continued", "Authors: A (B, C and", "Categories: cs.LG ???", "replaced with revised version",
    "-" * 78, "%%--%%--%%--", "\\\\ ( https://arxiv.org/abs/2401.00001 ,  1kb)", "From: x@arxiv.org",
    "Subject: s", "Content-Transfer-Encoding: base64", "", "\x1b]52;c;x\x07", "From x", "=C3=28",
]  # fmt: skip
_bytes = st.binary(max_size=300) | st.builds(
    lambda parts: "\n".join(parts).encode("utf-8", "surrogatepass"),
    st.lists(st.sampled_from(_MAIL_LINES) | st.text(max_size=20), max_size=30),
)


@settings(max_examples=300, deadline=None)
@given(data=_bytes)
def test_fuzzed_mails_raise_nothing_but_a_source_error(data: bytes) -> None:
    try:
        result = parse_email(data, "fuzz.txt")
    except SourceError:
        return
    for paper in result.papers:
        assert_clean(paper)
    assert not any(has_control(warning) for warning in result.warnings)


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=200) | st.text(max_size=200).map(lambda text: FEED.format(text).encode("utf-8", "replace"))
)
def test_fuzzed_feeds_raise_nothing_but_a_source_error(data: bytes) -> None:
    try:
        result = parse_atom(data, "fuzz.xml")
    except SourceError:
        return
    for paper in result.papers:
        assert_clean(paper)


_LISTING_LINES = CS_LISTING.read_text(encoding="utf-8").splitlines()


@settings(max_examples=200, deadline=None)
@given(
    dropped=st.sets(st.integers(0, len(_LISTING_LINES) - 1), max_size=12),
    inserted=st.lists(st.tuples(st.integers(0, len(_LISTING_LINES)), st.sampled_from(_MAIL_LINES)), max_size=6),
)
def test_a_listing_damaged_at_random_still_parses_cleanly(dropped: set[int], inserted: list[tuple[int, str]]) -> None:
    lines = [line for number, line in enumerate(_LISTING_LINES) if number not in dropped]
    for position, line in inserted:
        lines.insert(min(position, len(lines)), line)
    try:
        result = parse_email("\n".join(lines), "damaged.txt")
    except SourceError:
        return
    assert len(result.papers) <= 7 + len(inserted)
    for paper in result.papers:
        assert_clean(paper)
