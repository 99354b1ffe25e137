"""`motcua index … --source DIR --engine duckdb|spark`: the 766 index of a Parquet folder, by DuckDB or Spark.

The engine only computes what `factsql` asks of it: dossiers per (unit, packed facts) and which
procedures each unit has dossiers of. Everything after that is the live engine's own code: `SourceIndex`
is a `live.LiveIndex` whose rows come from the query instead of memory, so the rule set's selectors, the
roll-up to units above, the procedure, feedback and commune indicators and the scoring (`intscore`) are
the ones the live engine runs, and the JSON is the contract's (interchange.md).

DuckDB runs in this process over files larger than memory. Spark runs in local mode (`local[2]`) unless
`MOTCUA_SPARK_MASTER` names a cluster (`spark://host:7077`, `yarn`, …); under `spark-submit` the session
it provides is used (README, "National scale").
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from pathlib import Path

import numpy as np

from motcua.indicators import columnar, live, periodtally
from motcua.indicators.rules import DEFAULT_RULESET
from motcua.national import factsql
from motcua.national import layout as L
from motcua.national.catalog import ParquetCatalog

ENGINES = ("duckdb", "spark")


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


class DuckDBRunner:
    """The provinces' dossiers and waits as two views, each a union of every folder's files with the
    folder's position as `province`: one query scans them all."""

    dialect = factsql.DUCKDB

    def __init__(self, folders: list[Path]):
        import duckdb

        self.connection = duckdb.connect()
        threads = os.environ.get("MOTCUA_DUCKDB_THREADS")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        dossiers = " UNION ALL BY NAME ".join(
            f"SELECT {i} AS province, * FROM read_parquet('{_sql_path(folder / L.DOSSIERS / '*' / '*.parquet')}', "
            f"hive_partitioning = true, hive_types = {{'{L.MONTH}': VARCHAR}})" for i, folder in enumerate(folders))
        waits = " UNION ALL BY NAME ".join(
            f"SELECT {i} AS province, * FROM read_parquet('{_sql_path(folder / L.WAITS)}')"
            for i, folder in enumerate(folders))
        self.connection.execute(f"CREATE VIEW dossiers AS {dossiers}")
        self.connection.execute(f"CREATE VIEW dossier_waits AS {waits}")

    def columns(self, sql: str, names: tuple[str, ...]) -> list[np.ndarray]:
        found = self.connection.execute(sql).fetchnumpy()
        return [np.asarray(found[name], dtype=np.int64) for name in names]


_spark = None
_spark_lock = threading.Lock()


