"""The screens of the quiz app, one module each with its `.tcss` beside it."""
