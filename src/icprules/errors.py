"""Typed errors.

Two families matter to callers: a document that cannot be read as an application
(:class:`DocumentError`) and a rule pack or data file that cannot be loaded
(:class:`RuleFileError`). A value inside a readable document that breaks a rule is
neither: it is a finding in the report.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One located problem: where (file, line, column, path inside the data) and what."""

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            loc = self.file
            if self.line is not None:
                loc += f":{self.line}"
                if self.column is not None:
                    loc += f":{self.column}"
            where.append(loc)
        elif self.line is not None:
            where.append(f"line {self.line}" + (f", column {self.column}" if self.column is not None else ""))
        if self.path:
            where.append(f"at {self.path}")
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class IcpRulesError(Exception):
    """Base class of every error this library raises on purpose."""


class _ProblemsError(IcpRulesError):
    """An error that carries one or more located problems."""

    kind = "error"

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        lines = [str(p) for p in self.problems]
        if len(lines) == 1:
            return f"{self.kind}: {lines[0]}"
        return f"{self.kind}: {len(lines)} problems\n" + "\n".join("  " + x for x in lines)


class DocumentError(_ProblemsError):
    """The application document is not valid YAML/JSON, or its shape is wrong."""

    kind = "invalid application document"


class RuleFileError(_ProblemsError):
    """A rule pack or data file is unreadable or breaks the rule-file schema."""

    kind = "invalid rule or data file"
