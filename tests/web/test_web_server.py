"""The `quiz serve` web application in-process: the token gate, the pages, tickets, headers.

The end-to-end run (a real `quiz serve` process, a websocket session driving the
app, headless Chromium) is in tests/cli/test_serve.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer

from quiz.web import server
from quiz.web.server import Classroom, ServedDeck, make_web_app

TOKEN = "test-token-0123456789abcdef"
DECKS = (
    ServedDeck(Path("/decks/news.toml"), "News <b>&</b> views"),
    ServedDeck(Path("/decks/elements.toml"), "Elements"),
)


def classroom(**changes: object) -> Classroom:
    values: dict[str, object] = {"decks": DECKS, "db": Path("/data/quiz.sqlite3"), "token": TOKEN}
    values.update(changes)
    return Classroom(**values)  # type: ignore[arg-type]


@pytest.fixture
async def client() -> AsyncIterator[TestClient[object, object]]:
    async with TestClient(TestServer(make_web_app(classroom()))) as test_client:
        yield test_client


async def signed_in(client: TestClient[object, object]) -> None:
    response = await client.get(f"/?token={TOKEN}", allow_redirects=False)
    assert response.status == 303


@pytest.mark.parametrize(
    "path", ["/", "/play?student=Ann&deck=0", "/static/js/textual.js", "/ws/x"]
)
@pytest.mark.parametrize(
    "token", [None, "", "wrong", TOKEN[:-1], TOKEN + "x", "tøken", TOKEN.upper()]
)
async def test_no_or_wrong_token_is_403_everywhere(
    client: TestClient[object, object], path: str, token: str | None
) -> None:
    url = path if token is None else f"{path}{'&' if '?' in path else '?'}token={token}"
    response = await client.get(url, allow_redirects=False)
    assert response.status == 403
    assert "set-cookie" not in response.headers


async def test_wrong_cookie_is_403(client: TestClient[object, object]) -> None:
    cookie = classroom().cookie_name
    response = await client.get("/", headers={"Cookie": f"{cookie}=nope"})
    assert response.status == 403


async def test_token_becomes_a_cookie_and_leaves_the_address(
    client: TestClient[object, object],
) -> None:
    response = await client.get(f"/play?student=Ann&token={TOKEN}&deck=1", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/play?student=Ann&deck=1"
    cookie = response.cookies[classroom().cookie_name]
    assert cookie.value == TOKEN
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    # the cookie alone now opens every page
    page = await client.get("/")
    assert page.status == 200


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("//evil.example/", "/evil.example/"),
        ("///evil.example/x", "/evil.example/x"),
        ("/\\evil.example/", "/evil.example/"),
        ("/play", "/play"),
    ],
)
async def test_the_token_redirect_stays_on_this_server(target: str, location: str) -> None:
    """`//evil.example/` as a Location is another host to a browser: an open redirect.
    Sent as a raw request line: HTTP clients would read `//evil.example` as a host."""
    async with TestServer(make_web_app(classroom())) as test_server:
        reader, writer = await asyncio.open_connection(test_server.host, test_server.port)
        request = f"GET {target}?token={TOKEN}&a=1 HTTP/1.1\r\nHost: quiz\r\n\r\n"
        writer.write(request.encode())
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        writer.close()
    assert head.startswith("HTTP/1.1 303")
    assert f"\r\nLocation: {location}?a=1\r\n" in head


def test_sizes_from_the_browser_are_small_numbers_or_the_default() -> None:
    limits = server.SIZE_LIMITS[0]
    assert server._clamp("²", 80, limits) == 80
    assert server._clamp("9" * 5000, 80, limits) == 80
    assert server._clamp("100", 80, limits) == 100
    assert server._clamp("99999", 80, limits) == 80  # not a size: the default


async def test_behind_a_tls_proxy_on_this_computer_the_page_uses_wss(
    client: TestClient[object, object],
) -> None:
    """Caddy or nginx in front (HTTPS) says so in X-Forwarded-Proto: the terminal page then
    connects with wss:// (ws:// from an https page is blocked) and the origin check expects
    https. The test client connects from loopback, as a proxy on this computer would."""
    await signed_in(client)
    forwarded = {"X-Forwarded-Proto": "https"}
    page = await client.get("/play", params={"student": "Ann"}, headers=forwarded)
    assert 'data-session-websocket-url="wss://' in await page.text()
    plain = await client.get("/play", params={"student": "Ann"})
    assert 'data-session-websocket-url="ws://' in await plain.text()


async def test_two_servers_use_different_cookies() -> None:
    assert classroom().cookie_name != classroom(token="another-token-0123456789").cookie_name


async def test_name_page_lists_decks_escaped(client: TestClient[object, object]) -> None:
    await signed_in(client)
    response = await client.get("/")
    assert response.status == 200
    html = await response.text()
    assert '<form method="get" action="/play">' in html
    assert 'name="student"' in html
    assert "News &lt;b&gt;&amp;&lt;/b&gt; views" in html
    assert "<b>" not in html
    assert '<option value="1">Elements</option>' in html
    assert "googleapis" not in html  # nothing is fetched from other sites
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_play_sends_the_terminal_page_with_a_ticket(
    client: TestClient[object, object],
) -> None:
    await signed_in(client)
    response = await client.get("/play", params={"student": "  Ann  Lee ", "deck": "1"})
    assert response.status == 200
    html = await response.text()
    assert 'src="/static/js/textual.js"' in html
    assert "Starting for Ann Lee" in html
    assert "<title>quiz · Elements · Ann Lee</title>" in html
    host = f"{client.host}:{client.port}"
    assert f'data-session-websocket-url="ws://{host}/ws/' in html
    state = client.app[server.STATE]  # type: ignore[index]
    [ticket] = state.tickets.values()
    assert (ticket.student, ticket.deck) == ("Ann Lee", 1)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"student": "", "deck": "0"}, "Please type your name."),
        ({"student": "--help", "deck": "0"}, "starting with a letter or digit"),
        ({"student": "<script>x", "deck": "0"}, "letters, digits"),
        ({"student": "Ann", "deck": "2"}, "Choose a deck"),
        ({"student": "Ann", "deck": "-1"}, "Choose a deck"),
        ({"student": "Ann", "deck": "x"}, "Choose a deck"),
        ({"student": "Ann", "deck": "²"}, "Choose a deck"),  # isdigit, but int() refuses it
        ({"student": "Ann", "deck": "٣"}, "Choose a deck"),
        ({"student": "Ann", "deck": "9" * 5000}, "Choose a deck"),  # int() refuses it too
        ({"student": "Ann", "fontsize": "²"}, None),
        ({"student": "Ann", "fontsize": "9" * 5000}, None),
        ({"student": "Ann"}, None),  # deck defaults to the first
    ],
)
async def test_play_checks_name_and_deck(
    client: TestClient[object, object], query: dict[str, str], message: str | None
) -> None:
    await signed_in(client)
    response = await client.get("/play", params=query)
    html = await response.text()
    state = client.app[server.STATE]  # type: ignore[index]
    if message is None:
        assert response.status == 200
        assert len(state.tickets) == 1
        return
    assert response.status == 400
    assert message in html
    assert "<script>x" not in html  # the name comes back escaped in the form
    assert not state.tickets


async def test_full_class_is_turned_away() -> None:
    async with TestClient(TestServer(make_web_app(classroom(max_sessions=0)))) as client:
        await signed_in(client)
        response = await client.get("/play", params={"student": "Ann"})
        assert response.status == 503
        assert "The class is full" in await response.text()


@pytest.mark.parametrize(
    "path",
    ["/static/", "/static/js/", "/static/../server.py", "/static/%2e%2e/server.py", "/etc/passwd"],
)
async def test_no_listing_and_no_other_files(client: TestClient[object, object], path: str) -> None:
    await signed_in(client)
    response = await client.get(path)
    assert response.status in (403, 404)


async def test_static_files_are_served(client: TestClient[object, object]) -> None:
    await signed_in(client)
    response = await client.get("/static/js/textual.js")
    assert response.status == 200
    assert "WebSocket" in await response.text()


async def test_websocket_needs_a_ticket_once_and_the_same_origin(
    client: TestClient[object, object],
) -> None:
    await signed_in(client)
    with pytest.raises(WSServerHandshakeError) as unknown:
        await client.ws_connect("/ws/made-up")
    assert unknown.value.status == 404
    await client.get("/play", params={"student": "Ann"})
    state = client.app[server.STATE]  # type: ignore[index]
    [key] = state.tickets
    with pytest.raises(WSServerHandshakeError) as foreign:
        await client.ws_connect(f"/ws/{key}", origin="http://evil.example")
    assert foreign.value.status == 403
    assert key in state.tickets  # a refused connection does not use the ticket up


def test_tickets_are_single_use_and_expire(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(server.time, "monotonic", lambda: clock[0])
    state = server._State(classroom())
    first = state.issue("Ann", 0)
    assert state.redeem(first) is not None
    assert state.redeem(first) is None
    late = state.issue("Bob", 1)
    clock[0] += server.TICKET_TTL_S + 1
    assert state.redeem(late) is None
    monkeypatch.setattr(server, "MAX_TICKETS", 3)
    keys = [state.issue(f"S{n}", 0) for n in range(5)]
    assert list(state.tickets) == keys[2:]  # the oldest make room


def test_the_app_command_is_fixed() -> None:
    """The only process a session can start: our app, with the name as one argument."""
    deck = DECKS[0]
    argv = classroom(python="/py").app_argv(deck, "Ann Lee")
    assert argv == [
        "/py",
        "-m",
        "quiz",
        "--db=/data/quiz.sqlite3",
        "take",
        "--student=Ann Lee",
        "--",
        "/decks/news.toml",
    ]


def test_quiz_serve_exam_runs_exams() -> None:
    argv = classroom(python="/py", exam=True).app_argv(DECKS[0], "Ann Lee")
    assert argv[4:] == ["take", "--student=Ann Lee", "--exam", "--", "/decks/news.toml"]


@pytest.mark.parametrize(
    ("given", "ok"),
    [
        (TOKEN, True),
        (TOKEN + " ", False),
        (None, False),
        ("tøken", False),
        ("", False),
        ("\ud800", False),
        (TOKEN[:-1] + "?", False),
    ],
)
def test_token_matches(given: str | None, ok: bool) -> None:
    assert server.token_matches(TOKEN, given) is ok


def test_app_processes_do_not_inherit_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    async def nothing(*_args: object) -> None:
        return None

    monkeypatch.setenv(server.TOKEN_ENV, TOKEN)
    service = server.QuizAppService(["/py"], write_bytes=nothing, write_str=nothing, close=nothing)
    environment = service._build_environment(width=90, height=30)
    assert server.TOKEN_ENV not in environment
    assert environment["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver"
    assert (environment["COLUMNS"], environment["ROWS"]) == ("90", "30")


async def test_a_full_class_refuses_the_websocket_and_a_stuck_app_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one seat taken by an app that ignores "quit", a second tab gets 503; when the first
    tab closes, the stuck app is killed after the stop timeout and the seat is free again."""
    stuck = tmp_path / "stuck-app"
    stuck.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    stuck.chmod(0o755)
    monkeypatch.setattr(server, "STOP_TIMEOUT_S", 0.5)
    app = make_web_app(classroom(max_sessions=1, python=str(stuck)))
    async with TestClient(TestServer(app)) as client:
        await signed_in(client)
        state = client.app[server.STATE]  # type: ignore[index]
        await client.get("/play", params={"student": "Ann"})
        await client.get("/play", params={"student": "Bob"})  # both pages load while seats last
        ann, bob = state.tickets
        first = await client.ws_connect(f"/ws/{ann}")
        [service] = state.sessions
        with pytest.raises(WSServerHandshakeError) as full:
            await client.ws_connect(f"/ws/{bob}")
        assert full.value.status == 503
        full_page = await client.get("/play", params={"student": "Cy"})
        assert full_page.status == 503
        process = service._process
        assert process is not None and process.returncode is None
        await first.close()
        for _ in range(100):
            if not state.sessions and not state.stopping:
                break
            await asyncio.sleep(0.05)
        assert not state.sessions
        assert not state.stopping
        assert process.returncode == -9  # killed: it ignored the quit message
        again = await client.get("/play", params={"student": "Cy"})
        assert again.status == 200  # the seat is free
