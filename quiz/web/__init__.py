"""`quiz serve`: the app in a classroom's browsers, one process and one student name per tab.

`students` (name rules, no dependencies) is also used by `quiz take --student`;
`server` holds the aiohttp application and needs the `serve` extra (textual-serve).
"""
