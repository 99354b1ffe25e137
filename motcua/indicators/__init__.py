"""The Decision 766 index (Bộ chỉ số 766): rule sets, the exchange-format record and the reference engine.

The modules here are plain Python with no Django imports. They are the from-scratch reference path that
a database-backed implementation is checked against:

- `rules`: versioned rule sets (`rulesets/*.toml`) parsed into frozen dataclasses and validated at load;
- `populations`: the named populations and counted subsets that rule sets select by name;
- `records`: the exchange format v1 read into frozen dataclasses;
- `semantics`: the per-dossier and per-feedback meaning of interchange.md (end, pause, lateness, periods);
- `scoring`: linear and threshold scoring and the rounding conventions;
- `compute`: numerators, denominators, rates and points per unit, as the `motcua index --json` object.

The Django side uses them: `from_db` (the database as a `Record`), `service` (the numbers every page,
report and command asks for), `members` (the items behind one number, with the engine's own facts and
selectors), and the officers' pages (`views`, `forms`, `comparison`, `page_urls`; docs/reports.md).
"""
