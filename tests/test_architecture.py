"""Layers that must stay usable without the UI: no Textual or Rich import, ever.

The domain core, plain mode and the presentation package both front ends share
are each imported in a fresh process, which then reports what came in with them.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from types import ModuleType

import quiz.core
import quiz.presentation


def modules_of(package: ModuleType) -> list[str]:
    """The package and every module under it, by name."""
    prefix = f"{package.__name__}."
    return [package.__name__, *(i.name for i in pkgutil.walk_packages(package.__path__, prefix))]


def imported_with(modules: list[str], forbidden: tuple[str, ...]) -> list[str]:
    """The `forbidden` modules (or their submodules) a fresh process has after importing
    `modules`."""
    code = (
        "import sys\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        f"forbidden = {forbidden!r}\n"
        "leaks = sorted(m for m in sys.modules if m.startswith(tuple(f + '.' for f in forbidden))"
        " or m in forbidden)\n"
        "print(','.join(leaks))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return [name for name in result.stdout.strip().split(",") if name]


def test_core_imports_no_ui_library() -> None:
    modules = modules_of(quiz.core)
    assert len(modules) > 3, "the walk found no core modules: the test would prove nothing"
    leaks = imported_with(modules, ("textual", "rich"))
    assert leaks == [], f"quiz.core imported UI modules: {leaks}"


def test_plain_mode_and_presentation_import_no_ui() -> None:
    """`quiz take --plain` and `quiz review --plain` must start without the full-screen UI."""
    modules = ["quiz.plain", *modules_of(quiz.presentation)]
    assert len(modules) > 4, "the walk found no presentation modules: the test would prove nothing"
    leaks = imported_with(modules, ("textual", "rich", "quiz.ui"))
    assert leaks == [], f"plain mode or quiz.presentation imported UI modules: {leaks}"
