"""Start a stand-in as a real process and drive its `/_standin/` control paths (tests and the demo).

    with StandinProcess(token="test-token", state_file=tmp_path / "portal.json") as portal:
        portal.faults([{"kind": "status", "status": 503, "retry_after": 1}])
        ...  # point MOTCUA_NATIONAL_PORTAL_URL at portal.url, MOTCUA_NATIONAL_PORTAL_TOKEN at portal.token
        portal.kill(); portal.restart()  # same port, same state file: what it stored is still held
        assert portal.state()["duplicates"] == 0

Any module run as `python -m MODULE --host H --port P --token T [--state-file F]` that prints
`listening on URL` once ready and serves `/_standin/{faults,down,clear,state,reset}` can be driven.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[2]  # the folder holding the motcua package
READY = "listening on "


class StandinError(RuntimeError):
    """The stand-in did not start, or a control request failed."""


class StandinProcess:
    def __init__(self, module: str = "motcua.standins.portal", token: str = "test-token",
                 state_file: str | os.PathLike | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 startup_timeout: float = 10.0, extra_args: tuple[str, ...] = ()):
        self.module = module
        self.token = token
        self.state_file = Path(state_file) if state_file else None
        self.host = host
        self.port = port
        self.startup_timeout = startup_timeout
        self.extra_args = tuple(extra_args)
        self.url: str | None = None
        self.process: subprocess.Popen | None = None

    # Life ----------------------------------------------------------------------------------------------

    def start(self) -> StandinProcess:
        if self.running:
            return self
        try:
            self._spawn(self.port)
        except StandinError:
            if not self.port or self.url is None:
                raise
            self._spawn(0)  # the previous port was taken meanwhile: any free one
        return self

    def _spawn(self, port: int) -> None:
        command = [sys.executable, "-m", self.module, "--host", self.host, "--port", str(port),
                   "--token", self.token]
        if self.state_file:
            command += ["--state-file", str(self.state_file)]
        command += list(self.extra_args)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
                                   text=True, encoding="utf-8")
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=self.startup_timeout)
        except queue.Empty:
            line = None
        if not line or not line.startswith(READY):
            process.kill()
            process.wait()
            process.stdout.close()
            why = "no answer" if line is None else f"exit code {process.returncode}, said {line!r}"
            raise StandinError(f"{self.module} did not start within {self.startup_timeout} s ({why})")
        self.process = process
        self.url = line[len(READY):].strip().rstrip("/")
        self.port = urlsplit(self.url).port

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything (what was stored is in the state file, if any)."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGKILL)
            self._reap()

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM and wait (SIGKILL if it does not end within `timeout`)."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
            self._reap()

    def _reap(self) -> None:
        self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.process = None

    def restart(self) -> StandinProcess:
        """Stop it if it runs, start again on the same port if it is free, with the same state file."""
        self.stop()
        return self.start()

    def __enter__(self) -> StandinProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # Control -------------------------------------------------------------------------------------------

    def _control(self, method: str, path: str, payload=None) -> dict:
        if self.url is None:
            raise StandinError("the stand-in was never started")
        try:
            # The token goes along: a stand-in whose control paths are protected (identity) checks it.
            response = httpx.request(method, f"{self.url}/_standin/{path}", json=payload, timeout=10.0,
                                     headers={"Authorization": f"Bearer {self.token}"})
        except httpx.HTTPError as exc:
            raise StandinError(f"{method} /_standin/{path}: {exc!r}") from exc
        if response.status_code != 200:
            raise StandinError(f"{method} /_standin/{path}: {response.status_code} {response.text}")
        return response.json()

    def faults(self, faults: list[dict] | dict) -> dict:
        """Queue faults for the next portal requests (see the stand-in's module doc for the kinds)."""
        return self._control("POST", "faults", faults)

    def down(self, seconds: float | None = None) -> dict:
        """Refuse every portal request for `seconds`, or until `clear()` when None."""
        return self._control("POST", "down", {"until": "clear"} if seconds is None else {"seconds": seconds})

    def clear(self) -> dict:
        """No faults waiting, not down."""
        return self._control("POST", "clear")

    def state(self) -> dict:
        return self._control("GET", "state")

    def reset(self) -> dict:
        """Forget everything: held dossiers, stores, counters, faults."""
        return self._control("POST", "reset")

    # For callers that talk to the portal directly ------------------------------------------------------

    def headers(self, idempotency_key: str | None = None) -> dict:
        """The headers interop.md §1 asks for, with this stand-in's token."""
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def __repr__(self) -> str:
        return f"<StandinProcess {self.module} {self.url or 'not started'} pid={self.pid}>"
