"""The Feedback object that every checker returns.

A checker's answer has to be readable in three places: as plain text (a
terminal, nbval's stored ``text/plain``), as HTML in JupyterLab and in the
static book page, and as a boolean for tests. ``Feedback`` is that answer.

Both representations are deterministic: no ids, no addresses, no timings, so
a lesson that prints a feedback still passes nbval's strict comparison.
"""

from __future__ import annotations

import html
import re

import numpy as np

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not attempted"

_SYMBOLS = {CORRECT: "✔", INCORRECT: "✘", NOT_ATTEMPTED: "…"}
# Accent colours chosen to read on both white and near-black backgrounds.
_COLOURS = {CORRECT: "#2e9d4a", INCORRECT: "#d0463b", NOT_ATTEMPTED: "#7a8699"}


def format_value(value) -> str:
    """Format a number, an array or anything else the same way every time.

    Arrays are printed with 4 significant decimals and summarised when large,
    so feedback stays short and identical from one run to the next.
    """
    if isinstance(value, (np.ndarray, np.generic, int, float, bool)) and not isinstance(value, str):
        array = np.asarray(value)
        if array.dtype.kind in "biufc":
            if array.ndim == 0:
                scalar = array.item()
                if isinstance(scalar, float):
                    return format(scalar, ".6g")
                return str(scalar)
            text = np.array2string(
                array, precision=4, suppress_small=True, separator=", ",
                threshold=24, edgeitems=3, max_line_width=72, floatmode="maxprec",
            )
            return f"{text}  (shape {array.shape})"
    return clean_text(repr(value))


def clean_text(text: str, limit: int = 300) -> str:
    """Remove memory addresses and cut very long text, so messages are stable."""
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", str(text))
    text = re.sub(r"0x[0-9a-fA-F]{6,}", "0x…", text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


class Feedback:
    """What a checker found: a status, a message, optional details and a hint.

    Attributes
    ----------
    status : str
        ``"correct"``, ``"incorrect"`` or ``"not attempted"``.
    passed : bool
        True only when the status is ``"correct"``.
    title : str
        The exercise's name, shown first.
    message : str
        One sentence saying what happened.
    details : list of (label, text) pairs
        For example ``[("expected", "[1., 2.]"), ("received", "[1., -2.]")]``.
    hint : str or None
        The targeted advice, when a known mistake was recognised.
    """

    def __init__(self, status, title, message, details=(), hint=None):
        if status not in _SYMBOLS:
            raise ValueError(f"unknown status {status!r}")
        self.status = status
        self.title = title
        self.message = message
        self.details = [(str(label), str(text)) for label, text in details]
        self.hint = hint

    @property
    def passed(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        lines = [f"{_SYMBOLS[self.status]} {self.title}: {self.status}", self.message]
        for label, text in self.details:
            first, *rest = text.splitlines() or [""]
            lines.append(f"  {label + ':':<10} {first}")
            lines.extend(" " * 13 + line for line in rest)
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        escape = html.escape
        parts = [
            f'<div class="dlmath-feedback dlmath-feedback-{self.status.replace(" ", "-")}" '
            f'style="border-left: 4px solid {colour}; padding: 0.4em 0.8em; margin: 0.3em 0; '
            f'background: {colour}1a; color: inherit; border-radius: 3px; max-width: 48em;">',
            f'<div style="font-weight: bold; color: {colour};">'
            f"{_SYMBOLS[self.status]} {escape(self.title)}: {escape(self.status)}</div>",
            f"<div>{escape(self.message)}</div>",
        ]
        if self.details:
            parts.append('<table style="margin: 0.3em 0; border: none; color: inherit; background: transparent;">')
            for label, text in self.details:
                parts.append(
                    '<tr style="background: transparent;">'
                    f'<td style="vertical-align: top; padding: 0 0.6em 0 0; border: none; opacity: 0.8;">{escape(label)}</td>'
                    f'<td style="border: none; padding: 0;"><pre style="margin: 0; background: transparent; '
                    f'color: inherit; white-space: pre-wrap;">{escape(text)}</pre></td></tr>'
                )
            parts.append("</table>")
        if self.hint:
            parts.append(f"<div><b>Hint:</b> {escape(self.hint)}</div>")
        parts.append("</div>")
        return "".join(parts)
