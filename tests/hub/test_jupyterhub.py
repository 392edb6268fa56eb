"""A class on a real JupyterHub: three learners and an instructor, the course pulled by nbgitpuller, 02's exercise
released, answered, checked, submitted and graded through nbgrader's exchange; one server stopped mid-cell.

Everything runs as it does on the instructor's TLJH machine (deploy/tljh), on 127.0.0.1 (tests/hub/hub.py):
- each person is a Unix account made as TLJH makes one, logs in through the hub's login form, and gets a server
  of their own from the hub, running as them, with the environment of deploy/tljh/jupyterhub_config.d;
- the course reaches every server through nbgitpuller's own endpoint, from a git repository of this checkout;
- every command runs in the person's own kernel, sent over the kernel websocket as JupyterLab sends it; the
  instructor's are the ones docs/INSTRUCTORS.md lists, in its order; the learners' answers are saved through
  their server's contents API, as JupyterLab saves a notebook;
- the exchange is a shared folder, as deploy/tljh/install.sh makes /usr/local/share/nbgrader/exchange.
The learners pull this checkout's HEAD, so uncommitted changes do not reach their copies (or the instructor's
scripts, which run from the instructor's copy as on a real hub).

The learners: one writes the solution, one the typical mistake of tests/grading (the width written as the number
the visible check uses), one leaves the exercise untouched. The grades nbgrader exports must say so.

It needs root (it makes Unix accounts, and the hub starts servers as them); CI runs as root. Elsewhere it skips,
and under RESNET_LAB_REQUIRE_ALL a skip is a failure.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from ..grading.test_nbgrader_pipeline import MISTAKES
from .hub import (PROXY, ROOT, VENV_BIN, Kernel, create_learner_account, log_in, reachable_by_everyone,
                  remove_learner_account, remove_tree, shared_folder, start_hub, stop_hub)

NOTEBOOK = "02_identity_block.ipynb"
ASSIGNMENT = "02_identity_block"
ANSWER, CHECK = "answer_identity_block", "check_identity_block"
# The course id learners fetch from: deploy/tljh/install.sh writes it into the learners' nbgrader_config.py.
INSTALL_SCRIPT = ROOT / "deploy" / "tljh" / "install.sh"


def learners_nbgrader_config(exchange: Path) -> str:
    """The nbgrader_config.py that install.sh gives every learner, with the test's exchange folder in place of
    /usr/local/share/nbgrader/exchange (nbgrader's default, which a test must not touch)."""
    printed = re.search(r"printf '(.*?)'\s*\\?\s*\n\s*> \"\$USER_ENV/etc/jupyter/nbgrader_config.py\"",
                        INSTALL_SCRIPT.read_text())
    assert printed, "install.sh no longer writes the learners' nbgrader_config.py"
    return printed.group(1).replace("\\n", "\n") + f"c.Exchange.root = {str(exchange)!r}\n"


def shell(kernel: Kernel, command: str, cwd: str = "~") -> str:
    """Run a shell command in `kernel`'s server, as the person would in a terminal; fail the test if it fails."""
    reply = kernel.run(
        "import json, os, subprocess\n"
        f"_r = subprocess.run({command!r}, shell=True, cwd=os.path.expanduser({cwd!r}), capture_output=True,"
        " text=True)\n"
        "print(json.dumps([_r.returncode, _r.stdout[-4000:], _r.stderr[-4000:]]))", timeout=900)
    assert reply.error is None, reply.error
    returncode, stdout, stderr = json.loads(reply.stdout.strip().splitlines()[-1])
    assert returncode == 0, f"{kernel.user}: `{command}` exited with {returncode}\n{stdout}\n{stderr}"
    return stdout + stderr


def answered(notebook: dict, answer: str | None) -> dict:
    """The fetched notebook with the answer cell written (None: left as released)."""
    if answer is not None:
        cell = next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == ANSWER)
        cell["source"] = answer
    return notebook


