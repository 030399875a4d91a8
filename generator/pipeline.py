"""The whole pipeline in one place.

load → validate → resolve ladders → fold events and evaluate milestones
(→ public view → render → write, in `build`). Each stage is its own module;
this one only runs them in order and stops before the engine on errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.engine import Progress, evaluate
from generator.ladders import Ladders, resolve
from generator.loader import Content, load
from generator.problems import Problem, sort_problems
from generator.rules import check


@dataclass(frozen=True)
class Analysis:
    """A content directory, checked and (when free of errors) evaluated."""

    content: Content
    problems: tuple[Problem, ...]  # sorted; errors and warnings
    ladders: Ladders | None
    progress: Progress | None  # None when there are errors

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def analyse(root: Path, *, fast_yaml: bool = True) -> Analysis:
    content = load(root, fast=fast_yaml)
    problems = list(content.problems)
    ladders = None
    if content.config is not None:
        problems += check(content.config, content)
        ladders, found = resolve(content.config)
        problems += found
    problems = sort_problems(problems)
    progress = None
    if content.config is not None and ladders is not None and not any(
            p.is_error for p in problems):
        progress = evaluate(content.config, content.weeks, ladders)
    return Analysis(content, tuple(problems), ladders, progress)
