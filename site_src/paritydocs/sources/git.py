"""`git:REPO@REF` specs: a local repository or a bare clone of a URL in the cache, the ref resolved to its
commit, and that commit's tree written into the cache through `git archive` and the safe tar extraction."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from paritydocs.errors import SourceError
from paritydocs.sources.archives import extract_tar
from paritydocs.sources.cache import locked, populate, safe_name, short_digest
from paritydocs.textsafe import logger, one_line

__all__ = [
    "GIT_QUICK_TIMEOUT",
    "GIT_SLOW_TIMEOUT",
    "Commit",
    "History",
    "cheap_head",
    "is_git_range",
    "range_history",
    "resolve_git",
]

GIT_QUICK_TIMEOUT = 60.0
GIT_SLOW_TIMEOUT = 900.0
_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_SCP_RE = re.compile(r"[^/:@]+@[^/:]+:")
_HEX_RE = re.compile(r"[0-9a-f]{7,64}")
_FULL_HASH_RE = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")

# Environment variables that would point git at another repository than the one we name.
_GIT_REDIRECT_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_CEILING_DIRECTORIES",
)


def cheap_head(root: Path) -> str | None:
    """HEAD's commit when `root` is the top of a git work tree (or a git dir); None on any doubt."""
    if not ((root / ".git").exists() or ((root / "HEAD").is_file() and (root / "objects").is_dir())):
        return None
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
            capture_output=True,
            text=True,
            timeout=5,
            env=_git_env(ceiling=root.parent),
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    head = result.stdout.strip()
    return head if result.returncode == 0 and _FULL_HASH_RE.fullmatch(head) else None


# --------------------------------------------------------------------------- git


def resolve_git(spec: str, rest: str, cache: Path) -> tuple[Path, str, str]:
    """`git:REPO@REF` (`rest` is `REPO@REF`): the cache entry holding the commit's tree, the ref as given and
    the full commit hash."""
    repo, at, ref = rest.rpartition("@")
    if not at or not repo or not ref or ref.startswith("-") or ":" in ref or any(c.isspace() for c in ref):
        raise SourceError(
            spec,
            "expected git:REPO@REF",
            "e.g. git:/path/to/repo@v1.2.0, git:/path/to/repo@HEAD~1 or git:https://github.com/org/repo@main",
        )
    if _is_git_url(repo):
        git_dir = _remote_git_dir(spec, repo, ref, cache)
        identity = repo
        name = repo.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        how_to_list = f"list the remote's refs with: git ls-remote {_redact(repo)}"
    else:
        git_dir = _local_git_dir(spec, repo)
        identity = str(git_dir)
        name = git_dir.parent.name if git_dir.name == ".git" else git_dir.name
        how_to_list = f"list commits with: git -C {repo} log --oneline"
    commit = _rev_parse(spec, git_dir, ref)
    if commit is None:
        raise SourceError(spec, f"unknown ref '{ref}' in {_redact(repo)}", how_to_list)
    name = safe_name(name.removesuffix(".git")) or "repo"
    key = f"{name}-{short_digest(identity)}-{commit}"
    root = populate(spec, cache / "git", key, lambda tree, work: _git_archive(spec, git_dir, commit, tree, work))
    return root, ref, commit


def _is_git_url(repo: str) -> bool:
    if _URL_RE.match(repo):
        return True
    # scp-like `user@host:path`, unless such a directory really exists here.
    return bool(_SCP_RE.match(repo)) and not Path(repo).expanduser().exists()


def _git_env(*, ceiling: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_REDIRECT_VARS}
    env["GIT_TERMINAL_PROMPT"] = "0"  # never wait for a password on a terminal
    env["LC_ALL"] = "C"
    if ceiling is not None:
        # Don't wander up into an enclosing repository: REPO must itself be one.
        env["GIT_CEILING_DIRECTORIES"] = str(ceiling)
    return env


