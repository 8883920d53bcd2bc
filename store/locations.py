"""Where the library and the config live: --library DIR, else $PAPERDECK_HOME, else the
platform's user data folder (platformdirs), so the rest of the code never guesses a path."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "paperdeck"
SAMPLE_DIR = Path(__file__).parent / "sample"


def library_dir(override: str | Path | None = None) -> Path:
    """The library folder: the explicit override, else $PAPERDECK_HOME, else the user data dir."""
    if override:
        return Path(override).expanduser()
    home = os.environ.get("PAPERDECK_HOME")
    if home:
        return Path(home).expanduser()
    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_path(library: Path) -> Path:
    """The browser's config file (keymap, read delay): beside the library when PAPERDECK_HOME
    or --library chose the folder, else in the user config dir."""
    default_library = Path(user_data_dir(APP_NAME, appauthor=False))
    if library != default_library:
        return library / "config.json"
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.json"


def sample_dumps() -> list[Path]:
    """The bundled sample dumps (a copy of the five seed pages), in file-name order."""
    return sorted(SAMPLE_DIR.glob("*.txt"))
