"""The card browser: find any card of any deck, see its schedule and history, and act on it.

The search box takes the query language of `quiz.core.card_query` (`deck:geo is:suspended
due<7 nile`); results follow the typing after a short pause, each search in a worker
thread, and only the newest search's page is shown. The list holds one page at a time
and reads the next when the cursor nears its end, so 100k cards are never loaded.

The table is an `OptionList` of one-line `Content` rows laid out in fixed-width columns
under a header line, not a `DataTable`: that one's stylesheet and its rendering of every
visible cell through Rich made the browser open 1.45x as slowly as a bare Textual app
(budget 1.3x; see tests/bench/README.md).

Actions apply to the selected cards (Space, `a`), else to the highlighted one; each is one
`Store` action, and `u` takes back this screen's last one (`undo_card_action`). As in the
library, letters are keys while the list has the focus: `/` moves to the search box,
Enter or Escape back to the table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from quiz.core.card_query import (
    FLAG_NAMES,
    SORT_COLUMNS,
    CardQuery,
    QueryError,
    SearchContext,
    SortColumn,
    decay_of,
    parse_query,
)
from quiz.core.card_state import Flag, Phase
from quiz.core.text import counted, sanitize
from quiz.errors import StoreError
from quiz.presentation.card_actions import flag_name
from quiz.ui.screens.base import QuizAppScreen
from quiz.ui.widgets.deck_text import plain
from quiz.ui.widgets.keybar import KeyBar
from quiz.ui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from quiz.core.storage import Store
    from quiz.core.storage.card_actions import ActionResult, CardRef
    from quiz.core.storage.card_search import CardRow

PAGE = 50
"""Cards read at a time; the next page is read when the cursor comes within `AHEAD` of
the end of what the list holds."""
AHEAD = 10

FLAG_STYLES = {
    Flag.RED: "red",
    Flag.ORANGE: "darkorange",
    Flag.GREEN: "green",
    Flag.BLUE: "dodgerblue",
    Flag.PURPLE: "mediumpurple",
}


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the table: its label, the sort its header stands for (a click sorts by
    it), its width (0: what the others leave) and whether a narrow screen drops it."""

    key: str
    label: str
    sort: SortColumn | None
    width: int
    wide_only: bool = False


COLUMNS = [
    Column("selected", "", None, 1),
    Column("deck", "Deck", "deck", 10),
    Column("prompt", "Prompt", "prompt", 0),
    Column("due", "Due", "due", 5),
    Column("interval", "Ivl", "interval", 5, wide_only=True),
    Column("recall", "R", "retrievability", 4),
    Column("lapses", "Lap", "lapses", 3, wide_only=True),
    Column("marks", "Marks", None, 5),
]
WIDE = 70
"""Below this width the interval and lapse columns give their room to the prompt."""


def fitted(cells: Sequence[Content], widths: Sequence[int]) -> Content:
    """Cells as one line of columns, each cut to its width with `…` or padded to it, with a
    space on both sides."""
    parts: list[Content | str] = []
    for cell, width in zip(cells, widths, strict=True):
        parts += (" ", cell.truncate(width, ellipsis=True, pad=True), " ")
    return Content.assemble(*parts)


class CardOption(Option):
    """A card's row: its cells (kept for tests and the selection mark) as one line."""

    def __init__(self, cells: list[Content], widths: Sequence[int]) -> None:
        super().__init__(fitted(cells, widths))
        self.cells = cells


