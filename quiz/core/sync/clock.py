"""A hybrid logical clock: the order of events across devices.

An event's stamp is (wall time in microseconds, counter, device). A device never stamps
an event earlier than one it has already stamped or read from another device: its wall
part is the larger of its own clock and the newest stamp it knows, and the counter
breaks ties. So an answer given after syncing sorts after every event that sync brought
in, even when this device's clock is behind, and a device whose clock runs ahead cannot
put its later events before what it has seen (Kulkarni et al., "Logical Physical Clocks",
2014). Stamps compare as tuples; the device id makes the order total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

MAX_INTEGER = 2**63 - 1
"""The largest integer SQLite stores: a clock part or sequence number past it is refused."""


class Stamp(NamedTuple):
    """When an event happened, in the total order every device agrees on."""

    wall_us: int
    counter: int
    device: str

    def text(self) -> str:
        """`<wall_us>.<counter>`: the stamp as event files write it (the device is beside it)."""
        return f"{self.wall_us}.{self.counter}"

    @classmethod
    def parse(cls, text: str, device: str) -> Stamp:
        """The stamp `text()` wrote; ValueError for anything else."""
        wall, dot, counter = text.partition(".")
        if not dot or not (wall + counter).isascii() or not wall.isdigit() or not counter.isdigit():
            raise ValueError(f"not a clock stamp: {text!r}")
        wall_us, count = int(wall), int(counter)
        if wall_us > MAX_INTEGER or count > MAX_INTEGER:
            raise ValueError(f"clock stamp out of range: {text!r}")
        return cls(wall_us, count, device)


@dataclass
class HybridClock:
    """One device's clock: `stamp(now_us)` for each new event, `observe` for each one read."""

    device: str
    wall_us: int = 0
    counter: int = 0

    def stamp(self, now_us: int) -> Stamp:
        """The stamp of a new event at physical time `now_us`: after every stamp seen so far."""
        if now_us > self.wall_us:
            self.wall_us, self.counter = now_us, 0
        else:
            self.counter += 1
        return Stamp(self.wall_us, self.counter, self.device)

    def observe(self, stamp: Stamp) -> None:
        """Take in a stamp read from another device, so later events sort after it."""
        if (stamp.wall_us, stamp.counter) > (self.wall_us, self.counter):
            self.wall_us, self.counter = stamp.wall_us, stamp.counter
