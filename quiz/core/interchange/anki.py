"""Deck -> Anki package (`.apkg`) with genanki, so learners can study a deck in Anki.

Re-exporting must update the notes a learner already has instead of adding
duplicates, so everything Anki matches on is derived, never random:

- each note's GUID is `genanki.guid_for(deck id, question identity)` (the question's
  `id`, or its prompt hash when it has none);
- the Anki deck id is a hash of the deck's `id`;
- the three note types ("quiz Basic", "quiz Basic (and reversed card)", "quiz Cloze")
  have fixed ids shared by every exported deck, so exporting ten decks adds three
  note types to a collection, not thirty.

Anki cards are self-graded: typed answers (short, numeric) and choice questions
become front/back cards with the choices listed on the front; one warning counts
them by kind. Cloze `{{answer|hint}}` becomes Anki's `{{cN::answer::hint}}`, one
card per blank as in quiz. Deck text is HTML-escaped: Anki fields are HTML.
"""

from __future__ import annotations

import hashlib
import html
from collections import Counter
from pathlib import Path
from typing import Any

from quiz.core.cards import question_identity
from quiz.core.checking import format_number
from quiz.core.interchange.base import ImportWarning  # noqa: A004
from quiz.core.models import (
    CLOZE_BLANK,
    Cloze,
    Deck,
    Flashcard,
    Match,
    MultipleChoice,
    Numeric,
    Order,
    Question,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

CSS = """\
.card { font-family: sans-serif; font-size: 20px; text-align: left; }
.choices { margin-top: 1em; }
.explanation { margin-top: 1em; color: #555; }
.cloze { font-weight: bold; color: #0645ad; }
"""


def _stable_id(name: str) -> int:
    """A positive 48-bit id from a name: the same name always gives the same Anki id."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:12], 16)


def anki_deck_id(deck_id: str) -> int:
    """The Anki deck id for a quiz deck id."""
    return _stable_id(f"quiz-deck:{deck_id}")


def note_guid(deck_id: str, question: Question) -> str:
    """The Anki note GUID of a question: stable while its id (or unedited prompt) is."""
    import genanki

    guid: str = genanki.guid_for(deck_id, question_identity(question))
    return guid


def _text(value: str) -> str:
    """Deck text as an Anki field: HTML-escaped, line breaks as `<br>`."""
    return html.escape(value).replace("\r\n", "\n").replace("\n", "<br>")


def _items(values: list[str], tag: str = "ul", kind: str = "") -> str:
    attributes = f' type="{kind}"' if kind else ""
    rows = "".join(f"<li>{_text(v)}</li>" for v in values)
    return f'<{tag}{attributes} class="choices">{rows}</{tag}>'


def _cloze_text(question: Cloze) -> str:
    """`{{answer|hint}}` -> `{{cN::answer::hint}}`, escaping the text between the blanks."""
    parts: list[str] = []
    position = 0
    blanks = question.blanks
    for number, match in enumerate(CLOZE_BLANK.finditer(question.text), start=1):
        parts.append(_text(question.text[position : match.start()]))
        blank = blanks[number - 1]
        hint = f"::{_text(blank.hint)}" if blank.hint else ""
        parts.append(f"{{{{c{number}::{_text(blank.answer)}{hint}}}}}")
        position = match.end()
    parts.append(_text(question.text[position:]))
    return "".join(parts)


def _front_back(question: Question) -> tuple[str, str]:
    """The front and back fields of a Basic note for any non-cloze question."""
    if isinstance(question, Cloze):  # pragma: no cover - cloze notes are built separately
        raise TypeError("cloze questions use the cloze note type")
    front = _text(question.prompt)
    if isinstance(question, Flashcard):
        return front, _text(question.answer)
    if isinstance(question, ShortAnswer):
        back = _text(question.answer)
        if question.accept:
            back += "<br><small>Also right: " + _text(", ".join(question.accept)) + "</small>"
        return front, back
    if isinstance(question, Numeric):
        back = format_number(question.answer)
        if question.tolerance:
            back += f" ± {format_number(question.tolerance)}"
        if question.unit:
            back += f" {question.unit}"
        return front, _text(back)
    if isinstance(question, TrueFalse):
        return f"{front}<br><small>True or false?</small>", "True" if question.answer else "False"
    if isinstance(question, SingleChoice):
        return front + _items(question.choices, "ol", "A"), _text(question.answer)
    if isinstance(question, MultipleChoice):
        front += "<br><small>Choose every right answer.</small>"
        return front + _items(question.choices, "ol", "A"), _items(question.answers)
    if isinstance(question, Order):
        front += "<br><small>Put in order:</small>" + _items(sorted(question.items))
        return front, _items(question.items, "ol")
    if isinstance(question, Match):
        front += _items([left for left, _ in question.pairs])
        return front, _items([f"{left} → {right}" for left, right in question.pairs])
    raise TypeError(f"unknown question kind {question.kind!r}")  # pragma: no cover


SELF_GRADED = ("short", "numeric", "choice", "multi", "truefalse", "order", "match")
"""Kinds quiz checks, which in Anki become cards the learner grades."""


def _models() -> dict[str, Any]:
    import genanki

    def basic_template(name: str, front: str, back: str) -> dict[str, str]:
        return {
            "name": name,
            "qfmt": f"{{{{{front}}}}}",
            "afmt": f'{{{{FrontSide}}}}<hr id="answer">{{{{{back}}}}}'
            '{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}',
        }

    fields = [{"name": "Front"}, {"name": "Back"}, {"name": "Explanation"}]
    basic = genanki.Model(
        _stable_id("quiz-model:basic"),
        "quiz Basic",
        fields=fields,
        templates=[basic_template("Card 1", "Front", "Back")],
        css=CSS,
    )
    reversed_ = genanki.Model(
        _stable_id("quiz-model:basic-and-reversed"),
        "quiz Basic (and reversed card)",
        fields=fields,
        templates=[
            basic_template("Card 1", "Front", "Back"),
            basic_template("Card 2", "Back", "Front"),
        ],
        css=CSS,
    )
    cloze = genanki.Model(
        _stable_id("quiz-model:cloze"),
        "quiz Cloze",
        model_type=genanki.Model.CLOZE,
        fields=[{"name": "Text"}, {"name": "Explanation"}],
        templates=[
            {
                "name": "Cloze",
                "qfmt": "{{cloze:Text}}",
                "afmt": '{{cloze:Text}}<div class="explanation">{{Explanation}}</div>',
            }
        ],
        css=CSS,
    )
    return {"basic": basic, "reversed": reversed_, "cloze": cloze}


def _tags(question: Question) -> list[str]:
    """Anki tags cannot hold spaces: `human rights` becomes `human_rights`."""
    return ["_".join(tag.split()) for tag in question.tags]


def export_anki(deck: Deck, path: Path) -> list[ImportWarning]:
    """Write `deck` as an Anki package at `path`; return what Anki cannot carry.

    Raises `ModuleNotFoundError` when genanki is not installed (the `anki` extra).
    """
    import genanki

    models = _models()
    anki_deck = genanki.Deck(
        anki_deck_id(deck.deck.id), deck.deck.title, _text(deck.deck.description)
    )
    self_graded: Counter[str] = Counter()
    warnings: list[ImportWarning] = []
    if deck.deck.format == "markdown":
        warnings.append(
            ImportWarning(None, "Markdown is written as plain text: Anki fields are HTML")
        )
    for index, question in enumerate(deck.questions):
        explanation = _text(question.explanation)
        if isinstance(question, Cloze):
            model = models["cloze"]
            text = _cloze_text(question)
            if question.prompt:
                text = f"{_text(question.prompt)}<br>{text}"
            fields = [text, explanation]
            if any("::" in b.answer or "}}" in b.answer for b in question.blanks):
                warnings.append(
                    ImportWarning(
                        None,
                        f"{question_identity(question)}: a blank holds '::' or "
                        "'}}', which Anki reads as cloze syntax",
                        question=index,
                    )
                )
        else:
            front, back = _front_back(question)
            reverse = isinstance(question, Flashcard) and question.reverse
            model = models["reversed" if reverse else "basic"]
            fields = [front, back, explanation]
            if question.kind in SELF_GRADED:
                self_graded[question.kind] += 1
        anki_deck.add_note(
            genanki.Note(
                model=model,
                fields=fields,
                guid=note_guid(deck.deck.id, question),
                tags=_tags(question),
            )
        )
    if self_graded:
        counts = ", ".join(f"{count} {kind}" for kind, count in self_graded.items())
        warnings.append(
            ImportWarning(
                None,
                f"Anki checks no answers: {counts} question(s) become self-graded front/back cards",
            )
        )
    genanki.Package(anki_deck).write_to_file(str(path))
    return warnings
