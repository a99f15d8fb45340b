"""The GIFT importer against a peer's test suite: GIFT-grammar-PEG.js's 51 files and their parses.

Each `.gift` file comes with the JSON that parser produces. For every file we
derive, from that JSON alone, what our deck should hold (kind, stem, choices and
which are right, feedback, numbers and tolerances, matching pairs, ids, tags)
and compare. Where the deck format cannot carry something, `NOT_CARRIED` names
the warnings the file must give; every other file must import without a single
warning. The expected side strips HTML with a regex, not with the importer's
own code, so the comparison is not circular.
"""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from quiz.core.interchange.fix_ids import slugify
from quiz.core.interchange.gift import GiftError, import_gift
from quiz.core.models import (
    Cloze,
    Match,
    MultipleChoice,
    Numeric,
    Order,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    parse_blanks,
)

SUITE = Path(__file__).resolve().parents[1] / "data" / "gift"
FILES = sorted(path.stem for path in SUITE.glob("*.gift"))

HTML = "HTML converted to plain text"
PARTIAL = "partial credit"
ESSAY = "essay"
DESCRIPTION = "description"
WEIGHS = "scores will differ"
"""Moodle's weights on the wrong choices of a multi-answer question differ from quiz's
(a right choice's share off per wrong tick)."""

NOT_CARRIED: dict[str, tuple[str, ...]] = {
    # Questions a deck cannot hold: skipped, each with a warning.
    "description1": (DESCRIPTION,),
    "descriptionTitleEscapedColon": (DESCRIPTION,),
    "descriptionWithID": (DESCRIPTION,),
    "markdown": (DESCRIPTION,) * 4,
    "essay1": (ESSAY,),
    "newlineAndLaTeX": (ESSAY,),
    "tag_id": (ESSAY,),
    "tag_id_and_two_tags": (ESSAY,),
    "tag_two_tags": (ESSAY,),
    "totara_moodle_backslash": (ESSAY,),
    "totara_moodle_essay": (ESSAY,),
    "totara_moodle_pre_content": (ESSAY,),
    # Parts of questions a deck cannot hold.
    "giftFormatPhpExamples": (PARTIAL,) * 4,
    "numerical1": (PARTIAL, HTML),
    "options1": (PARTIAL,) * 5 + ("Markdown is shown as plain text",) * 3 + (WEIGHS,),
    "multipleAnswersFloat": (WEIGHS,),
    "totara_moodle_multichoice_multi": (WEIGHS,),
    "totara_moodle_shortanswer": (PARTIAL,),
    "totara_moodle_shortanswer_general_feedback": (PARTIAL,),
    "totara_moodle_match": (HTML, "Markdown is shown as plain text", "extra answer 'Chat'"),
    "escapeColon": ("Moodle accepts any one of them",),
    # HTML read as plain text: the words stay, the formatting (and images) go.
    "formatExamples": (HTML,),
    "mcHTMLComment": (HTML,),
    "multiLineFeedback1": (HTML,),
}
"""File -> the warnings it must give (each a substring of one warning, one per warning)."""

NO_QUESTIONS = {
    "category1",
    "categorySpecialCharacter",
    "essay1",
    "markdown",
    "newlineAndLaTeX",
    "tag_id",
    "tag_id_and_two_tags",
    "tag_two_tags",
    "totara_moodle_backslash",
    "totara_moodle_essay",
    "totara_moodle_pre_content",
}
"""Files with nothing a deck can hold: the import fails with `GiftError` (and its warnings)."""

KINDS = {
    "MC": {"choice", "multi"},
    "TF": {"truefalse"},
    "Short": {"short", "cloze"},
    "Numerical": {"numeric"},
    "Matching": {"match"},
}
SKIPPED = {"Description": DESCRIPTION, "Essay": ESSAY}


def _plain(fragment: dict[str, Any] | None) -> str:
    """Expected plain text of a peer `{format, text}`: tags stripped, entities decoded."""
    if not fragment:
        return ""
    text = fragment["text"]
    if fragment["format"] in ("html", "moodle") and re.search(r"<[a-zA-Z/!]", text):
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    return _norm(text)


def _norm(text: str) -> str:
    """Whitespace-free form: GIFT readers differ on wrapping, gaps and spaces left by tags."""
    return re.sub(r"\s+", "", text)


def _stem(question: Question) -> str:
    if isinstance(question, Cloze):
        return _norm(re.sub(r"\{\{.*?\}\}", "_____", question.text))
    assert not isinstance(question, Order)
    return _norm(question.prompt)


def _feedback(item: dict[str, Any]) -> list[str]:
    texts = [_plain(item.get("globalFeedback"))]
    texts += [_plain(item.get(key)) for key in ("trueFeedback", "falseFeedback")]
    choices = item.get("choices")
    if isinstance(choices, list):
        texts += [_plain(choice.get("feedback")) for choice in choices]
    return [t for t in texts if t]


