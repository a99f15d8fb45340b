"""Plain mode: the same quiz and review sessions as line-by-line prompts on stdin/stdout.

For screen-reader users, dumb terminals and scripts: no full-screen UI, no
colours, words instead of symbols, and every line of deck text sanitised. A
script can pipe the answers in, one line per prompt, and read the last line:

    Result: 17/25 points (68%), passed (pass mark 60%), 25 of 25 answered, time 0:42

Typing `:q` at any prompt ends the quiz or review (what was answered is kept);
`:u` at a review prompt undoes the last answer or card action; `:o` overrules the verdict
on the last answer (at a quiz's next prompt, or at a review's grade prompt after a wrong
one). At a review prompt, `:suspend`, `:bury`, `:flag COLOUR` (`:flag none` takes it off),
`:forget` and `:edit` act on the card asked (as `!`, `-`, `f`, `x` and `e` do in the
full-screen review); a leech is announced.
Exit status: 0 when the quiz was answered to the end (or the review queue emptied), 1
when it ended early (`:q`, end of input, or the time limit).

An exam (`--exam`) first asks for the student's name unless `--student` gave it,
prints the seed of the question order, and gives no verdict until the end, where
every question is listed with the answer given and the right one. A time limit
is checked whenever an answer arrives (a line read from a pipe cannot be cut
short): an answer given after the time ran out is not counted.
Textual is never imported here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from functools import singledispatch
from typing import TYPE_CHECKING, Literal, TextIO, TypeVar

from quiz.core.cards import Card, whole_card
from quiz.core.checking import CheckResult, Response, check_card, expected_text
from quiz.core.models import (
    Cloze,
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
from quiz.core.outline import KIND_LABELS
from quiz.core.scheduling import Grade, format_interval, grade_for
from quiz.core.text import counted, sanitize
from quiz.presentation.formatting import (
    compared_text,
    duration_text,
    forecast_text,
    marked_row_text,
    response_text,
    stale_notice,
)
from quiz.presentation.options import start_quiz_session
from quiz.presentation.questions import presented_order, prompt_of

if TYPE_CHECKING:
    from quiz.config import Settings
    from quiz.core.custom_study import CustomStudy
    from quiz.core.library import LoadedDeck
    from quiz.core.models import DeckMeta
    from quiz.core.storage import Store
    from quiz.core.study import QuizSession, QuizSummary, ReviewSession
    from quiz.presentation.options import QuizOptions

T = TypeVar("T")

QUIT = ":q"
UNDO = ":u"
OVERRULE = ":o"
SKIP = ":s"


class Quit(Exception):
    """The learner typed `:q` or the input ended."""


class Undo(Exception):
    """The learner typed `:u` (review only)."""


class Overrule(Exception):
    """The learner typed `:o`: the verdict on their last answer is wrong (quiz only)."""


class Skip(Exception):
    """The learner typed `:s`: ask this question again after the others (quiz only)."""


class TimeUp(Exception):
    """The attempt's time limit ran out."""


CARD_COMMANDS = ("suspend", "bury", "flag", "forget", "edit")
"""The `:` commands a review prompt takes about the card asked."""


class CardCommand(Exception):
    """The learner typed `:suspend`, `:bury`, `:flag COLOUR`, `:forget` or `:edit` (review)."""

    def __init__(self, name: str, argument: str) -> None:
        super().__init__(name)
        self.name = name
        self.argument = argument


