"""`quiz serve` as a process: it starts, gates on its token, runs the app per session, stops.

Every connection stays on 127.0.0.1 (the server listens on port 0, i.e. a free
port it prints). The last test drives the page in headless Chromium when a
`chromium` binary is on PATH (Debian package `chromium`), and is skipped without.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import selectors
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import HTTPCookieProcessor, ProxyHandler, build_opener

import aiohttp
import pytest

ROOT = Path(__file__).resolve().parents[2]
NEWS = ROOT / "decks" / "belarus-prisoner-release-2025.toml"
NEWS_TITLE = "Belarus frees Bialiatski and other prisoners"
START_TIMEOUT_S = 30.0
"""Generous: two cores are shared with other test runs; a healthy start takes ~1 s."""
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[^\[]")


@dataclass
class Served:
    """A running `quiz serve` and everything it printed so far."""

    process: subprocess.Popen[bytes]
    url: str
    output: bytearray = field(default_factory=bytearray)

    @property
    def base(self) -> str:
        return self.url.split("/?", 1)[0]

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]

    def read_until(self, pattern: bytes, timeout: float = START_TIMEOUT_S) -> bytes:
        return _read_until(self.process, self.output, pattern, timeout)

    def stop(self) -> tuple[int, str]:
        """Ctrl+C, as a teacher would; the exit status and the whole output."""
        self.process.send_signal(signal.SIGINT)
        rest, _ = self.process.communicate(timeout=15)
        self.output += rest
        return self.process.returncode, self.output.decode("utf-8", "replace")


def _read_until(
    process: subprocess.Popen[bytes], output: bytearray, pattern: bytes, timeout: float
) -> bytes:
    """Read the process's output until `pattern` appears (a bounded wait, never a hang)."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while (found := re.search(pattern, output)) is None:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                raise AssertionError(f"no {pattern!r} in time; output: {bytes(output)!r}")
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError(f"exited ({process.wait()}) before {pattern!r}: {output!r}")
            output += chunk
    return found.group()


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "quiz", "serve", "--port", "0", *args]


ONE_QUESTION = """
[deck]
id = "one"
title = "One question"

[[questions]]
id = "one"
kind = "short"
prompt = "Type the digit one."
answer = "1"
"""
"""A deck whose only question any order answers the same way: type 1, press Enter."""


@pytest.fixture
def deck(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The news deck, or with `@pytest.mark.parametrize("deck", ["one"], indirect=True)`
    the one-question deck."""
    if getattr(request, "param", "news") == "news":
        return NEWS
    path = tmp_path / "one.toml"
    path.write_text(ONE_QUESTION, encoding="utf-8")
    return path


@pytest.fixture
def served(deck: Path) -> Iterator[Served]:
    process = subprocess.Popen(
        serve_command(str(deck)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = bytearray()
    try:
        url = _read_until(process, output, rb"http://127\.0\.0\.1:\d+/\?token=[\w-]+", 30)
        yield Served(process, url.decode(), output)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=15)  # also closes the pipe


def children(pid: int) -> set[int]:
    """Processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def attempts(data_dir: Path) -> list[tuple[str | None, int]]:
    """(student, answers given) of every attempt in the test's database."""
    with sqlite3.connect(data_dir / "quiz.sqlite3") as db:
        return db.execute(
            "SELECT a.student, COUNT(b.position) FROM attempts a"
            " LEFT JOIN attempt_answers b ON b.attempt_id = a.id GROUP BY a.id ORDER BY a.id"
        ).fetchall()


def wait_for(condition: Any, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


# --- the server -------------------------------------------------------------------------------


def test_page_needs_the_printed_token(served: Served) -> None:
    assert re.search(rb"Serving 1 deck\(s\)", served.output)
    stranger = build_opener(ProxyHandler({}))  # no proxy from the environment: 127.0.0.1 only
    for url in (served.base + "/", served.base + "/?token=wrong", served.base + "/static/"):
        with pytest.raises(HTTPError) as refused:
            stranger.open(url, timeout=10)
        refused.value.close()
        assert refused.value.code == 403

    browser = build_opener(ProxyHandler({}), HTTPCookieProcessor(CookieJar()))
    with browser.open(served.url, timeout=10) as page:  # redirect, cookie, name page
        assert page.status == 200
        assert page.url == served.base + "/"
        html = page.read().decode()
    assert 'name="student"' in html
    assert NEWS_TITLE in html
    with browser.open(served.base + "/static/js/textual.js", timeout=10) as script:
        assert script.status == 200

    status, output = served.stop()
    assert status == 0
    assert "Stopped." in output
    assert "Traceback" not in output


async def test_a_session_runs_the_app_for_its_student(
    served: Served, isolated_data_dir: Path
) -> None:
    """Over the websocket, as the browser's script does: the app draws the deck and its
    attempt is stored under the student's name; Ctrl+C with the tab open ends it all."""
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
    timeout = aiohttp.ClientTimeout(total=START_TIMEOUT_S)
    async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout) as client:
        async with client.get(served.url) as response:
            assert response.status == 200
        async with client.get(
            served.base + "/play", params={"student": " Ann  Lee", "deck": "0"}
        ) as response:
            page = await response.text()
        found = re.search(r'data-session-websocket-url="(ws://[^"]+)"', page)
        assert found is not None
        async with client.ws_connect(found.group(1) + "?width=100&height=30") as websocket:
            await websocket.send_json(["resize", {"width": 100, "height": 30}])
            screen = bytearray()
            while NEWS_TITLE.encode() not in ESCAPES.sub(b"", screen):
                message = await asyncio.wait_for(websocket.receive(), START_TIMEOUT_S)
                assert message.type == aiohttp.WSMsgType.BINARY, message
                screen += message.data
            await asyncio.to_thread(
                wait_for, lambda: attempts(isolated_data_dir) == [("Ann Lee", 0)]
            )
            apps = children(served.process.pid)
            assert len(apps) == 1
            status, output = await asyncio.to_thread(served.stop)
    assert status == 0
    assert "Traceback" not in output
    assert "Ann Lee left" in output
    assert not any(Path(f"/proc/{pid}").exists() for pid in apps), "app process left behind"


def test_port_in_use_is_a_one_line_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*serve_command(str(NEWS))[:-3], "--port", str(port), str(NEWS)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["missing.toml"], 1, "no deck file missing.toml"),
        (["--token", "short"], 2, "16 to 128 characters"),
        (["--token", "a" * 20 + ";id"], 2, "16 to 128 characters"),
        (["--port", "70000"], 2, "70000"),
        (["--max-sessions", "0"], 2, "0 is not in the range"),
        (["--host", "0.0.0.0"], 2, "add --public if that is what you want"),
        (["--host", "192.0.2.1"], 2, "add --public if that is what you want"),
    ],
)
def test_bad_arguments_stop_before_listening(args: list[str], status: int, message: str) -> None:
    result = subprocess.run(serve_command(*args), capture_output=True, text=True, timeout=60)
    assert result.returncode == status
    assert message in result.stderr
    assert "Serving" not in result.stdout
    assert "Traceback" not in result.stderr


