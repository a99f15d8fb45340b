"""An article's title, author, publication date and address, for the deck's `[deck.source]`.

Read from front matter (`title:`, `author:`, `date:`, `url:`) when there is some, else from
the lines before the first questions section: the first heading (or line) is the title; a
byline `By ...` / `Author: ...` / `Von ...` / `Por ...` (also `*By Tom Becker — Published
2026-01-19*`, its date dropped) gives the author; the first date in the usual forms (March
4, 2026 / 4 March 2026 / 3rd March 2026 / 2026-01-19 / 4. März 2026 / 4 de marzo de 2026)
gives the date; `Source: https://...` gives the address.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from quiz.core.interchange.article.language import ALL_MONTHS
from quiz.core.interchange.article.layout import Line, is_section_title

HEADER_LINES = 25
"""How far into the article a byline or date is looked for."""
_MONTH = "|".join(sorted(ALL_MONTHS, key=len, reverse=True))
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATES = (
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    re.compile(rf"(?i)\b(?P<month>{_MONTH})\.?\s+{_DAY},?\s+(?P<year>\d{{4}})\b"),
    re.compile(
        rf"(?i)\b{_DAY}\.?\s+(?:de\s+|of\s+)?(?P<month>{_MONTH})\.?,?\s+(?:de\s+)?"
        rf"(?P<year>\d{{4}})\b"
    ),
)
_BYLINE = re.compile(r"(?i)^(?:by|von|por|written\s+by)\s+(?P<name>.+)$")
_AUTHOR_FIELD = re.compile(r"(?i)^(?:author|autor|autorin|autora|reporter)\s*:\s*(?P<name>.+)$")
_NAME_END = re.compile(
    r"\s*(?:[—–|,;(]|\s-\s|\bpublished\b|\bupdated\b|\bon\s+\d|\bveröffentlicht\b|\bpublicado\b).*$",
    re.IGNORECASE,
)
_UPDATED = re.compile(r"(?i)\b(?:updated|last\s+modified|aktualisiert|actualizado)\b")
_PUBLISHED = re.compile(r"(?i)\b(?:published|posted|veröffentlicht|publicado)\b")
_URL_LINE = re.compile(
    r"(?i)^(?:source|url|link|original(?:ly\s+published)?(?:\s+at)?|quelle|fuente|enlace)"
    r"\s*:?\s*<?(?P<url>https?://[^\s>]+)>?$"
)


def find_date(text: str) -> date | None:
    """The first date written in `text` in one of the usual forms, if it is a real date."""
    found = []
    for pattern in _DATES:
        match = pattern.search(text)
        if match is not None:
            found.append(match)
    for match in sorted(found, key=lambda m: m.start()):
        month = match["month"]
        number = int(month) if month.isdigit() else ALL_MONTHS[month.lower()]
        try:
            return date(int(match["year"]), number, int(match["day"]))
        except ValueError:
            continue
    return None


def parse_date(line: str) -> date | None:
    """The date a line consists of (markup aside); None for any other line."""
    text = line.strip().strip("*_ ")
    found = find_date(text)
    if found is None:
        return None
    rest = re.sub(r"(?i)\b(?:published|updated|veröffentlicht|publicado)\b\s*:?", "", text)
    for pattern in _DATES:
        rest = pattern.sub("", rest)
    return found if not rest.strip(" ,.:") else None


def _author(text: str) -> str | None:
    match = _BYLINE.match(text) or _AUTHOR_FIELD.match(text)
    if match is None:
        return None
    name = _NAME_END.sub("", match["name"]).strip(" .")
    words = name.split()
    if not 1 <= len(words) <= 6 or not all(word[:1].isupper() or word.islower() for word in words):
        return None
    return name if words[0][:1].isupper() else None


def article_source(lines: list[Line], fields: dict[str, str]) -> dict[str, Any]:
    """`[deck.source]` fields found in the front matter `fields` and the article's header."""
    header: list[Line] = []
    for line in lines:
        if is_section_title(line) or len(header) >= HEADER_LINES:
            break
        if line.text:
            header.append(line)
    source: dict[str, Any] = {"title": fields.get("title") or _title(lines) or "Article"}
    author = fields.get("author") or fields.get("authors")
    if author:
        source["author"] = author.strip("[]\"' ")
    published = find_date(fields.get("date", "") or fields.get("published", ""))
    url = fields.get("url") or fields.get("link") or fields.get("canonical")
    updated: date | None = None
    for position, line in enumerate(header[1:], start=1):
        if "author" not in source and (name := _author(line.full)) is not None:
            source["author"] = name
        if _UPDATED.search(line.full) and not _PUBLISHED.search(line.full):
            updated = updated or find_date(line.full)  # the publication date, if any, wins
            continue
        if published is None and len(line.full.split()) <= 14:
            published = find_date(line.full)
            if published is not None and "author" not in source and position > 1:
                before = header[position - 1].full
                plain_name = ":" not in before and find_date(before) is None
                if len(before.split()) <= 5 and plain_name and not re.search(r"[.?!]$", before):
                    source["author"] = before  # a name line just above the date
    if url is None:
        url = next((m["url"] for line in lines if (m := _URL_LINE.match(line.full))), None)
    published = published or updated
    if published is not None:
        source["published"] = published
    if url:
        source["url"] = url
    return source


def _title(lines: list[Line]) -> str | None:
    """The first top-level heading near the top, else the first line of text."""
    texts = [line for line in lines[: HEADER_LINES * 2] if line.text and not is_section_title(line)]
    top = next((line.full for line in texts if line.heading == 1), None)
    return top or (texts[0].full if texts else None)
