"""A real JupyterHub on 127.0.0.1 for the hub test: Unix accounts, the hub process, and its users' kernels.

The hub is the `jupyterhub` package with configurable-http-proxy from npm (tests/hub/package.json, installed by
`make test`), the dummy authenticator, and the local-process spawner: each learner's server runs as that learner's
own Unix account, made as The Littlest JupyterHub makes it. That is what a class on one machine gets, and what
nbgrader's exchange relies on: it keeps submissions apart with file permissions, so learners that were all one
Unix user (JupyterHub's SimpleLocalProcessSpawner) could not show that a learner cannot read another's work.

The hub loads deploy/tljh/jupyterhub_config.d/resnet_lab.py, the file an instructor's TLJH loads, on top of
what a test needs: ports, a throw-away database, and a service token with which the test acts as an admin.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
import websocket

from ..ports import free_ports

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
# Where `make test` installs tests/hub/package.json (npm ci): inside the environment, as the site's JavaScript is.
PROXY = Path(sys.prefix) / "share" / "resnet-lab-hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
TLJH_SETTINGS = ROOT / "deploy" / "tljh" / "jupyterhub_config.d" / "resnet_lab.py"
SERVICE = "course-test"


def create_learner_account(name: str) -> Path:
    """A Unix account made as TLJH makes one (tljh/user.py, ensure_user): `useradd --create-home`, then the
    home closed to other users (`chmod o-rwx`). Returns the home folder."""
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
    home = Path(pwd.getpwnam(name).pw_dir)
    subprocess.run(["chmod", "o-rwx", str(home)], check=True)
    return home


def remove_learner_account(name: str) -> None:
    """Stop whatever still runs as `name`, then remove the account and its home."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    subprocess.run(["pkill", "-KILL", "-u", name], check=False)
    for _ in range(50):
        if subprocess.run(["pgrep", "-u", name], capture_output=True).returncode != 0:
            break
        time.sleep(0.1)
    subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


def hub_config(*, port: int, hub_port: int, proxy_api_port: int, state: Path, token: str, users: list[str],
               admin: str, password: str, environment: dict[str, str]) -> str:
    """The jupyterhub_config.py the test hub starts with: the test's own settings, then the course's TLJH file."""
    return f"""\
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/jupyterhub_cookie_secret"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {set(users)!r}
c.Authenticator.admin_users = {{{admin!r}}}
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(VENV_BIN / "jupyterhub-singleuser")!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.Spawner.environment = {environment!r}
c.JupyterHub.services = [{{"name": {SERVICE!r}, "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": {SERVICE!r}, "services": [{SERVICE!r}],
                             "scopes": ["admin:users", "admin:servers", "access:servers"]}}]
load_subconfig({str(TLJH_SETTINGS)!r})  # noqa: F821
"""


@dataclass
class Hub:
    """A running JupyterHub: `url`, the admin service's `token`, and the process (its own process group)."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path
    password: str

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """The hub's REST API as the test's admin service (`path` after /hub/api)."""
        return requests.request(method, f"{self.url}/hub/api{path}",
                                headers={"Authorization": f"token {self.token}"}, timeout=60, **kwargs)

    def server(self, user: str, method: str, path: str, **kwargs) -> requests.Response:
        """A request to `user`'s own server through the proxy (`path` after /user/<user>)."""
        return requests.request(method, f"{self.url}/user/{user}{path}",
                                headers={"Authorization": f"token {self.token}"}, timeout=120, **kwargs)

    def start_servers(self, users: list[str], timeout: float = 300) -> None:
        """Ask the hub for every user's server at once, as a class logging in does; wait until all are ready."""
        for user in users:
            response = self.api("POST", f"/users/{user}/server")
            assert response.status_code in (201, 202), (user, response.status_code, response.text, self.log_tail())
        deadline = time.monotonic() + timeout
        waiting = set(users)
        while waiting and time.monotonic() < deadline:
            for user in sorted(waiting):
                if self.api("GET", f"/users/{user}").json()["servers"].get("", {}).get("ready"):
                    waiting.discard(user)
            time.sleep(1)
        assert not waiting, f"servers not ready after {timeout} s: {sorted(waiting)}\n{self.log_tail()}"

    def stop_server(self, user: str, timeout: float = 60) -> None:
        response = self.api("DELETE", f"/users/{user}/server")
        assert response.status_code in (202, 204), (response.status_code, response.text)
        deadline = time.monotonic() + timeout
        while self.api("GET", f"/users/{user}").json()["servers"] and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not self.api("GET", f"/users/{user}").json()["servers"], f"{user}'s server did not stop"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def start_hub(state: Path, *, users: list[str], admin: str, environment: dict[str, str],
              timeout: float = 60) -> Hub:
    """Start JupyterHub in `state` (a folder only root reads) and wait until its API answers."""
    port, hub_port, proxy_api_port = free_ports(3)
    token, password = secrets.token_hex(16), secrets.token_hex(8)
    config = state / "jupyterhub_config.py"
    config.write_text(hub_config(port=port, hub_port=hub_port, proxy_api_port=proxy_api_port, state=state,
                                 token=token, users=users, admin=admin, password=password, environment=environment))
    log = state / "jupyterhub.log"
    hub_environment = {**os.environ, "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
                       "RESNET_LAB_CHECKOUT": str(ROOT), "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(16)}
    with log.open("wb") as out:
        process = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(config)], cwd=state, stdout=out,
                                   stderr=subprocess.STDOUT, env=hub_environment, start_new_session=True)
    hub = Hub(url=f"http://127.0.0.1:{port}", token=token, process=process, log=log, password=password)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterHub exited with {process.returncode}:\n{hub.log_tail()}")
        try:
            if hub.api("GET", "/").status_code == 200:
                return hub
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    stop_hub(hub)
    raise RuntimeError(f"JupyterHub did not answer in {timeout} s:\n{hub.log_tail()}")


