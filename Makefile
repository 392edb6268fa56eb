# The two commands a fresh machine needs: `make lab` and `make test`.
# `make lab` installs the learner's lock (binder/requirements.txt, what Binder and a JupyterHub image install);
# `make test` the developer's (requirements-dev.txt: the learner's lock, the website's pins, the test tools), as
# CI does. Both into .venv; a second run only re-installs when a lock or pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LOCK     := binder/requirements.txt
DEV_LOCK := requirements-dev.txt
LAB_STAMP := $(VENV)/.installed-lab
DEV_STAMP := $(VENV)/.installed-dev
# The widget JavaScript of the website's live widgets (html-manager, require.js, anywidget), packed from the npm
# registry once (see the file); the website's Python pins are in docs/requirements.txt, part of the dev lock.
SITE_JS := docs/site/widgets-js.txt
SITE_JS_CACHE := $(VENV)/share/resnet-lab-site-js
SITE_STAMP := $(VENV)/.site-js-packed
# configurable-http-proxy, the proxy of the JupyterHub that tests/hub starts, from the npm registry at the versions
# of tests/hub/package-lock.json (npm ci), inside the environment.
HUB_PROXY := $(VENV)/share/resnet-lab-hub-proxy
HUB_PROXY_STAMP := $(HUB_PROXY)/.installed
# The 30 slowest steps of each pass are printed at its end: where CI's time goes, run by run (docs/BENCHMARKS.md).
PYTEST := $(PY) -m pytest --durations=30
# Two workers match CI's two cores (the JAX pass: compiling, all CPU); notebooks stay on one worker each (their cells
# share a kernel). Files go out in
# collection order, where the root conftest puts the course's notebooks first: xdist's default hands out the files
# with the most tests first, which left the four live runs (one test each, 29 worker-minutes) to the end.
XDIST  ?= -n 2 --dist loadfile --no-loadscope-reorder
# The TensorFlow pass, with its browser tests, on three workers: a browser test spends part of its time waiting (a
# page to load, a kernel to start, a widget to settle), and a third worker's tests use those moments. In a fresh
# clone on 2 cores the pass took 22:43 on three workers against 24:29 on two, an hour apart (docs/BENCHMARKS.md,
# "CI time again").
XDIST_TF ?= -n 3 --dist loadfile --no-loadscope-reorder

# The JAX pass. Most of its time is XLA compiling the same small training steps again, test after test: JAX's
# compilation cache, in a folder of the run's own (a fresh clone starts as cold as CI), hands a step compiled once
# to every later test and to the other worker. The pass took 353 s instead of 394, one run each (docs/BENCHMARKS.md).
JAX_PASS = cache=$$(mktemp -d) && KERAS_BACKEND=jax JAX_COMPILATION_CACHE_DIR=$$cache \
	JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0 $(PYTEST) $(XDIST) -m backend_neutral tests; \
	status=$$?; rm -rf $$cache; exit $$status

.PHONY: lab test test-jax test-notebooks setup setup-lab site-setup site student notebooks benchmarks clean

