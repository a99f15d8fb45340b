"""Learner settings: `config.toml` in the config folder, every key optional.

A missing file means the defaults; a broken one raises `ConfigError` with a
one-line message naming the file and the key, because silently studying with
defaults after a typo would quietly change someone's schedule. `Settings.save()`
writes through tomlkit so the comments a learner put in the file survive.

Example `config.toml`::

    desired_retention = 0.85   # fewer reviews, more forgetting
    new_per_day = 10
    learning_steps = [1, 10, 60]
    theme = "nord"

A deck may override `desired_retention` in its `[deck]` table; see
`Settings.retention_for`.

Why a dataclass with hand-written checks and not a pydantic model: every `quiz`
start reads the settings, and importing pydantic costs ~90 ms, a third of a bare
Textual start (tests/bench/README.md). The table is flat and small (numbers with
bounds, lists of them, a flag, a name), so each field carries its rule (`_Rule`)
and every assignment is checked against it, at construction, on load and later
(`settings.parameters = fitted`), as pydantic's strict `validate_assignment` did.
The messages keep pydantic's wording, so they read as they always have.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from quiz import paths
from quiz.errors import ConfigError

if TYPE_CHECKING:
    from quiz.core.models import DeckMeta

CONFIG_NAME = "config.toml"

MINUTES_A_YEAR = 365 * 24 * 60
"""The longest learning step: past it a step is no longer a step (and overflows a date)."""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The names `easy_days` accepts, in `date.weekday()` order."""

MOST_CARDS_A_DAY = 1_000_000
"""The highest daily limit: more than anyone studies, small enough for any arithmetic."""


class SettingError(ValueError):
    """A setting given a value it does not accept; `where` is its key (`learning_steps.1`)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def config_path() -> Path:
    """Where the settings live: `config.toml` in `quiz.paths.config_dir()`."""
    return paths.config_dir() / CONFIG_NAME


class _Rule(NamedTuple):
    """What one setting accepts: a value of `kind` within the bounds, or a list of them."""

    kind: type[int] | type[float] | type[bool] | type[str]
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    many: bool = False
    """A list of such values."""
    optional: bool = False
    """None is allowed too (TOML has no null: it means the key is absent)."""
    choices: tuple[str, ...] = ()
    """The only values allowed, when the setting names one of a few modes."""

    def check(self, where: str, value: object) -> Any:
        """`value` as the setting holds it (ints in a float setting become floats).

        Strict as TOML is typed: a bool is not a number, a float not an integer.
        """
        if value is None and self.optional:
            return None
        if not self.many:
            return self._one(where, value)
        if type(value) is not list:
            raise SettingError(where, "Input should be a valid list")
        return [self._one(f"{where}.{index}", item) for index, item in enumerate(value)]

    def _one(self, where: str, value: object) -> object:
        if self.kind is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SettingError(where, "Input should be a valid number")
            if not math.isfinite(value):
                raise SettingError(where, "Input should be a finite number")
            value = float(value)
        elif type(value) is not self.kind:
            names = {int: "integer", bool: "boolean", str: "string"}
            raise SettingError(where, f"Input should be a valid {names[self.kind]}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self._bounds(where, value)
        if self.choices and value not in self.choices:
            raise SettingError(where, "Input should be " + " or ".join(map(repr, self.choices)))
        return value

    def _bounds(self, where: str, value: float) -> None:
        broken = (
            ("greater than", self.gt, self.gt is not None and not value > self.gt),
            ("greater than or equal to", self.ge, self.ge is not None and not value >= self.ge),
            ("less than", self.lt, self.lt is not None and not value < self.lt),
            ("less than or equal to", self.le, self.le is not None and not value <= self.le),
        )
        for words, bound, failed in broken:
            if failed and bound is not None:
                shown = f"{bound:.0f}" if float(bound).is_integer() else f"{bound:g}"
                raise SettingError(where, f"Input should be {words} {shown}")


def _rule(
    kind: type[int] | type[float] | type[bool] | type[str], **limits: Any
) -> dict[str, _Rule]:
    """Field metadata holding the setting's rule."""
    return {"rule": _Rule(kind, **limits)}