def stop_hub(hub: Hub, timeout: float = 60) -> None:
    """Stop the hub as its admin would (SIGTERM: it stops the servers and the proxy), then its process group."""
    if hub.process.poll() is None:
        hub.process.send_signal(signal.SIGTERM)
        try:
            hub.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(hub.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def log_in(hub: Hub, user: str, password: str) -> requests.Session:
    """Log in through the hub's login form, as a browser does; the session then holds the hub's cookie."""
    session = requests.Session()
    page = session.get(f"{hub.url}/hub/login", timeout=60)
    page.raise_for_status()
    response = session.post(f"{hub.url}/hub/login", data={"username": user, "password": password,
                                                          "_xsrf": session.cookies.get("_xsrf", "")},
                            allow_redirects=False, timeout=60)
    session.login_status = response.status_code
    return session


@dataclass
class Reply:
    """What one executed cell sent back: its printed text, its results' text/plain, and its error if any."""

    stdout: str = ""
    results: list[str] = field(default_factory=list)
    error: tuple[str, str] | None = None

    @property
    def text(self) -> str:
        return self.stdout + "\n".join(self.results)


class Kernel:
    """A kernel in `user`'s own server, driven over the kernel websocket through the hub's proxy, as JupyterLab
    drives it (the Jupyter messaging protocol's execute_request; nothing is run from outside the server)."""

    def __init__(self, hub: Hub, user: str):
        self.user = user
        response = hub.server(user, "POST", "/api/kernels", json={"name": "python3"})
        assert response.status_code == 201, (user, response.status_code, response.text)
        self.id = response.json()["id"]
        url = hub.url.replace("http://", "ws://") + f"/user/{user}/api/kernels/{self.id}/channels"
        self.socket = websocket.create_connection(url, header=[f"Authorization: token {hub.token}"],
                                                  suppress_origin=True, timeout=30)
        self.session = uuid.uuid4().hex

    def send(self, code: str) -> str:
        """Start `code` and return its message id, without waiting for it to finish."""
        msg_id = uuid.uuid4().hex
        self.socket.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session,
                       "username": self.user, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": False},
        }))
        return msg_id

    def start(self, code: str, timeout: float = 60) -> None:
        """Start `code` and return once the kernel says it is busy with it (the cell is running)."""
        msg_id = self.send(code)
        for message in self._messages(msg_id, timeout):
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "busy":
                return

    def _messages(self, msg_id: str, timeout: float):
        """The messages answering `msg_id`, as they come, until `timeout` seconds have passed (TimeoutError)."""
        deadline = time.monotonic() + timeout
        while True:
            self.socket.settimeout(max(1.0, deadline - time.monotonic()))
            try:
                message = json.loads(self.socket.recv())
            except websocket.WebSocketTimeoutException:
                raise TimeoutError(f"{self.user}'s kernel sent nothing for {timeout} s") from None
            if message.get("parent_header", {}).get("msg_id") == msg_id:
                yield message

    def run(self, code: str, timeout: float = 300) -> Reply:
        """Execute `code` and collect what it sends back until the kernel is idle again."""
        msg_id = self.send(code)
        reply = Reply()
        for message in self._messages(msg_id, timeout):
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                reply.stdout += content["text"]
            elif kind in ("execute_result", "display_data"):
                reply.results.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                reply.error = (content["ename"], content["evalue"])
            elif kind == "status" and content["execution_state"] == "idle":
                return reply

    def close(self) -> None:
        try:
            self.socket.close()
        except OSError:
            pass


@contextlib.contextmanager
def reachable_by_everyone(*paths: Path):
    """Let every account pass through the folders above `paths` (o+x: enter, not list) while the test runs.

    The learners' servers run this environment's Python, as a TLJH learner's run /opt/tljh/user, which TLJH
    keeps readable by all. Here the interpreter may live under root's own home (pyenv in /root, mode 0700); the
    modes are put back afterwards."""
    changed = {}
    for path in paths:
        for folder in [path, *path.parents]:
            mode = folder.stat().st_mode
            if folder.is_dir() and not mode & stat.S_IXOTH and folder not in changed:
                changed[folder] = stat.S_IMODE(mode)
                folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
    try:
        yield
    finally:
        for folder, mode in changed.items():
            folder.chmod(mode)


def shared_folder(parent: Path, name: str, mode: int) -> Path:
    """A folder every account can reach (pytest's own tmp_path is root's alone), with `mode`."""
    folder = parent / name
    folder.mkdir()
    folder.chmod(mode)
    return folder


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
