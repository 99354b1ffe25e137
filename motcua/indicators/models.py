"""The index keeps no tables of its own: its change counters live in `motcua.changes`."""
