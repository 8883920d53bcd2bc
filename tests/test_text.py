"""LaTeX accents, white space, slugs and tag normalization."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperdeck.store.text import clean_text, fold_ascii, normalize_tag, slugify


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Poincar\\'e ball", "Poincaré ball"),
        ("Poincar\\'{e}", "Poincaré"),
        ("{\\'e}cole", "école"),
        ("{\\'{e}}cole", "école"),
        ('T\\"ulu 3', "Tülu 3"),
        ('na\\"ive', "naïve"),
        ("\\`a la", "à la"),
        ("\\^{o}te", "ôte"),
        ("Espa\\~na", "España"),
        ("Gar\\c{c}on", "Garçon"),
        ("Gar\\c con", "Garçon"),
        ("{\\c c}a", "ça"),
        ("by 50\\% and A\\&B", "by 50% and A&B"),
        ("  tabs\tand   spaces \t ", "tabs and spaces"),
        ("no escapes here", "no escapes here"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("FlexVAR: Flexible Visual Autoregressive Modeling", "flexvar-flexible-visual-autoregressive-modeling"),
        ("Poincaré ResNet", "poincare-resnet"),
        ("  (0-)Image-Conditioned 3D!  ", "0-image-conditioned-3d"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slug_of_title_without_ascii_is_stable_and_nonempty() -> None:
    assert slugify("深度学习") == slugify("深度学习")
    assert slugify("深度学习").startswith("paper-")
    assert slugify("深度学习") != slugify("机器学习")


@pytest.mark.parametrize(
    ("raw", "tag"),
    [("ToRead", "toread"), ("  to read  ", "to-read"), ("#Diffusion", "diffusion"), ("a \t b", "a-b"), ("  ", "")],
)
def test_normalize_tag(raw: str, tag: str) -> None:
    assert normalize_tag(raw) == tag


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(" \t\r\x0b\x0c\x1c\x1f\\'{}e")))
def test_clean_text_fast_path_folds_white_space_like_split(text: str) -> None:
    """The shortcut for lines with nothing to fold gives what split + join gives."""
    cleaned = clean_text(text)
    assert cleaned == " ".join(cleaned.split())
    # Control characters that are not white space are removed (tests/test_clean.py).
    if "\\" not in text and all(ch.isspace() or ch.isprintable() for ch in text):
        assert cleaned == " ".join(text.split())


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_slugify_matches_the_regex_definition(title: str) -> None:
    """Lower case, runs of non-alphanumerics to one `-`, trimmed (the translate version)."""
    expected = re.sub(r"[^a-z0-9]+", "-", fold_ascii(title).lower()).strip("-")
    if expected:
        assert slugify(title) == expected