class CardList(OptionList):
    """The cards, one line each; Ctrl+Home and Ctrl+End as well as Home and End (as in a
    `DataTable`) go to the first and the last card read."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+home", "first", "First", show=False),
        Binding("ctrl+end", "last", "Last", show=False),
    ]


def short_days(days: int) -> str:
    """A number of days as a cell: 12d, 5mo, 2.1y."""
    if days < 60:
        return f"{days}d"
    if days < 365:
        return f"{days // 30}mo"
    return f"{days / 365:.1f}y"


def due_cell(row: CardRow, context: SearchContext) -> str:
    """When a card is due, in study days from today: "today", "3d", "-5d" (overdue), "new"."""
    if row.phase is Phase.NEW or row.due is None:
        return "new"
    today = context.today.date
    days = (context.day_of(row.due) - today).days
    return "today" if days == 0 else ("-" + short_days(-days) if days < 0 else short_days(days))


def marks_cell(row: CardRow, today: date) -> Content:
    """S suspended, B buried, L leech, O orphaned, and a square in the flag's colour."""
    marks = row.marks
    flag = ("■", FLAG_STYLES[marks.flag]) if marks.flag is not Flag.NONE else ""
    letters = "".join(
        letter
        for shown, letter in (
            (marks.suspended, "S"),
            (marks.buried_on(today), "B"),
            (marks.leech, "L"),
            (row.orphaned, "O"),
        )
        if shown
    )
    return Content.assemble(flag, letters)


def selected_cell(selected: bool) -> Content:
    return Content.styled("✓", "bold") if selected else Content("")


