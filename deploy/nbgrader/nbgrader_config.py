"""nbgrader's configuration for a class: copy this file into the folder you grade in (your course folder).

It takes the course's own settings from scripts/nbgrader_course.py (the stub learners see, the cell timeout, fast
mode for the kernels autograde starts), so the class is graded exactly as tests/grading grades it, and adds what a
class needs: the course id learners fetch from, and the hub's shared exchange instead of a private one.
RESNET_LAB_CHECKOUT names your clone of the repository (default: ~/resnet-lab, where the nbgitpuller link puts it).
Commands: docs/INSTRUCTORS.md, "Release, collect, autograde, feedback".
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (nbgrader's config loader provides it)

CHECKOUT = Path(os.environ.get("RESNET_LAB_CHECKOUT", Path.home() / "resnet-lab"))
sys.path.insert(0, str(CHECKOUT / "scripts"))
from nbgrader_course import GRADING_ENVIRONMENT, course_config  # noqa: E402

c.merge(course_config(Path(__file__).resolve().parent))
# The exchange every learner's server shares (nbgrader's default, /usr/local/share/nbgrader/exchange), not the
# private one inside the course folder that course_config sets for tests.
c.Exchange.pop("root", None)
c.CourseDirectory.course_id = "resnet-lab"
# A learner whose notebook lost a check cell (or its metadata) gets the instructor's cell back, instead of the
# check going missing from the grade (nbgrader 0.9's OverwriteCells.add_missing_cells; nbgrader pull request 1770).
c.OverwriteCells.add_missing_cells = True
# The kernels autograde starts inherit this process's environment: fast mode, as the course is graded in CI.
os.environ.update(GRADING_ENVIRONMENT)