class Console:
    """Reads answers and writes prompts; all deck text passes through `say`/`ask` sanitised."""

    def __init__(
        self,
        stdin: TextIO,
        stdout: TextIO,
        *,
        allow_undo: bool = False,
        allow_overrule: bool = False,
        allow_skip: bool = False,
        allow_card_commands: bool = False,
    ) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.allow_card_commands = allow_card_commands
        self.allow_undo = allow_undo
        self.allow_overrule = allow_overrule
        self.allow_skip = allow_skip

    def say(self, text: str = "") -> None:
        self.stdout.write(sanitize(text) + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str:
        """One line of input; `:q` or the end of input raises `Quit`; `:u`, `:o` and `:s`
        raise `Undo`, `Overrule` and `Skip` where allowed."""
        self.stdout.write(sanitize(prompt))
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.stdout.write("\n")
            raise Quit
        answer = line.rstrip("\r\n")
        if answer.strip() == QUIT:
            raise Quit
        if self.allow_undo and answer.strip() == UNDO:
            raise Undo
        if self.allow_overrule and answer.strip() == OVERRULE:
            raise Overrule
        if self.allow_skip and answer.strip() == SKIP:
            raise Skip
        name, _, argument = answer.strip().partition(" ")
        if self.allow_card_commands and name.startswith(":") and name[1:] in CARD_COMMANDS:
            raise CardCommand(name[1:], argument.strip())
        return answer

    def ask_until(self, prompt: str, parse: Callable[[str], T | None], help_: str) -> T:
        """Ask until `parse` accepts the line (returns not None), repeating `help_` otherwise."""
        while True:
            value = parse(self.ask(prompt))
            if value is not None:
                return value
            self.say(help_)


def _numbers(text: str, limit: int) -> list[int] | None:
    """`1 3`, `1,3` or `13` -> 0-based indexes, each within `limit`; None when not that."""
    cleaned = text.replace(",", " ").split()
    if len(cleaned) == 1 and cleaned[0].isdecimal() and limit < 10 and len(cleaned[0]) > 1:
        cleaned = list(cleaned[0])
    # isdecimal, not isdigit: `²` is a digit that int() refuses; and no part longer than
    # any choice number can be (int() refuses over 4,300 digits).
    width = len(str(limit))
    if not cleaned or not all(part.isdecimal() and len(part) <= width for part in cleaned):
        return None
    picks = [int(part) - 1 for part in cleaned]
    return picks if all(0 <= p < limit for p in picks) else None


def _letters(index: int) -> str:
    """A, B, ..., Z, AA, AB, ...: the label of a match's left item `index` (from 0)."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def _listing(console: Console, items: Sequence[str], marks: Sequence[str] = ()) -> None:
    for index, item in enumerate(items):
        label = marks[index] if marks else str(index + 1)
        console.say(f"  {label}) {' '.join(item.split())}")


def ask_response(console: Console, card: Card, order: Sequence[str] | None) -> Response:
    """Put one card to the learner and read their response in the shape `check` expects.

    `order` is the presented order of choices, items or match partners (None: as written).
    """
    return _ask(card.question, console, card, order)


@singledispatch
def _ask(question: Question, console: Console, card: Card, order: Sequence[str] | None) -> Response:
    """The table of askers, one `_ask_*` per model class (registered below), as the UI has one
    answer widget per kind; `question` is `card.question`, first so that its class picks."""
    raise TypeError(f"no prompt for question kind {question.kind!r}")


@_ask.register
def _ask_flashcard(
    question: Flashcard, console: Console, card: Card, order: Sequence[str] | None
) -> Response:
    """Show the other side on Enter, then ask whether the learner knew it."""
    console.ask("Press Enter to show the answer. ")
    console.say(question.prompt if card.side == "back" else question.answer)
    return console.ask_until(
        "Did you know it? (y/n) ", _yes_no, "Please type y (knew it) or n (did not)."
    )


@_ask.register
def _ask_true_false(
    question: TrueFalse, console: Console, card: Card, order: Sequence[str] | None
) -> Response:
    return console.ask_until("True or false? (t/f) ", _true_false, "Please type t or f.")


@_ask.register
def _ask_single_choice(
    question: SingleChoice, console: Console, card: Card, order: Sequence[str] | None
) -> Response:
    """The choices numbered; one number picks one."""
    choices = list(order or question.choices)
    _listing(console, choices)

    def pick(line: str) -> str | None:
        picks = _numbers(line, len(choices))
        return choices[picks[0]] if picks is not None and len(picks) == 1 else None

    return console.ask_until("Number: ", pick, f"Please type a number from 1 to {len(choices)}.")


@_ask.register
def _ask_multiple_choice(
    question: MultipleChoice, console: Console, card: Card, order: Sequence[str] | None
) -> Response:
    """The choices numbered; the numbers typed pick every choice they name."""
    choices = list(order or question.choices)
    _listing(console, choices)

    def picks(line: str) -> list[str] | None:
        if (numbers := _numbers(line, len(choices))) is None:
            return None
        return sorted({choices[n] for n in numbers}, key=choices.index)

    return console.ask_until(
        "Numbers of all right choices (e.g. 1 3): ",
        picks,
        f"Please type numbers from 1 to {len(choices)}.",
    )


@_ask.register
def _ask_order(
    question: Order, console: Console, card: Card, order: Sequence[str] | None
) -> Response:
    """The items numbered; every number once, in the order the items belong in."""
    items = list(order or question.items)
    _listing(console, items)

    def ordered(line: str) -> list[str] | None:
        picks = _numbers(line, len(items))
        if picks is None or sorted(picks) != list(range(len(items))):
            return None
        return [items[p] for p in picks]

    return console.ask_until(
        "The numbers in the right order (e.g. 3 1 2): ",
        ordered,
        f"Please type each number from 1 to {len(items)} once.",
    )


@_ask.register
def _ask_match(
    question: Match, console: Console, card: Card, order: Sequence[str] | None
) -> Response:
    """The left sides lettered, the partners numbered; one number per letter, in turn."""
    lefts = [left for left, _ in question.pairs]
    rights = list(order or [right for _, right in question.pairs])
    letters = [_letters(index) for index in range(len(lefts))]
    _listing(console, lefts, letters)
    console.say("with")
    _listing(console, rights)

    def matched(line: str) -> dict[str, str] | None:
        picks = _numbers(line, len(rights))
        if picks is None or len(picks) != len(lefts):
            return None
        return {left: rights[p] for left, p in zip(lefts, picks, strict=True)}

    return console.ask_until(
        f"For {', '.join(letters)} in turn, the number of the partner (e.g. 2 1 3): ",
        matched,
        f"Please type {len(lefts)} numbers from 1 to {len(rights)}.",
    )


@_ask.register
def _ask_cloze(
    question: Cloze, console: Console, card: Card, order: Sequence[str] | None
) -> Response:
    """One line per blank asked: every blank in a quiz, the card's one in a review."""
    blanks = question.blanks if card.blank is None else [question.blanks[card.blank]]
    answers = [
        console.ask(f"Blank {n}{f' ({b.hint})' if b.hint else ''}: ")
        for n, b in enumerate(blanks, start=1)
    ]
    return answers[0] if card.blank is not None else answers


@_ask.register
def _ask_short_answer(
    question: ShortAnswer, console: Console, card: Card, order: Sequence[str] | None
) -> Response:
    return console.ask("Answer: ")


@_ask.register
def _ask_number(
    question: Numeric, console: Console, card: Card, order: Sequence[str] | None
) -> Response:
    return console.ask(f"Answer{f' ({question.unit})' if question.unit else ''}: ")


def _yes_no(line: str) -> bool | None:
    return {"y": True, "yes": True, "n": False, "no": False}.get(line.strip().casefold())


def _true_false(line: str) -> bool | None:
    value = line.strip().casefold()
    if value in ("t", "true", "1", "y", "yes"):
        return True
    if value in ("f", "false", "2", "n", "no"):
        return False
    return None


def _points(value: float) -> str:
    return f"{value:g}"


def say_result(console: Console, result: CheckResult, question: Question) -> None:
    """The verdict, the right answer when wrong, the explanation."""
    console.say(
        f"{result.verdict.value}. {_points(result.score)} of {_points(result.points)} points."
    )
    if result.remark:
        console.say(result.remark)
    if result.close_to:
        console.say(f"Compared: {compared_text(result.typed, result.close_to)}")
    if not result.correct:
        for row in result.rows:
            console.say(f"  {marked_row_text(row)}")
        console.say(f"Answer: {result.expected}")
    if question.explanation:
        console.say(" ".join(question.explanation.split()))


def run_quiz(
    store: Store,
    loaded: LoadedDeck,
    options: QuizOptions,
    *,
    now: Callable[[], datetime],
    stdin: TextIO,
    stdout: TextIO,
    settings: Settings | None = None,
    questions: Sequence[Question] | None = None,
) -> int:
    """Take a quiz or exam on the console; returns the exit status (0: answered to the end).
    `questions`: exactly these questions of the deck (a cram pass)."""
    console = Console(stdin, stdout, allow_overrule=not options.exam, allow_skip=not options.exam)
    if options.exam and options.student is None:
        try:
            options = replace(options, student=_ask_name(console))
        except Quit:
            return 1
    session = start_quiz_session(
        store, loaded, options, settings=settings, now=now, questions=questions
    )
    limit = options.time_limit_for(loaded.deck.deck)
    _say_quiz_start(console, session, options, limit)
    deadline = None if limit is None else session.started_at + timedelta(seconds=limit)
    finished = _ask_questions(
        console, session, feedback=not options.exam, deadline=deadline, now=now
    )
    summary = session.finish()
    if options.exam:
        _say_exam_answers(console, summary)
    _say_score(console, summary, loaded.deck.deck.pass_mark)
    return 0 if finished else 1


def _say_quiz_start(
    console: Console, session: QuizSession, options: QuizOptions, limit: int | None
) -> None:
    """What is asked and how to stop; an exam's student, seed and rules; the time limit."""
    title = session.deck.deck.title
    questions = counted(len(session.questions), "question")
    if options.exam:
        console.say(f"Exam: {title} ({questions}), student {options.student}.")
        console.say(
            f"Seed {session.seed}: the same seed gives the same questions in the same order."
        )
        console.say("No feedback until the end; each answer is saved when you give it.")
        console.say(f"Type {QUIT} to hand in early.")
    else:
        console.say(f"Quiz: {title} ({questions}). Type {SKIP} to skip a question, {QUIT} to stop.")
    if limit is not None:
        console.say(f"Time limit: {duration_text(timedelta(seconds=limit))}.")
    notice = stale_notice(len(session.stale_questions), included=options.exam)
    if notice is not None:
        console.say(notice)


def _ask_questions(
    console: Console,
    session: QuizSession,
    *,
    feedback: bool,
    deadline: datetime | None,
    now: Callable[[], datetime],
) -> bool:
    """Ask the session's questions in turn, with the verdict after each when `feedback`;
    False when the learner quit or the time ran out."""
    last: tuple[Question, CheckResult] | None = None
    turns = deque(session.questions)
    """Questions still to answer, in the order asked: a skipped one goes to the back."""
    skipped: set[int] = set()  # id() of each question skipped: deck ids are optional
    try:
        while turns:
            question = turns.popleft()
            number = len(session.questions) - len(turns)  # answered so far, plus this one
            again = id(question) in skipped
            try:
                result = _ask_question(console, session, number, question, deadline, now, again)
            except Overrule:  # about the answer before: then this question again
                last = _overrule(console, session, last)
                turns.appendleft(question)
                continue
            except Skip:
                if turns:
                    skipped.add(id(question))
                    turns.append(question)
                    console.say("Skipped: it comes back after the others.")
                else:
                    console.say(f"This is the last question left: answer it, or {QUIT} to stop.")
                    turns.appendleft(question)
                continue
            if feedback:
                say_result(console, result, question)
            last = (question, result)
        if feedback and last is not None:
            try:
                console.ask("Enter: your results (:o overrules the last verdict) ")
            except Overrule:
                _overrule(console, session, last)
            except Quit:
                pass  # the end of the input is the end of a finished quiz
    except TimeUp:
        console.say("Time is up.")
        return False
    except Quit:
        return False
    return True


def _overrule(
    console: Console, session: QuizSession, last: tuple[Question, CheckResult] | None
) -> tuple[Question, CheckResult] | None:
    """Turn the verdict on the last answer (`:o`) and say the new one."""
    if last is None:
        console.say("There is no answer yet to overrule.")
        return None
    question, result = last
    verdict = session.overrule(question, not result.correct)
    say_result(console, verdict, question)
    return question, verdict


def _ask_question(
    console: Console,
    session: QuizSession,
    number: int,
    question: Question,
    deadline: datetime | None,
    now: Callable[[], datetime],
    again: bool = False,
) -> CheckResult:
    """Put the session's question `number` (from 1; `again` when skipped before) and save
    the answer; raises `TimeUp` when the time ran out before it was asked or while it was
    answered (that answer not counted)."""
    if deadline is not None and now() >= deadline:
        raise TimeUp
    console.say()
    left = "" if deadline is None else f" {duration_text(deadline - now())} left."
    total = len(session.questions)
    before = " (skipped before)" if again else ""
    console.say(f"Question {number} of {total}{before}. {KIND_LABELS[question.kind]}.{left}")
    card = whole_card(question)
    console.say(" ".join(prompt_of(card).split()))
    asked = now()
    order = presented_order(question, session.deck.deck, session.seed)
    response = ask_response(console, card, order)
    if deadline is not None and now() > deadline:
        console.say("That answer came after the time ran out and was not counted.")
        raise TimeUp
    spent = int((now() - asked).total_seconds() * 1000)
    return session.answer(question, response, duration_ms=spent)


def _say_score(console: Console, summary: QuizSummary, pass_mark: float) -> None:
    """The last line, for a script to read: points, percent, pass or not, answered, time."""
    answered = sum(1 for row in summary.questions if row.result is not None)
    console.say()
    console.say(
        f"Result: {_points(summary.score)}/{_points(summary.max_score)} points"
        f" ({summary.percent:.0f}%), {'passed' if summary.passed else 'not passed'}"
        f" (pass mark {_points(pass_mark)}%), {answered} of {len(summary.questions)} answered,"
        f" time {duration_text(summary.duration)}"
    )


def _ask_name(console: Console) -> str:
    """The student's name, asked until it is one `clean_student_name` accepts."""
    from quiz.presentation.students import StudentNameError, clean_student_name

    while True:
        try:
            return clean_student_name(console.ask("Your name: "))
        except StudentNameError as error:
            console.say(str(error))


def _say_exam_answers(console: Console, summary: QuizSummary) -> None:
    """After an exam, every question: the answer given, the verdict and the right answer."""
    console.say()
    console.say("Your answers:")
    for row in summary.questions:
        question = row.question
        console.say(f"{row.position + 1}. {' '.join(prompt_of(whole_card(question)).split())}")
        if row.result is None:
            console.say("   Not answered. 0 points.")
        else:
            given = row.response
            if isinstance(question, Flashcard):
                given = "knew it" if given is True else "did not know"
            console.say(
                f"   You: {response_text(given)}. {row.result.verdict.value},"
                f" {_points(row.result.score)}"
                f" of {_points(row.result.points)} points."
            )
        if row.result is None or not row.result.correct:
            console.say(f"   Answer: {expected_text(question)}")


def run_review(
    store: Store,
    loaded: LoadedDeck,
    settings: Settings,
    *,
    now: Callable[[], datetime],
    stdin: TextIO,
    stdout: TextIO,
    custom: CustomStudy | None = None,
) -> int:
    """Review today's due cards on the console; returns the exit status (0: queue emptied).
    `custom`: custom study (review ahead, extra new cards, one tag)."""
    from quiz.core.study import ReviewSession

    console = Console(stdin, stdout, allow_undo=True, allow_card_commands=True)
    session = ReviewSession(
        store,
        loaded.deck,
        settings,
        now,
        path=str(loaded.path),
        content_hash=loaded.content_hash,
        custom=custom,
    )
    seed = int(now().timestamp())
    extra = "" if custom is None or not custom.describe() else f" ({custom.describe()})"
    console.say(
        f"Review: {loaded.deck.deck.title}{extra}. Type {QUIT} to stop, {UNDO} to undo;"
        " :suspend, :bury, :flag COLOUR, :forget, :edit act on the card."
    )
    notice = stale_notice(len(session.stale_questions), included=False)
    if notice is not None:
        console.say(notice)
    outlook = session.exam_outlook()
    if outlook is not None:
        console.say(f"{outlook.summary()}.")
        if (warning := outlook.warning()) is not None:
            console.say(f"{warning}.")
    finished = True
    try:
        while (card := session.next_card()) is not None:
            counts = session.counts()
            console.say()
            console.say(
                f"{KIND_LABELS[card.question.kind]}. Left today: {counts.new} new,"
                f" {counts.learning} learning, {counts.review} to review."
            )
            try:
                _review_card(console, session, card, session.deck.deck, seed, now)
            except Undo:
                if session.undo() is None:
                    console.say("Nothing to undo.")
                else:
                    console.say("Undone.")
            except CardCommand as command:
                loaded = _card_command(console, session, loaded, card, command)
            _say_backup_problem(console, session.backup_problem())
    except Quit:
        finished = False
    _say_backup_problem(console, session.backup_problem(wait=True))
    summary = session.summary()
    grades = ", ".join(f"{grade.name} {count}" for grade, count in summary.grades.items())
    console.say()
    console.say(f"Reviewed {counted(summary.answered, 'card')} ({grades}).")
    due = session.next_due()
    if due is None:
        console.say("This deck has no cards to study.")
    else:
        wait = max(timedelta(0), due - now())
        console.say(f"Next card due in {format_interval(wait)}.")
    console.say(forecast_text(session.tomorrow()))
    return 0 if finished else 1


def _card_command(
    console: Console, session: ReviewSession, loaded: LoadedDeck, card: Card, command: CardCommand
) -> LoadedDeck:
    """Act on the card asked (`:suspend` ...); returns the deck studied from now on (the
    edited one after a good `:edit`)."""
    from quiz.presentation.card_actions import action_text, parse_flag

    if command.name == "edit":
        return _edit(console, session, loaded, card)
    if command.name == "flag":
        flag = parse_flag(command.argument or "red")
        if flag is None:
            console.say("Flags: red, orange, green, blue, purple, or none.")
            return loaded
        console.say(action_text(session.flag(card, flag)))
        return loaded
    act = {"suspend": session.suspend, "bury": session.bury, "forget": session.forget}
    console.say(action_text(act[command.name](card)))
    return loaded


def _edit(console: Console, session: ReviewSession, loaded: LoadedDeck, card: Card) -> LoadedDeck:
    """Open the learner's editor at the card's question, then study the deck as edited (or,
    if it no longer loads, say where and keep the version before)."""
    import subprocess

    from quiz.core.deckfile.diagnostics import DeckError
    from quiz.core.editing import editor_command, open_for_edit, reread

    try:
        before, line = open_for_edit(loaded.path, card.question)
    except DeckError as error:
        console.say(f"Cannot edit: {error}")
        return loaded
    command = editor_command(loaded.path, line)
    try:
        subprocess.run(command, check=False)
    except OSError as error:
        console.say(f"The editor did not start ({command[0]}: {error.strerror}); set $EDITOR.")
        return loaded
    result = reread(before)
    for error_line in result.errors:
        console.say(error_line)
    if result.errors:
        console.say("The edited deck does not load: still studying the version before.")
        return loaded
    if result.loaded is None:
        console.say("The deck is unchanged.")
        return loaded
    session.reload(
        result.loaded.deck, path=str(result.loaded.path), content_hash=result.loaded.content_hash
    )
    console.say("Deck reloaded: your history is kept.")
    return result.loaded


def _say_backup_problem(console: Console, problem: str | None) -> None:
    """The day's backup runs beside the review; if it failed, the learner hears why."""
    if problem is not None:
        console.say(f"The day's backup failed: {problem}")


def _ask_grade(
    console: Console, allowed: tuple[Grade, ...], labels: dict[Grade, str]
) -> Grade | None:
    """The learner's grade among `allowed` (Enter: Good, or Again when it is the only one);
    None when they overrule a wrong verdict with `:o` ("I was right")."""
    default = Grade.Good if Grade.Good in allowed else Grade.Again
    options = ", ".join(f"{int(g)} {g.name} ({labels[g]})" for g in allowed)
    overrule = allowed == (Grade.Again,)
    hint = " (:o if you were right)" if overrule else ""

    def graded(line: str) -> Grade | Literal["overruled"] | None:
        text = line.strip()
        if overrule and text == ":o":
            return "overruled"
        if not text:
            return default
        return next((g for g in allowed if text == str(int(g))), None)

    answer = console.ask_until(
        f"Grade: {options}{hint} [{int(default)}]: ",
        graded,
        "Please type one of the grade numbers.",
    )
    return answer if isinstance(answer, Grade) else None


def _review_card(
    console: Console,
    session: ReviewSession,
    card: Card,
    meta: DeckMeta,
    seed: int,
    now: Callable[[], datetime],
) -> None:
    """Ask one card, read the grade, and answer it in the session."""
    console.say(" ".join(prompt_of(card).split()))
    shown = now()
    question = card.question
    if isinstance(question, Flashcard):
        console.ask("Press Enter to show the answer. ")
        console.say(question.prompt if card.side == "back" else question.answer)
        response: Response | None = None
        correct: bool | None = None
        allowed = tuple(Grade)
    else:
        response = ask_response(console, card, presented_order(question, meta, seed))
        result = check_card(card, response, meta)
        say_result(console, result, question)
        correct = result.correct
        allowed = tuple(Grade) if correct else (Grade.Again,)
    grade = _ask_grade(console, allowed, session.interval_labels(card))
    if grade is None:  # `:o` after a wrong verdict: the learner was right after all
        console.say("Counted as right.")
        grade = _ask_grade(
            console, (Grade.Hard, Grade.Good, Grade.Easy), session.interval_labels(card)
        )
        assert grade is not None
    if correct is not None:
        grade = grade_for(correct, grade)
    duration = max(0, int((now() - shown).total_seconds() * 1000))
    outcome = session.answer(card, grade, response=response, correct=correct, duration_ms=duration)
    if outcome.leech:
        from quiz.presentation.card_actions import leech_text

        suspended = session.settings.leech_action == "suspend"
        console.say(leech_text(outcome, suspended=suspended, keys=(UNDO, ":edit")))
