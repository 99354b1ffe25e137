-- pgbench script: one transition's statements, before the write path change (docs/benchmarks.md "The write path").
-- On a copy of motcua_2m, migrated; each client moves its own 280 dossiers in processing:
--   psql -d COPY -c "CREATE TABLE bench_ids AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id
--                    FROM dossiers_dossier WHERE status = 4; CREATE UNIQUE INDEX ON bench_ids (n)"
--   pgbench -n -M prepared -f bench/bench_transitions_before.sql -c 32 -j 2 -T 15 COPY
\set n :client_id * 280 + random(0, 279)
SELECT id AS d FROM bench_ids WHERE n = :n \gset
BEGIN;
UPDATE dossiers_dossier SET version = version + 1 WHERE id = :d;
INSERT INTO dossiers_dossierevent (actor_label, action, old_status, new_status, at, note, data, dossier_id) VALUES ('', 'apologize', 4, 4, now(), 'pgbench', '{}', :d);
SELECT seq AS tseq FROM core_audittail WHERE id = 1 FOR UPDATE \gset
INSERT INTO core_auditentry (seq, at, actor_label, kind, object_type, object_id, summary, data, prev_hash, hash) VALUES (:tseq + 1, now(), '', 'dossiers.DossierEvent', 'dossiers.Dossier', :d, '', '{}', '', encode(sha256(convert_to(:tseq + 1 || ':' || :d, 'UTF8')), 'hex'));
UPDATE core_audittail SET seq = :tseq + 1 WHERE id = 1;
UPDATE changes_changeclock SET seq = seq + 1 WHERE id = 1 RETURNING seq AS cseq \gset
INSERT INTO changes_dossierstamp (dossier_id, seq, xid) VALUES (:d, :cseq, 0) ON CONFLICT (dossier_id) DO UPDATE SET seq = EXCLUDED.seq, xid = EXCLUDED.xid;
INSERT INTO outbox_item (kind, key, "group", payload, state, attempts, created_at, next_attempt_at, last_error) VALUES ('pgbench', 'pgb-' || :d || '-' || random(), 'x', '{}', 'acknowledged', 0, now(), now(), '');
COMMIT;
