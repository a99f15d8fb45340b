"""What both front ends (the full-screen UI and plain mode) show and ask, without Textual.

`options` holds how a quiz is taken (`QuizOptions`) and builds its session;
`questions` how a question is put to the learner (prompt text, order of choices);
`formatting` small text formatters; `students` the rules of a student's name.
Nothing here imports Textual or Rich (tests/test_architecture.py checks it), so
`quiz take --plain` starts without them.
"""