def run_to_the_check(kernel: Kernel, notebook: dict):
    """Run the notebook's code cells in order, as Run All would, up to and including the check; its reply."""
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        reply = kernel.run("".join(cell["source"]))
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == CHECK:
            return reply
    raise AssertionError("the released notebook has no check cell")


def check_output(notebook: Path) -> str:
    """The words the check cell of an autograded notebook showed, a line each: its verdict's HTML (under nbgrader
    the plain text is the points, resnet_widgets.checks.verdict) or its error, if it stopped."""
    cell = next(c for c in nbformat.read(notebook, as_version=4).cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == CHECK)
    shown = [output.get("data", {}).get("text/html", "") if output.output_type != "error"
             else f"{output.ename}: {output.evalue}" for output in cell.outputs]
    words = html.unescape(re.sub(r"<[^>]+>", "\n", "\n".join(shown)))
    return "\n".join(line.strip() for line in words.splitlines() if line.strip())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def classroom():
    if os.geteuid() != 0:
        pytest.skip("the hub test makes Unix accounts and starts servers as them, which needs root (CI runs as root)")
    if not PROXY.exists():
        pytest.skip(f"configurable-http-proxy is not installed at {PROXY}: run `make test` (npm ci tests/hub)")
    tag = secrets.token_hex(2)
    people = {role: f"rl{tag}{role}" for role in ("ada", "ben", "cy", "teacher")}
    folder = Path(tempfile.mkdtemp(prefix="resnet-lab-hub-"))
    folder.chmod(0o755)
    hub = None
    with reachable_by_everyone(Path(os.path.realpath(sys.executable)), Path(sys.prefix), ROOT):
        try:
            exchange = shared_folder(folder, "exchange", 0o777)  # as install.sh: mkdir, chmod ugo+rw
            config = shared_folder(folder, "etc-jupyter", 0o755)
            (config / "nbgrader_config.py").write_text(learners_nbgrader_config(exchange))
            (config / "nbgrader_config.py").chmod(0o644)
            # The course as a git repository the learners' servers can pull from, as they pull GitHub's.
            repository = shared_folder(folder, "resnet-lab.git", 0o755)
            subprocess.run(["git", "init", "--quiet", "--bare", str(repository)], check=True)
            subprocess.run(["git", "-C", str(ROOT), "push", "--quiet", str(repository), "HEAD:refs/heads/main"],
                           check=True)
            subprocess.run(["chmod", "-R", "a+rX", str(repository)], check=True)
            # The repository belongs to root, and git reads another account's repository only where its global
            # configuration says it is safe (a real class pulls from GitHub over https, where this does not arise).
            git_config = folder / "gitconfig"
            git_config.write_text(f"[safe]\n\tdirectory = {repository}\n")
            git_config.chmod(0o644)
            homes = {role: create_learner_account(name) for role, name in people.items()}
            state = shared_folder(folder, "hub", 0o700)
            environment = {
                "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
                "JUPYTER_CONFIG_PATH": str(config),
                "TF_CPP_MIN_LOG_LEVEL": "2",
                "GIT_CONFIG_GLOBAL": str(git_config),
            }
            hub = start_hub(state, users=list(people.values()), admin=people["teacher"], environment=environment)
            yield {"hub": hub, "people": people, "homes": homes, "exchange": exchange, "repository": repository}
        finally:
            if hub is not None:
                stop_hub(hub)
            for name in people.values():
                remove_learner_account(name)
            remove_tree(folder)