@dataclass
class Settings:
    """Study and display settings; defaults match Anki's FSRS defaults where both have one."""

    desired_retention: float = field(default=0.9, metadata=_rule(float, gt=0.7, lt=1.0))
    """Chance of remembering a card when it comes due; higher means more frequent reviews."""
    learning_steps: list[int] = field(
        default_factory=lambda: [1, 10], metadata=_rule(int, gt=0, le=MINUTES_A_YEAR, many=True)
    )
    """Minutes between the first reviews of a new card before it graduates to days."""
    relearning_steps: list[int] = field(
        default_factory=lambda: [10], metadata=_rule(int, gt=0, le=MINUTES_A_YEAR, many=True)
    )
    """Minutes between reviews of a forgotten card before it returns to days."""
    maximum_interval: int = field(default=36500, metadata=_rule(int, ge=1, le=36500))
    """Longest gap in days between two reviews of a card."""
    new_per_day: int = field(default=20, metadata=_rule(int, ge=0, le=MOST_CARDS_A_DAY))
    """New cards introduced per deck per study day."""
    reviews_per_day: int = field(default=200, metadata=_rule(int, ge=0, le=MOST_CARDS_A_DAY))
    """Most cards shown per deck per study day (learning steps of today's cards not counted)."""
    day_starts_at: int = field(default=4, metadata=_rule(int, ge=0, le=23))
    """Local hour at which a study day ends, so a late-night session counts as the same day."""
    fuzz: bool = field(default=True, metadata=_rule(bool))
    """Spread review intervals a little so cards learnt together do not stay bunched."""
    load_balancing: bool = field(default=True, metadata=_rule(bool))
    """Within the spread fuzz allows, put a review on the day with the fewest cards due
    (as Anki 24.11 does), so the daily workload stays even; needs `fuzz`."""
    easy_days: list[str] = field(
        default_factory=list, metadata=_rule(str, many=True, choices=WEEKDAYS)
    )
    """Weekdays ("sat", "sun") that get a lighter share of the reviews: load balancing
    moves reviews off them, within each card's fuzz range only."""
    easy_day_load: float = field(default=0.5, metadata=_rule(float, ge=0.0, le=1.0))
    """The share of an ordinary day's load an easy day gets (0: none when avoidable)."""
    parameters: list[float] | None = field(
        default=None, metadata=_rule(float, many=True, optional=True)
    )
    """FSRS model weights fitted by `quiz optimize`; the library defaults when absent."""
    leech_threshold: int = field(default=8, metadata=_rule(int, ge=1, le=1000))
    """Lapses after which a card is a leech: announced, listed, and maybe suspended."""
    leech_action: str = field(default="mark", metadata=_rule(str, choices=("mark", "suspend")))
    """What becomes of a leech: "mark" keeps it in the queue, "suspend" takes it out until
    the learner rewrites or unsuspends it."""
    sync_on_study: bool = field(default=False, metadata=_rule(bool))
    """Run `quiz sync` when a study session starts (in the background, never in the way of
    the first question) and when it ends; a folder that is not there only gets a note."""
    theme: str = field(default="textual-dark", metadata=_rule(str))
    """Name of the Textual theme of the full-screen interface."""
    synchronous: str = field(default="full", metadata=_rule(str, choices=("full", "normal")))
    """How hard each answer is pushed to the disk before the next card shows.

    "full" (the default) waits for the disk to confirm every answer (an fsync), so
    an answer quiz showed as saved survives a power cut or an OS crash. "normal"
    skips that wait: an answer still survives quiz crashing or being killed, but
    the latest answers (those the system had not yet written out, typically the
    last half minute) may be lost if the computer loses power or crashes. The wait
    cost 0.2-4 ms per answer on the benchmark's disk (tests/bench/README.md); the
    database is never corrupted either way.
    """

    def __setattr__(self, name: str, value: object) -> None:
        """Every assignment is checked (raises `SettingError`), the constructor's too."""
        rule = _RULES.get(name)
        if rule is None:
            raise SettingError(name, "unknown setting")
        super().__setattr__(name, rule.check(name, value))

    @property
    def sqlite_synchronous(self) -> Literal["FULL", "NORMAL"]:
        """`synchronous` as the `PRAGMA synchronous` level `Store.open` takes."""
        return "NORMAL" if self.synchronous == "normal" else "FULL"

    @property
    def weekday_loads(self) -> tuple[float, ...]:
        """Each weekday's share of the load (Monday first): `easy_day_load` on easy days."""
        return tuple(self.easy_day_load if day in self.easy_days else 1.0 for day in WEEKDAYS)

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
        import tomli  # only when there is a file to read

        try:
            data = tomli.loads(raw)
        except tomli.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML: {error}") from None
        except RecursionError:
            raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None
        except ValueError:  # Python's own limit: an integer of over 4,300 digits
            raise ConfigError(f"{path}: not valid TOML: a number over 4,300 digits long") from None
        try:
            unknown = next((key for key in data if key not in _RULES), None)
            if unknown is not None:
                raise SettingError(unknown, "unknown setting")
            settings = cls(**data)
            if settings.parameters is not None:
                _check_parameters(settings.parameters)
            return settings
        except SettingError as error:
            raise ConfigError(f"{path}: {error}") from None

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
        for name, value in asdict(self).items():
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


_RULES: dict[str, _Rule] = {f.name: f.metadata["rule"] for f in fields(Settings)}


def _check_parameters(parameters: list[float]) -> None:
    """FSRS's own check of fitted weights (their count and each one's bounds), run when a
    file sets them: the library only reads them when a review starts, too late to say
    which file is wrong. Imports fsrs (~35 ms) only for a file that has `parameters`."""
    import fsrs

    try:
        fsrs.Scheduler(parameters=parameters)
    except ValueError as error:
        lines = str(error).splitlines()
        more = f" (and {len(lines) - 2} more)" if len(lines) > 2 else ""
        raise SettingError("parameters", " ".join(lines[:2]) + more) from None