# --- a real browser ---------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1000,700",
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # no name resolves elsewhere
]


class DevTools:
    """Just enough of the Chrome DevTools Protocol: call a method, await its answer."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse) -> None:
        self.websocket = websocket
        self.last_id = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.last_id += 1
        await self.websocket.send_json({"id": self.last_id, "method": method, "params": params})
        while True:
            message = await asyncio.wait_for(self.websocket.receive_json(), START_TIMEOUT_S)
            if message.get("id") == self.last_id:
                assert "error" not in message, message
                result: dict[str, Any] = message["result"]
                return result

    async def evaluate(self, expression: str) -> Any:
        answer = await self.call("Runtime.evaluate", expression=expression)
        return answer["result"].get("value")

    async def type_line(self, text: str) -> None:
        """Type `text` into the focused element, then press Enter."""
        await self.call("Input.insertText", text=text)
        enter = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        await self.call("Input.dispatchKeyEvent", type="keyDown", text="\r", **enter)
        await self.call("Input.dispatchKeyEvent", type="keyUp", **enter)

    async def wait_for(self, expression: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not await self.evaluate(expression):
            assert time.monotonic() < deadline, f"never true in the browser: {expression}"
            await asyncio.sleep(0.2)


@pytest.mark.skipif(CHROMIUM is None, reason="no `chromium` on PATH (apt-get install chromium)")
@pytest.mark.parametrize("deck", ["one"], indirect=True)
async def test_headless_chromium_takes_a_question(
    served: Served, isolated_data_dir: Path, tmp_path: Path
) -> None:
    """The page's own script connects, the app draws, a key typed in the page answers."""
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    chromium = subprocess.Popen(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        await asyncio.to_thread(wait_for, lambda: port_file.is_file() and port_file.read_text())
        port = port_file.read_text().split()[0]
        timeout = aiohttp.ClientTimeout(total=START_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as client:
            async with client.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json()
            page = next(target for target in targets if target["type"] == "page")
            async with client.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as cdp:
                tools = DevTools(cdp)
                play = f"{served.base}/play?student=Ann&deck=0&token={served.token}"
                await tools.call("Page.navigate", url=play)
                await tools.wait_for(
                    "document.body && document.body.classList.contains('-first-byte')"
                )
                assert await tools.evaluate("document.title") == "quiz · One question · Ann"
                await asyncio.to_thread(
                    wait_for, lambda: attempts(isolated_data_dir) == [("Ann", 0)]
                )
                await tools.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
                # Keys typed while the question is still being drawn can be lost: type again
                # until the answer is stored (any answer: the test is that keys get through).
                deadline = time.monotonic() + START_TIMEOUT_S
                while attempts(isolated_data_dir) != [("Ann", 1)]:
                    assert time.monotonic() < deadline, "typed answer never stored"
                    await tools.type_line("1")
                    await asyncio.sleep(1.0)
                assert not await tools.evaluate("document.body.classList.contains('-closed')")
                shot = await tools.call("Page.captureScreenshot")
                assert base64.b64decode(shot["data"]).startswith(b"\x89PNG")
    finally:
        chromium.terminate()
        chromium.wait(timeout=15)
    status, output = served.stop()
    assert status == 0
    assert "Traceback" not in output
    assert "Ann started" in output


def test_without_the_serve_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import quiz.web
    from quiz.cli import main

    monkeypatch.delitem(sys.modules, "quiz.web.server", raising=False)
    monkeypatch.delattr(quiz.web, "server", raising=False)  # else `from quiz.web import server`
    monkeypatch.setitem(sys.modules, "textual_serve", None)  # import fails as if not installed
    result = CliRunner().invoke(main, ["serve", str(NEWS)])
    assert result.exit_code == 1
    assert "quiz serve needs the serve extra (textual_serve is missing)" in result.output
    assert "pip install 'quiz[serve]'" in result.output
