"""00's map and each notebook state the same time, and the estimate counts what the notebook asks of a learner."""

import re
from pathlib import Path

import nbformat

from ..scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
TIME = re.compile(r"\*\*Time:?\*\*:? about (\d+) minutes")


def stated_minutes(path):
    first = nbformat.read(path, as_version=4).cells[0].source
    found = TIME.search(first)
    assert found, f"{path.name} states no '**Time:** about N minutes' in its first cell"
    return int(found.group(1))


def map_minutes():
    """{notebook number: minutes} from the table in 00's "The map"."""
    notebook = nbformat.read(COURSE / "00_start_here.ipynb", as_version=4)
    table = next(c.source for c in notebook.cells if c.source.startswith("## The map"))
    rows = re.findall(r"^\| (\d\d[a-z]?)(?:, \d\d[a-z]?)? · [^|]+\|[^|]+\| (\d+) min \|", table, re.M)
    return {number: int(minutes) for number, minutes in rows}


def test_the_map_and_every_notebook_state_the_same_time():
    on_map = map_minutes()
    # Keyed by the part before the first "_": 01a, 01b, 02, ..., 06b, ...
    notebooks = {p.name.split("_")[0]: p for p in COURSE.glob("[0-9][0-9]*_*.ipynb") if not p.name.startswith("00")}
    for number, path in sorted(notebooks.items()):
        assert number in on_map, f"00's map gives no time for {path.name}"
        assert on_map[number] == stated_minutes(path), f"{path.name} says {stated_minutes(path)} min, the map " \
                                                       f"{on_map[number]}"


def test_the_estimate_counts_prose_code_exercises_and_questions():
    script = load_script("notebook_times")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(" ".join(["word"] * 240) + "\n<details>hidden answer words</details>"),
        nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"),
        nbformat.v4.new_markdown_cell("**Exercises**\n1. Why?\n2. Why not?"),
    ]
    words, code, exercises, questions = script.notebook_counts(notebook)
    # 240 words, then "Exercises 1 Why 2 Why not": the answer in <details> is not read, the list numbers are
    assert (words, code, exercises, questions) == (246, 4, 1, 2)
    # 246 / 120 + 4 / 10 + 15 + 2 * 3 + 30 s = 24 minutes, rounded up to 25
    assert script.estimate_minutes(notebook, run_seconds=30) == 25
