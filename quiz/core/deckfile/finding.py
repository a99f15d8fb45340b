"""Finding deck files on disk, without loading them.

Apart from `loading` because the library lists deck folders at every start and
reads what it shows from the store's cache: it must not import the loader, and
with it pydantic and the deck models, unless a file changed and has to be parsed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def find_deck_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The deck files named by `paths`: files as given, folders searched for `*.toml`.

    Hidden folders (`.git`, `.venv`) are skipped; the result is sorted and has no repeats.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(
                file
                for file in path.rglob("*.toml")
                if file.is_file()
                and not any(part.startswith(".") for part in file.relative_to(path).parts)
            )
        else:
            found.append(path)
    return sorted(set(found))
