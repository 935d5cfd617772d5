"""Running the ``council`` command as a user does: a separate process, its own environment, real HTTP."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

COUNCIL_BIN = Path(sys.executable).parent / "council"
#: How long a start may take on a loaded two-core CI machine before the test gives up.
START_TIMEOUT = 90
#: No proxy from the environment may stand between the test and the local server.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def council_env(folder: Path) -> dict:
    """The environment of a user with this instance folder: no setting of the test process leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COUNCIL_", "PLATFORM_", "FLASK_"))}
    env.update(COUNCIL_INSTANCE_PATH=str(folder), PLATFORM_INSTANCE_PATH=str(folder / "platform"),
               PYTHONUNBUFFERED="1")
    return env


def council(folder: Path, *args: str, timeout: int = 120, **env: str) -> subprocess.CompletedProcess:
    """Run ``council ARGS`` for the instance ``folder`` (from its parent folder), with extra ``env`` settings."""
    return subprocess.run([str(COUNCIL_BIN), *args], cwd=folder.parent, env={**council_env(folder), **env},
                          capture_output=True, text=True, timeout=timeout, check=False)


def initialised(folder: Path) -> Path:
    """``folder`` after `council init`, as `make run` leaves it."""
    result = council(folder, "init")
    assert result.returncode == 0, result.stderr
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Page:
    status: int
    url: str
    text: str


def fetch(url: str) -> Page:
    """GET ``url`` following redirects, as a browser would; an error status is returned, not raised."""
    try:
        with OPENER.open(url, timeout=30) as response:
            return Page(response.status, response.url, response.read().decode())
    except urllib.error.HTTPError as error:
        return Page(error.code, url, error.read().decode(errors="replace"))


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    stdout: Path
    stderr: Path

    def output(self) -> str:
        return self.stdout.read_text()


def _wait_until_answering(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"council serve exited with {server.process.returncode}:\n{server.stderr.read_text()}")
        with contextlib.suppress(OSError):
            fetch(server.base + "/")
            return
        time.sleep(0.3)
    pytest.fail(f"council serve did not answer within {START_TIMEOUT} s:\n{server.stderr.read_text()}")


@contextlib.contextmanager
def serving(folder: Path):
    """``council serve`` on a free port; stopped with Ctrl-C (SIGINT) afterwards, which must end it cleanly."""
    port = free_port()
    stdout, stderr = folder.parent / f"serve-{port}.out", folder.parent / f"serve-{port}.err"
    with stdout.open("w") as out, stderr.open("w") as err:
        process = subprocess.Popen([str(COUNCIL_BIN), "serve", "--port", str(port)], cwd=folder.parent,
                                   env=council_env(folder), stdout=out, stderr=err, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, stdout, stderr)
    try:
        _wait_until_answering(server)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail("council serve did not stop on Ctrl-C")
    assert process.returncode == 0, stderr.read_text()
    assert "Traceback" not in stderr.read_text()
