"""Write the hostile decks too big to commit, on demand, into the folder given as argument.

    python tests/data/hostile/make_big.py OUT_DIR

writes OUT_DIR/decks/ (paths as listed with "generated": true in MANIFEST.json):

- big-under-10mib.toml     valid deck, 10,485,759 bytes (one under the 10 MiB limit)
- big-exactly-10mib.toml   valid deck, 10,485,760 bytes (the documented maximum)
- big-over-10mib.toml      valid deck, 10,485,761 bytes (one over: refused before it is read)
- big-over-one-string.toml 20 MiB, one huge string on one line

Each file is deterministic. Only the standard library is used.
"""

import os
import sys

LIMIT = 10 * 1024 * 1024  # 10,485,760 bytes


def question(i: int) -> str:
    return (
        "[[questions]]\n"
        f'id = "q{i}"\n'
        'kind = "short"\n'
        f'prompt = "Question number {i}: what number is this question?'
        ' (padding to make the deck large)"\n'
        f'answer = "{i}"\n'
        f'explanation = "It is number {i}."\n'
        "\n"
    )


def valid_deck(size: int, deck_id: str) -> bytes:
    """A valid deck of exactly `size` bytes: questions, then one padding comment line."""
    head = f'[deck]\nid = "{deck_id}"\ntitle = "Big deck of exactly {size} bytes"\n\n'
    parts = [head]
    total = len(head)
    i = 0
    while True:
        q = question(i)
        if total + len(q) > size - 200:
            break
        parts.append(q)
        total += len(q)
        i += 1
    pad = size - total
    # "# " + filler + "\n" fills the rest exactly (pad is at least 200 here).
    parts.append("# " + "x" * (pad - 3) + "\n")
    data = "".join(parts).encode("ascii")
    assert len(data) == size, (len(data), size)
    return data


def one_string(size: int) -> bytes:
    head = b'[deck]\nid = "big-string"\ntitle = "'
    tail = b'"\n\n[[questions]]\nid = "q"\nkind = "short"\nprompt = "p"\nanswer = "a"\n'
    return head + b"A" * (size - len(head) - len(tail)) + tail


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: make_big.py OUT_DIR")
    out = os.path.join(sys.argv[1], "decks")
    os.makedirs(out, exist_ok=True)
    files = {
        "big-under-10mib.toml": valid_deck(LIMIT - 1, "big-under-10mib"),
        "big-exactly-10mib.toml": valid_deck(LIMIT, "big-exactly-10mib"),
        "big-over-10mib.toml": valid_deck(LIMIT + 1, "big-over-10mib"),
        "big-over-one-string.toml": one_string(2 * LIMIT),
    }
    for name, data in files.items():
        path = os.path.join(out, name)
        with open(path, "wb") as f:
            f.write(data)
        print(f"wrote {path}: {len(data)} bytes")


if __name__ == "__main__":
    main()
