# The two commands a fresh machine needs: `make lab` and `make test`.
# Both build .venv from the one lock (binder/requirements.txt) that Binder and CI use too.
# A second run only re-installs when the lock or pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LOCK   := binder/requirements.txt
# The website's and the accessibility audit's packages (Sphinx, myst-nb, axe-core's wheel, colorspacious), pinned
# apart from the learner's lock; installed with the lock as constraints, so a pin that conflicts with it fails here.
SITE_REQUIREMENTS := docs/requirements.txt
SITE_STAMP := $(VENV)/.site-installed
# The widget JavaScript of the website's live widgets (html-manager, require.js, anywidget), from npm: see the file.
SITE_JS := docs/site/widgets-js.txt
SITE_JS_CACHE := $(VENV)/share/resnet-lab-site-js
PYTEST := $(PY) -m pytest
# Two workers match CI's two cores; notebooks stay on one worker each (their cells share a kernel).
XDIST  ?= -n 2 --dist loadfile

.PHONY: lab test test-jax setup site-setup site student notebooks benchmarks clean

# Every run (a second after the first): the kernel the notebooks name, and the course's notebooks trusted.
# The kernel is installed as "python3", shown as "Python 3": the very kernelspec the notebooks carry, so
# opening and saving one in JupyterLab leaves it unchanged. Trust lives outside the files (Jupyter's data
# folder); a pulled notebook is trusted again here.
setup: $(STAMP)
	@$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	@$(PY) scripts/start_lab.py --trust-only

$(STAMP): $(LOCK) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	# The lock already holds every dependency; --no-deps keeps it the only source of versions.
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e . || $(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(SITE_STAMP): $(STAMP) $(SITE_REQUIREMENTS) $(SITE_JS)
	$(PY) -m pip install --quiet -c $(LOCK) -r $(SITE_REQUIREMENTS)
	rm -rf $(SITE_JS_CACHE) && mkdir -p $(SITE_JS_CACHE)
	cd $(SITE_JS_CACHE) && npm pack --silent $$(grep -v '^#' $(CURDIR)/$(SITE_JS)) >/dev/null
	touch $(SITE_STAMP)

site-setup: setup $(SITE_STAMP)

# The course as a website (Sphinx + myst-nb + sphinx-book-theme), offline, from the committed outputs (nothing is
# re-executed), with the student copies: build/site/html/index.html. scripts/build_site.py says how.
site: site-setup
	$(PY) scripts/build_site.py

# The course in JupyterLab, landing on 00_start_here (scripts/start_lab.py holds the command line, which
# tests/ui/test_landing.py starts the same way).
lab: setup
	$(PY) scripts/start_lab.py

# Everything: nbval over every notebook, the browser tests, the unit tests, then the backend-neutral tests again
# on JAX (the backend our GPU checks use), so that path cannot rot unnoticed. pytest collects tests/ui once;
# naming it early did not make xdist start the course's browser runs early (they still ran last, 2026-12-02).
test: site-setup
	$(PYTEST) $(XDIST) --nbval-lax course tests/ui tests
	KERAS_BACKEND=jax $(PYTEST) $(XDIST) -m backend_neutral tests

test-jax: site-setup
	KERAS_BACKEND=jax $(PYTEST) $(XDIST) -m backend_neutral tests

# Student copies of the course in course-student/: every ### BEGIN/END SOLUTION region becomes
# `raise NotImplementedError`, outputs and saved widget state (metadata.widgets) cleared.
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
