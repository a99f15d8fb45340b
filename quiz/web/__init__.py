"""`quiz serve`: the app in a classroom's browsers, one process and one student name per tab.

`server` holds the aiohttp application and needs the `serve` extra (textual-serve);
the student-name rules it shares with `quiz take --student` are in
`quiz.presentation.students`.
"""
