"""The browser's settings file (JSON): key remaps by binding id, the read delay, clipboard,
theme, where exports are saved, and whether to fetch at start.

Example `config.json`:
    {"keymap": {"main.star": "x", "list.down": "j,down,ctrl+n"}, "read_delay": 2.0, "osc52": true,
     "theme": "nord", "export_folder": "~/papers/exports", "fetch_on_start": false}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson


@dataclass(slots=True)
class Config:
    """Browser settings with their defaults; unknown keys in the file are ignored."""

    keymap: dict[str, str] = field(default_factory=dict)
    read_delay: float = 2.0  # seconds a paper stays highlighted before it counts as read; 0 = never
    osc52: bool = True
    theme: str | None = None
    export_folder: str = ""  # "" : the user's downloads folder
    fetch_on_start: bool = False  # the browser never fetches on its own unless asked to here
    problems: list[str] = field(default_factory=list)

    @property
    def export_path(self) -> Path:
        """Where `E` saves exports."""
        if self.export_folder:
            return Path(self.export_folder).expanduser()
        from platformdirs import user_downloads_dir

        return Path(user_downloads_dir())


def load_config(path: Path) -> Config:
    """Read the config file; a missing file gives defaults, a bad one gives defaults plus a
    problem message (the browser shows it) rather than refusing to start."""
    config = Config()
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return config
    except (OSError, orjson.JSONDecodeError) as error:
        config.problems.append(f"{path}: ignored, not valid JSON ({error})")
        return config
    if not isinstance(data, dict):
        config.problems.append(f"{path}: ignored, expected a JSON object")
        return config
    keymap = data.get("keymap", {})
    if isinstance(keymap, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in keymap.items()):
        config.keymap = dict(keymap)
    else:
        config.problems.append(f"{path}: 'keymap' must map binding ids to key strings")
    delay = data.get("read_delay", config.read_delay)
    if isinstance(delay, int | float) and delay >= 0:
        config.read_delay = float(delay)
    else:
        config.problems.append(f"{path}: 'read_delay' must be a number of seconds >= 0")
    config.osc52 = bool(data.get("osc52", True))
    theme = data.get("theme")
    config.theme = theme if isinstance(theme, str) else None
    folder = data.get("export_folder", "")
    if isinstance(folder, str):
        config.export_folder = folder
    else:
        config.problems.append(f"{path}: 'export_folder' must be a folder's path")
    config.fetch_on_start = data.get("fetch_on_start", False) is True
    return config