# Every run (a second after the first): the kernel the notebooks name, and the course's notebooks trusted.
# The kernel is installed as "python3", shown as "Python 3": the very kernelspec the notebooks carry, so
# opening and saving one in JupyterLab leaves it unchanged. Trust lives outside the files (Jupyter's data
# folder); a pulled notebook is trusted again here.
KERNEL_AND_TRUST = $(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null \
	&& $(PY) scripts/start_lab.py --trust-only

# JupyterLab's settings for learners (binder/overrides.json: no "official Jupyter news?" toast, no update check, a
# notebook's kernel shut down with its tab), installed where this environment's JupyterLab reads them, as Binder's
# postBuild does: `make lab`, Binder and a hub image built from binder/ start the same JupyterLab.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

setup-lab: $(LAB_STAMP)
	@$(KERNEL_AND_TRUST)
	@mkdir -p $(dir $(LAB_OVERRIDES)) && cp binder/overrides.json $(LAB_OVERRIDES)

setup: $(DEV_STAMP)
	@$(KERNEL_AND_TRUST)

# The locks need Python 3.11 or later (numpy 2.4, ipython 9, Keras 3.15); 3.11 is the version CI and Binder run.
$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "ResNet Lab needs Python 3.11 or later; $(PYTHON) is $$($(PYTHON) --version 2>&1). Run: make PYTHON=python3.11 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The lock already holds every dependency; --no-deps keeps it the only source of versions. The learner's lock
# has no build backend, so the package is built in pip's isolated environment there (hatchling from the index).
$(LAB_STAMP): $(LOCK) pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e . 2>/dev/null || $(PY) -m pip install --quiet --no-deps -e .
	touch $(LAB_STAMP)

# The developer's lock holds nbgrader (`make student`, tests/grading), and with it Notebook 7; both switch their
# Jupyter extensions on when installed. A learner's JupyterLab (the learner's lock) has neither, and the browser
# tests must see that one, so they are switched off here: nbgrader's Python API needs none of them.
NBGRADER_SERVER_EXTENSIONS := formgrader validate_assignment assignment_list course_list

$(DEV_STAMP): $(DEV_LOCK) $(LOCK) docs/requirements.txt pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r $(DEV_LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	for e in $(NBGRADER_SERVER_EXTENSIONS); do \
		$(VENV)/bin/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$e >/dev/null 2>&1 || exit 1; done
	$(VENV)/bin/jupyter server extension disable --sys-prefix notebook >/dev/null 2>&1
	$(VENV)/bin/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader @jupyter-notebook/lab-extension >/dev/null 2>&1
	touch $(DEV_STAMP) $(LAB_STAMP)

$(SITE_STAMP): $(DEV_STAMP) $(SITE_JS)
	rm -rf $(SITE_JS_CACHE) && mkdir -p $(SITE_JS_CACHE)
	cd $(SITE_JS_CACHE) && npm pack --silent $$(grep -v '^#' $(CURDIR)/$(SITE_JS)) >/dev/null
	touch $(SITE_STAMP)

site-setup: setup $(SITE_STAMP)

$(HUB_PROXY_STAMP): tests/hub/package.json tests/hub/package-lock.json | $(VENV)/bin/python
	rm -rf $(HUB_PROXY) && mkdir -p $(HUB_PROXY)
	cp tests/hub/package.json tests/hub/package-lock.json $(HUB_PROXY)/
	cd $(HUB_PROXY) && npm ci --silent --no-audit --no-fund
	touch $(HUB_PROXY_STAMP)

# The course as a website (Sphinx + myst-nb + sphinx-book-theme), offline, from the committed outputs (nothing is
# re-executed), with the student copies: build/site/html/index.html. scripts/build_site.py says how.
site: site-setup
	$(PY) scripts/build_site.py

# The course in JupyterLab, landing on 00_start_here (scripts/start_lab.py holds the command line, which
# tests/ui/test_landing.py starts the same way).
lab: setup-lab
	$(PY) scripts/start_lab.py

# Everything, each course notebook run once: in JupyterLab in Chromium (tests/ui/test_course_notebooks_*.py), where
# its checked outputs are compared with the committed ones by nbval's own comparison (tests/checked_outputs.py);
# then the browser and unit tests. Then the tests whose results depend on the backend (marker backend_neutral)
# again on JAX, the backend our GPU checks use, so that path cannot rot unnoticed. pytest collects tests/ui once;
# naming it first did not make xdist start the course's browser runs early (they still ran last, 2026-12-02).
test: site-setup $(HUB_PROXY_STAMP)
	$(PYTEST) $(XDIST_TF) tests/ui tests
	$(JAX_PASS)

# The course notebooks under nbval itself, for a machine without Chromium (make test runs them in the browser).
test-notebooks: setup
	$(PYTEST) $(XDIST) --nbval-lax course

test-jax: setup
	$(JAX_PASS)

# Student copies of the course in course-student/, made by nbgrader's generate_assignment (one assignment per
# notebook; scripts/make_student_notebooks.py): every solution region becomes `raise NotImplementedError(...)`, the
# hidden tests leave the checks, outputs and saved widget state (metadata.widgets) are cleared.
student: setup
	$(PY) scripts/make_student_notebooks.py --source course --dest course-student

# Re-execute the course notebooks as they are committed: fast mode, widget state stored, refused when a run
# writes to stderr (scripts/execute_course.py). Pick some with NOTEBOOKS="course/04_*.ipynb".
notebooks: setup
	$(PY) scripts/execute_course.py $(NOTEBOOKS)

benchmarks: setup
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts build/site