class BrowserScreen(QuizAppScreen):
    """Every card of every deck (or of one), searchable, with actions on a selection."""

    CSS_PATH = "browser.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="browser-search", key_display="/", priority=True),
        Binding("space", "toggle_select", "Select", id="browser-select"),
        Binding("s", "suspend", "Suspend", id="browser-suspend"),
        Binding("minus", "bury", "Bury", id="browser-bury", key_display="-"),
        Binding("f", "cycle_flag", "Flag", id="browser-flag"),
        Binding("d", "set_due", "Set due", id="browser-set-due"),
        Binding("F", "forget", "Forget", id="browser-forget", key_display="F"),
        Binding("u,ctrl+z", "undo", "Undo", id="browser-undo", key_display="u"),
        Binding("e", "edit", "Edit", id="browser-edit"),
        Binding("o", "sort", "Sort", id="browser-sort"),
        Binding("a", "select_all", "Select all", id="browser-select-all"),
        Binding("O", "reverse", "Reverse", id="browser-reverse", show=False, key_display="O"),
        *(
            Binding(str(n), f"flag({n})", "Flag colour", id=f"browser-flag-{n}", show=False)
            for n in range(6)
        ),
        Binding("escape", "back", "Back", id="browser-back", priority=True),
        Binding(
            "enter",
            "leave_search",
            "Keep the search (in the search box)",
            id="browser-keep",
            priority=True,
            show=False,
        ),
        Binding("q", "back", "Back", id="browser-back-q", show=False),
    ]
    """Space selects; s, -, f (1-5 a colour, 0 none), d and F act on the selection (else the
    highlighted card); u undoes the last of them; o and O change the sort. `/`, Enter and
    Escape move between the search box and the table, so they are priority bindings (as in
    the library): letters typed right after them go where the learner meant."""

    def __init__(self, deck_ids: Sequence[str] | None = None, *, debounce: float = 0.15) -> None:
        """`deck_ids`: only these decks' cards (None: every deck); `debounce`: seconds of
        quiet typing before a search runs."""
        super().__init__()
        self.deck_ids = None if deck_ids is None else tuple(deck_ids)
        self.debounce = debounce
        self.query_value = CardQuery(deck_ids=self.deck_ids)
        self.order_by: SortColumn = "deck"
        self.descending = False
        self.rows: list[CardRow] = []
        self.total: int | None = 0
        """How many cards match (None while a full page's search is being counted)."""
        self.selected: dict[CardRef, None] = {}
        self.undo_stack: list[tuple[int, str]] = []
        """This screen's actions, newest last: (batch, what it did)."""
        self.page_generation = 0
        """How many pages have been shown (benchmarks and tests wait for it to move)."""
        self._search_generation = 0
        self._timer: Timer | None = None
        self.error: str | None = None
        self.columns = COLUMNS
        self.widths = [column.width for column in COLUMNS]
        """Each shown column's width in cells, the prompt's from the screen's width."""
        self._columns_width = 0
        self._detailed: CardRow | None = None
        """The card the details pane shows (a highlight message for it reads nothing again)."""

    # --- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Input(
            placeholder="/ search: words deck: tag: kind: is:suspended flag:red due<7 prop:r<0.8",
            id="search",
        )
        yield Static(id="cards-header", markup=False)
        yield CardList(id="cards", markup=False)
        with VerticalScroll(id="details"):
            yield Static(id="card-details", markup=False)
        yield Label("", id="browser-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "quiz"
        self.sub_title = "Cards"
        self.context = self.new_context()
        self._add_columns()
        self.table.focus()
        self._first_page()

    def new_context(self) -> SearchContext:
        """The clock, study days and forgetting curve of a search run now."""
        app = self.quiz_app
        return SearchContext(
            now=app.now(),
            day_starts_at=app.settings.day_starts_at,
            tz=app.tz,
            decay=decay_of(app.settings.parameters),
        )

    def _first_page(self) -> None:
        """The first page of the cards shown, read here so the first frame holds it (a few ms
        at 100k cards in deck order); later searches run in a worker as the learner types.
        A full page is counted in a worker after it: counting 100k cards in a fresh process
        took 8 ms of the cold start."""
        self._search_generation += 1
        generation = self._search_generation
        query = self.query_value
        try:
            rows = self.quiz_app.store.search_cards(query, context=self.context, limit=PAGE)
        except StoreError as error:
            self._failed(str(error))
            return
        complete = len(rows) < PAGE
        self.show_page(rows, len(rows) if complete else None, generation, 0)
        if not complete:
            self._count(query, generation)

    @work(thread=True, exclusive=True, group="search")
    def _count(self, query: CardQuery, generation: int) -> None:
        try:
            total = self.quiz_app.store.count_cards(query, context=self.context)
        except StoreError as error:
            self.app.call_from_thread(self._failed, str(error))
        else:
            self.app.call_from_thread(self.show_count, total, generation)

    @property
    def table(self) -> CardList:
        return self.query_one("#cards", CardList)

    @property
    def search_box(self) -> Input:
        return self.query_one("#search", Input)

    def _add_columns(self) -> None:
        """The columns the width has room for, and the header line with the sort's arrow."""
        width = self.size.width or self.app.size.width
        self._columns_width = width
        self.columns = [c for c in COLUMNS if width >= WIDE or not c.wide_only]
        # each cell is padded by one on both sides; 2 for the margins, 2 for the scroll bar
        fixed = sum(column.width + 2 for column in self.columns if column.width)
        rest = max(8, width - fixed - 2 - 4)
        self.widths = [column.width or rest for column in self.columns]
        labels = []
        for column in self.columns:
            mark = ""
            if column.sort is not None and column.sort == self.order_by:
                mark = "↓" if self.descending else "↑"
            labels.append(Content(column.label + mark))
        self.query_one("#cards-header", Static).update(fitted(labels, self.widths))

    def on_resize(self) -> None:
        """Columns again for a new width (not for the resize every screen gets on mounting:
        refilling the table then cost a third of the browser's start)."""
        if self.is_mounted and self.rows and self.size.width != self._columns_width:
            self._add_columns()
            self._fill(self.rows, keep=self.cursor_row)

    @property
    def cursor_row(self) -> int:
        """The index of the highlighted card (0 when none is)."""
        return self.table.highlighted or 0

    # --- searching ------------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        """Search again once the typing pauses."""
        if self._timer is not None:
            self._timer.stop()
        if self.debounce <= 0:
            self._parse_and_search(event.value)
        else:
            self._timer = self.set_timer(self.debounce, lambda: self._parse_and_search(event.value))

    def _parse_and_search(self, text: str) -> None:
        try:
            query = parse_query(text).within(self.deck_ids)
        except QueryError as error:
            self.error = str(error)
            self.show_status()
            return
        self.error = None
        self.query_value = query
        self.run_search(reset=True)

    def run_search(self, *, reset: bool, keep: int = 0) -> None:
        """Read the first page again (a new search, sort or action), keeping the cursor at
        `keep` when the page still has that row."""
        self._search_generation += 1
        self.context = self.new_context()
        limit = max(PAGE, keep + AHEAD + 1)
        self._search(self.query_value, self._search_generation, limit, reset, keep)

    @work(thread=True, exclusive=True, group="search")
    def _search(
        self, query: CardQuery, generation: int, limit: int, reset: bool, keep: int
    ) -> None:
        """The page first, on screen at once; then, if the page is full, the count."""
        store = self.quiz_app.store
        try:
            rows = store.search_cards(
                query,
                context=self.context,
                order_by=self.order_by,
                descending=self.descending,
                limit=limit,
            )
            complete = len(rows) < limit
            self.app.call_from_thread(
                self.show_page,
                rows,
                len(rows) if complete else None,
                generation,
                0 if reset else keep,
            )
            if not complete:
                total = store.count_cards(query, context=self.context)
                self.app.call_from_thread(self.show_count, total, generation)
        except StoreError as error:
            self.app.call_from_thread(self._failed, str(error))

    def _failed(self, message: str) -> None:
        self.error = sanitize(message)
        self.show_status()

    def show_page(self, rows: list[CardRow], total: int | None, generation: int, keep: int) -> None:
        """Put a search's first page in the table (unless a newer search is under way);
        `total` None: more match than the page holds, counted next (`show_count`)."""
        if generation != self._search_generation:
            return
        self.rows = rows
        self.total = total
        self._fill(rows, keep=keep)
        self.page_generation += 1

    def show_count(self, total: int, generation: int) -> None:
        if generation == self._search_generation:
            self.total = total
            self.show_status()

    def _fill(self, rows: list[CardRow], *, keep: int) -> None:
        table = self.table
        table.clear_options()
        table.add_options(self._option(row) for row in rows)
        if rows:
            table.highlighted = min(keep, len(rows) - 1)
        self.show_details()
        self.show_status()

    def _option(self, row: CardRow) -> CardOption:
        """One card's line in the columns shown; its text plain and sanitised (never markup)."""
        prompt = " ".join(row.prompt.split()) if row.has_text else "(text not read yet)"
        recall = "" if row.retrievability is None else f"{row.retrievability * 100:.0f}%"
        interval = "" if row.interval is None else short_days(row.interval.days)
        cells = {
            "selected": selected_cell(row.ref in self.selected),
            "deck": plain(row.deck_id),
            "prompt": plain(prompt),
            "due": Content(due_cell(row, self.context)),
            "interval": Content(interval),
            "recall": Content(recall),
            "lapses": Content(str(row.lapses)),
            "marks": marks_cell(row, self.context.today.date),
        }
        return CardOption([cells[column.key] for column in self.columns], self.widths)

    def _more(self) -> None:
        """Read the next page when the cursor nears the end of what the table holds."""
        if self.cursor_row < len(self.rows) - AHEAD:
            return
        if self.total is not None and len(self.rows) >= self.total:
            return
        more = self.quiz_app.store.search_cards(
            self.query_value,
            context=self.context,
            order_by=self.order_by,
            descending=self.descending,
            limit=PAGE,
            offset=len(self.rows),
        )
        self.rows.extend(more)
        self.table.add_options(self._option(row) for row in more)

    def show_status(self) -> None:
        sort = f"sorted by {self.order_by} {'↓' if self.descending else '↑'}"
        found = "counting cards…" if self.total is None else counted(self.total, "card")
        parts = [found, sort]
        if self.selected:
            parts.insert(1, f"{len(self.selected)} selected")
        status = " · ".join(parts)
        if self.error:
            status = f"{self.error}"
        label = self.query_one("#browser-status", Label)
        label.update(plain(status))
        label.set_class(self.error is not None, "error")

    # --- the highlighted card -------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#cards")
    def _highlighted(self) -> None:
        self._more()
        if self.highlighted() is not self._detailed:  # `_fill` showed it already
            self.show_details()

    def highlighted(self) -> CardRow | None:
        index = self.cursor_row
        return self.rows[index] if self.rows and 0 <= index < len(self.rows) else None

    def show_details(self) -> None:
        """The highlighted card in full: text, schedule, marks and its latest history."""
        details = self.query_one("#card-details", Static)
        row = self._detailed = self.highlighted()
        if row is None:
            details.update("No card matches." if not self.rows else "")
            return
        details.update(card_details(row, self.context, self.quiz_app.store))

    # --- selection ------------------------------------------------------------------------------

    def action_toggle_select(self) -> None:
        """Select or unselect the highlighted card, and go on to the next."""
        row = self.highlighted()
        if row is None:
            return
        if row.ref in self.selected:
            del self.selected[row.ref]
        else:
            self.selected[row.ref] = None
        table = self.table
        index = self.cursor_row
        option = table.get_option_at_index(index)
        assert isinstance(option, CardOption)
        option.cells[0] = selected_cell(row.ref in self.selected)
        table.replace_option_prompt_at_index(index, fitted(option.cells, self.widths))
        table.action_cursor_down()
        self.show_status()

    def action_select_all(self) -> None:
        """Select every card the search matches (all of them, not just those in view), or
        unselect all when they already are."""
        refs = self.quiz_app.store.card_refs(self.query_value, context=self.context)
        if refs and all(ref in self.selected for ref in refs):
            self.selected.clear()
        else:
            self.selected.update(dict.fromkeys(refs))
        self._fill(self.rows, keep=self.cursor_row)

    def targets(self) -> list[CardRef]:
        """What an action acts on: the selection, else the highlighted card."""
        if self.selected:
            return list(self.selected)
        row = self.highlighted()
        return [] if row is None else [row.ref]

    # --- actions --------------------------------------------------------------------------------

    def _act(
        self,
        verb: str,
        action: Callable[[list[CardRef], datetime], ActionResult],
        *,
        how: str = "",
    ) -> None:
        """Run one store action on the targets, remember it for undo and say what it did
        (`verb` the cards `how`: "flagged 2 cards red")."""
        targets = self.targets()
        if not targets:
            return
        try:
            result = action(targets, self.quiz_app.now())
        except StoreError as error:
            self.notify(
                sanitize(str(error)), title=f"Could not {verb}", severity="error", markup=False
            )
            return
        what = f"{verb} {counted(result.changed, 'card')}{how}"
        if result.batch is not None:
            self.undo_stack.append((result.batch, what))
        unchanged = f" ({result.unchanged} left as they were)" if result.unchanged else ""
        self.notify(
            f"{what.capitalize()}{unchanged}." + (" u undoes." if result.batch else ""),
            markup=False,
        )
        self.run_search(reset=False, keep=self.cursor_row)

    def action_suspend(self) -> None:
        """Suspend the cards (unsuspend them if the highlighted card is suspended)."""
        store = self.quiz_app.store
        row = self.highlighted()
        if row is not None and row.marks.suspended:
            self._act("unsuspended", lambda refs, now: store.unsuspend(refs, now=now))
        else:
            self._act("suspended", lambda refs, now: store.suspend(refs, now=now))

    def action_bury(self) -> None:
        """Bury the cards until tomorrow (unbury them if the highlighted card is buried)."""
        store = self.quiz_app.store
        row = self.highlighted()
        today = self.context.today.date
        if row is not None and row.marks.buried_on(today):
            self._act("unburied", lambda refs, now: store.unbury(refs, now=now))
        else:
            tomorrow = today + timedelta(days=1)
            self._act("buried", lambda refs, now: store.bury(refs, until=tomorrow, now=now))

    def action_flag(self, number: int) -> None:
        """Flag the cards with colour `number` (0: take the flag off)."""
        store = self.quiz_app.store
        flag = Flag(number)
        verb, how = ("unflagged", "") if flag is Flag.NONE else ("flagged", f" {flag_name(flag)}")
        self._act(verb, lambda refs, now: store.set_flag(refs, flag, now=now), how=how)

    def action_cycle_flag(self) -> None:
        """The highlighted card's next flag colour, for the cards (after purple: none)."""
        row = self.highlighted()
        current = row.marks.flag if row is not None else Flag.NONE
        self.action_flag((int(current) + 1) % len(Flag))

    def action_forget(self) -> None:
        """Send the cards back to new, after asking."""
        from quiz.ui.screens.card_dialogs import ForgetScreen

        targets = self.targets()
        if not targets:
            return
        store = self.quiz_app.store

        def answered(forget: bool | None) -> None:
            if forget:
                self._act("forgot", lambda refs, now: store.forget(refs, now=now))

        self.app.push_screen(ForgetScreen(len(targets)), answered)

    def action_set_due(self) -> None:
        """Ask for a due day (today, tomorrow, N days, a date) and move the cards to it."""
        from quiz.ui.screens.card_dialogs import SetDueScreen

        if not self.targets():
            return
        store = self.quiz_app.store
        context = self.context

        def chosen(day: date | None) -> None:
            if day is None:
                return
            due = context.start_of(day)
            self._act("rescheduled", lambda refs, now: store.set_due(refs, due=due, now=now))

        self.app.push_screen(SetDueScreen(context.today.date), chosen)

    def action_undo(self) -> None:
        """Take back this screen's last action."""
        if not self.undo_stack:
            self.notify("Nothing to undo here.", markup=False)
            return
        batch, what = self.undo_stack[-1]
        try:
            self.quiz_app.store.undo_card_action(batch)
        except StoreError as error:
            self.notify(
                sanitize(str(error)), title="Could not undo", severity="error", markup=False
            )
            return
        self.undo_stack.pop()
        self.notify(f"Undone: {what}.", markup=False)
        self.run_search(reset=False, keep=self.cursor_row)

    # --- editing --------------------------------------------------------------------------------

    def action_edit(self) -> None:
        """Edit the highlighted card's question in the learner's editor, at its line; the store
        takes the edited deck (history kept by id) and the list shows the new text."""
        from pathlib import Path

        from quiz.core.cards import cards_of
        from quiz.core.deckfile.diagnostics import DeckError
        from quiz.core.library import load, reconcile

        row = self.highlighted()
        if row is None:
            return
        app = self.quiz_app
        record = app.store.deck(row.deck_id)
        if record is None or record.path is None:
            self.notify("No deck file is known for this card's deck.", markup=False)
            return
        path = Path(record.path)
        try:
            loaded = load(path, app.deck_cache)
        except (DeckError, OSError) as error:
            self.notify(sanitize(str(error)), title="Cannot edit", severity="error", markup=False)
            return
        card = next((c for c in cards_of(loaded.deck) if c.key == row.card_key), None)
        if card is None:
            self.notify("This card is no longer in its deck file.", markup=False)
            return
        edited = app.edit_question(path, card.question, keeps="the cards keep the version before")
        if edited is None:
            return
        try:
            reconcile(app.store, edited, app.now())
        except StoreError as error:
            self.notify(sanitize(str(error)), title="Not saved", severity="error", markup=False)
            return
        self.notify("Deck edited: its cards keep their history.", timeout=3, markup=False)
        self.run_search(reset=False, keep=self.cursor_row)

    # --- sorting --------------------------------------------------------------------------------

    def action_sort(self) -> None:
        """Sort by the next column (deck, prompt, due, interval, lapses, reps, recall, created)."""
        index = SORT_COLUMNS.index(self.order_by)
        self.sort_by(SORT_COLUMNS[(index + 1) % len(SORT_COLUMNS)], descending=False)

    def action_reverse(self) -> None:
        """Reverse the sort."""
        self.sort_by(self.order_by, descending=not self.descending)

    @on(events.Click, "#cards-header")
    def _header_clicked(self, event: events.Click) -> None:
        """A click on a column's label sorts by it (again: the other way)."""
        offset = event.get_content_offset(self.query_one("#cards-header"))
        if offset is None:
            return
        right = 0
        for column, width in zip(self.columns, self.widths, strict=True):
            right += width + 2
            if offset.x < right:
                sort = column.sort
                if sort is not None:
                    self.sort_by(sort, descending=sort == self.order_by and not self.descending)
                return

    def sort_by(self, column: SortColumn, *, descending: bool) -> None:
        self.order_by = column
        self.descending = descending
        self._add_columns()
        self.run_search(reset=True)

    # --- focus ----------------------------------------------------------------------------------

    def action_search(self) -> None:
        """Type in the search box."""
        box = self.search_box
        if self.focused is box:
            box.insert_text_at_cursor("/")
            return
        self.set_focus(box)

    def action_leave_search(self) -> None:
        """Enter in the search box: back to the cards, keeping the search."""
        from textual.actions import SkipAction

        if self.focused is not self.search_box:
            raise SkipAction
        self.set_focus(self.table)

    def action_back(self) -> None:
        """Escape in the search box goes back to the cards; on the cards it closes the browser."""
        if self.focused is self.search_box:
            self.set_focus(self.table)
            return
        self.quiz_app.go_back()


GRADES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def card_details(row: CardRow, context: SearchContext, store: Store) -> Content:
    """The details pane: the card's text in full, its schedule and marks, and its latest
    answers and actions (newest first)."""
    local = context.local
    lines = [
        Content.assemble(
            plain(row.deck_title).stylize("bold"), plain(f" · {row.card_key} · {row.kind or '?'}")
        ),
    ]
    if row.tags:
        lines.append(plain("tags: " + " ".join(row.tags)))
    lines.append(Content.assemble(("Q: ", "bold"), plain(row.prompt or "(text not read yet)")))
    lines.append(Content.assemble(("A: ", "bold"), plain(row.answer)))
    state = row.phase.name.lower()
    if row.phase is not Phase.NEW and row.due is not None:
        state += f", due {local(row.due):%Y-%m-%d %H:%M}"
        if row.interval is not None:
            state += f", interval {short_days(row.interval.days)}"
        if row.stability is not None:
            state += f", stability {row.stability:.1f}d"
        if row.retrievability is not None:
            state += f", recall now {row.retrievability * 100:.0f}%"
    state += f", {row.reps} reps, {row.lapses} lapses"
    lines.append(Content(state))
    marks = row.marks
    flags = [name for name, flag in FLAG_NAMES.items() if flag is marks.flag]
    shown = [
        *(["suspended"] if marks.suspended else []),
        *([f"buried until {marks.buried_until}"] if marks.buried_on(context.today.date) else []),
        *([f"flag {flags[0]}"] if flags else []),
        *(["leech"] if marks.leech else []),
        *(["orphaned: gone from its deck"] if row.orphaned else []),
    ]
    if shown:
        lines.append(Content("marks: " + ", ".join(shown)))
    history = [
        (review.reviewed_at, f"answered {GRADES.get(review.grade, str(review.grade))}")
        for review in store.card_reviews(row.deck_id, row.card_key, limit=5)
    ]
    history += [
        (event.at, event.kind) for event in store.card_events(row.deck_id, row.card_key)[-5:]
    ]
    if history:
        history.sort(key=lambda item: item[0], reverse=True)
        lines.append(
            Content(
                "history: " + "; ".join(f"{local(at):%Y-%m-%d} {what}" for at, what in history[:6])
            )
        )
    return Content("\n").join(lines)