def spark_session():
    """One SparkSession per process: the one spark-submit started, or local[2] / MOTCUA_SPARK_MASTER."""
    global _spark
    with _spark_lock:
        if _spark is None:
            from pyspark.sql import SparkSession

            builder = (SparkSession.builder.appName("motcua-index")
                       .config("spark.ui.enabled", "false")
                       .config("spark.ui.showConsoleProgress", "false")
                       .config("spark.sql.shuffle.partitions", os.environ.get("MOTCUA_SPARK_PARTITIONS", "8"))
                       .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false"))
            master = os.environ.get("MOTCUA_SPARK_MASTER")
            if master or not os.environ.get("SPARK_ENV_LOADED"):  # spark-submit sets the master itself
                builder = builder.master(master or "local[2]")
            memory = os.environ.get("MOTCUA_SPARK_DRIVER_MEMORY")
            if memory:
                builder = builder.config("spark.driver.memory", memory)
            _spark = builder.getOrCreate()
            _spark.sparkContext.setLogLevel("ERROR")
        return _spark


class SparkRunner:
    dialect = factsql.SPARK

    def __init__(self, folders: list[Path]):
        from pyspark.sql import functions

        self.spark = spark_session()

        def union(name):
            frames = [self.spark.read.parquet(str(folder / name)).withColumn("province", functions.lit(i))
                      for i, folder in enumerate(folders)]
            return reduce(lambda a, b: a.unionByName(b), frames)

        self.dossiers, self.waits = union(L.DOSSIERS), union(L.WAITS)

    def columns(self, sql: str, names: tuple[str, ...]) -> list[np.ndarray]:
        # Temporary views belong to the session: named again before each query, for these folders.
        self.dossiers.createOrReplaceTempView("dossiers")
        self.waits.createOrReplaceTempView("dossier_waits")
        # As Arrow columns, not Row objects: millions of (unit, facts) cells at national scale.
        table = self.spark.sql(sql).toArrow()
        return [table.column(name).to_numpy().astype(np.int64) for name in names]


RUNNERS = {"duckdb": DuckDBRunner, "spark": SparkRunner}


@dataclass
class QueriedFacts(columnar.RowFacts):
    """One query's answer in the shape the live engine reads: the RowFacts fields hold one row per (unit,
    procedure) with the procedure code (`_procedure_counts`); the cells are dossiers per (unit, key)."""

    cell_unit: np.ndarray = None
    cell_key: np.ndarray = None
    cell_count: np.ndarray = None


_SELECTORS: dict = {}
_SCORERS: dict = {}


def _by_province(n: int, province: np.ndarray, *columns: np.ndarray) -> list[list[np.ndarray]]:
    """Each province's rows of the columns (the rows of province i, in their order)."""
    order = np.argsort(province, kind="stable")
    bounds = np.searchsorted(province[order], np.arange(n + 1))
    return [[column[order[bounds[i]:bounds[i + 1]]] for column in columns] for i in range(n)]


class Scan:
    """The queried facts of one or more province folders, two queries per period for all of them.

    Each province's catalog (its small tables) is its own; the dossiers and waits of every folder are read
    by one query per period, grouped by province, and each province's `SourceIndex` takes its part. The
    answer of the last period asked is kept (a national run asks it once per province)."""

    def __init__(self, folders, engine: str):
        if engine not in RUNNERS:
            raise ValueError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
        self.folders = [Path(folder) for folder in folders]
        for folder in self.folders:
            if not L.is_parquet_folder(folder):
                raise ValueError(f"{folder} không phải thư mục Parquet do `motcua export --format parquet` ghi")
        self.catalogs = [ParquetCatalog(folder) for folder in self.folders]
        self.runner = RUNNERS[engine](self.folders)
        self._kept: tuple = (None, None)

    def facts(self, p: columnar.PeriodTicks, province: int) -> QueriedFacts:
        key = (p.start, p.end, p.t)
        if self._kept[0] != key:
            self._kept = (None, None)  # the previous period's cells are dropped before the query
            self._kept = (key, self._query(p))
        return self._kept[1][province]

    def _query(self, p: columnar.PeriodTicks) -> list[QueriedFacts]:
        moments = factsql.Moments(start=p.start, end=p.end, t=p.t)
        dialect, n = self.runner.dialect, len(self.folders)
        t_ranks = [(i, calendar, rank) for i, catalog in enumerate(self.catalogs)
                   for calendar, rank in catalog.t_ranks(p.t)]
        cells = _by_province(n, *self.runner.columns(factsql.counts_sql(moments, t_ranks, dialect),
                                                     ("province", "unit_index", "facts", "n")))
        last = min(p.end, p.t + 1) - 1
        months = (str(L.month_of(np.array([p.start]))[0]), str(L.month_of(np.array([max(last, p.start)]))[0]))
        procedures = _by_province(n, *self.runner.columns(factsql.procedures_sql(moments, months),
                                                          ("province", "unit_index", "procedure_index", "code")))
        found = []
        for (unit, key, count), (p_unit, p_procedure, p_code) in zip(cells, procedures, strict=True):
            rows = len(p_unit)
            found.append(QueriedFacts(unit=p_unit, procedure=p_procedure, static=np.zeros(rows, np.uint32),
                                      rank=np.zeros(rows, np.int32), dynamic=np.zeros(rows, np.uint16),
                                      procedure_code=p_code.astype(np.uint8), cell_unit=unit, cell_key=key,
                                      cell_count=count.astype(np.float64)))
        return found


class SourceIndex(live.LiveIndex):
    """The live engine's index over a Parquet folder queried by an engine instead of columns in memory;
    with `scan`, the folder is province `province` of a scan over several folders."""

    def __init__(self, folder, engine: str, scan: Scan | None = None, province: int = 0):
        super().__init__()
        # What each facts tuple counts for depends on the rule set only: shared by every folder's index.
        self._selectors, self._scorers = _SELECTORS, _SCORERS
        self.scan = scan if scan is not None else Scan([folder], engine)
        self.province = province
        self.catalog = self.scan.catalogs[province]
        self.runner = self.scan.runner

    # The folder does not change while it is read: nothing to refresh or compact.
    def refresh(self) -> None:
        pass

    def _current(self) -> None:
        pass

    def _compact(self) -> None:
        pass

    def _counted(self, selectors, p: columnar.PeriodTicks) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What `live.LiveIndex._counted` gives (each unit's dossier numerators and denominators, the
        procedure codes per (unit, procedure)), from the queried cells decided by the same selectors."""
        c = self.catalog
        part = self.scan.facts(p, self.province)
        # A country has millions of (unit, facts) cells but few distinct facts: each is decided once, then
        # cells are counted per (unit, pattern) as `_Selectors.count` does.
        keys, inverse = np.unique(part.cell_key, return_inverse=True)
        patterns = selectors.patterns(keys)[inverse]
        width = len(selectors.numerators)
        cells = np.bincount(part.cell_unit * width + patterns, weights=part.cell_count,
                            minlength=(c.n_units + 1) * width).reshape(c.n_units + 1, width)
        numerators, denominators = cells @ selectors.numerators, cells @ selectors.denominators
        presence = periodtally.procedure_presence(c.n_units, c.n_procedures, part.unit, part.procedure,
                                                  part.procedure_code)
        return numerators, denominators, periodtally.codes_present(presence)


_indexes: dict[tuple[str, str], SourceIndex] = {}


def source_index(folder, engine: str) -> SourceIndex:
    key = (str(Path(folder).resolve()), engine)
    if key not in _indexes:
        _indexes[key] = SourceIndex(folder, engine)
    return _indexes[key]


def index_json(folder, engine: str, date_from: date, date_to: date, unit_code: str | None = None,
               rules: str = DEFAULT_RULESET, now: datetime | None = None) -> dict:
    """The `motcua index --json` object of the Parquet folder, computed by `engine` (duckdb or spark)."""
    if engine not in RUNNERS:
        raise ValueError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
    return source_index(folder, engine).index_json(date_from, date_to, unit_code=unit_code, rules=rules, now=now)
