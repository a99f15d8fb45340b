"""`python -m quiz` runs the same CLI as the `quiz` command."""

from quiz.cli import run

if __name__ == "__main__":
    run()
