"""Study statistics as pictures: a year of reviews, the last month, and the coming month.

The numbers come from `quiz.core.stats.collect` (SQL aggregates); this screen only
draws them, with Textual's `Sparkline` for the year and `textual-plotext` bar
charts for the 30-day views. plotext is imported only when this screen opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, Sparkline, Static
from textual_plotext import PlotextPlot

from quiz.core.text import counted, sanitize
from quiz.ui.screens.base import QuizAppScreen
from quiz.ui.widgets.keybar import KeyBar
from quiz.ui.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from quiz.core.library import LoadedDeck
    from quiz.core.stats import DayCount, Stats

RECENT_DAYS = 30


def figures(stats: Stats) -> Content:
    """Two lines of headline numbers."""
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
        ("   Streak ", "bold"),
        f"{counted(stats.current_streak, 'day')} (longest {stats.longest_streak})",
    )


def draw_bars(plot: PlotextPlot, days: list[DayCount], title: str) -> None:
    """A bar per day, with the first, middle and last dates on the x axis."""
    plt = plot.plt
    plt.clear_data()
    plt.clear_figure()
    xs = list(range(len(days)))
    plt.bar(xs, [d.count for d in days], width=0.6)
    ticks = sorted({0, len(days) // 2, len(days) - 1}) if days else []
    plt.xticks([float(i) for i in ticks], [days[i].day.strftime("%d %b") for i in ticks])
    top = max((d.count for d in days), default=0)
    step = max(1, -(-top // 4))  # about four whole-number ticks: counts have no fractions
    plt.yticks([float(y) for y in range(0, top + step, step)])
    plt.title(title)
    plot.refresh()


class StatsScreen(QuizAppScreen):
    """Statistics of one deck, or of every deck."""

    CSS_PATH = "stats.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="stats-back"),
        Binding("f5", "reload", "Refresh", id="stats-refresh"),
    ]
    """q goes back; F5 reads the statistics again."""

    def __init__(self, loaded: LoadedDeck | None = None) -> None:
        super().__init__()
        self.loaded = loaded
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="figures")
        with Vertical(id="year-box"):
            yield Label("Reviews per day over the last 12 months", classes="caption")
            yield Sparkline([], id="year")
        with Horizontal(id="charts"):
            yield PlotextPlot(id="recent")
            yield PlotextPlot(id="forecast")
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
        self.stats = stats = collect(
            app.store,
            deck_ids,
            now=app.now(),
            day_starts_at=app.settings.day_starts_at,
            tz=app.tz,
        )
        self.query_one("#figures", Static).update(figures(stats))
        self.query_one("#year", Sparkline).data = [d.count for d in stats.reviews_per_day]
        draw_bars(
            self.query_one("#recent", PlotextPlot),
            stats.reviews_per_day[-RECENT_DAYS:],
            "Reviews, last 30 days",
        )
        draw_bars(self.query_one("#forecast", PlotextPlot), stats.forecast, "Due, next 30 days")

    def action_back(self) -> None:
        """Back to where the statistics were opened from."""
        self.quiz_app.go_back()
