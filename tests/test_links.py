"""Link extraction, clean-up and classification, table-driven, plus the seeds' examples."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperdeck.store.links import classify, find_links, is_safe_url
from paperdeck.store.models import Link, primary_link


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("Code: https://github.com/hustvl/GaussTR.", ["https://github.com/hustvl/GaussTR"]),
        ("at szymanowiczs.github.io/viewset-diffusion.", ["https://szymanowiczs.github.io/viewset-diffusion"]),
        ("page https://wm-research.github.io/worldsplat/", ["https://wm-research.github.io/worldsplat/"]),
        ("(see https://x.io/a)", ["https://x.io/a"]),
        ("(see https://x.io/a).", ["https://x.io/a"]),
        ("https://en.wikipedia.org/wiki/A_(b)", ["https://en.wikipedia.org/wiki/A_(b)"]),
        ("(https://en.wikipedia.org/wiki/A_(b))", ["https://en.wikipedia.org/wiki/A_(b)"]),
        ("available~https://a.org/r/README.md{here.}", ["https://a.org/r/README.md"]),
        ("[https://a.org/x], and", ["https://a.org/x"]),
        ('"https://a.org/q?x=1";', ["https://a.org/q?x=1"]),
        ("end https://a.org/x!?", ["https://a.org/x"]),
        ("go to github.com/a/b, or gitlab.com/c/d:", ["https://github.com/a/b", "https://gitlab.com/c/d"]),
        ("weights huggingface.co/org/model.", ["https://huggingface.co/org/model"]),
        ("demo at foo.gitlab.io/x", ["https://foo.gitlab.io/x"]),
        ("https://github.com/NVIDIA/Megatron-LM#retro.", ["https://github.com/NVIDIA/Megatron-LM#retro"]),
        ("HTTPS://Example.org/A", ["https://Example.org/A"]),
        ("twice https://a.org/x and https://a.org/x.", ["https://a.org/x"]),
        ("order b.github.io then https://a.org", ["https://b.github.io", "https://a.org"]),
        ("no link in e.g. this sentence or user@github.com", []),
        ("a bare example.com is not a link", []),
        ("broken https://. link", []),
    ],
)
def test_find_links(text: str, urls: list[str]) -> None:
    assert [link.url for link in find_links(text)] == urls


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://github.com/a/b", "code"),
        ("https://www.github.com/a/b", "code"),
        ("https://gitlab.com/a/b", "code"),
        ("https://bitbucket.org/a/b", "code"),
        ("https://huggingface.co/datasets/a/b", "data"),
        ("https://huggingface.co/org/model", "data"),
        ("https://huggingface.co/spaces/a/demo", "project"),
        ("https://a.github.io/p", "project"),
        ("https://sites.google.com/view/x", "project"),
    ],
)
def test_classify(url: str, kind: str) -> None:
    assert classify(url) == kind


def test_primary_link_prefers_project_then_code() -> None:
    data, code, project = (
        Link("https://huggingface.co/a/b", "data"),
        Link("https://github.com/a/b", "code"),
        Link("https://a.github.io", "project"),
    )
    assert primary_link([data, code, project]) == project
    assert primary_link([data, code]) == code
    assert primary_link([data]) == data
    assert primary_link([]) is None


def test_seed_examples(seed_papers) -> None:
    by_prefix = {paper.title.split(":")[0]: paper for paper in seed_papers}
    assert by_prefix["GaussTR"].primary_link.url == "https://github.com/hustvl/GaussTR"
    assert by_prefix["Viewset Diffusion"].primary_link.url == "https://szymanowiczs.github.io/viewset-diffusion"
    assert by_prefix["WorldSplat"].primary_link.url == "https://wm-research.github.io/worldsplat/"
    for paper in seed_papers:
        for link in paper.links:
            assert link.url.startswith(("http://", "https://")), link
            assert link.url[-1] not in ".,;:!?)\"'", link


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://a.org/x", True),
        ("http://a.org/x?y=1#z", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("https://a.org/$(rm -rf ~)", False),
        ("https://a.org/x;ls", False),
        ("https://a.org/`id`", False),
        ("https://a.org/x\x1b]52;c;", False),
        ('https://a.org/x"&open -a Calculator', False),
        ("https://a.org/x\x9b31m", False),
        ("https://a.org/\u202egpj.exe", False),
        ("http://[::1", False),
    ],
)
def test_is_safe_url(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "h",
                "t",
                "p",
                "s",
                "S",
                "H",
                "T",
                ":",
                "/",
                "//",
                "://",
                "http",
                "https://",
                "HTTP://",
                "x.y",
                " ",
                "\n",
                "<",
                "é",
                "a",
            ]
        ),
        max_size=25,
    ).map("".join)
)
def test_links_with_a_scheme_are_found_from_the_colons_exactly_as_by_the_regex(text: str) -> None:
    """The fast scan for `://` yields the very matches `_SCHEMED.finditer` does."""
    from paperdeck.store.links import _SCHEMED, _schemed_links

    expected = [(match.start(), match.group(0)) for match in _SCHEMED.finditer(text)]
    assert [(match.start(), match.group(0)) for match in _schemed_links(text)] == expected
