"""store.sources.hf_api: the recorded Daily Papers answers parse fully, and every field may be
missing, null or of the wrong type without an exception or a control character coming out."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperdeck.store.clean import has_control
from paperdeck.store.sources.fields import (
    MAX_ABSTRACT,
    MAX_AUTHORS,
    MAX_KEYWORDS,
    MAX_TITLE,
    SourceResult,
    arxiv_id,
    count_field,
)
from paperdeck.store.sources.hf_api import parse_item, parse_items
from tests.sources_support import C1_CSI, CLEAR, HOSTILE, NEW_DAY, OLD_DAY, OSC52, assert_clean, recorded


def by_id(papers: list[Any]) -> dict[str, Any]:
    return {paper.arxiv_id: paper for paper in papers}


def test_the_old_recorded_day_parses_fully() -> None:
    result = parse_items(recorded(OLD_DAY), OLD_DAY)
    assert len(result.papers) == 25 and result.warnings == []
    paper = by_id(result.papers)["2410.17243"]
    # The API keeps arXiv's hard wrap (`\n  `) in about half the old titles.
    assert paper.title == "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss"
    assert paper.id == "breaking-the-memory-barrier-near-infinite-batch-size-scaling-for-contrastive-loss"
    assert paper.abstract.startswith(
        "Contrastive loss is a powerful approach for representation learning, where larger"
    )
    assert "\n" not in paper.abstract  # one paragraph, its hard wraps undone
    assert paper.authors[:2] == ["Zesen Cheng", "Hang Zhang"] and len(paper.authors) == paper.authors_count == 9
    assert (paper.published, paper.list_day, paper.upvotes, paper.comments) == ("2024-10-22", OLD_DAY, 39, 1)
    assert [(source.name, source.page_date) for source in paper.sources] == [("hf-api", OLD_DAY)]
    # The old schema has no AI summary, no GitHub repo, no submittedOnDailyAt.
    assert (paper.ai_summary, paper.github_repo, paper.project_page, paper.organization) == (None, None, None, None)
    for paper in result.papers:
        assert "\n" not in paper.title and "  " not in paper.title
        assert paper.list_day == OLD_DAY  # from the requested date: these items carry none
        assert_clean(paper)


def test_old_items_have_no_list_day_without_the_requested_date() -> None:
    assert {paper.list_day for paper in parse_items(recorded(OLD_DAY)).papers} == {None}


def test_hidden_authors_are_skipped_and_abstract_links_kept() -> None:
    papers = by_id(parse_items(recorded(OLD_DAY), OLD_DAY).papers)
    assert "Zhanchao Zhou" not in papers["2410.17897"].authors and len(papers["2410.17897"].authors) == 3
    data = papers["2410.18505"]
    assert [(link.url, link.kind) for link in data.links] == [
        ("https://huggingface.co/datasets/BAAI/CCI3-HQ", "data"),
        ("https://huggingface.co/datasets/BAAI/CCI3-Data", "data"),
    ]


def test_the_new_recorded_day_parses_fully() -> None:
    # The list day comes from submittedOnDailyAt, not from the date asked for.
    result = parse_items(recorded(NEW_DAY), "2026-08-19")
    assert len(result.papers) == 15 and result.warnings == []
    papers = by_id(result.papers)
    zetta = papers["2608.16590"]
    assert zetta.title == "Zetta ζ: An Efficient Closed-Loop Embodied Harness for Self-Evolving Physical Intelligence"
    assert (zetta.published, zetta.list_day, zetta.upvotes, zetta.comments) == ("2026-08-17", NEW_DAY, 92, 1)
    assert zetta.github_repo == "https://github.com/air-embodied-brain/Zetta-Embodiment" and zetta.github_stars == 152
    assert zetta.project_page == "https://air-embodied-brain.github.io/zetta/"
    assert [(link.url, link.kind) for link in zetta.links] == [
        ("https://github.com/air-embodied-brain/Zetta-Embodiment", "code"),
        ("https://air-embodied-brain.github.io/zetta/", "project"),
    ]
    assert zetta.ai_summary and zetta.ai_summary.startswith("Zetta is a closed-loop embodied harness")
    assert zetta.ai_keywords[:2] == ["closed-loop embodied harness", "code-based runtime critics"]
    assert len(zetta.ai_keywords) == 11 and len(zetta.authors) == 15
    assert papers["2608.17253"].organization == "University of California at San Diego"  # fullname over name
    assert papers["2608.18171"].organization is None
    # An indented line starts a paragraph: kept as one newline.
    assert "share ancestry?\nResidual training produces" in papers["2608.14929"].abstract
    assert all(paper.ai_summary for paper in result.papers)
    for paper in result.papers:
        assert paper.list_day == NEW_DAY and paper.sources[0].page_date == NEW_DAY
        assert_clean(paper)


def test_a_single_paper_object_is_read() -> None:
    paper_object = recorded(NEW_DAY)[1]["paper"]  # the /api/papers/{id} shape: paper fields on top
    result = parse_items(paper_object)
    (paper,) = result.papers
    assert paper.arxiv_id == "2608.17253" and paper.organization == "University of California at San Diego"
    assert paper.comments is None and paper.list_day == NEW_DAY


PAPER_FIELDS = [
    "id", "title", "summary", "authors", "upvotes", "publishedAt", "submittedOnDailyAt", "githubRepo",
    "githubStars", "projectPage", "ai_summary", "ai_keywords", "organization",
]  # fmt: skip
ITEM_FIELDS = ["paper", "numComments", "organization", "title", "summary"]
WRONG = [None, 7, -3, 2.5, "seven", "", [], ["x", 1, None], {}, {"name": 5, "hidden": "yes"}, True]


@pytest.mark.parametrize("wrong", WRONG, ids=repr)
@pytest.mark.parametrize("name", PAPER_FIELDS)
def test_any_paper_field_may_be_missing_or_of_the_wrong_type(name: str, wrong: object) -> None:
    for change in ("drop", "set"):
        items = recorded(NEW_DAY)[:3]
        del items[0]["title"], items[0]["summary"]  # no item-level stand-ins for the paper's own
        if change == "drop":
            items[0]["paper"].pop(name, None)
        else:
            items[0]["paper"][name] = copy.deepcopy(wrong)
        result = parse_items(items, NEW_DAY)
        for paper in result.papers:
            assert_clean(paper)
        usable = change == "set" and isinstance(wrong, str) and wrong != "" and (name != "id" or arxiv_id(wrong))
        if name in ("id", "title", "summary") and not usable:
            # An item without a usable arXiv id, title or abstract is skipped, named, alone.
            assert [paper.arxiv_id for paper in result.papers] == ["2608.17253", "2608.18565"]
            assert result.warnings[0].startswith("hf-api: item 0 (") and result.warnings[0].endswith("skipped")
        else:
            assert len(result.papers) == 3


@pytest.mark.parametrize("wrong", WRONG, ids=repr)
@pytest.mark.parametrize("name", ITEM_FIELDS)
def test_any_item_field_may_be_missing_or_of_the_wrong_type(name: str, wrong: object) -> None:
    items = recorded(NEW_DAY)[:2]
    items[0][name] = copy.deepcopy(wrong)
    items[1].pop(name, None)
    result = parse_items(items, NEW_DAY)
    for paper in result.papers:
        assert_clean(paper)
    if name != "paper":
        assert len(result.papers) == 2  # the paper's own fields carry the rest


def test_item_level_title_and_summary_stand_in_for_missing_paper_ones() -> None:
    item = recorded(NEW_DAY)[0]
    del item["paper"]["title"], item["paper"]["summary"]
    (paper,) = parse_items([item]).papers
    assert paper.title.startswith("Zetta") and paper.abstract.startswith("Embodied agents")


def test_counts_take_digit_strings_and_integral_floats_only() -> None:
    assert [count_field(value) for value in (12, "12", " 7 ", 3.0, 0)] == [12, 12, 7, 3, 0]
    rejected = [True, False, -1, 2.5, float("nan"), float("inf"), "1e3", "١٢", "12a", 10**12, None, [], {}]
    assert [count_field(value) for value in rejected] == [None] * len(rejected)


def test_arxiv_ids_are_checked_and_lose_their_version() -> None:
    accepted = {
        "2608.16590": "2608.16590",
        "2608.16590v2": "2608.16590",
        " arXiv:2401.00007 ": "2401.00007",
        "https://arxiv.org/abs/2104.12255v1": "2104.12255",
        "0704.0001": "0704.0001",
        "astro-ph/0601001": "astro-ph/0601001",
        "math.GT/0309136v1": "math/0309136",
        "http://arxiv.org/abs/hep-th/9901001v3": "hep-th/9901001",
    }
    assert {raw: arxiv_id(raw) for raw in accepted} == accepted
    rejected = ["", "2613.00001", "2608.1659", "1412.12345", "9999.99999", "0612.0001", "astro-ph/0613001",
                "ASTRO-PH/0601001", "2608.16590 extra", "../etc/passwd", 2608.1659, None, ["2608.16590"]]  # fmt: skip
    assert [arxiv_id(raw) for raw in rejected] == [None] * len(rejected)


def test_escape_sequences_are_removed_from_every_text_field() -> None:
    item = recorded(NEW_DAY)[0]
    paper_fields = item["paper"]
    paper_fields["title"] = f"Zetta{OSC52} ζ{CLEAR}: An\n  Embodied Harness"
    paper_fields["summary"] = f"First line{CLEAR}\nwrapped{C1_CSI} here.\n  Second paragraph\x00."
    paper_fields["authors"] = [{"name": f"Xin{C1_CSI} Ding"}, {"name": OSC52}, {"name": "  "}, "Bare Name"]
    paper_fields["ai_summary"] = f"TL;DR{OSC52}"
    paper_fields["ai_keywords"] = [f"key{CLEAR}word", CLEAR]
    paper_fields["organization"] = {"fullname": f"Org{C1_CSI}"}
    (paper,) = parse_items([item]).papers
    assert paper.title == "Zetta ζ: An Embodied Harness"
    assert paper.abstract == "First line wrapped here.\nSecond paragraph."
    assert paper.authors == ["Xin Ding", "Bare Name"]
    assert (paper.ai_summary, paper.ai_keywords, paper.organization) == ("TL;DR", ["keyword"], "Org")
    assert_clean(paper)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "JAVASCRIPT:alert(document.cookie)",
        "data:text/html,<script>x</script>",
        "https://exa mple.com/repo",
        f"https://github.com/a/b{CLEAR}",
        "https://github.com/a/b\u202e",
        "https://github.com/a/b;rm -rf",
        "//github.com/no-scheme",
        ["https://github.com/a/b"],
    ],
    ids=repr,
)
def test_unsafe_links_are_dropped_with_a_warning_naming_the_paper(url: object) -> None:
    item = recorded(NEW_DAY)[0]
    item["paper"]["githubRepo"] = url
    item["paper"]["projectPage"] = url
    (paper,) = (result := parse_items([item])).papers
    assert paper.github_repo is None and paper.project_page is None and paper.links == []
    assert len(result.warnings) == 2 and all("2608.16590" in warning for warning in result.warnings)
    assert "GitHub repo" in result.warnings[0] and "project page" in result.warnings[1]
    assert not any(has_control(warning) for warning in result.warnings)


def test_absurd_sizes_are_capped_with_a_warning() -> None:
    item = recorded(NEW_DAY)[0]
    item["paper"]["title"] = "Long " * 5_000
    item["paper"]["summary"] = "word " * 50_000
    item["paper"]["authors"] = [{"name": f"Author {number}"} for number in range(3_000)]
    item["paper"]["ai_keywords"] = [f"keyword {number}" for number in range(500)]
    (paper,) = (result := parse_items([item])).papers
    assert len(paper.title) <= MAX_TITLE and paper.title.endswith("…")
    assert len(paper.abstract) <= MAX_ABSTRACT
    assert len(paper.authors) == MAX_AUTHORS and paper.authors_count == 3_000
    assert len(paper.ai_keywords) == MAX_KEYWORDS
    assert result.warnings == ["hf-api: item 0 (2608.16590): title, abstract, authors, AI keywords cut to size"]


def test_unusable_items_are_skipped_and_the_rest_of_the_day_lands() -> None:
    items: list[Any] = recorded(NEW_DAY)[:3]
    items[1]["paper"]["id"] = "not-an-id"
    items.insert(0, "a string")
    items.append({"paper": {"id": "2608.00001", "title": OSC52, "summary": "An abstract."}})
    result = parse_items(items)
    assert [paper.arxiv_id for paper in result.papers] == ["2608.16590", "2608.18565"]
    assert result.warnings == [
        "hf-api: item 0: not a paper object (str), skipped",
        "hf-api: item 2 ('not-an-id'): no usable arXiv id (title 'Co-RL: Unsupervised Reasoning Emerges from Diverse "
        "Cohort in…'), skipped",
        "hf-api: item 4 (2608.00001): no usable title (no title), skipped",
    ]


def test_a_top_level_value_that_is_no_list_is_one_warning() -> None:
    for value in ("text", 5, None):
        result = parse_items(value)
        assert result.papers == [] and len(result.warnings) == 1


def test_warnings_past_the_limit_are_counted_in_one_line() -> None:
    result = parse_items([None] * 250)
    assert result.warning_count == 250 and len(result.warnings) == 101
    assert result.warnings[-1] == "hf-api: … and 150 more warnings like these"


# --- fuzz ---------------------------------------------------------------------------------

_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(HOSTILE),
    st.builds(lambda left, hostile, right: left + hostile + right, st.text(max_size=10), st.sampled_from(HOSTILE),
              st.text(max_size=10)),
    st.sampled_from(["javascript:alert(1)", "file:///etc/passwd", "https://ok.example/x", "http://a.b/c d"]),
)  # fmt: skip
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=10,
)
_url = st.sampled_from(["https://github.com/a/b", "http://project.example/x", "javascript:alert(1)", "file:///x"])
_maybe_valid = {
    "id": st.sampled_from(["2608.16590", "2608.16590v3", "astro-ph/0601001"]) | _json,
    "title": _text,
    "summary": _text,
    "authors": st.lists(st.fixed_dictionaries({"name": _text}, optional={"hidden": _json}) | _json, max_size=4),
    "githubRepo": _url | _text | _json,
    "projectPage": _url | _text | _json,
    "ai_keywords": st.lists(_text | _json, max_size=4) | _json,
    "organization": st.fixed_dictionaries({}, optional={"fullname": _json, "name": _text}) | _json,
}
_REQUIRED = ("id", "title", "summary")
# Half the papers have the three fields an item needs in a usable form, so that the rest of
# the fields are exercised on papers that come out; the other half may have anything.
_paper = st.fixed_dictionaries(
    {name: _maybe_valid[name] for name in _REQUIRED},
    optional={name: _maybe_valid.get(name, _json) for name in PAPER_FIELDS if name not in _REQUIRED}
    | {"withdrawnAt": _json},
) | st.fixed_dictionaries({}, optional={name: _maybe_valid.get(name, _json) | _json for name in PAPER_FIELDS})
_item = st.fixed_dictionaries({"paper": _paper | _json}, optional={name: _json for name in ITEM_FIELDS[1:]})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(_item | _paper | _json, max_size=5), day=st.none() | st.text(max_size=12) | st.just(NEW_DAY))
def test_fuzzed_items_never_raise_nor_let_a_control_character_out(items: list[Any], day: str | None) -> None:
    result = parse_items(items, day)
    for paper in result.papers:
        assert_clean(paper)
        assert paper.title and paper.abstract and paper.arxiv_id
    for warning in result.warnings:
        assert not has_control(warning)


@settings(max_examples=200, deadline=None)
@given(item=_item)
def test_fuzzed_single_items_parse_alone(item: dict[str, Any]) -> None:
    result = SourceResult("fuzz", "daily_papers")
    paper = parse_item(item, 0, None, result)
    if paper is not None:
        assert_clean(paper)
