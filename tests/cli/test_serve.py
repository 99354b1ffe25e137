"""`motcua serve`: gunicorn with several workers, static files by WhiteNoise, stopped by SIGTERM."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def production_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="motcua.settings",
        MOTCUA_VAR_DIR=str(tmp_path / "var"),
        MOTCUA_DEVELOPMENT="0",
        MOTCUA_SECRET_KEY="test-serve-secret-" + "x" * 40,
        MOTCUA_ALLOWED_HOSTS="127.0.0.1",
    )
    subprocess.run([sys.executable, "-m", "motcua", "migrate", "--noinput", "-v", "0"],
                   env=env, check=True, timeout=300)
    return env


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} not up after {seconds}s")


def test_serve_answers_pages_and_static_files_then_stops_on_sigterm(production_env):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "motcua", "serve", "--bind", f"127.0.0.1:{port}",
                             "--workers", "2"], env=production_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(base + "/", proc)
        home = httpx.get(base + "/", timeout=10)
        assert home.status_code == 200
        script = httpx.get(base + "/static/portal/draft.js", timeout=10)
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
        assert "max-age" in script.headers["cache-control"]  # WhiteNoise, not Django's 404 for DEBUG off
        assert os.path.exists(os.path.join(production_env["MOTCUA_VAR_DIR"], "static", "portal", "draft.js"))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=40) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def test_serve_refuses_the_development_secret_in_production(production_env):
    env = {k: v for k, v in production_env.items() if k != "MOTCUA_SECRET_KEY"}
    done = subprocess.run([sys.executable, "-m", "motcua", "serve", "--bind", f"127.0.0.1:{free_port()}"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "MOTCUA_SECRET_KEY" in done.stderr
