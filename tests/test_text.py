"""LaTeX accents, white space, slugs and tag normalization."""

import pytest

from store.text import clean_text, normalize_tag, slugify


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