def _number(spec: dict[str, Any]) -> tuple[Decimal, Decimal, Decimal]:
    """(low, high, original value) of a peer numeric answer."""
    if spec["type"] == "high-low":
        low, high = Decimal(str(spec["numberLow"])), Decimal(str(spec["numberHigh"]))
        return low, high, (low + high) / 2
    value = Decimal(str(spec["number"]))
    tolerance = Decimal(str(spec.get("range", 0)))
    return value - tolerance, value + tolerance, value


def _expected_number(choices: Any) -> tuple[float, float]:
    """The one interval we keep: full-credit answers, merged when they touch."""
    if isinstance(choices, dict):
        specs = [choices]
    else:
        specs = [
            c["text"]
            for c in choices
            if c["isCorrect"] and c["weight"] in (None, 100) and "type" in c["text"]
        ]
    intervals = sorted(_number(spec)[:2] for spec in specs)
    low, high = intervals[0]
    for other_low, other_high in intervals[1:]:
        assert other_low <= high, "peer case with disjoint right answers"
        high = max(high, other_high)
    return float((low + high) / 2), float((high - low) / 2)


def _check_question(item: dict[str, Any], question: Question) -> None:
    assert question.kind in KINDS[item["type"]], (item["type"], question.kind)
    assert _stem(question) == _plain(item["stem"])
    if item["title"]:
        assert question.id is not None and question.id.startswith(slugify(item["title"]))
    if item["id"]:
        assert question.id == item["id"]
    for tag in item["tags"] or []:
        assert tag in question.tags
    for text in _feedback(item):
        assert text in _norm(question.explanation), text

    if item["type"] == "MC":
        assert isinstance(question, SingleChoice | MultipleChoice)
        choices = item["choices"]
        assert [_norm(c) for c in question.choices] == [_plain(c["text"]) for c in choices]
        if any(c["isCorrect"] for c in choices):
            right = [_plain(c["text"]) for c in choices if c["isCorrect"]]
        else:
            right = [_plain(c["text"]) for c in choices if (c["weight"] or 0) > 0]
        ours = [question.answer] if isinstance(question, SingleChoice) else question.answers
        assert [_norm(a) for a in ours] == right
    elif item["type"] == "TF":
        assert isinstance(question, TrueFalse)
        assert question.answer is item["isTrue"]
    elif item["type"] == "Short":
        right = [
            _plain(c["text"])
            for c in item["choices"]
            if c["isCorrect"] and c["weight"] in (None, 100) and c["text"]["text"] != "*"
        ]
        if isinstance(question, Cloze):
            ours = [blank.answer for blank in parse_blanks(question.text)]
        else:
            assert isinstance(question, ShortAnswer)
            ours = [question.answer, *question.accept]
        assert [_norm(a) for a in ours] == right
    elif item["type"] == "Numerical":
        assert isinstance(question, Numeric)
        answer, tolerance = _expected_number(item["choices"])
        assert question.answer == pytest.approx(answer)
        assert question.tolerance == pytest.approx(tolerance)
    elif item["type"] == "Matching":
        assert isinstance(question, Match)
        pairs = [
            [_plain(p["subquestion"]), _norm(p["subanswer"])]
            for p in item["matchPairs"]
            if p["subquestion"]["text"]
        ]
        assert [[_norm(left), _norm(right)] for left, right in question.pairs] == pairs


def _assert_warnings(name: str, warnings: list[str]) -> None:
    expected = list(NOT_CARRIED.get(name, ()))
    unmatched = list(warnings)
    for reason in expected:
        hit = next((w for w in unmatched if reason in w), None)
        assert hit is not None, f"no warning about {reason!r} in {unmatched}"
        unmatched.remove(hit)
    assert not unmatched, f"unexpected warnings: {unmatched}"


@pytest.mark.parametrize("name", FILES)
def test_peer_case(name: str) -> None:
    items = json.loads((SUITE / f"{name}.json").read_text(encoding="utf-8"))
    text = (SUITE / f"{name}.gift").read_text(encoding="utf-8")
    carried = [item for item in items if item["type"] in KINDS]
    assert all(
        item["type"] in KINDS or item["type"] in SKIPPED or item["type"] == "Category"
        for item in items
    )
    if name in NO_QUESTIONS:
        assert not carried
        with pytest.raises(GiftError) as error:
            import_gift(text, deck_id="peer", title=name)
        _assert_warnings(name, [str(w) for w in error.value.warnings])
        return
    result = import_gift(text, deck_id="peer", title=name)
    _assert_warnings(name, [str(w) for w in result.warnings])
    assert len(result.deck.questions) == len(carried)
    for item, question in zip(carried, result.deck.questions, strict=True):
        _check_question(item, question)
    skipped = [SKIPPED[item["type"]] for item in items if item["type"] in SKIPPED]
    for reason in skipped:
        assert any(reason in str(w) for w in result.warnings)


def test_suite_is_complete() -> None:
    """All 51 pairs are there, and every listed case names a real file."""
    assert len(FILES) == 51
    assert all((SUITE / f"{name}.json").exists() for name in FILES)
    assert set(NOT_CARRIED) <= set(FILES)
    assert set(FILES) >= NO_QUESTIONS
