#!/usr/bin/env python3
"""Set up and run motcua with nothing but Python 3.11+: `python3 dev.py demo` and `python3 dev.py test`.

It creates `.venv` next to this file, installs the project and its test tools into it, then runs the
demo (migrate, load Thái Nguyên's units and catalog, generate a year of dossiers, serve on 127.0.0.1)
or the checks (ruff, then pytest). Extra arguments are passed on: `python3 dev.py test -k deadline`.
"""

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def run(*args: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, cwd=ROOT, check=True)


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 the machine has
        sys.exit("motcua needs Python 3.11 or newer.")
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed"
    pyproject = ROOT / "pyproject.toml"
    if not stamp.exists() or stamp.stat().st_mtime < pyproject.stat().st_mtime:
        run(str(BIN / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", ".[test]")
        stamp.touch()


# What the tests drive besides Python: Debian's Chromium (Playwright uses it through executable_path),
# poppler (pdftotext, pdfsig), NSS tools (pdfsig's trust store) and fonts with Vietnamese glyphs.
SYSTEM_PACKAGES = {
    "chromium": "/usr/bin/chromium",
    "poppler-utils": "/usr/bin/pdftotext",
    "libnss3-tools": "/usr/bin/certutil",
    "fonts-dejavu-core": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "fonts-dejavu-extra": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf",
    "softhsm2": "/usr/bin/softhsm2-util",  # a PKCS#11 token in a directory: leaders' own keys (tests/results)
    "openjdk-17-jre-headless": "/usr/bin/java",  # Spark's JVM: the national index's Spark engine (tests/national)
}


def ensure_system_packages() -> None:
    missing = [name for name, path in SYSTEM_PACKAGES.items() if not Path(path).exists()]
    if not missing:
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)
    else:
        sys.exit("The tests need these Debian packages: " + " ".join(missing)
                 + f"\nInstall them (sudo apt-get install {' '.join(missing)}) and run again.")


def main() -> None:
    command, rest = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("demo", [])
    ensure_environment()
    try:
        if command == "demo":
            run(str(BIN / "motcua"), "demo", *rest)
        elif command == "test":
            ensure_system_packages()
            run(str(BIN / "ruff"), "check", ".")
            run(str(BIN / "python"), "-m", "pytest", *rest)
        else:
            sys.exit(f"unknown command {command!r}: use `demo` or `test`")
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
