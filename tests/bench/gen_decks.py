"""Generate synthetic decks for the loader benchmark: 1k, 10k and 100k questions.

The decks mix every question kind in proportions a real deck might have, with
sentence-like text (some of it accented) averaging ~440 bytes a question, so that
parse and validation costs resemble those of hand-written decks. Output is
deterministic for a given seed, and goes to `tests/bench/out/` (gitignored).

    python tests/bench/gen_decks.py [--sizes 1000 10000 100000] [--seed 2025] [--out FOLDER]
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from pathlib import Path

from quiz.core.text import normalize

OUT = Path(__file__).resolve().parent / "out"
SIZES = (1_000, 10_000, 100_000)
SEED = 2025

PROSE = (
    "the government announced that opposition leaders were released after months of talks "
    "between envoys and officials in the capital while sanctions on potash exports were eased "
    "human rights groups welcomed the decision but warned that hundreds of political prisoners "
    "remain behind bars and that independent media still face pressure across the region "
    "the river flows through several countries before reaching the sea and its delta is home "
    "to many species of birds that migrate each spring from the south the treaty was signed "
    "by representatives of twelve states who agreed to reduce tariffs and share information "
    "about trade routes railways ports bridges and the old city walls built in the fourteenth "
    "century the element is a soft silvery metal that reacts with water and is stored under "
    "oil in laboratories its atomic number places it among the alkali metals of the table"
)
WORDS = tuple(PROSE.split())
NAMES = (
    "Ales Bialiatski",
    "Maria Kalesnikava",
    "Viktar Babaryka",
    "Siarhei Tsikhanouski",
    "Łukasz Nowak",
    "Zoë Lefèvre",
    "José Álvarez",
    "Ingrid Øster",
    "Kraków",
    "Vilnius",
    "Białowieża",
    "São Paulo",
    "the Dnieper",
    "the Danube",
    "Viasna",
    "potassium",
    "sodium",
    "Minsk",
)
TAGS = ("news", "history", "geography", "people", "science", "europe", "economy", "law")
UNITS = (None, None, "km", "kg", "people", "%", "years")
KINDS: tuple[tuple[str, int], ...] = (
    ("short", 20),
    ("choice", 20),
    ("flashcard", 14),
    ("truefalse", 10),
    ("numeric", 10),
    ("multi", 8),
    ("cloze", 8),
    ("order", 5),
    ("match", 5),
)
"""Kinds and their weights: mostly typed answers and single choices, like the bundled decks."""


def s(text: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def strings(values: list[str]) -> str:
    return "[" + ", ".join(s(value) for value in values) + "]"


class Writer:
    """Random but reproducible deck text."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choices(WORDS, k=self.rng.randint(low, high)))

    def sentence(self, low: int, high: int) -> str:
        text = self.words(low, high)
        if self.rng.random() < 0.5:
            text += " " + self.rng.choice(NAMES)
        return text[0].upper() + text[1:] + "."

    def question(self, text: str) -> str:
        return text[0].upper() + text[1:] + "?"

    def options(self, count: int) -> list[str]:
        """Distinct short texts, as choices or items must be."""
        picked: list[str] = []
        while len(picked) < count:
            option = self.rng.choice(NAMES) if self.rng.random() < 0.4 else self.words(1, 3)
            if option not in picked:
                picked.append(option)
        return picked

    def explanation(self) -> str:
        text = self.sentence(27, 42)
        if self.rng.random() < 0.2:  # a long one, as hand-written decks have
            return '"""\n' + text + "\n" + self.sentence(8, 16) + '"""'
        return s(text)


def _short(w: Writer) -> list[str]:
    answer = w.rng.choice(NAMES)
    return [
        f"prompt = {s(w.question(w.words(6, 11)))}",
        f"answer = {s(answer)}",
        f"accept = {strings([answer.split()[-1]])}",
    ]


def _choice(w: Writer) -> list[str]:
    choices = w.options(4)
    return [
        f"prompt = {s(w.question(w.words(6, 11)))}",
        f"choices = {strings(choices)}",
        f"answer = {s(w.rng.choice(choices))}",
    ]


def _flashcard(w: Writer) -> list[str]:
    lines = [f"prompt = {s(w.words(2, 5))}", f"answer = {s(w.sentence(4, 9))}"]
    return [*lines, "reverse = true"] if w.rng.random() < 0.3 else lines


