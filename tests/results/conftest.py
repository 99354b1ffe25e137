"""Fixtures of tests/results: the remote-signing stand-in with the leader enrolled (remote_standin.py)."""

from tests.results.remote_standin import _remote_process, remote_standin  # noqa: F401 - fixtures
