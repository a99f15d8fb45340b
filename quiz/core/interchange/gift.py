"""Moodle GIFT import and export: the public API (see `gift_parse` and `gift_export` for the rules).

`import_gift(text, deck_id=..., title=...) -> ImportResult` reads a question bank;
`export_gift(deck) -> ExportResult` writes one. Both list what the other side
cannot carry as `ImportWarning`s; `GiftError` means no question could be imported.
"""

from quiz.core.interchange.gift_export import export_gift
from quiz.core.interchange.gift_parse import GiftError, import_gift

__all__ = ["GiftError", "export_gift", "import_gift"]