def test_a_class_on_one_hub(classroom):
    hub, people, homes = classroom["hub"], classroom["people"], classroom["homes"]
    learners = ["ada", "ben", "cy"]

    # 1. Everyone logs in through the login form (a wrong password is refused), and gets their own server.
    assert log_in(hub, people["ada"], "not the password").login_status == 403
    sessions = {role: log_in(hub, name, hub.password) for role, name in people.items()}
    assert {session.login_status for session in sessions.values()} == {302}
    hub.start_servers(list(people.values()))
    for role, session in sessions.items():
        page = session.get(f"{hub.url}/user/{people[role]}/lab", timeout=120)
        assert page.status_code == 200 and page.url.endswith(f"/user/{people[role]}/lab"), (role, page.url)
        assert "JupyterLab" in page.text
    # ...and only their own: another learner's server refuses them.
    assert sessions["ben"].get(f"{hub.url}/user/{people['ada']}/lab", timeout=120).status_code == 403

    # 2. Everyone gets the course through nbgitpuller's link, into ~/resnet-lab, owned by them.
    for role, name in people.items():
        pulled = hub.server(name, "GET", "/git-pull/api", params={
            "repo": f"file://{classroom['repository']}", "branch": "main", "targetpath": "resnet-lab"}, stream=True)
        events = [json.loads(line[len("data:"):]) for line in pulled.iter_lines(decode_unicode=True)
                  if line.startswith("data:")]
        assert events and events[-1]["phase"] == "finished", (role, events[-3:])
        copy = homes[role] / "resnet-lab" / "course" / NOTEBOOK
        assert copy.stat().st_uid == os.stat(homes[role]).st_uid, role

    kernels = {role: Kernel(hub, name) for role, name in people.items()}
    try:
        # 3. The instructor releases 02, with docs/INSTRUCTORS.md's commands.
        teacher = kernels["teacher"]
        shell(teacher, "mkdir ~/resnet-course && cp ~/resnet-lab/deploy/nbgrader/nbgrader_config.py ~/resnet-course/")
        for command in (f"python ~/resnet-lab/deploy/nbgrader/stage_course.py . {NOTEBOOK}",
                        f"nbgrader generate_assignment {ASSIGNMENT}", f"nbgrader release_assignment {ASSIGNMENT}"):
            shell(teacher, command, cwd="~/resnet-course")

        # 4. Each learner fetches it, writes (or not) the exercise, saves, runs the notebook to the check in their
        #    own kernel, and submits.
        source = nbformat.read(ROOT / "course" / NOTEBOOK, as_version=4)
        solution = next(c.source for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == ANSWER)
        _, right, wrong, named = MISTAKES[NOTEBOOK]
        answers = {"ada": solution, "ben": solution.replace(right, wrong), "cy": None}
        assert answers["ben"] != solution
        checks = {}
        path = f"/api/contents/{ASSIGNMENT}/{NOTEBOOK}"
        for role in learners:
            shell(kernels[role], f"nbgrader fetch_assignment {ASSIGNMENT}")
            notebook = answered(hub.server(people[role], "GET", path).json()["content"], answers[role])
            saved = hub.server(people[role], "PUT", path, json={"type": "notebook", "format": "json",
                                                                 "content": notebook})
            assert saved.status_code == 200, (role, saved.status_code, saved.text)
            checks[role] = run_to_the_check(kernels[role], notebook)
        # Ben's width is the number the visible check uses, so his check passes: the hidden tests exist for that.
        for role in ("ada", "ben"):
            assert checks[role].error is None and "passed" in checks[role].text, (role, checks[role])
        assert checks["cy"].error is not None and "Not written yet" in " ".join(checks["cy"].error), checks["cy"]
        for role in learners:
            shell(kernels[role], f"nbgrader submit {ASSIGNMENT}")

        # 5. A learner cannot read another's work. nbgrader's exchange keeps submissions apart by name: the inbound
        #    folder takes files but cannot be listed, and each submission's name ends in 72 random bits
        #    (ExchangeSubmit.add_random_string), so nobody finds Ada's. Her home is closed to others.
        inbound = classroom["exchange"] / "resnet-lab" / "inbound"
        submissions = sorted(p.name for p in inbound.iterdir())
        assert len(submissions) == 3 and all(any(s.startswith(people[r] + "+") for s in submissions)
                                             for r in learners), submissions
        assert all(len(s.rsplit("+", 1)[1]) == 12 for s in submissions), submissions
        peek = kernels["ben"].run(
            "import glob, os\n"
            f"print('FOUND', glob.glob({str(inbound)!r} + '/{people['ada']}+*'))\n"
            "for _path in (" + ", ".join(repr(str(p)) for p in (inbound, homes["ada"] / ASSIGNMENT / NOTEBOOK)) + "):\n"
            "    try:\n"
            "        os.listdir(_path) if os.path.isdir(_path) else open(_path).read()\n"
            "        print('READ', _path)\n"
            "    except PermissionError:\n"
            "        print('REFUSED', _path)\n")
        assert "FOUND []" in peek.stdout and peek.stdout.count("REFUSED") == 2, peek.stdout

        # 6. Ben's server is stopped in the middle of a cell; nobody else loses anything.
        before = {role: digest(homes[role] / ASSIGNMENT / NOTEBOOK) for role in ("ada", "cy")}
        before["submissions"] = {s: digest(inbound / s / NOTEBOOK) for s in submissions}
        assert kernels["ada"].run("kept = 'ada was here'").error is None
        kernels["ben"].start("import time\nfor _ in range(3600):\n    time.sleep(1)")
        hub.stop_server(people["ben"])
        assert kernels["ada"].run("print(kept)").stdout.strip() == "ada was here"  # her kernel and its state
        after = {role: digest(homes[role] / ASSIGNMENT / NOTEBOOK) for role in ("ada", "cy")}
        after["submissions"] = {s: digest(inbound / s / NOTEBOOK) for s in submissions}
        assert after == before
        # His kernel goes with his server (the server shuts its kernels down when it stops), not left running.
        deadline = time.monotonic() + 60
        while subprocess.run(["pgrep", "-u", people["ben"]], capture_output=True).returncode == 0:
            left = subprocess.run(["ps", "-o", "pid,etime,args", "-u", people["ben"]], capture_output=True, text=True)
            assert time.monotonic() < deadline, f"still running as ben a minute after his server stopped:\n{left.stdout}"
            time.sleep(1)
        # Ben comes back: a fresh server, his saved notebook still there.
        hub.start_servers([people["ben"]])
        kernels["ben"].close()
        kernels["ben"] = Kernel(hub, people["ben"])
        assert "02_identity_block.ipynb" in shell(kernels["ben"], f"ls {ASSIGNMENT}")

        # 7. The instructor collects, autogrades the whole notebooks, returns feedback and exports the grades.
        for command in (f"nbgrader collect {ASSIGNMENT}", f"nbgrader autograde {ASSIGNMENT}",
                        f"nbgrader generate_feedback {ASSIGNMENT}", f"nbgrader release_feedback {ASSIGNMENT}",
                        "nbgrader export"):
            shell(teacher, command, cwd="~/resnet-course")
        with (homes["teacher"] / "resnet-course" / "grades.csv").open() as grades:
            scores = {row["student_id"]: (float(row["score"]), float(row["max_score"]))
                      for row in csv.DictReader(grades) if row["assignment"] == ASSIGNMENT}
        full = scores[people["ada"]][1]
        assert full > 0 and scores[people["ada"]][0] == full, scores
        assert 0 < scores[people["ben"]][0] < full, scores
        assert scores[people["cy"]][0] == 0, scores

        # 8. The graded check says what each learner did, and Ada and Ben fetch it as their feedback.
        verdicts = {role: check_output(homes["teacher"] / "resnet-course" / "autograded" / people[role]
                                       / ASSIGNMENT / NOTEBOOK) for role in learners}
        assert "passed" in verdicts["ada"], verdicts["ada"]
        assert "problem to fix" in verdicts["ben"] and named in verdicts["ben"], verdicts["ben"]
        assert "Not written yet" in verdicts["cy"], verdicts["cy"]
        for role in ("ada", "ben"):
            shell(kernels[role], f"nbgrader fetch_feedback {ASSIGNMENT}")
            pages = list((homes[role] / ASSIGNMENT / "feedback").rglob("*.html"))
            assert len(pages) == 1, (role, pages)
            page = html.unescape(re.sub(r"<[^>]+>", "\n", pages[0].read_text()))
            assert verdicts[role].splitlines()[0] in page, (role, verdicts[role])
    finally:
        for kernel in kernels.values():
            kernel.close()
