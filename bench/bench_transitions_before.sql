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
