"""motcua: the one-stop shop (một cửa) for administrative procedures of a Vietnamese province."""

import os

# The index multiplies small matrices (hundreds of units × dozens of indicators) in every web worker.
# BLAS threads only contend there with the other workers: measured on 2 CPUs at load 3-4, a 108 × 608
# product took 0.2 ms with one thread and 10-20 ms now and then with two. Set before numpy is imported
# (every motcua entry point imports this package first); an explicit setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
