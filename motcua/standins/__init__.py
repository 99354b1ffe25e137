"""Local stand-ins of the national systems motcua talks to (interop.md), for tests and the demo.

Plain Python, no Django: each stand-in is a small HTTP server run as its own process
(`python -m motcua.standins.<name> --host H --port P --token T [--state-file F]`, printing one line
`listening on http://H:P` once ready), which can be told to fail through its `/_standin/` control paths.
`base.py` holds what they all do alike (the state file under a lock, the down window, the fault queue, the
counters, the control paths, the request plumbing), `serving.py` the server and command line; each
stand-in module keeps only its own protocol. `motcua.standins.process.StandinProcess` starts one and drives
those control paths.
"""