def _truefalse(w: Writer) -> list[str]:
    return [
        f"prompt = {s(w.sentence(7, 13))}",
        f"answer = {'true' if w.rng.random() < 0.5 else 'false'}",
    ]


def _numeric(w: Writer) -> list[str]:
    lines = [
        f"prompt = {s(w.question('how many ' + w.words(4, 9)))}",
        f"answer = {w.rng.choice([w.rng.randint(1, 5000), round(w.rng.uniform(0, 100), 1)])}",
    ]
    if w.rng.random() < 0.5:
        lines.append(f"tolerance = {w.rng.choice([1, 0.5, 5])}")
    if unit := w.rng.choice(UNITS):
        lines.append(f"unit = {s(unit)}")
    return lines


def _multi(w: Writer) -> list[str]:
    choices = w.options(5)
    answers = w.rng.sample(choices, w.rng.randint(1, 3))
    return [
        f"prompt = {s(w.question('which of these ' + w.words(4, 8)))}",
        f"choices = {strings(choices)}",
        f"answers = {strings(answers)}",
    ]


def _cloze(w: Writer) -> list[str]:
    text = f"{w.words(3, 7)} {{{{{w.rng.choice(NAMES)}}}}} {w.words(3, 7)}"
    if w.rng.random() < 0.5:
        text += f" {{{{{w.rng.randint(1900, 2025)}|a year}}}}"
    return [f"text = {s(text + '.')}"]


def _order(w: Writer) -> list[str]:
    return [
        f"prompt = {s('Put these in order: ' + w.words(3, 6))}",
        f"items = {strings(w.options(4))}",
    ]


def _match(w: Writer) -> list[str]:
    lefts, rights = w.options(3), w.options(3)
    pairs = ", ".join(f"[{s(left)}, {s(right)}]" for left, right in zip(lefts, rights, strict=True))
    return [f"prompt = {s('Match ' + w.words(2, 5))}", f"pairs = [{pairs}]"]


FIELDS: dict[str, Callable[[Writer], list[str]]] = {
    "short": _short,
    "choice": _choice,
    "flashcard": _flashcard,
    "truefalse": _truefalse,
    "numeric": _numeric,
    "multi": _multi,
    "cloze": _cloze,
    "order": _order,
    "match": _match,
}


def deck_text(size: int, seed: int = SEED) -> str:
    """A valid deck of `size` questions; the same text for the same size and seed."""
    w = Writer(seed * 1_000_003 + size)
    kinds = w.rng.choices([k for k, _ in KINDS], weights=[n for _, n in KINDS], k=size)
    parts = [
        "[deck]",
        f'id = "bench-{size}"',
        f'title = "Synthetic benchmark deck, {size} questions"',
        'description = "Generated by tests/bench/gen_decks.py; not for studying."',
        'tags = ["bench"]',
        "",
    ]
    hashed: set[tuple[str, str]] = set()
    for number, kind in enumerate(kinds):
        parts.append("[[questions]]")
        with_id = w.rng.random() < 0.9  # a few questions rely on hashed identity
        fields = FIELDS[kind](w)
        # Two id-less questions with one normalised prompt are an error: give the second an id.
        shown = next(f for f in fields if f.startswith(("prompt = ", "text = ")))
        if not with_id:
            key = (kind, normalize(shown))
            with_id = key in hashed
            hashed.add(key)
        if with_id:
            parts.append(f'id = "q{number:06d}"')
        parts.append(f'kind = "{kind}"')
        parts.extend(fields)
        parts.append(f"explanation = {w.explanation()}")
        parts.append(f"tags = {strings(w.rng.sample(TAGS, w.rng.randint(1, 2)))}")
        parts.append("")
    return "\n".join(parts)


def deck_path(size: int, out: Path = OUT) -> Path:
    return out / f"deck-{size // 1000}k.toml"


def generate(sizes: tuple[int, ...] = SIZES, seed: int = SEED, out: Path = OUT) -> list[Path]:
    """Write one deck per size (skipping identical files) and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for size in sizes:
        path = deck_path(size, out)
        data = deck_text(size, seed).encode()
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    for size, path in zip(
        args.sizes, generate(tuple(args.sizes), args.seed, args.out), strict=True
    ):
        total = path.stat().st_size
        print(
            f"{path}: {size} questions, {total / 1e6:.1f} MB, {total / size:.0f} bytes a question"
        )


if __name__ == "__main__":
    main()
