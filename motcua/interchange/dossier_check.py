"""Pass 1 over dossiers.jsonl, split across processes: the validation of a million lines is pure Python
and CPU-bound, so on a machine with more than one core the parts are checked side by side.

Each part is a byte range that starts and ends on a line boundary; a worker returns its problems and the
(line, code) pairs it saw, and the parent checks codes for duplicates across parts, in file order, so the
result is exactly that of one sequential pass.
"""

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from motcua.interchange import reading as r
from motcua.interchange import schema as s

NAME = "dossiers.jsonl"
# Below this many bytes (about 50,000 dossiers) starting processes costs more than it saves.
PARALLEL_MIN_BYTES = 30 * 1024 * 1024
PARTS_PER_WORKER = 4


def _ranges(path: Path, parts: int) -> list[tuple[int, int, int]]:
    """(start, end, number of the first line) of `parts` byte ranges cut at line boundaries."""
    size = path.stat().st_size
    cuts = [0]
    with path.open("rb") as handle:
        for index in range(1, parts):
            handle.seek(max(cuts[-1], size * index // parts))
            handle.readline()  # move to the start of the next line
            position = handle.tell()
            if position < size and position > cuts[-1]:
                cuts.append(position)
        cuts.append(size)
        ranges, first_line = [], 1
        for start, end in zip(cuts, cuts[1:], strict=False):
            ranges.append((start, end, first_line))
            handle.seek(start)
            first_line += handle.read(end - start).count(b"\n")
    return ranges


def check_part(path: str, start: int, end: int, first_line: int, unit_codes, procedure_codes):
    """Problems (total and the first reported), (line, code) pairs and the line count of one range."""
    log = r.ProblemLog()
    seen: list[tuple[int, str]] = []
    count = 0
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    lines = enumerate(data.splitlines(keepends=True), start=first_line)
    for line, obj in r.read_jsonl_lines(NAME, lines, s.DOSSIER_KEYS, log):
        count += 1
        try:
            dossier = r.parse_dossier(obj)
        except s.FieldError as exc:
            log.add(NAME, line, exc.field, exc.message)
            continue
        for key, known, what in (("procedure", procedure_codes, "thủ tục"), ("unit", unit_codes, "đơn vị"),
                                 ("received_by", unit_codes, "đơn vị")):
            if dossier[key] not in known:
                log.add(NAME, line, key, f"không có {what} mã {dossier[key]}")
        seen.append((line, dossier["code"]))
    return log.total, log.problems, seen, count


def check_dossiers(path: Path, unit_codes: set, procedure_codes: set, log: r.ProblemLog, progress=None,
                   workers: int | None = None) -> int:
    """Validate dossiers.jsonl into `log`; return the number of dossier lines."""
    workers = workers or min(os.cpu_count() or 1, 8)
    parallel = workers > 1 and path.stat().st_size >= PARALLEL_MIN_BYTES
    ranges = _ranges(path, workers * PARTS_PER_WORKER if parallel else 1)
    args = [(str(path), start, end, first, unit_codes, procedure_codes) for start, end, first in ranges]
    if parallel:
        # fork: the workers inherit the code sets instead of unpickling them, and touch no database.
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            results = list(pool.map(check_part, *zip(*args, strict=True)))
    else:
        results = [check_part(*a) for a in args]
    codes: set[str] = set()
    lines = 0
    for total, problems, seen, count in results:
        for problem in problems:
            log.add(problem.file, problem.line, problem.field, problem.message)
        log.total += total - len(problems)
        for line, code in seen:
            if code in codes:
                log.add(NAME, line, "code", f"mã hồ sơ {code} bị trùng")
            codes.add(code)
        lines += count
        if progress:
            progress(count)
    return lines
