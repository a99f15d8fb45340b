"""The domain core must stay usable without the UI: no Textual or Rich import, ever."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import quiz.core


def core_modules() -> list[str]:
    return [info.name for info in pkgutil.walk_packages(quiz.core.__path__, prefix="quiz.core.")]


def test_core_imports_no_ui_library() -> None:
    modules = ["quiz.core", *core_modules()]
    code = (
        "import sys\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "leaks = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(leaks))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"quiz.core imported UI modules: {result.stdout}"
    assert len(modules) > 3, "the walk found no core modules: the test would prove nothing"