def _git(
    spec: str, args: list[str], *, timeout: float, ceiling: Path | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=_git_env(ceiling=ceiling),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError as err:
        raise SourceError(spec, "git is not installed", "install git, or point at a local checkout") from err
    except subprocess.TimeoutExpired as err:
        raise SourceError(spec, f"git took longer than {timeout:.0f} s", "point at a local checkout") from err
    except (OSError, subprocess.SubprocessError) as err:
        raise SourceError(spec, f"cannot run git: {one_line(err)}", "point at a local checkout") from err


def _local_git_dir(spec: str, repo: str) -> Path:
    path = Path(repo).expanduser()
    if not path.is_dir():
        raise SourceError(spec, f"no such repository directory '{repo}'", "check the path, or give a git URL")
    path = path.resolve()
    result = _git(
        spec, ["-C", str(path), "rev-parse", "--absolute-git-dir"], timeout=GIT_QUICK_TIMEOUT, ceiling=path.parent
    )
    git_dir = result.stdout.strip()
    if result.returncode != 0 or not git_dir:
        raise SourceError(
            spec,
            f"'{repo}' is not a git repository ({_git_message(result.stderr)})",
            "point at a repository's top directory or its git dir",
        )
    return Path(git_dir)


def _rev_parse(spec: str, git_dir: Path, ref: str) -> str | None:
    result = _git(
        spec,
        [f"--git-dir={git_dir}", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        timeout=GIT_QUICK_TIMEOUT,
    )
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and _FULL_HASH_RE.fullmatch(commit) else None


def _remote_git_dir(spec: str, url: str, ref: str, cache: Path) -> Path:
    """A bare clone of `url` in the cache, fetched when `ref` may have moved or is missing."""
    name = safe_name(url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git")) or "repo"
    key = f"{name}-{short_digest(url)}.git"
    fresh = False

    def clone(tree: Path, work: Path) -> None:
        nonlocal fresh
        result = _git(spec, ["clone", "--bare", "--quiet", "--", url, str(tree)], timeout=GIT_SLOW_TIMEOUT)
        if result.returncode != 0:
            raise SourceError(
                spec,
                f"cannot clone {_redact(url)}: {_git_message(result.stderr)}",
                "check the URL and your network, or point at a local clone: git:/path/to/clone@REF",
            )
        fresh = True

    git_dir = populate(spec, cache / "git-remotes", key, clone, verify=False)  # fetched into: changes on purpose
    if fresh:
        return git_dir
    if _HEX_RE.fullmatch(ref) and _rev_parse(spec, git_dir, ref) is not None:
        return git_dir  # a commit never moves: no need to ask the remote
    with locked(git_dir / "paritydocs-fetch.lock"):
        result = _git(
            spec,
            [
                f"--git-dir={git_dir}",
                "fetch",
                "--quiet",
                "--prune",
                "origin",
                "+refs/heads/*:refs/heads/*",
                "+refs/tags/*:refs/tags/*",
            ],
            timeout=GIT_SLOW_TIMEOUT,
        )
        if result.returncode == 0 and _FULL_HASH_RE.fullmatch(ref) and _rev_parse(spec, git_dir, ref) is None:
            # A commit on no branch or tag: servers that allow it hand it out by hash.
            _git(spec, [f"--git-dir={git_dir}", "fetch", "--quiet", "origin", ref], timeout=GIT_SLOW_TIMEOUT)
    if result.returncode != 0:
        if _rev_parse(spec, git_dir, ref) is None:
            raise SourceError(
                spec,
                f"cannot fetch from {_redact(url)}: {_git_message(result.stderr)}",
                "check the URL and your network, or point at a local clone: git:/path/to/clone@REF",
            )
        logger.warning("%s: cannot fetch from %s; using the cached clone as it is", spec, _redact(url))
    return git_dir


def _git_archive(spec: str, git_dir: Path, commit: str, tree: Path, work: Path) -> None:
    """Write `commit`'s tree into `tree`: `git archive`, which reads objects only, then our safe extraction."""
    archive = work / "archive.tar"
    result = _git(
        spec,
        [f"--git-dir={git_dir}", "archive", "--format=tar", f"--output={archive}", commit],
        timeout=GIT_SLOW_TIMEOUT,
    )
    if result.returncode != 0:
        raise SourceError(spec, f"git archive failed: {_git_message(result.stderr)}", "point at a local checkout")
    extract_tar(spec, archive, tree, strip_top=False)
    archive.unlink()


def _git_message(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    important = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return one_line("; ".join(important or lines) or "no message")


# --------------------------------------------------------------------------- small helpers


def _redact(url: str) -> str:
    """A URL with any `user:password@` replaced, for messages."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]+@", r"\1***@", url)


# ---- history between two revisions of one repository (sync reports: which commit made each change) --------


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    subject: str
    files: tuple[str, ...] = ()
    """The files it changed, as `git log --name-only` lists them."""


@dataclass(slots=True)
class History:
    """The commits from `old` (excluded) to `new` of one repository, and who last changed each line of a file."""

    spec: str
    git_dir: Path
    old: str
    new: str
    commits: list[Commit]
    _blame: dict[str, dict[int, str]] = field(default_factory=dict)

    def line_commit(self, file: str, line: int) -> str | None:
        """The commit of the range that last changed `file`'s line `line` (at `new`); None when the line is older
        than the range or the file cannot be blamed."""
        if file not in self._blame:
            self._blame[file] = self._blame_file(file)
        return self._blame[file].get(line)

    def text_commit(self, file: str, text: str) -> str | None:
        """The newest commit of the range that changed how often `text` occurs in `file` (`git log -S`): the
        commit that added or removed it."""
        result = _git(
            self.spec,
            [
                f"--git-dir={self.git_dir}",
                "log",
                "-1",
                "--format=%H",
                f"-S{text}",
                f"{self.old}..{self.new}",
                "--",
                file,
            ],
            timeout=GIT_QUICK_TIMEOUT,
        )
        sha = result.stdout.strip()
        return sha if result.returncode == 0 and _FULL_HASH_RE.fullmatch(sha) else None

    def _blame_file(self, file: str) -> dict[int, str]:
        result = _git(
            self.spec,
            [f"--git-dir={self.git_dir}", "blame", "--porcelain", f"{self.old}..{self.new}", "--", file],
            timeout=GIT_QUICK_TIMEOUT,
        )
        lines: dict[int, str] = {}
        if result.returncode != 0:
            return lines
        boundary: set[str] = set()
        current = ""
        for text in result.stdout.splitlines():
            head = text.split(" ")
            if len(head) >= 3 and _FULL_HASH_RE.fullmatch(head[0]) and head[2].isdigit():
                current = head[0]
                final = int(head[2])
                if current not in boundary:
                    lines[final] = current
            elif text == "boundary" and current:
                boundary.add(current)  # the line is as old as `old`: no commit of the range made it
                lines = {n: c for n, c in lines.items() if c != current}
        return lines


def _repo_ref(spec: str) -> tuple[str, str]:
    """(REPO, REF) of a `git:REPO@REF` spec; ("", "") for any other spec."""
    if not spec.startswith("git:"):
        return "", ""
    repo, _, ref = spec[4:].rpartition("@")
    return repo, ref


def is_git_range(old_spec: str, new_spec: str) -> bool:
    """Both ends are `git:` specs of one repository: a range with commits."""
    old_repo, new_repo = _repo_ref(old_spec)[0], _repo_ref(new_spec)[0]
    return bool(old_repo) and old_repo == new_repo


def range_history(old_spec: str, new_spec: str, cache: Path) -> History | None:
    """The history between two `git:` specs of the same repository (local or cached clone), oldest commit first;
    None for any other pair of specs, or when git cannot list it (`is_git_range` tells the two apart)."""
    if not is_git_range(old_spec, new_spec):
        return None
    old_ref = _repo_ref(old_spec)[1]
    new_repo, new_ref = _repo_ref(new_spec)
    try:
        git_dir = (
            _remote_git_dir(new_spec, new_repo, new_ref, cache)
            if _is_git_url(new_repo)
            else _local_git_dir(new_spec, new_repo)
        )
        old, new = _rev_parse(old_spec, git_dir, old_ref), _rev_parse(new_spec, git_dir, new_ref)
        if old is None or new is None:
            return None
        result = _git(
            new_spec,
            [f"--git-dir={git_dir}", "log", "--reverse", "--name-only", "--format=%x01%H%x00%s", f"{old}..{new}"],
            timeout=GIT_QUICK_TIMEOUT,
        )
    except SourceError:
        return None
    if result.returncode != 0:
        return None
    commits = []
    for block in result.stdout.split("\x01")[1:]:
        head, _, rest = block.partition("\n")
        sha, _, subject = head.partition("\0")
        if _FULL_HASH_RE.fullmatch(sha):
            commits.append(Commit(sha, subject, tuple(f for f in rest.splitlines() if f.strip())))
    return History(new_spec, git_dir, old, new, commits)
