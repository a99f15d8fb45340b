"""Study statistics: pictures of a year of reviews, the last month and the coming month, and
(`t`) tables of true retention, leeches and overruled verdicts.

The numbers come from `quiz.core.stats.collect` (SQL aggregates); this screen only
draws them, with Textual's `Sparkline` for the year and `textual-plotext` bar
charts for the 30-day views. plotext is imported only when this screen opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import ContentSwitcher, Label, Sparkline, Static
from textual_plotext import PlotextPlot

from quiz.core.text import counted, one_line, sanitize
from quiz.errors import StoreError
from quiz.presentation.formatting import RETENTION_LABELS, retention_text
from quiz.ui.screens.base import QuizAppScreen
from quiz.ui.widgets.keybar import KeyBar
from quiz.ui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from quiz.core.library import LoadedDeck
    from quiz.core.stats import DayCount, Stats

RECENT_DAYS = 30


def figures(stats: Stats) -> Content:
    """Four lines of headline numbers, each short enough not to wrap at 60 columns."""
    cards = stats.cards
    retention = (
        f"{100 * stats.true_retention:.0f}% of {stats.mature_reviews} mature reviews"
        if stats.true_retention is not None
        else "not yet (no mature cards)"
    )
    answer = (
        f"{stats.average_answer_ms / 1000:.1f} s per answer"
        if stats.average_answer_ms is not None
        else "no answer times yet"
    )
    return Content.assemble(
        ("Cards ", "bold"),
        f"{cards.total} · {cards.new} new · {cards.learning} learning · {cards.review} review",
        " · ",
        (f"{cards.due_today} due today", "bold $text-warning"),
        "\n",
        ("Reviews ", "bold"),
        f"{stats.total_reviews} · {answer}",
        "\n",
        ("Retention ", "bold"),
        retention,
        "\n",
        ("Streak ", "bold"),
        f"{counted(stats.current_streak, 'day')} (longest {stats.longest_streak})",
    )


def tables(stats: Stats, titles: dict[str, str]) -> Content:
    """True retention by period and age, then the leeches and the overruled verdicts: lines
    of at most 58 cells, so the view reads at 60 columns."""
    from quiz.core.stats import MATURE_DAYS

    lines: list[Content | str] = [
        Content.styled("True retention", "bold"),
        Content.styled(f"{'Reviewed':<13}{'Young':>14}{'Mature':>14}", "$text-muted"),
    ]
    for period in stats.retention_table:
        label = RETENTION_LABELS.get(period.period, period.period)
        lines.append(
            f"{label:<13}{retention_text(period.young):>14}{retention_text(period.mature):>14}"
        )
    lines.append(Content.styled(f"mature: scheduled {MATURE_DAYS} days or more", "$text-muted"))
    lines.append("")
    cards = stats.cards
    lines.append(
        Content.assemble(
            ("Leeches ", "bold"),
            f"{cards.leeches} · {cards.suspended} suspended · {cards.buried} buried today",
        )
    )
    for card in stats.leeches:
        what = one_line(sanitize(card.prompt or card.card_key))
        lines.append(f"{card.lapses:>3} lapses · {what[:40]}{'…' if len(what) > 40 else ''}")
    if stats.overrules:
        lines.append("")
        lines.append(Content.styled("Verdicts overruled", "bold"))
        for row in stats.overrules:
            name = sanitize(titles.get(row.deck_id, row.deck_id))
            lines.append(f"{row.total:>3} · {name}")
    return Content("\n").join(Content(line) if isinstance(line, str) else line for line in lines)


class DayBars(PlotextPlot):
    """A bar per day, with the first, middle and last dates on the x axis and whole-number
    y ticks, no more than it has rows for: given more, plotext drops one label, and which
    one varies between runs. Redrawn when resized, as the rows it has change."""

    FRAME_ROWS = 4
    """Rows that are not bars: the title, the frame's top and bottom, the date labels."""

    def __init__(self, title: str, *, id: str) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.chart_title = title
        self.days: list[DayCount] = []

    def show(self, days: list[DayCount]) -> None:
        self.days = days
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    def draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        days = self.days
        plt.bar(list(range(len(days))), [d.count for d in days], width=0.6)
        ticks = sorted({0, len(days) // 2, len(days) - 1}) if days else []
        plt.xticks([float(i) for i in ticks], [days[i].day.strftime("%d %b") for i in ticks])
        top = max((d.count for d in days), default=0)
        intervals = max(1, min(4, self.size.height - self.FRAME_ROWS - 1))  # about four
        step = max(1, -(-top // intervals))  # whole numbers: counts have no fractions
        plt.yticks([float(y) for y in range(0, top + step, step)])
        plt.title(self.chart_title)
        self.refresh()


class StatsScreen(QuizAppScreen):
    """Statistics of one deck, or of every deck."""

    CSS_PATH = "stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "view('tables-view')", "Tables", id="stats-tables"),
        Binding("t", "view('charts-view')", "Charts", id="stats-charts"),
        Binding("escape,q", "back", "Back", id="stats-back"),
        Binding("f5", "reload", "Refresh", id="stats-refresh"),
    ]
    """t switches between charts and tables; q goes back; F5 reads the statistics again."""

    def __init__(self, loaded: LoadedDeck | None = None) -> None:
        super().__init__()
        self.loaded = loaded
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="figures")
        with ContentSwitcher(initial="charts-view", id="views"):
            with Vertical(id="charts-view"):
                with Vertical(id="year-box"):
                    yield Label("Reviews per day over the last 12 months", classes="caption")
                    yield Sparkline([], id="year")
                with Horizontal(id="charts"):
                    yield DayBars("Reviews, last 30 days", id="recent")
                    yield DayBars("Due, next 30 days", id="forecast")
            with VerticalScroll(id="tables-view"):
                yield Static("", id="tables")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Statistics"
        self.title = sanitize(self.loaded.deck.deck.title) if self.loaded else "All decks"
        self.action_reload()

    def action_reload(self) -> None:
        """Read the statistics and draw them."""
        from quiz.core.stats import collect

        app = self.quiz_app
        deck_ids = [self.loaded.deck.deck.id] if self.loaded is not None else None
        try:
            self.stats = stats = collect(
                app.store,
                deck_ids,
                now=app.now(),
                day_starts_at=app.settings.day_starts_at,
                tz=app.tz,
            )
        except StoreError as error:  # a damaged database, or one lacking an index
            app.leave_with_error(error, title="Cannot read the statistics")
            return
        self.query_one("#figures", Static).update(figures(stats))
        self.query_one("#year", Sparkline).data = [d.count for d in stats.reviews_per_day]
        self.query_one("#recent", DayBars).show(stats.reviews_per_day[-RECENT_DAYS:])
        self.query_one("#forecast", DayBars).show(stats.forecast)
        titles = {record.id: record.title for record in app.store.decks()}
        self.query_one("#tables", Static).update(tables(stats, titles))

    def action_view(self, view: str) -> None:
        """Show the charts or the tables."""
        self.query_one("#views", ContentSwitcher).current = view
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view":  # `t` offers the view not shown
            return self.query_one("#views", ContentSwitcher).current != parameters[0]
        return True

    def action_back(self) -> None:
        """Back to where the statistics were opened from."""
        self.quiz_app.go_back()
