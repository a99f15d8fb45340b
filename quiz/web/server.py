"""The aiohttp application of `quiz serve`: token gate, name page, and one app process per tab.

textual-serve runs a Textual app in a browser by starting a process per
websocket and relaying Textual's web-driver protocol between the two. We reuse
its `AppService` (the protocol) and its browser script, but not its `Server`:
that one starts a *shell* command, lists its static folder and offers file
downloads. Here every process is `python -m quiz take` with an argument list
built from server-side values (the database, a deck path chosen at start) and a
student name that passed `clean_student_name`; no shell, no file from a request.

Access: every request must carry the token, once as `?token=` (answered with a
cookie and a redirect that drops it from the address bar), then as that cookie.
It is required on loopback too: it keeps out other local users and web pages
that reach 127.0.0.1 through DNS rebinding, and the printed URL carries it, so
it costs nobody a step.

Flow: `/` asks for a name and a deck; `/play?student=..&deck=N` checks them,
files a one-use ticket and sends the terminal page; the page's script opens
`/ws/TICKET`, which starts the app for that student and deck.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import secrets
import signal
import sys
import time
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from quiz.presentation.students import StudentNameError, clean_student_name
from quiz.web import is_loopback, pages

log = logging.getLogger("quiz.serve")

TOKEN_ENV = "QUIZ_SERVE_TOKEN"
"""Where `quiz serve --token` may also come from; kept out of the app processes."""
STATIC_DIR = Path(textual_serve.__file__).parent / "static"
"""textual-serve's browser side: textual.js, xterm.css and the Roboto Mono font."""

TICKET_TTL_S = 300.0
"""How long a terminal page may wait before its websocket opens (then: reload the page)."""
MAX_TICKETS = 1000
MAX_MESSAGE_BYTES = 64 * 1024
"""Largest websocket message accepted from a browser (keystrokes and resizes are tiny)."""
SIZE_LIMITS = ((10, 500), (5, 200))
"""Terminal width and height a browser may ask for (columns, rows)."""
STOP_TIMEOUT_S = 5.0
"""How long an app process gets to quit at shutdown before it is killed."""


@dataclass(frozen=True)
class ServedDeck:
    """A deck offered to students: its file (resolved at start) and its sanitized title."""

    path: Path
    title: str


@dataclass(frozen=True)
class Classroom:
    """Everything the server needs, fixed when `quiz serve` starts."""

    decks: tuple[ServedDeck, ...]
    db: Path
    """The study database every session records into (WAL: many writers are fine)."""
    token: str
    max_sessions: int = 40
    """App processes at most (each holds about 60 MB); later tabs are told the class is full."""
    python: str = sys.executable
    exam: bool = False
    """Sessions are exams (`quiz serve --exam` runs `quiz take --exam`)."""

    @property
    def cookie_name(self) -> str:
        """Cookies ignore ports: two servers on one host keep theirs apart by the token's hash."""
        return "quiz_token_" + hashlib.sha256(self.token.encode()).hexdigest()[:8]

    def app_argv(self, deck: ServedDeck, student: str) -> list[str]:
        """The one command a session runs: our app, taking `deck`, recorded under `student`.

        `--opt=value` forms and `--` keep any value from being read as an option.
        """
        return [
            self.python,
            "-m",
            "quiz",
            f"--db={self.db}",
            "take",
            f"--student={student}",
            *(["--exam"] if self.exam else []),
            "--",
            str(deck.path),
        ]


def new_token() -> str:
    """A fresh access token: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


def token_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison (bytes: `compare_digest` refuses non-ASCII str)."""
    if given is None:
        return False
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


class QuizAppService(AppService):
    """textual-serve's process manager, starting an argument list instead of a shell command."""

    def __init__(
        self,
        argv: list[str],
        *,
        write_bytes: Callable[[bytes], Awaitable[Any]],
        write_str: Callable[[str], Awaitable[Any]],
        close: Callable[[], Awaitable[Any]],
    ) -> None:
        super().__init__(
            " ".join(argv[:3]),  # only shown in logs; never run
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=DownloadManager(),
        )
        self.argv = argv

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        """textual-serve's environment (web driver, size) without the access token."""
        environment = super()._build_environment(width=width, height=height)
        environment.pop(TOKEN_ENV, None)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def on_meta(self, data: bytes) -> None:
        """Pass on the app's exit only: no URLs opened, no files delivered (screenshots)."""
        try:
            meta = json.loads(data)
        except ValueError:
            return
        if isinstance(meta, dict) and meta.get("type") == "exit":
            await self.remote_close()

    async def shut(self) -> None:
        """Ask the app to quit and wait until it has; kill it after `STOP_TIMEOUT_S`.

        `stop` returns when the app closes its output, which is before it exits.
        """
        process = self._process
        try:
            await asyncio.wait_for(self.stop(), STOP_TIMEOUT_S)
            if process is not None:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
        except asyncio.TimeoutError:
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()


