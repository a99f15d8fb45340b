"""The hand-labelled corpus of typed responses (tests/data/judging), read as questions to judge.

Written by someone who had not read the checker, from the labelling policy in
tests/data/judging/README.md; used by tests/core/test_judging_corpus.py and
tests/bench/bench_judging.py (a helper module beside the tests, not a test file).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from quiz.core.checking import check
from quiz.core.models import Cloze, DeckMeta, Numeric, Question, ShortAnswer

CORPUS = Path(__file__).resolve().parent.parent / "data" / "judging"
FILES = ("responses-dev.jsonl", "responses-holdout.jsonl")


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    category: str
    key: str
    question: Question
    deck: DeckMeta
    response: str
    right: bool
    why: str

    def judged_right(self) -> bool:
        result = check(self.question, self.response_for_check(), self.deck)
        return result.correct

    def response_for_check(self) -> str | list[str]:
        return [self.response] if isinstance(self.question, Cloze) else self.response


def _question(row: dict[str, object]) -> Question:
    kind, prompt = row["kind"], str(row.get("prompt") or "Answer?")
    if kind == "numeric":
        key = row["key"]
        assert isinstance(key, (int, float)), row
        unit = row.get("unit")
        return Numeric(
            kind="numeric",
            prompt=prompt,
            answer=key,
            tolerance=float(row.get("tolerance") or 0),  # type: ignore[arg-type]
            unit=str(unit) if unit else None,
        )
    accept = [str(item) for item in row.get("accept") or []]  # type: ignore[attr-defined]
    if kind == "cloze":
        sentence = str(row["sentence"])
        text = sentence.replace("___", "{{" + str(row["key"]).replace("}", "") + "}}", 1)
        return Cloze(kind="cloze", text=text)
    return ShortAnswer(kind="short", prompt=prompt, answer=str(row["key"]), accept=accept)


def load(name: str) -> list[Case]:
    cases = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        deck = DeckMeta(id="corpus", title="Corpus", language=str(row.get("language") or "en"))
        cases.append(
            Case(
                id=row["id"],
                category=row["category"],
                key=str(row["key"]),
                question=_question(row),
                deck=deck,
                response=row["response"],
                right=bool(row["right"]),
                why=row.get("why", ""),
            )
        )
    return cases


@dataclass(frozen=True, slots=True)
class Rates:
    """False accepts over wrong responses, false rejects over right ones."""

    wrong: int
    false_accepts: int
    right: int
    false_rejects: int

    @property
    def false_accept_rate(self) -> float:
        return self.false_accepts / self.wrong if self.wrong else 0.0

    @property
    def false_reject_rate(self) -> float:
        return self.false_rejects / self.right if self.right else 0.0


def rates(cases: Iterable[Case], judge: Callable[[Case], bool]) -> dict[str, Rates]:
    """Per category and "overall": how often `judge` disagrees with the labels."""
    counts: Counter[tuple[str, str]] = Counter()
    for case in cases:
        verdict = judge(case)
        for group in (case.category, "overall"):
            counts[group, "right" if case.right else "wrong"] += 1
            if verdict and not case.right:
                counts[group, "fa"] += 1
            if case.right and not verdict:
                counts[group, "fr"] += 1
    groups = sorted({group for group, _ in counts}, key=lambda g: (g == "overall", g))
    return {
        group: Rates(
            counts[group, "wrong"], counts[group, "fa"], counts[group, "right"], counts[group, "fr"]
        )
        for group in groups
    }
