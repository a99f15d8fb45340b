"""The SQLite study store: decks seen, card scheduling state, the review log and quiz attempts.

Opening::

    store = Store.open(path, now=datetime.now().astimezone())   # or synchronous="NORMAL"
    ...
    store.close()                                                 # or `with Store.open(...)`

The package, by concern:

* `connection`: opening (preflight of an existing file, WAL, migration), the lock,
  write and snapshot transactions, retrying a busy lock, SQLite errors as `StoreError`.
* `schema`: the tables and indexes, and the migrations (`SCHEMA_VERSION`).
* `store`: `Store`, the API, gathered from `decks`, `queues` (cards and study queues),
  `reviews` (answers), `attempts` (quizzes and exams) and `doctor`.
* `records`: the frozen records the API returns, and how rows become records.
* `encoding`: times as microseconds (`to_us`, `from_us`: every stored time) and card
  states as columns and as JSON, checked when read back.
* `restore`: `restore_database` and `backups_of`.

A card's scheduling state is `quiz.core.card_state.CardState` (a `Phase` and the
fields of `fsrs.Card`); card keys come from `quiz.core.cards` (`ID`, `ID:reverse`,
`ID:blank-N`) and a card's question key is the part before the first colon
(siblings share it). Every time in the API is a timezone-aware `datetime`; naive
ones are refused.
"""

from quiz.core.storage.connection import Synchronous
from quiz.core.storage.decks import ReconcileResult
from quiz.core.storage.doctor import DoctorReport, Finding
from quiz.core.storage.encoding import from_us, to_us
from quiz.core.storage.queues import studiable_sql
from quiz.core.storage.records import (
    AttemptAnswer,
    AttemptQuestion,
    AttemptRecord,
    AttemptScore,
    CardRecord,
    DeckFileRecord,
    DeckRecord,
    ReviewRecord,
)
from quiz.core.storage.restore import RestoreResult, backups_of, restore_database
from quiz.core.storage.reviews import ReviewAmendment
from quiz.core.storage.schema import SCHEMA_VERSION
from quiz.core.storage.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "AttemptAnswer",
    "AttemptQuestion",
    "AttemptRecord",
    "AttemptScore",
    "CardRecord",
    "DeckFileRecord",
    "DeckRecord",
    "DoctorReport",
    "Finding",
    "ReconcileResult",
    "RestoreResult",
    "ReviewAmendment",
    "ReviewRecord",
    "Store",
    "Synchronous",
    "backups_of",
    "from_us",
    "restore_database",
    "studiable_sql",
    "to_us",
]
