"""Textual's parsed stylesheet kept between runs: the first frame does not parse CSS.

Before its first frame Textual parses the CSS of every widget class on screen: for the quiz
screen about 20 sources and 7 ms, a sixth of what `quiz take` spends over a bare Textual
app (issue 15, tests/bench/README.md). What a source parses to depends only on its text,
where it was read from and the theme's variables, so the rules a start parsed are kept in
the user cache folder, one file a first screen (a library start meets other widgets than a
quiz), and the next start puts them in its stylesheet's parse cache before Textual parses.

A file is used under the rules of `quiz.core.cache_files` (the user's own folder, whole
writes, a header and a CRC-32). The header names this format, this Python and the source
files of Textual's rules (size and modification time, as Python tells a stale `.pyc`): the
pickle holds Textual's own objects, which another release may shape differently. Its rules
serve only a stylesheet with the variables they were parsed with (the same theme).

Nothing public reaches Textual's parse cache, so this uses `Stylesheet._parse_cache` and
`Stylesheet._variables`; when they are not what this expects, it does nothing and Textual
parses as usual. `tests/ui/test_stylesheet_cache.py` checks that a start from a kept file
parses no CSS at all, so a Textual release that moves them fails a test rather than quietly
making every start slower.
"""

from __future__ import annotations

import functools
import importlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any, TypeAlias

from textual.cache import LRUCache
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet

from quiz.core.cache_files import make_private_folder, private_folder, sealed, unsealed, write_whole

ParseKey: TypeAlias = tuple[Any, ...]
"""How Textual keys a parse: (css, read_from, is_default_rules, tie_breaker, scope)."""
Kept: TypeAlias = tuple[dict[str, str], dict[ParseKey, list[RuleSet]]]
"""A file's payload: the variables its rules were parsed with, and the rules by key."""

_MAGIC = b"quiz stylesheet cache 1\n"
SUFFIX = ".stylesheet"
_TEXTUAL_RULES = (
    "textual.css.parse",
    "textual.css.tokenize",
    "textual.css._styles_builder",
    "textual.css.stylesheet",
    "textual.css.model",
    "textual.css.match",
    "textual.css.styles",
    "textual.css.scalar",
    "textual.color",
    "textual.geometry",
    "textual.layouts.horizontal",
    "textual.layouts.vertical",
    "textual.layouts.grid",
)
"""The modules that parse Textual CSS and define the objects a parse makes."""


class StylesheetCache:
    """The parsed rules of one first screen's start, in `folder` (created on first write).

    `restore` fills a stylesheet's parse cache from the file; `keep` writes the file when
    the stylesheet parsed sources the file lacks (the first start, an edited `.tcss`, a new
    Textual, another theme), and leaves it alone otherwise.
    """

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.file = folder / f"{name}{SUFFIX}"
        self._kept: Kept | None = None

    def restore(self, stylesheet: Stylesheet) -> None:
        """Put the kept rules in `stylesheet`'s parse cache, if it has the variables they
        were parsed with (called again after the theme changes them)."""
        cache, variables = _parse_cache(stylesheet), _variables(stylesheet)
        if cache is None or variables is None:
            return
        kept_variables, rules = self._read()
        if kept_variables != variables:
            return
        for key, parsed in rules.items():
            if cache.get(key) is None:
                cache.set(key, parsed)

    def keep(self, stylesheet: Stylesheet) -> None:
        """Write the rules `stylesheet` has parsed, if it parsed any the file lacks. The
        file's rules for sources read from elsewhere stay (a question of another kind may be
        first next time); a source whose text changed replaces its old rules."""
        cache, variables = _parse_cache(stylesheet), _variables(stylesheet)
        header = _header()
        if cache is None or variables is None or header is None:
            return
        # What this stylesheet's sources parse to; the cache also holds rules restored for
        # sources it does not have, or had with other text.
        sources = {(read_from, source.content) for read_from, source in stylesheet.source.items()}
        parsed = {
            key: rules
            for key in list(cache.keys())
            if (key[1], key[0]) in sources and (rules := cache.get(key))
        }
        kept_variables, kept = self._read()
        if kept_variables == variables:
            if parsed.keys() <= kept.keys():
                return
            read_now = {key[1] for key in parsed}
            parsed = {**{k: v for k, v in kept.items() if k[1] not in read_now}, **parsed}
        try:
            payload = pickle.dumps((dict(variables), parsed), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an object of a future Textual that does not pickle
            return
        try:
            if make_private_folder(self.folder):
                write_whole(self.file, sealed(header, payload))
        except OSError:
            return  # a full disk or a read-only home: the next start parses
        self._kept = (dict(variables), parsed)

    def _read(self) -> Kept:
        """The file's variables and rules (read once), or nothing when it is missing or not
        trusted."""
        if self._kept is None:
            self._kept = {}, {}
            header = _header()
            try:
                data = self.file.read_bytes() if private_folder(self.folder) else b""
            except OSError:
                data = b""
            payload = None if header is None else unsealed(data, header)
            if payload is not None:
                self._kept = _decoded(payload)
        return self._kept


def _decoded(payload: memoryview) -> Kept:
    """A file's variables and rules, or nothing for a payload this version cannot trust."""
    try:
        variables, rules = pickle.loads(payload)
    except Exception:  # a damaged pickle can raise nearly anything
        return {}, {}
    if not isinstance(variables, dict) or not isinstance(rules, dict):
        return {}, {}
    for key, parsed in rules.items():
        if not isinstance(key, tuple) or not isinstance(parsed, list):
            return {}, {}
        if not all(isinstance(rule, RuleSet) for rule in parsed):
            return {}, {}
    return variables, rules


def _parse_cache(stylesheet: Stylesheet) -> LRUCache[ParseKey, list[RuleSet]] | None:
    cache = getattr(stylesheet, "_parse_cache", None)
    return cache if isinstance(cache, LRUCache) else None


def _variables(stylesheet: Stylesheet) -> dict[str, str] | None:
    variables = getattr(stylesheet, "_variables", None)
    return variables if isinstance(variables, dict) else None


@functools.cache
def _header() -> bytes | None:
    """This format, this Python, and the size and modification time of each of Textual's
    rules modules; None when one cannot be found (then nothing is kept or read)."""
    stamps = []
    try:
        for name in _TEXTUAL_RULES:
            source = importlib.import_module(name).__file__
            if source is None:
                return None
            found = os.stat(source)
            stamps.append(b"%x.%x" % (found.st_size, found.st_mtime_ns))
    except (ImportError, OSError):
        return None
    return b"%s%s %s\n" % (_MAGIC, sys.version.split()[0].encode(), b" ".join(stamps))
