"""The production stack for fault tests: gunicorn with several workers, and plain HTTP clients.

``Gunicorn`` starts ``qms:create_app()`` on a port the kernel picks, against the database
and folders given in the environment, and stops itself after ``deadline`` seconds even if
the test never does. ``Client`` is one browser: its own cookies, the CSRF token of its
session, no redirects followed unless asked.
"""
from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Gunicorn:
    """``gunicorn -w N 'qms:create_app()'`` on 127.0.0.1, with a watchdog."""

    def __init__(self, env: dict, log_path: Path, workers: int = 4, deadline: float = 900):
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        self.log_path = log_path
        self.workers = workers
        self.deadline = deadline
        self.process: subprocess.Popen | None = None
        self.url = ""
        self._watchdog: threading.Timer | None = None

    def start(self, timeout: float = 120) -> "Gunicorn":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            # The production configuration, with a test's own address, workers and a
            # short grace at the end.
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
             "--workers", str(self.workers), "--bind", "127.0.0.1:0", "--graceful-timeout", "5",
             "--access-logfile", "/dev/null"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        # The watchdog ends a server a hung test forgot: nothing outlives the run.
        self._watchdog = threading.Timer(self.deadline, self.stop)
        self._watchdog.daemon = True
        self._watchdog.start()
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log()[-2000:]}")
            match = _LISTENING.search(self.log())
            if match and not self.url:
                self.url = f"http://127.0.0.1:{match.group(1)}"
            if self.url and len(self.worker_pids()) == self.workers and self._healthy():
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start: {self.log()[-2000:]}")

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/salud", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def wait_healthy(self, timeout: float = 60) -> None:
        """Wait until the master has replaced dead workers and the site answers again."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if len(self.worker_pids()) == self.workers and self._healthy():
                return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not recover")

    def worker_pids(self) -> list[int]:
        """Return the pids of the master's current workers."""
        if self.process is None or self.process.poll() is not None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@dataclass
class Response:
    status: int
    location: str
    text: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One person's browser: cookies, the session's CSRF token, explicit redirects."""

    def __init__(self, base_url: str, timeout: float = 90):
        self.base_url = base_url
        self.timeout = timeout
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.csrf = ""

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrf_token": self.csrf, **data}, doseq=True).encode()
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                result = Response(response.status, response.headers.get("Location", ""),
                                  response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            result = Response(error.code, error.headers.get("Location", ""), error.read().decode("utf-8", "replace"))
        match = _CSRF.search(result.text)
        if match:
            self.csrf = match.group(1)
        return result

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, data)

    def follow(self, response: Response, hops: int = 3) -> Response:
        """Follow ``response``'s redirects (a flash message shows on the page they lead to)."""
        while response.status in (301, 302, 303) and hops:
            location = urllib.parse.urlsplit(response.location)
            response = self.get(location.path + (f"?{location.query}" if location.query else ""))
            hops -= 1
        return response

    def login(self, username: str, password: str) -> "Client":
        self.get("/ingresar")
        response = self.post("/ingresar", {"username": username, "password": password})
        if response.status != 302:
            raise RuntimeError(f"login of {username} failed: {response.status}")
        self.get("/pendientes")  # a page with a form: the session's CSRF token
        return self


def together(*calls, timeout: float = 120) -> list:
    """Run the calls at the same moment, each in its own thread; return results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=timeout)
            results[index] = call()
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
