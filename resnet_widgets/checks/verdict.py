"""The verdict a learner reads: `CheckResult`, as plain text and as HTML."""

import html
import re
from dataclasses import dataclass, field


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
            wiring it could not follow): more problems may follow once these are fixed.
    """

    exercise: str
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    facts: list = field(default_factory=list)
    structure: list = field(default_factory=list)
    incomplete: bool = False

    @property
    def passed(self):
        return not self.problems

    @property
    def headline(self):
        """One line: passed, or how many problems there are."""
        title = self.exercise[:1].upper() + self.exercise[1:]
        if self.passed:
            return f"{title}: passed. Well done!"
        count = len(self.problems)
        more = " (the check stopped there: more may follow once it is fixed)" if self.incomplete else ""
        return f"{title}: {count} problem{'s' if count > 1 else ''} to fix{more}."

    def __str__(self):
        lines = [self.headline]
        lines += [f"  ✓ {fact}" for fact in self.facts]
        if self.problems:
            lines.append("Problems:")
            lines += [f"  {i}. {problem}" for i, problem in enumerate(self.problems, 1)]
        if self.notes:
            lines.append("Notes:")
            lines += [f"  - {note}" for note in self.notes]
        if self.structure:
            lines.append("What the check saw:")
            lines += [f"  {line}" for line in self.structure]
        return "\n".join(lines)

    __repr__ = __str__

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
        seen = "".join(f"<div><code>{html.escape(line)}</code></div>" for line in self.structure)
        seen = f"<details><summary>What the check saw</summary>{seen}</details>" if seen else ""
        return (
            f"<div style='border-left:4px solid {colour};padding:4px 10px;margin:4px 0'>"
            f"<div style='color:{colour};font-weight:bold'>{html.escape(self.headline)}</div>"
            f"{facts}{section('Problems', self.problems, 'ol')}{section('Notes', self.notes)}{seen}</div>"
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
            f"Not written yet: {function_name} still raises NotImplementedError. Replace that line with your code "
            "(between the markers), then run this cell again."
        )

    def _render_traceback_(self):
        return [f"\x1b[1;34m✋ {self}\x1b[0m"]
