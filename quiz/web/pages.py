"""The HTML of `quiz serve`: the name page and the terminal page that runs the app.

Pages are built from constants and `html.escape`d values only (names, deck
titles and the host a browser asked for are all untrusted). Nothing is fetched
from other sites: the terminal's script, stylesheet and font come from
textual-serve's own static folder, served by us.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
@font-face {{
  font-family: "Roboto Mono";
  src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
}}
body {{ background: #0c181f; color: rgba(255, 255, 255, 0.95); margin: 0;
  font-family: "Roboto Mono", menlo, monospace; }}
{style}
</style>
{script}
</head>
"""

_FORM_STYLE = """
main { max-width: 32rem; margin: 4rem auto; padding: 2rem; background: #12232d; }
h1 { font-size: 1.6rem; margin-top: 0; }
label { display: block; margin: 1.2rem 0 0.4rem; }
input, select, button { font: inherit; padding: 0.5rem; width: 100%; box-sizing: border-box; }
button { margin-top: 1.5rem; background: #5e0ba7; color: white; border: none; cursor: pointer; }
button:hover { background: #ac5af4; }
.error { color: #ff8a80; margin-top: 1rem; }
"""


def name_page(
    deck_titles: Sequence[str], *, error: str = "", student: str = "", chosen: int = 0
) -> str:
    """The first page: the student's name and, when several decks are served, which deck."""
    if len(deck_titles) == 1:
        deck_field = (
            f'<p>Deck: {escape(deck_titles[0])}</p><input type="hidden" name="deck" value="0">'
        )
    else:
        options = "".join(
            f'<option value="{index}"{" selected" if index == chosen else ""}>'
            f"{escape(title)}</option>"
            for index, title in enumerate(deck_titles)
        )
        deck_field = (
            f'<label for="deck">Deck</label><select id="deck" name="deck">{options}</select>'
        )
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    body = f"""<body>
<main>
<h1>quiz</h1>
<form method="get" action="/play">
<label for="student">Your name</label>
<input id="student" name="student" value="{escape(student)}" maxlength="80" required autofocus
  autocomplete="name">
{deck_field}
{message}
<button type="submit">Start the quiz</button>
</form>
</main>
</body>
</html>
"""
    return _HEAD.format(title="quiz", style=_FORM_STYLE, script="") + body


def message_page(text: str) -> str:
    """A page with one sentence and a way back to the name page (a full class, say)."""
    body = f'<body><main><h1>quiz</h1><p>{escape(text)}</p><p><a href="/">Back</a></p></main>'
    return _HEAD.format(title="quiz", style=_FORM_STYLE + "a { color: #ac5af4; }", script="") + (
        body + "</body></html>\n"
    )


_TERMINAL_STYLE = """
.dialog-container { position: absolute; width: 100vw; height: 100vh; display: flex;
  align-items: center; justify-content: center; z-index: 10; }
.intro { width: 640px; min-height: 200px; z-index: 20; text-align: center;
  background-color: #12232d; display: flex; flex-direction: column; align-items: center;
  justify-content: center; margin: 32px; }
.intro a, .intro button { padding: 12px 28px; margin: 10px; background-color: #5e0ba7;
  color: rgba(255, 255, 255, 0.95); border: none; font: inherit; cursor: pointer;
  text-decoration: none; }
body.-first-byte .intro-dialog { display: none; }
body .textual-terminal { opacity: 0; transition: opacity 0.3s ease-out; }
body.-first-byte .textual-terminal { opacity: 1; }
.textual-terminal { width: 100vw; height: 100vh; }
.closed-dialog { display: none; }
body.-closed .closed-dialog { display: flex; }
#start { display: none; }
"""

_TERMINAL_SCRIPT = """<link rel="stylesheet" href="/static/css/xterm.css">
<script src="/static/js/textual.js"></script>"""


def terminal_page(*, websocket_url: str, student: str, deck_title: str, font_size: int) -> str:
    """The page whose script connects to `websocket_url` and draws the app in the browser.

    The element ids and body classes (`#terminal`, `#start`, `-first-byte`,
    `-closed`) are the ones textual-serve's `textual.js` looks for. "Again"
    reloads this page, which asks for a fresh session (a new attempt).
    """
    body = f"""<body>
<div class="dialog-container intro-dialog">
  <div class="intro"><p>{escape(deck_title)}</p><p>Starting for {escape(student)}…</p>
  <button type="button" id="start">Start</button></div>
</div>
<div class="dialog-container closed-dialog">
  <div class="intro"><p>Session ended.</p>
  <p><a href="" id="again">Again</a><a href="/">Change name or deck</a></p></div>
</div>
<div id="terminal" class="textual-terminal"
  data-session-websocket-url="{escape(websocket_url)}" data-font-size="{font_size}"></div>
</body>
</html>
"""
    title = f"quiz · {deck_title} · {student}"
    return _HEAD.format(title=escape(title), style=_TERMINAL_STYLE, script=_TERMINAL_SCRIPT) + body
