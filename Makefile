# The two commands a fresh machine needs: `make lab` and `make test`.
# Both build .venv from the one lock (binder/requirements.txt) that Binder and CI use too.
# A second run only re-installs when the lock or pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LOCK   := binder/requirements.txt
PYTEST := $(PY) -m pytest
# Two workers match CI's two cores; notebooks stay on one worker each (their cells share a kernel).
XDIST  ?= -n 2 --dist loadfile

.PHONY: lab test test-jax setup student benchmarks clean

setup: $(STAMP)

$(STAMP): $(LOCK) pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	# The lock already holds every dependency; --no-deps keeps it the only source of versions.
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e . || $(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ResNet Lab)" >/dev/null
	touch $(STAMP)

# Root (containers, CI machines) needs --allow-root, or JupyterLab exits at once.
lab: setup
	$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(CURDIR)/course" \
		--ServerApp.default_url=/lab/tree/00_start_here.ipynb $(if $(filter 0,$(shell id -u)),--allow-root)

# Everything: unit tests, browser tests, nbval over every notebook, then the backend-neutral
# tests again on JAX (the backend our GPU checks use), so that path cannot rot unnoticed.
test: setup
	$(PYTEST) $(XDIST) tests --nbval-lax course
	KERAS_BACKEND=jax $(PYTEST) $(XDIST) -m backend_neutral tests

test-jax: setup
	KERAS_BACKEND=jax $(PYTEST) $(XDIST) -m backend_neutral tests

# Student copies of the course in course-student/: every ### BEGIN/END SOLUTION region becomes
# `raise NotImplementedError`, outputs and saved widget state (metadata.widgets) cleared.
student: setup
	$(PY) scripts/make_student_notebooks.py --source course --dest course-student

benchmarks: setup
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
