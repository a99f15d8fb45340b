"""`python -m quiz` runs the same CLI as the `quiz` command."""

from quiz.cli import main

if __name__ == "__main__":
    main()
