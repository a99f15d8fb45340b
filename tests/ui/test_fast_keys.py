"""Keys a terminal hands over in one read (fast typing, a paste, key repeat) each act on the
state the key before left: a widget must not wait for its own messages before the next key."""

from __future__ import annotations

from textual import events
from ui_support import UI_DATA, AppFactory

from quiz.core.library import load
from quiz.presentation.options import QuizOptions
from quiz.ui.app import Start
from quiz.ui.screens.quiz import QuizScreen
from quiz.ui.widgets.lists import OrderInput, OrderList

EVERY_KIND = UI_DATA / "every-kind.toml"


async def test_order_moves_typed_at_once_each_move_one_place_further(
    build_app: AppFactory,
) -> None:
    loaded = load(EVERY_KIND)
    app = build_app(Start(at="quiz", loaded=loaded, quiz=QuizOptions(seed=1, tags=("order",))))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, QuizScreen)
        order = screen.query_one(OrderInput)
        expected = list(order.items)
        assert screen.query_one(OrderList).highlighted == 0
        # J J: the first item two places down; Down; K K K: that item to the top.
        expected.insert(2, expected.pop(0))
        expected.insert(0, expected.pop(3))
        for key, character in [("J", "J"), ("J", "J"), ("down", None)] + [("K", "K")] * 3:
            app.post_message(events.Key(key, character))  # as the driver does, no waiting
        await pilot.pause()
        await pilot.pause()
        assert order.items == expected
        assert screen.query_one(OrderList).highlighted == 0
        shown = [str(option.prompt) for option in screen.query_one(OrderList).options]
        assert shown == [f"{n}. {item}" for n, item in enumerate(expected, start=1)]
