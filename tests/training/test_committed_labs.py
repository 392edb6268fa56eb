"""Labs 07 and 08 as committed: a parameters cell first, executed in fast mode without an error or a line of
stderr, small outputs (the dashboard's saved state included), and the course's shape (objectives, time,
summary, exercises)."""

import base64
import json
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parents[2] / "course"
LABS = ["07_lab_feature_extraction.ipynb", "08_lab_fine_tuning.ipynb"]
PARAMETERS = ("MODE", "VARIANT", "DATASET", "IMAGE_SIZE", "EPOCHS")  # 08 fine-tunes in batches of 32, fixed


def load(name):
    return json.loads((COURSE / name).read_text())


def source(cell):
    return "".join(cell["source"])


@pytest.mark.parametrize("name", LABS)
def test_the_first_code_cell_is_the_parameters_cell(name):
    first = next(c for c in load(name)["cells"] if c["cell_type"] == "code")
    assert "parameters" in first["metadata"].get("tags", [])
    assert all(f"\n{p} = " in "\n" + source(first) for p in PARAMETERS)


@pytest.mark.parametrize("name", LABS)
def test_it_is_committed_executed_in_fast_mode_with_no_error_and_no_stderr(name):
    cells = [c for c in load(name)["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in cells), "every code cell ran"
    outputs = [o for c in cells for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"], "no red boxes"
    text = "".join("".join(o.get("text", "")) for o in outputs)
    assert "mode fast;" in text


@pytest.mark.parametrize("name", LABS)
def test_outputs_are_small_and_the_dashboards_saved_state_is_under_150_kb(name):
    notebook = load(name)
    pictures = [base64.b64decode(o["data"]["image/png"]) for c in notebook["cells"] if c["cell_type"] == "code"
                for o in c["outputs"] if "image/png" in o.get("data", {})]
    assert pictures and max(len(p) for p in pictures) < 150_000
    state = notebook["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    assert len(json.dumps(state)) < 150_000
    assert (COURSE / name).stat().st_size < 1_000_000


@pytest.mark.parametrize("name", LABS)
def test_it_opens_with_objectives_and_time_and_ends_with_a_summary_and_exercises(name):
    cells = load(name)["cells"]
    opening = source(cells[0])
    assert "**Objectives**" in opening and "**Prerequisites**" in opening and "**Time**" in opening
    closing = "\n".join(source(c) for c in cells[-3:] if c["cell_type"] == "markdown")
    assert "## Summary" in closing and "**Exercises**" in closing and "Why" in closing
    assert any("# NBVAL_CHECK_OUTPUT" in source(c) for c in cells if c["cell_type"] == "code")
    assert any("diagnose(" in source(c) for c in cells if c["cell_type"] == "code")
