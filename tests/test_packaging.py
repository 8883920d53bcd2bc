"""paperdeck installs as one top-level name: `paperdeck` (with `paperdeck.store` and
`paperdeck.tui` mapped from the repository's `store/` and `tui/` folders)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from tests.conftest import REPO


def _declared_packages() -> list[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    return project["tool"]["setuptools"]["packages"]


def test_every_package_folder_is_declared() -> None:
    """A new sub-package under store/ or tui/ that is not in pyproject would be left out of a
    (non-editable) install: every folder with an __init__.py is listed, and nothing else."""
    found = {
        "paperdeck." + ".".join(init.parent.relative_to(REPO).parts)
        for folder in ("store", "tui")
        for init in (REPO / folder).rglob("__init__.py")
    }
    assert set(_declared_packages()) == found


def test_a_built_wheel_installs_only_the_paperdeck_name(tmp_path: Path) -> None:
    """What `pip install paperdeck` writes into site-packages: `paperdeck/` and its metadata,
    no `store` or `tui` (PyPI has unrelated packages of those names), with the sample dumps."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("paperdeck-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/", 1)[0] for name in names}
    assert {name for name in top_level if not name.endswith(".dist-info")} == {"paperdeck"}
    assert "paperdeck/__init__.py" not in names  # a namespace: nothing to collide with either
    assert "paperdeck/store/library.py" in names and "paperdeck/tui/app.py" in names
    assert sum(name.startswith("paperdeck/store/sample/") and name.endswith(".txt") for name in names) == 5


def test_import_and_version_come_from_the_installed_package(tmp_path: Path) -> None:
    """`import paperdeck` works from anywhere (not only from the repository, whose folders
    are named store/ and tui/), and --version prints the package metadata's version."""
    from importlib.metadata import version

    code = "import paperdeck, paperdeck.store.library, paperdeck.tui.app; import importlib.util as u; "
    code += "print(u.find_spec('store') is None and u.find_spec('tui') is None)"
    found = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "True"
    shown = subprocess.run(
        [sys.executable, "-m", "paperdeck.tui", "--version"], cwd=tmp_path, capture_output=True, text=True
    )
    assert shown.returncode == 0
    assert shown.stdout.strip() == f"paperdeck {version('paperdeck')}"
