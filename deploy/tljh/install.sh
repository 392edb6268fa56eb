#!/usr/bin/env bash
# The Littlest JupyterHub (one machine) for a ResNet Lab class. Run as root on a fresh Ubuntu server:
#   sudo ADMIN=<your user name> bash deploy/tljh/install.sh
# Each step names the documentation it follows; docs/INSTRUCTORS.md says why each value is what it is.
set -euo pipefail

ADMIN="${ADMIN:?set ADMIN to the instructor user name}"
REPO="${REPO:-resnet-lab/resnet-lab}"  # the GitHub repository the class uses
REF="${REF:-main}"
CHECKOUT=/opt/resnet-lab               # read by jupyterhub_config.d/resnet_lab.py
# TLJH's user environment: https://tljh.jupyter.org/en/latest/topic/three-environments.html
USER_ENV=/opt/tljh/user

# 1. TLJH, with the learner's lock installed into the users' environment at install time. TLJH stops if the lock
#    does not install (the lock is tested on Python 3.11 only).
#    https://tljh.jupyter.org/en/latest/topic/customizing-installer.html
curl -L https://tljh.jupyter.org/bootstrap.py | python3 - --admin "$ADMIN" \
  --user-requirements-txt-url "https://raw.githubusercontent.com/$REPO/$REF/binder/requirements.txt"

# 2. The course package (its dependencies are the lock's), as binder/postBuild installs it; and nbgrader for the
#    exchange, at the developer's lock's pin (tests/test_deploy_config.py keeps the two equal).
git clone --depth 1 --branch "$REF" "https://github.com/$REPO" "$CHECKOUT"
"$USER_ENV/bin/python" -m pip install --no-deps "$CHECKOUT"
"$USER_ENV/bin/python" -m pip install "nbgrader==0.9.6"
# Learners fetch, validate and submit; grading is the instructor's, from the command line (docs/INSTRUCTORS.md).
# https://nbgrader.readthedocs.io/en/stable/user_guide/installation.html
"$USER_ENV/bin/jupyter" labextension disable --level=sys_prefix @jupyter/nbgrader:formgrader
"$USER_ENV/bin/jupyter" labextension disable --level=sys_prefix @jupyter/nbgrader:create-assignment
"$USER_ENV/bin/jupyter" server extension disable --sys-prefix nbgrader.server_extensions.formgrader

# 3. binder/postBuild's server settings: a kernel shuts down with its tab, and after 15 idle minutes.
mkdir -p "$USER_ENV/share/jupyter/lab/settings" "$USER_ENV/etc/jupyter/jupyter_server_config.d"
cp "$CHECKOUT/binder/overrides.json" "$USER_ENV/share/jupyter/lab/settings/overrides.json"
cp "$CHECKOUT/binder/jupyter_server_config.json" "$USER_ENV/etc/jupyter/jupyter_server_config.d/resnet_lab_binder.json"

# 4. Limits per learner, from the measured peaks (docs/BENCHMARKS.md, "Memory per notebook"): 2 GiB (the largest
#    fast-mode peak is 01b's, 1,555 MiB, 2026-12-07) and 2 cores.
#    https://tljh.jupyter.org/en/latest/topic/tljh-config.html#tljh-set-user-limits
tljh-config set limits.memory 2G
tljh-config set limits.cpu 2

# 5. jupyterhub-idle-culler (installed and on by default in TLJH): servers idle for an hour stop; active ones never.
#    https://tljh.jupyter.org/en/latest/topic/idle-culler.html
tljh-config set services.cull.timeout 3600
tljh-config set services.cull.every 600
tljh-config set services.cull.max_age 0

# 6. nbgrader's exchange (it must exist and be writable by everyone) and the course id learners fetch from.
#    https://nbgrader.readthedocs.io/en/stable/user_guide/managing_assignment_files.html#setting-up-the-exchange
mkdir -p /usr/local/share/nbgrader/exchange
chmod ugo+rw /usr/local/share/nbgrader/exchange
printf 'c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = "resnet-lab"\n' \
  > "$USER_ENV/etc/jupyter/nbgrader_config.py"

# 7. The servers' environment (binder/start's memory and thread settings, the shared GPU's settings), loaded by the
#    hub after tljh-config's settings. https://tljh.jupyter.org/en/latest/topic/escape-hatch.html
cp "$CHECKOUT/deploy/tljh/jupyterhub_config.d/resnet_lab.py" /opt/tljh/config/jupyterhub_config.d/resnet_lab.py
tljh-config reload
