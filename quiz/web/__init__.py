"""`quiz serve`: the app in a classroom's browsers, one process and one student name per tab.

`server` holds the aiohttp application and needs the `serve` extra (textual-serve);
the student-name rules it shares with `quiz take --student` are in
`quiz.presentation.students`. `is_loopback` is here, needing nothing, for both the
command (a host other computers reach needs `--public`) and the server (a TLS proxy's
`X-Forwarded-Proto` is believed from this computer only).
"""

from __future__ import annotations

_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    """True when only this machine can connect (`127.0.0.0/8`, `::1`, `localhost`)."""
    import ipaddress

    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
