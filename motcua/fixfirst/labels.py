"""The Vietnamese names of the kinds of action, for the command's table and the page."""

from motcua.fixfirst.engine import KINDS

KIND_LABELS = {kind.name: kind.label for kind in KINDS}
