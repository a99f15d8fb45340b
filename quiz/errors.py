"""The project's own errors, under one base so that the CLI reports any of them in one place.

A `QuizError` is something the user can act on: its message says what is wrong and how to
fix it. Anything else that escapes a command is a bug and keeps its traceback. This module
imports nothing from `quiz`, so every layer (paths, config, the core, the front ends) can
raise these without an import cycle.
"""

from __future__ import annotations


class QuizError(Exception):
    """An error the user can act on; `str()` is the whole message, ready to print."""


class ConfigError(QuizError):
    """`config.toml` cannot be read or holds an invalid setting; the message is one line."""


class StoreError(QuizError):
    """A problem with the study database the user can act on; the message says how."""


class StoreConflict(StoreError):
    """A card changed in the database since the caller read it (another process answered it)."""


class ImportFormatError(QuizError):
    """An input file that holds nothing an importer can turn into questions."""


class NothingToAsk(QuizError):
    """A quiz with no question to ask: every one of the deck's questions is stale."""
