CREATE TABLE "tenant_counters" (
	"tenant_id" uuid NOT NULL,
	"shard" integer NOT NULL,
	"workouts" bigint DEFAULT 0 NOT NULL,
	"sessions" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "tenant_counters_tenant_id_shard_pk" PRIMARY KEY("tenant_id","shard")
);
--> statement-breakpoint
ALTER TABLE "tenant_counters" ADD CONSTRAINT "tenant_counters_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workouts_athlete_list_idx" ON "workouts" USING btree ("tenant_id","athlete_id","id");--> statement-breakpoint
CREATE INDEX "workouts_status_idx" ON "workouts" USING btree ("tenant_id","status","id");--> statement-breakpoint
CREATE INDEX "workouts_athlete_status_idx" ON "workouts" USING btree ("tenant_id","athlete_id","status","id");--> statement-breakpoint
CREATE INDEX "notifications_user_unread_idx" ON "notifications" USING btree ("tenant_id","user_id","id") WHERE read_at IS NULL;--> statement-breakpoint
-- The counts that exist before the counters: every tenant's into shard 0. The
-- counted tables' forced RLS is lifted for the owner for this statement's transaction.
ALTER TABLE workouts NO FORCE ROW LEVEL SECURITY;
ALTER TABLE coaching_sessions NO FORCE ROW LEVEL SECURITY;
INSERT INTO tenant_counters (tenant_id, shard, workouts, sessions)
SELECT tenant_id, 0, sum(w), sum(s)
  FROM (SELECT tenant_id, 1 AS w, 0 AS s FROM workouts UNION ALL SELECT tenant_id, 0, 1 FROM coaching_sessions) counted
 GROUP BY tenant_id;
ALTER TABLE workouts FORCE ROW LEVEL SECURITY;
ALTER TABLE coaching_sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Statement triggers that add a statement's inserted rows to the writer's shard
-- (its connection's) and take its deleted rows off. The argument names the counter.
CREATE OR REPLACE FUNCTION coachline_count_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tenant_counters AS c (tenant_id, shard, workouts, sessions)
  SELECT tenant_id, pg_backend_pid() % 8,
         CASE WHEN TG_ARGV[0] = 'workouts' THEN count(*) ELSE 0 END,
         CASE WHEN TG_ARGV[0] = 'sessions' THEN count(*) ELSE 0 END
    FROM changed GROUP BY tenant_id
  ON CONFLICT (tenant_id, shard) DO UPDATE SET workouts = c.workouts + excluded.workouts, sessions = c.sessions + excluded.sessions;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A deletion only changes a shard row that exists, never inserts one: the rows a
-- deleted tenant cascades to may go after its counters, which must stay gone.
CREATE OR REPLACE FUNCTION coachline_count_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tenant_counters c
     SET workouts = c.workouts - CASE WHEN TG_ARGV[0] = 'workouts' THEN gone.n ELSE 0 END,
         sessions = c.sessions - CASE WHEN TG_ARGV[0] = 'sessions' THEN gone.n ELSE 0 END
    FROM (SELECT tenant_id, count(*) AS n FROM changed GROUP BY tenant_id) gone
   WHERE c.tenant_id = gone.tenant_id
     AND c.shard = (SELECT s.shard FROM tenant_counters s WHERE s.tenant_id = gone.tenant_id
                     ORDER BY s.shard = pg_backend_pid() % 8 DESC, s.shard LIMIT 1);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER workouts_count_inserted AFTER INSERT ON workouts REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION coachline_count_inserted('workouts');
--> statement-breakpoint
CREATE TRIGGER workouts_count_deleted AFTER DELETE ON workouts REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION coachline_count_deleted('workouts');
--> statement-breakpoint
CREATE TRIGGER coaching_sessions_count_inserted AFTER INSERT ON coaching_sessions REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION coachline_count_inserted('sessions');
--> statement-breakpoint
CREATE TRIGGER coaching_sessions_count_deleted AFTER DELETE ON coaching_sessions REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION coachline_count_deleted('sessions');
--> statement-breakpoint
-- The new table: forced RLS and grants like every tenant table.
SELECT coachline_apply_tenant_rls();
