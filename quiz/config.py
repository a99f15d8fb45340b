"""Learner settings: `config.toml` in the config folder, every key optional.

A missing file means the defaults; a broken one raises `ConfigError` with a
one-line message naming the file, because silently studying with defaults
after a typo would quietly change someone's schedule. `Settings.save()`
writes through tomlkit so the comments a learner put in the file survive.

Example `config.toml`::

    desired_retention = 0.85   # fewer reviews, more forgetting
    new_per_day = 10
    learning_steps = [1, 10, 60]
    theme = "nord"

A deck may override `desired_retention` in its `[deck]` table; see
`Settings.retention_for`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import tomli
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from quiz import paths
from quiz.core.models import DeckMeta

CONFIG_NAME = "config.toml"

Minutes = Annotated[int, Field(gt=0)]


class ConfigError(Exception):
    """`config.toml` cannot be read or holds an invalid setting; the message is one line."""


def config_path() -> Path:
    """Where the settings live: `config.toml` in `quiz.paths.config_dir()`."""
    return paths.config_dir() / CONFIG_NAME


class Settings(BaseModel):
    """Study and display settings; defaults match Anki's FSRS defaults where both have one."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_assignment=True)

    desired_retention: Annotated[float, Field(gt=0.7, lt=1.0)] = 0.9
    """Chance of remembering a card when it comes due; higher means more frequent reviews."""
    learning_steps: list[Minutes] = Field(default_factory=lambda: [1, 10])
    """Minutes between the first reviews of a new card before it graduates to days."""
    relearning_steps: list[Minutes] = Field(default_factory=lambda: [10])
    """Minutes between reviews of a forgotten card before it returns to days."""
    maximum_interval: Annotated[int, Field(ge=1)] = 36500
    """Longest gap in days between two reviews of a card."""
    new_per_day: Annotated[int, Field(ge=0)] = 20
    """New cards introduced per deck per study day."""
    reviews_per_day: Annotated[int, Field(ge=0)] = 200
    """Most cards shown per deck per study day (learning steps of today's cards not counted)."""
    day_starts_at: Annotated[int, Field(ge=0, le=23)] = 4
    """Local hour at which a study day ends, so a late-night session counts as the same day."""
    fuzz: bool = True
    """Spread review intervals a little so cards learnt together do not stay bunched."""
    parameters: list[float] | None = None
    """FSRS model weights fitted by `quiz optimize`; the library defaults when absent."""
    theme: str = "textual-dark"
    """Name of the Textual theme of the full-screen interface."""

    def retention_for(self, deck: DeckMeta | None) -> float:
        """The desired retention for a deck: its `[deck]` override, else the global one."""
        if deck is not None and deck.desired_retention is not None:
            return deck.desired_retention
        return self.desired_retention

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read settings from `path` (default `config_path()`); a missing file gives defaults.

        Raises:
            ConfigError: the file is not valid TOML or a setting is unknown or out of range.
        """
        path = path or config_path()
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path}: cannot read settings: {error}") from None
        try:
            data = tomli.loads(raw)
        except tomli.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML: {error}") from None
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "settings"
            message = "unknown setting" if first["type"] == "extra_forbidden" else first["msg"]
            raise ConfigError(f"{path}: {where}: {message}") from None

    def save(self, path: Path | None = None) -> Path:
        """Write the settings that differ from the file, keeping its comments and layout.

        Settings still at their default and absent from the file stay absent, so
        the file keeps showing only what the learner chose.
        """
        import tomlkit

        path = path or config_path()
        try:
            document = tomlkit.parse(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            document = tomlkit.document()
        except tomlkit.exceptions.ParseError as error:
            raise ConfigError(f"{path}: not valid TOML, not overwriting it: {error}") from None
        defaults = Settings()
        for name, value in self.model_dump().items():
            present = name in document
            if value is None:
                if present:
                    del document[name]
            elif present or value != getattr(defaults, name):
                document[name] = value  # tomlkit keeps the line's comment
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(tomlkit.dumps(document), encoding="utf-8")
        temporary.replace(path)
        return path
