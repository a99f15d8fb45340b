"""Where quiz keeps its files: the one seam tests patch so a developer's own data never leaks in.

Every other module asks this one for a path instead of calling platformdirs
itself; the autouse fixture in `tests/conftest.py` points all of them at a
temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP_NAME = "quiz"
DB_ENV = "QUIZ_DB"
"""Environment variable naming the study database; `--db` overrides it."""
DATA_ENV = "QUIZ_DATA_DIR"
"""Environment variable moving the whole data folder (tests and portable installs)."""


def data_dir() -> Path:
    """The user data folder: database, backups and user decks live under it."""
    override = os.environ.get(DATA_ENV)
    return Path(override) if override else user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    """The folder of `config.toml`, beside the data when `QUIZ_DATA_DIR` is set."""
    override = os.environ.get(DATA_ENV)
    return Path(override) if override else user_config_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """The user cache folder (validated decks); `cache/` in the data folder when
    `QUIZ_DATA_DIR` is set, so tests and portable installs keep everything in one place."""
    override = os.environ.get(DATA_ENV)
    return Path(override) / "cache" if override else user_cache_path(APP_NAME, appauthor=False)


def db_path(explicit: Path | None = None) -> Path:
    """The study database: `--db`, then `$QUIZ_DB`, then `quiz.sqlite3` in the data folder."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get(DB_ENV)
    return Path(from_env) if from_env else data_dir() / "quiz.sqlite3"


def backups_dir(database: Path) -> Path:
    """Backups sit in `backups/` beside the database they copy."""
    return database.parent / "backups"


def user_decks_dir() -> Path:
    """Where a user keeps their own decks; listed in the library with the bundled ones."""
    return data_dir() / "decks"


def bundled_decks_dir() -> Path | None:
    """The `decks/` folder of a source checkout or editable install, if there is one."""
    candidate = Path(__file__).resolve().parent.parent / "decks"
    return candidate if candidate.is_dir() else None
