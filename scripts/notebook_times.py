"""Estimate how long a learner needs for each course notebook, from what the notebook asks them to do.

    python scripts/notebook_times.py [course/*.ipynb] [--run-seconds 02=9,03=10,...]

The estimate adds four parts, each from a count taken from the notebook itself:

- reading the prose: its words at 120 words a minute, half the 238 words a minute that Brysbaert (2019,
  "How many words do we read per minute?", Journal of Memory and Language 109) found for silent reading of
  non-fiction, since a learner studies this text rather than reads it;
- reading the code: its non-blank lines at 10 lines a minute;
- the coding exercises (cells with `### BEGIN SOLUTION`): 15 minutes each, the time to write a block or
  function of 10 to 20 lines, run its check and fix one mistake;
- the questions of the closing "Exercises" list: 3 minutes each to think one through and open its answer;

plus the notebook's measured run time (the figures in docs/BENCHMARKS.md, given with --run-seconds). The
total is rounded up to 5 minutes. The rates are assumptions about a learner's pace, written down so that
anyone can change them and recompute; they are not measurements of learners.
"""

import argparse
import math
import re
import sys
from pathlib import Path

import nbformat

WORDS_PER_MINUTE = 120
CODE_LINES_PER_MINUTE = 10
MINUTES_PER_CODING_EXERCISE = 15
MINUTES_PER_QUESTION = 3

_FENCED = re.compile(r"```.*?```", re.S)
_DETAILS = re.compile(r"<details>.*?</details>", re.S)
_QUESTION = re.compile(r"^\s*\d+\.\s", re.M)


def notebook_counts(notebook):
    """(prose words, code lines, coding exercises, closing questions) of an nbformat notebook.

    Answers in collapsed <details> blocks are not counted as reading: a learner opens the ones they need.
    """
    words = code = exercises = questions = 0
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            text = _DETAILS.sub("", cell.source)
            code += sum(1 for line in "\n".join(_FENCED.findall(text)).splitlines() if line.strip("` "))
            prose = _FENCED.sub("", text)
            words += len(re.findall(r"[A-Za-z0-9][\w'’-]*", prose))
            if "**Exercises**" in prose:
                questions += len(_QUESTION.findall(prose.split("**Exercises**", 1)[1]))
        elif cell.cell_type == "code":
            code += sum(1 for line in cell.source.splitlines() if line.strip())
            exercises += cell.source.count("### BEGIN SOLUTION") and 1
    return words, code, exercises, questions


def estimate_minutes(notebook, run_seconds=0.0):
    """The estimate described in the module docstring, in whole minutes (a multiple of 5)."""
    words, code, exercises, questions = notebook_counts(notebook)
    minutes = (words / WORDS_PER_MINUTE + code / CODE_LINES_PER_MINUTE + exercises * MINUTES_PER_CODING_EXERCISE
               + questions * MINUTES_PER_QUESTION + run_seconds / 60)
    return 5 * math.ceil(minutes / 5)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--run-seconds", default="", help="measured run times, e.g. 02=9,05=45")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(Path(__file__).resolve().parent.parent.glob("course/[0-9][0-9]_*.ipynb"))
    run = {k: float(v) for k, v in (item.split("=") for item in args.run_seconds.split(",") if item)}
    print(f"{'notebook':<34}{'words':>7}{'code':>6}{'coding':>8}{'questions':>11}{'run s':>7}{'minutes':>9}")
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        words, code, exercises, questions = notebook_counts(notebook)
        seconds = run.get(path.name[:2], 0.0)
        print(f"{path.name:<34}{words:>7}{code:>6}{exercises:>8}{questions:>11}{seconds:>7.0f}"
              f"{estimate_minutes(notebook, seconds):>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
