"""The verdict a learner reads: `CheckResult`, as plain text and as HTML; under nbgrader, also its points."""

import html
import os
import re
from dataclasses import dataclass, field

# The points of every exercise's autograder test cell (the course notebooks' nbgrader metadata says the same:
# tests/grading checks it). A verdict's points are this share: POINTS times the share of its calls that passed.
POINTS = 2
# nbgrader sets NBGRADER_EXECUTION to one of these in the environment of the kernel it grades or validates with.
NBGRADER_RUNS = ("autograde", "validate")

# What a learner reads below the problems when the check could not compare everything.
STOPPED_EARLY = ("The check stopped before it had compared everything: fix these, run your cell and the check "
                 "again, and more may follow.")


@dataclass
class CheckResult:
    """The verdict on one exercise.

    Attributes:
        exercise: what was checked, e.g. "identity block".
        problems: what must change, one sentence each, naming the layer and the likely mistake.
        notes: advice that does not fail the check (e.g. names of layers that hold no weights).
        facts: what the check measured (shapes, parameter counts, output agreement).
        structure: the learner's block as the check read it, one line per part, each marked ✓ when it agrees
            with the reference and followed by what was expected when it does not.
        incomplete: True when the check stopped before it could compare everything (a build that failed,
            wiring it could not follow, a later way of calling the block left untried): more problems may
            follow once these are fixed. Said after the problems (`STOPPED_EARLY`), not in the headline, so that
            the list above it does not read as cut short.
        calls: how many verdicts this one stands for (1, plus the hidden calls `including` added).
        calls_passed: how many of those passed.
    """

    exercise: str
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    facts: list = field(default_factory=list)
    structure: list = field(default_factory=list)
    incomplete: bool = False
    calls: int = 1
    calls_passed: int | None = None  # None: all of them when passed, none otherwise

    @property
    def passed(self):
        return not self.problems

    @property
    def score(self):
        """The share of the calls that passed, from 0.0 to 1.0 (1.0 only when the verdict passed)."""
        if self.passed:
            return 1.0
        passed = 0 if self.calls_passed is None else self.calls_passed
        return min(passed, self.calls - 1) / self.calls

    @property
    def points(self):
        """What nbgrader gives this verdict: `POINTS` times `score`, to two decimals."""
        return round(POINTS * self.score, 2)

    def including(self, *hidden):
        """This verdict and those of the grader's hidden calls as one verdict; none of them is changed.

        The hidden calls' problems are added, each marked as found by a call the learner has not seen; their facts
        are not (a hidden call that passes adds nothing to read, so a passing verdict reads as the visible one).
        `calls` add up, so `score` is the share of all of them that passed.

        Raises:
            TypeError: if an argument is not a CheckResult, naming it (hidden[0], ...).
        """
        for index, other in enumerate(hidden):
            if not isinstance(other, CheckResult):
                raise TypeError(f"hidden[{index}] must be a CheckResult (what a check returns); received "
                                f"{type(other).__name__}")
        combined = CheckResult(self.exercise, list(self.problems), list(self.notes), list(self.facts),
                               list(self.structure), self.incomplete, self.calls, self._passed_calls())
        for other in hidden:
            combined.problems += [f"(a call with other arguments) {problem}" for problem in other.problems]
            combined.notes += [note for note in other.notes if note not in combined.notes]
            if not other.passed and not combined.structure:
                combined.structure = list(other.structure)
            combined.incomplete = combined.incomplete or other.incomplete
            combined.calls += other.calls
            combined.calls_passed += other._passed_calls()
        return combined

    def _passed_calls(self):
        if self.calls_passed is not None:
            return self.calls_passed
        return self.calls if self.passed else 0

    @property
    def headline(self):
        """One line: passed, or how many problems there are."""
        title = self.exercise[:1].upper() + self.exercise[1:]
        if self.passed:
            return f"{title}: passed. Well done!"
        count = len(self.problems)
        return f"{title}: {count} problem{'s' if count > 1 else ''} to fix."

    def __str__(self):
        lines = [self.headline]
        lines += [f"  ✓ {fact}" for fact in self.facts]
        if self.problems:
            lines.append("Problems:")
            lines += [f"  {i}. {problem}" for i, problem in enumerate(self.problems, 1)]
            if self.incomplete:
                lines.append(STOPPED_EARLY)
        if self.notes:
            lines.append("Notes:")
            lines += [f"  - {note}" for note in self.notes]
        if self.structure:
            lines.append("What the check saw:")
            lines += [f"  {line}" for line in self.structure]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_mimebundle_(self, include=None, exclude=None):
        """While nbgrader grades or validates (NBGRADER_EXECUTION), the plain text is the points: nbgrader reads
        a test cell's number as its partial credit (a text that is not a number would earn every point). The HTML,
        which JupyterLab and nbgrader's feedback show, stays the verdict. Elsewhere IPython's usual display."""
        if os.environ.get("NBGRADER_EXECUTION", "") not in NBGRADER_RUNS:
            return None
        return {"text/plain": f"{self.points:g}", "text/html": self._repr_html_()}

    def _repr_html_(self):
        colour = "#1a7f37" if self.passed else "#cf222e"

        def text(s):  # `name` in a message becomes <code>name</code>
            return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(s))

        def section(title, items, tag="ul"):
            if not items:
                return ""
            entries = "".join(f"<li>{text(item)}</li>" for item in items)
            return f"<div><b>{title}</b><{tag} style='margin:2px 0'>{entries}</{tag}></div>"

        facts = "".join(f"<div>✓ {text(fact)}</div>" for fact in self.facts)
        # Kept as preformatted text: the "expected:" lines line up under what they correct.
        seen = html.escape("\n".join(self.structure))
        opened = "" if self.passed else " open"  # when something is wrong, the picture of it is shown at once
        seen = (f"<details{opened}><summary>What the check saw</summary><pre style='margin:2px 0'>{seen}</pre>"
                "</details>" if seen else "")
        return (
            f"<div style='border-left:4px solid {colour};padding:4px 10px;margin:4px 0'>"
            f"<div style='color:{colour};font-weight:bold'>{html.escape(self.headline)}</div>"
            f"{facts}{section('Problems', self.problems, 'ol')}"
            f"{f'<div>{text(STOPPED_EARLY)}</div>' if self.incomplete and self.problems else ''}"
            f"{section('Notes', self.notes)}{seen}</div>"
        )


class ExerciseNotWritten(NotImplementedError):
    """The learner's function still raises NotImplementedError: the exercise is not written yet.

    A check raises it instead of returning a verdict, so that "Run All" in a student copy stops at the first
    unwritten exercise. In IPython and Jupyter it shows as one friendly line, not a traceback
    (`_render_traceback_`, which IPython calls to display an exception).
    """

    def __init__(self, function_name):
        self.function_name = function_name
        super().__init__(
            f"Not written yet: {function_name} still raises NotImplementedError. In the exercise cell that defines "
            f"{function_name}, replace the line `raise NotImplementedError(...)` with your code and run that cell "
            "first (Shift+Enter); then run this check again."
        )

    def _render_traceback_(self):
        return [f"\x1b[1;34m{self}\x1b[0m"]
