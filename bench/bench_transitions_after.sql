-- pgbench script: one transition's statements, after the write path change (docs/benchmarks.md "The write path").
-- On a copy of motcua_2m, migrated; each client moves its own 280 dossiers in processing:
--   psql -d COPY -c "CREATE TABLE bench_ids AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id
--                    FROM dossiers_dossier WHERE status = 4; CREATE UNIQUE INDEX ON bench_ids (n)"
--   pgbench -n -M prepared -f bench/bench_transitions_after.sql -c 32 -j 2 -T 15 COPY
\set n :client_id * 280 + random(0, 279)
SELECT id AS d FROM bench_ids WHERE n = :n \gset
BEGIN;
UPDATE dossiers_dossier SET version = version + 1 WHERE id = :d;
INSERT INTO dossiers_dossierevent (actor_label, action, old_status, new_status, at, note, data, dossier_id) VALUES ('', 'apologize', 4, 4, now(), 'pgbench', '{}', :d);
INSERT INTO core_auditentry (at, actor_label, kind, object_type, object_id, summary, data, prev_hash) VALUES (now(), '', 'dossiers.DossierEvent', 'dossiers.Dossier', :d, '', '{}', '');
INSERT INTO changes_dossierstamp (dossier_id, seq, xid) VALUES (:d, nextval('changes_stamp_seq'), pg_current_xact_id()::text::bigint) ON CONFLICT (dossier_id) DO UPDATE SET seq = EXCLUDED.seq, xid = EXCLUDED.xid;
INSERT INTO outbox_item (kind, key, "group", payload, state, attempts, created_at, next_attempt_at, last_error) VALUES ('pgbench', 'pgb-' || :d || '-' || random(), 'x', '{}', 'acknowledged', 0, now(), now(), '');
COMMIT;
BEGIN;
WITH t AS (SELECT seq FROM core_audittail WHERE id = 1 FOR UPDATE SKIP LOCKED), e AS (SELECT a.id, t.seq + row_number() OVER (ORDER BY a.id) AS s FROM core_auditentry a, t WHERE a.seq IS NULL ORDER BY a.id LIMIT 500), u AS (UPDATE core_auditentry a SET seq = e.s, hash = encode(sha256(convert_to(a.id::text || ':' || e.s::text, 'UTF8')), 'hex') FROM e WHERE a.id = e.id RETURNING e.s) UPDATE core_audittail SET seq = (SELECT max(s) FROM u) WHERE id = 1 AND EXISTS (SELECT 1 FROM u);
COMMIT;
