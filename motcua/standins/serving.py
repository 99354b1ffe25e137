"""What every stand-in process shares: the threaded HTTP server holding its token and state, and the
command line (`--host --port --token --state-file --verbose`) that prints "listening on URL" once ready
and stops on SIGTERM (what every stand-in's requests share is in `base.py`). Plain Python, no Django."""

from __future__ import annotations

import argparse
import signal
from http.server import ThreadingHTTPServer


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], token: str, state, handler, verbose: bool = False):
        self.token = token
        self.verbose = verbose
        self.state = state
        super().__init__(address, handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def serve(prog: str, description: str, make_state, handler, argv: list[str] | None = None,
          token_help: str = "the Bearer token the stand-in accepts") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port")
    parser.add_argument("--token", required=True, help=token_help)
    parser.add_argument("--state-file", help="keep what was stored here (JSON), read at start")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)

    server = StandinServer((args.host, args.port), args.token, make_state(args.state_file), handler, args.verbose)
    return run(server, server.url)


def run(server, url: str) -> int:
    """Say "listening on URL", serve until SIGTERM or Ctrl-C, close: how every stand-in process runs."""

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"listening on {url}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