@dataclass
class _Ticket:
    student: str
    deck: int
    issued: float


@dataclass
class _State:
    classroom: Classroom
    tickets: dict[str, _Ticket] = field(default_factory=dict)
    sessions: set[QuizAppService] = field(default_factory=set)
    sockets: set[web.WebSocketResponse] = field(default_factory=set)
    stopping: set[asyncio.Task[None]] = field(default_factory=set)
    """Apps being stopped for sessions that ended (awaited at shutdown too)."""

    def stop_app(self, service: QuizAppService) -> asyncio.Task[None]:
        """Stop an app in a task of its own, so a cancelled handler cannot leave it running."""
        task = asyncio.ensure_future(service.shut())
        self.stopping.add(task)
        task.add_done_callback(self.stopping.discard)
        return task

    def issue(self, student: str, deck: int) -> str:
        now = time.monotonic()
        for key in [k for k, t in self.tickets.items() if now - t.issued > TICKET_TTL_S]:
            del self.tickets[key]
        while len(self.tickets) >= MAX_TICKETS:
            del self.tickets[next(iter(self.tickets))]  # the oldest
        key = secrets.token_urlsafe(16)
        self.tickets[key] = _Ticket(student, deck, now)
        return key

    def redeem(self, key: str) -> _Ticket | None:
        ticket = self.tickets.pop(key, None)
        if ticket is None or time.monotonic() - ticket.issued > TICKET_TTL_S:
            return None
        return ticket


STATE = web.AppKey("state", _State)


def make_web_app(classroom: Classroom) -> web.Application:
    """The aiohttp application serving `classroom` (tests run it in-process or via the CLI)."""
    app = web.Application(middlewares=[_token_gate, _headers])
    app[STATE] = _State(classroom)
    app.add_routes(
        [
            web.get("/", _index),
            web.get("/play", _play),
            web.get("/ws/{ticket}", _websocket),
            web.static("/static", STATIC_DIR, show_index=False, follow_symlinks=False),
        ]
    )
    app.on_shutdown.append(_on_shutdown)
    return app


# --- middlewares ------------------------------------------------------------------------------


