"""Reusable widgets of the quiz UI: safe deck text and one answer input per question kind."""
