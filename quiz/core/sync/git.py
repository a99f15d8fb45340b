"""The git side of a sync folder that is a git work tree: commit this device's files, pull
with rebase, push. The git command line is run with argument lists and timeouts, never a
shell, and never asks for a password (`GIT_TERMINAL_PROMPT=0`): no remote, a failed
login or a network error become a `GitProblem` with git's own words, and studying and
the local import carry on without them.

Rebasing cannot conflict: each device commits only files under its own folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from quiz.errors import QuizError

TIMEOUT_SECONDS = 60
"""A pull or push that takes longer is given up (a hung network), not waited for."""


class GitProblem(QuizError):
    """A git step that did not work; the message says which and what git said."""


def _run(
    root: Path, *args: str, timeout: float = TIMEOUT_SECONDS
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    git = shutil.which("git")
    if git is None:
        raise GitProblem("git is not installed")
    try:
        return subprocess.run(
            [git, "-C", str(root), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GitProblem(f"git {args[0]} took longer than {timeout:g} s and was stopped") from None
    except OSError as error:
        raise GitProblem(f"git {args[0]} could not run: {error}") from None


def _said(result: subprocess.CompletedProcess[str]) -> str:
    """git's last words on stderr (or stdout), on one line."""
    text = (result.stderr or result.stdout).strip().splitlines()
    return text[-1].strip() if text else f"exit status {result.returncode}"


def is_work_tree(root: Path) -> bool:
    """Whether `root` is inside a git work tree that keeps it (and git is there to use it).

    A folder the work tree ignores (a sync folder under a project's ignored `out/`, say) is
    synced as a plain folder: git would refuse to add its files at every sync.
    """
    if shutil.which("git") is None:
        return False
    try:
        inside = _run(root, "rev-parse", "--is-inside-work-tree", timeout=10)
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return False
        return _run(root, "check-ignore", "--quiet", "--", ".", timeout=10).returncode != 0
    except GitProblem:
        return False


def commit_device(root: Path, paths: list[str], device: str) -> bool:
    """Commit this device's files (`paths`, relative to `root`); False if nothing changed.

    A path with no file in it yet (the folder of a device that has not written an event)
    is left out: git refuses to add a pathspec that matches nothing.
    """
    paths = [path for path in paths if _holds_a_file(root / path)]
    if not paths:
        return False
    added = _run(root, "add", "--", *paths)
    if added.returncode != 0:
        raise GitProblem(f"git add failed: {_said(added)}")
    if _run(root, "diff", "--cached", "--quiet", "--", *paths).returncode == 0:
        return False
    identity: list[str] = []
    if not _run(root, "config", "user.email").stdout.strip():
        identity = ["-c", "user.name=quiz", "-c", f"user.email=quiz@{device}"]
    committed = _run(
        root, *identity, "commit", "--quiet", "-m", f"quiz sync: {device}", "--", *paths
    )
    if committed.returncode != 0:
        raise GitProblem(f"git commit failed: {_said(committed)}")
    return True


def _holds_a_file(path: Path) -> bool:
    """Whether `path` is a file, or a folder with a file somewhere in it."""
    if path.is_file():
        return True
    return path.is_dir() and any(inner.is_file() for inner in path.rglob("*"))


def has_upstream(root: Path) -> bool:
    """Whether the current branch is set to pull from a remote (else there is nothing to
    pull or push; whether the remote answers is for the pull to find out)."""
    branch = _run(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    if branch.returncode != 0:
        return False
    remote = _run(root, "config", "--get", f"branch.{branch.stdout.strip()}.remote")
    return remote.returncode == 0 and bool(remote.stdout.strip())


def pull(root: Path) -> bool:
    """`git pull --rebase`: the other devices' new files; True once done."""
    result = _run(root, "pull", "--rebase", "--quiet")
    if result.returncode != 0:
        said = _said(result)
        if "no such ref was fetched" in said or "couldn't find remote ref" in said:
            return True  # the remote branch does not exist yet: the first push makes it
        _run(root, "rebase", "--abort")
        raise GitProblem(f"git pull failed: {said}")
    return True


def push(root: Path) -> bool:
    """`git push`: this device's commits to the remote; True once done."""
    result = _run(root, "push", "--quiet")
    if result.returncode != 0:
        raise GitProblem(f"git push failed: {_said(result)}")
    return True
