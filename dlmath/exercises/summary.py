"""The end-of-lesson summary: which of the lesson's exercises the learner has passed in this session.

Every ``check_*`` call is recorded by :func:`dlmath.exercises.checking.checker`
(in memory, for the running kernel only). At the end of a lesson::

    from dlmath.exercises import show_results
    show_results("gradient-descent")

shows one line per exercise of the lesson (passed, tried but not passed yet,
or not attempted) and points to the quiz right below. The output holds no
numbers and no timings, so a stored notebook shows the same text on every CPU.
"""

from __future__ import annotations

import html
import importlib
import inspect

from .checking import RESULTS
from .feedback import NOT_ATTEMPTED

_SYMBOLS = {"passed": "✔", "tried": "✘", NOT_ATTEMPTED: "…"}
_COLOURS = {"passed": "#2e9d4a", "tried": "#d0463b", NOT_ATTEMPTED: "#7a8699"}
_WORDS = {"passed": "passed", "tried": "tried, not passed yet", NOT_ATTEMPTED: "not attempted yet"}


def lesson_checkers(lesson: str):
    """The ``check_*`` functions of a lesson: those already run in this session in the order they
    were first run (the lesson's order), then the others in the order of their module."""
    name = lesson.replace("-", "_")
    try:
        module = importlib.import_module(f"{__package__}.{name}")
    except ImportError:
        from .quiz import quiz_slugs
        raise ValueError(f"No exercises for the lesson {lesson!r}; the lessons are: "
                         + ", ".join(quiz_slugs())) from None
    found = [(getattr(fn, "declared_line", None) or inspect.unwrap(fn).__code__.co_firstlineno, n, fn)
             for n, fn in inspect.getmembers(module, inspect.isfunction)
             if n.startswith("check_") and getattr(fn, "is_checker", False)
             and fn.__module__ == module.__name__]
    # the order the learner met them in (first check this session), then the module's order
    met = {key: i for i, key in enumerate(RESULTS)}
    found.sort(key=lambda item: (met.get((module.__name__, item[1]), len(met)), item[0]))
    return module.__name__, [(n, fn) for _, n, fn in found]


class Results:
    """The summary of one lesson; displays as plain text or as a small HTML table."""

    def __init__(self, lesson: str):
        self.lesson = lesson
        module, checkers = lesson_checkers(lesson)
        self.rows = []
        for name, fn in checkers:
            entry = RESULTS.get((module, name))
            if entry is None or (entry["status"] == NOT_ATTEMPTED and not entry["passed"]):
                state = NOT_ATTEMPTED
            elif entry["passed"]:
                state = "passed"
            else:
                state = "tried"
            self.rows.append((name.removeprefix("check_").replace("_", " "), name, state))

    @property
    def passed(self) -> int:
        return sum(state == "passed" for *_, state in self.rows)

    def _headline(self):
        total = len(self.rows)
        if self.passed == total:
            return f"Exercises of this lesson: all {total} passed in this session. Well done!"
        return f"Exercises of this lesson: {self.passed} of {total} passed in this session."

    _QUIZ = "Next: the quiz right below tests the ideas of the lesson."

    def __repr__(self) -> str:
        lines = [self._headline()]
        for title, name, state in self.rows:
            lines.append(f"  {_SYMBOLS[state]} {title:<34} {_WORDS[state]}")
        lines.append(self._QUIZ)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = _COLOURS["passed"] if self.passed == len(self.rows) else _COLOURS[NOT_ATTEMPTED]
        rows = "".join(
            '<tr style="background: transparent;">'
            f'<td style="border: none; padding: 0 0.5em 0 0; color: {_COLOURS[state]};">{_SYMBOLS[state]}</td>'
            f'<td style="border: none; padding: 0 1em 0 0;"><code>{html.escape(name)}</code></td>'
            f'<td style="border: none; padding: 0;">{html.escape(_WORDS[state])}</td></tr>'
            for title, name, state in self.rows)
        return (f'<div class="dlmath-results" style="border-left: 4px solid {colour}; padding: 0.4em 0.8em; '
                f'margin: 0.3em 0; background: {colour}1a; color: inherit; border-radius: 3px; max-width: 48em;">'
                f'<div style="font-weight: bold;">{html.escape(self._headline())}</div>'
                '<table style="margin: 0.3em 0; border: none; color: inherit; background: transparent;">'
                f"{rows}</table>"
                f'<div><a href="#quiz-{html.escape(self.lesson)}">{html.escape(self._QUIZ)}</a></div></div>')


def show_results(lesson: str) -> Results:
    """Which of ``lesson``'s exercises were passed in this session (e.g. ``show_results("calculus")``)."""
    return Results(lesson)


__all__ = ["Results", "show_results", "lesson_checkers"]