@web.middleware
async def _token_gate(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """403 without the token; a `?token=` that matches becomes a cookie, then is dropped."""
    classroom = request.app[STATE].classroom
    if "token" in request.query:
        if not token_matches(classroom.token, request.query["token"]):
            raise web.HTTPForbidden(text="Wrong access token: use the URL quiz serve printed.\n")
        rest = [(key, value) for key, value in request.query.items() if key != "token"]
        response = web.HTTPSeeOther(_same_origin(request, rest))
        response.set_cookie(
            classroom.cookie_name, classroom.token, httponly=True, samesite="Strict", path="/"
        )
        raise response
    if not token_matches(classroom.token, request.cookies.get(classroom.cookie_name)):
        raise web.HTTPForbidden(text="Access token needed: use the URL quiz serve printed.\n")
    return await handler(request)


@web.middleware
async def _headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """No framing by other sites, no token in Referer headers, no cached pages."""
    response = await handler(request)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


# --- pages ------------------------------------------------------------------------------------


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


async def _index(request: web.Request) -> web.Response:
    classroom = request.app[STATE].classroom
    return _html(pages.name_page([deck.title for deck in classroom.decks]))


async def _play(request: web.Request) -> web.Response:
    """Check the name and deck, then send the terminal page with a fresh one-use ticket."""
    state = request.app[STATE]
    titles = [deck.title for deck in state.classroom.decks]
    raw = request.query.get("student", "")
    deck = _deck_index(request.query.get("deck", "0"), len(titles))
    try:
        student = clean_student_name(raw)
    except StudentNameError as error:
        return _html(
            pages.name_page(titles, error=str(error), student=raw[:80], chosen=deck or 0), 400
        )
    if deck is None:
        unknown = "Choose a deck from the list."
        return _html(pages.name_page(titles, error=unknown, student=student), 400)
    if len(state.sessions) >= state.classroom.max_sessions:
        return _html(pages.message_page("The class is full; ask your teacher."), 503)
    ticket = state.issue(student, deck)
    scheme = "wss" if _page_scheme(request) == "https" else "ws"
    font_size = _clamp(request.query.get("fontsize", "16"), 16, (8, 48))
    return _html(
        pages.terminal_page(
            websocket_url=f"{scheme}://{request.host}/ws/{ticket}",
            student=student,
            deck_title=titles[deck],
            font_size=font_size,
        )
    )


def _same_origin(request: web.Request, query: list[tuple[str, str]]) -> str:
    """The request's path with `query`, as a redirect target on this server: `//evil.example/`
    as a path would be read by browsers as another host, so leading slashes collapse."""
    path = "/" + request.path.lstrip("/\\")
    return str(request.rel_url.with_path(path).with_query(query))


def _page_scheme(request: web.Request) -> str:
    """The scheme the browser used: `https` also when a TLS proxy on this computer (Caddy,
    nginx) says so in `X-Forwarded-Proto`; the header is believed from loopback only."""
    if request.secure:
        return "https"
    forwarded = request.headers.get("X-Forwarded-Proto", "").lower()
    from_here = is_loopback(request.remote or "")
    return "https" if from_here and forwarded == "https" else request.scheme


def _small_number(text: str) -> int | None:
    """`text` as a non-negative integer of at most 4 ASCII digits, else None: `²` passes
    `isdigit` and int() refuses it; int() refuses 5,000 digits too."""
    return int(text) if text.isascii() and text.isdecimal() and len(text) <= 4 else None


def _deck_index(text: str, count: int) -> int | None:
    index = _small_number(text)
    return index if index is not None and index < count else None


def _clamp(text: str, default: int, limits: tuple[int, int]) -> int:
    value = _small_number(text)
    return max(limits[0], min(limits[1], default if value is None else value))


# --- the app sessions -------------------------------------------------------------------------


async def _websocket(request: web.Request) -> web.StreamResponse:
    """Start the app for the ticket's student and relay it until either side closes."""
    state = request.app[STATE]
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{_page_scheme(request)}://{request.host}":
        raise web.HTTPForbidden(text="Cross-site connection refused.\n")
    ticket = state.redeem(request.match_info["ticket"])
    if ticket is None:
        raise web.HTTPNotFound(text="This session has expired: reload the page.\n")
    if len(state.sessions) >= state.classroom.max_sessions:
        raise web.HTTPServiceUnavailable(text="The class is full.\n")
    deck = state.classroom.decks[ticket.deck]
    width = _clamp(request.query.get("width", "80"), 80, SIZE_LIMITS[0])
    height = _clamp(request.query.get("height", "24"), 24, SIZE_LIMITS[1])

    websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE_BYTES)
    service = QuizAppService(
        state.classroom.app_argv(deck, ticket.student),
        write_bytes=websocket.send_bytes,
        write_str=websocket.send_str,
        close=websocket.close,
    )
    state.sessions.add(service)  # counted before the first await: the cap holds
    state.sockets.add(websocket)
    log.info("%s started %s (%d open)", ticket.student, deck.title, len(state.sessions))
    try:
        await websocket.prepare(request)
        await service.start(width, height)
        await _relay(websocket, service)
    finally:
        # aiohttp may cancel this handler when the browser goes: the app is stopped in a
        # shielded task, and the seat is given back whatever happens.
        state.sockets.discard(websocket)
        try:
            await asyncio.shield(state.stop_app(service))
        finally:
            state.sessions.discard(service)
            log.info("%s left %s", ticket.student, deck.title)
    return websocket


async def _relay(websocket: web.WebSocketResponse, service: QuizAppService) -> None:
    """Browser -> app: keystrokes, resizes, focus changes; pings answered here."""
    async for message in websocket:
        if message.type != WSMsgType.TEXT:
            continue
        try:
            envelope = message.json()
        except ValueError:
            continue
        if not isinstance(envelope, list) or not envelope:
            continue
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        if kind == "stdin" and isinstance(data, str):
            await service.send_bytes(data.encode("utf-8", "replace"))
        elif kind == "resize" and isinstance(data, dict):
            width = _clamp(str(data.get("width", "")), 80, SIZE_LIMITS[0])
            height = _clamp(str(data.get("height", "")), 24, SIZE_LIMITS[1])
            await service.set_terminal_size(width, height)
        elif kind == "ping":
            await websocket.send_json(["pong", data])
        elif kind == "blur":
            await service.blur()
        elif kind == "focus":
            await service.focus()


async def _on_shutdown(app: web.Application) -> None:
    """Close every browser connection and stop every app process before the server goes."""
    state = app[STATE]
    await asyncio.gather(*(socket.close() for socket in list(state.sockets)))
    await asyncio.gather(*(service.shut() for service in list(state.sessions)))
    await asyncio.gather(*list(state.stopping))


# --- running ----------------------------------------------------------------------------------


class PortInUseError(Exception):
    """The address is taken (another server, or an earlier `quiz serve` still running)."""


async def serve(
    classroom: Classroom,
    host: str,
    port: int,
    *,
    ready: Callable[[str, int], None],
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM (or `stop` is set), then close sessions and return.

    `ready(host, port)` is called once listening, with the real port when `port` is 0.

    Raises:
        PortInUseError: the address cannot be bound.
    """
    runner = web.AppRunner(make_web_app(classroom), access_log=None, shutdown_timeout=5.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else str(error)
            raise PortInUseError(f"cannot listen on {host}:{port}: {reason}") from None
        bound_port = int(runner.addresses[0][1])
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        ready(host, bound_port)
        await stop.wait()
    finally:
        await runner.cleanup()
