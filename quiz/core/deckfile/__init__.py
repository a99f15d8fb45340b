"""Deck files: finding them, loading them, and telling a teacher what is wrong with them.

- `finding`: the deck files in a folder (no parsing, no pydantic: the library lists
  folders at every start).
- `loading`: read, parse and validate a file into a `Deck` (`load_deck`, `parse_deck`).
- `diagnostics`: `Diagnostic` (FILE:LINE:COL findings) and `DeckError`, which carries them.
- `toml_syntax`: tomli's syntax errors in a teacher's words.
- `validation_errors`: pydantic's validation errors in a teacher's words, with did-you-mean.
- `toml_positions`: where each key and value was written, to place those messages.
- `lint`: the warnings `quiz check` adds on decks that load.

This file imports nothing: `finding` and `diagnostics` must stay importable without
pulling in the loader and pydantic.
"""
