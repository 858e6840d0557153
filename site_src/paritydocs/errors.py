"""One base exception; subclasses carry what the user needs to fix the problem."""

from __future__ import annotations


class ParitydocsError(Exception):
    """Base of every error paritydocs reports to a user as one line."""


class SourceError(ParitydocsError):
    """A source spec could not be resolved to a local tree."""

    def __init__(self, spec: str, problem: str, fix: str | None = None) -> None:
        self.spec = spec
        self.problem = problem
        self.fix = fix
        message = f"{spec}: {problem}"
        if fix:
            message += f" ({fix})"
        super().__init__(message)


class ConfigError(ParitydocsError):
    """The configuration (mkdocs.yml plugin entry, CLI options, notes file) is wrong. `problems`: every mistake
    found, each a line of its own (the CLI prints them so; the message joins them)."""

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])
