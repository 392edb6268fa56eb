"""The verdict a learner reads: `CheckResult`, as plain text and as HTML."""

import html
import re
from dataclasses import dataclass, field

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
