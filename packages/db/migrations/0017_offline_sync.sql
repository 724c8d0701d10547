CREATE TABLE "sync_mutations" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"client_mutation_id" text NOT NULL,
	"type" text NOT NULL,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_mutations_tenant_id_user_id_client_mutation_id_pk" PRIMARY KEY("tenant_id","user_id","client_mutation_id")
);
--> statement-breakpoint
CREATE TABLE "sync_row_versions" (
	"tenant_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"viewer" uuid NOT NULL,
	"op" text NOT NULL,
	"position" bigserial NOT NULL,
	"xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_row_versions_tenant_id_entity_entity_id_viewer_pk" PRIMARY KEY("tenant_id","entity","entity_id","viewer")
);
--> statement-breakpoint
ALTER TABLE "sync_mutations" ADD CONSTRAINT "sync_mutations_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_row_versions" ADD CONSTRAINT "sync_row_versions_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sync_row_versions_feed_idx" ON "sync_row_versions" USING btree ("tenant_id","viewer","xid","position");--> statement-breakpoint
-- The change feed (packages/db/src/sync/README.md). Every viewer's row of an
-- entity takes a change with the writing transaction's id, in that transaction;
-- a row this transaction already wrote with the same op is left alone, since the
-- feed serves an entity's state when it is read, not the state at the change.
-- p_viewers get a row if they have none; a deletion turns every row into a tombstone.
CREATE OR REPLACE FUNCTION coachline_sync_touch(p_tenant uuid, p_entity text, p_id uuid, p_op text, p_viewers uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_row_versions AS v (tenant_id, entity, entity_id, viewer, op)
  SELECT p_tenant, p_entity, p_id, viewer, p_op FROM unnest(p_viewers) AS viewer WHERE viewer IS NOT NULL
  ON CONFLICT (tenant_id, entity, entity_id, viewer) DO UPDATE
    SET op = excluded.op, position = excluded.position, xid = excluded.xid, changed_at = excluded.changed_at
    WHERE v.xid <> excluded.xid OR v.op <> excluded.op;
  UPDATE sync_row_versions
    SET op = p_op, position = nextval('sync_row_versions_position_seq'), xid = pg_current_xact_id(), changed_at = now()
    WHERE tenant_id = p_tenant AND entity = p_entity AND entity_id = p_id AND viewer <> ALL (p_viewers)
      AND (xid <> pg_current_xact_id() OR op <> p_op);
END
$$;
--> statement-breakpoint
-- One row trigger for the entity tables. Arguments: the entity, then the viewers
-- of an upsert: a column naming a user, or 'all' for the row that roles seeing
-- every row of the entity read (the nil uuid).
CREATE OR REPLACE FUNCTION coachline_sync_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed jsonb;
  viewers uuid[] := '{}';
BEGIN
  IF TG_OP = 'DELETE' THEN
    changed := to_jsonb(OLD);
    PERFORM coachline_sync_touch((changed->>'tenant_id')::uuid, TG_ARGV[0], (changed->>'id')::uuid, 'delete', '{}');
    RETURN NULL;
  END IF;
  changed := to_jsonb(NEW);
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    viewers := viewers || CASE WHEN TG_ARGV[i] = 'all' THEN '00000000-0000-0000-0000-000000000000'::uuid ELSE (changed->>TG_ARGV[i])::uuid END;
  END LOOP;
  PERFORM coachline_sync_touch((changed->>'tenant_id')::uuid, TG_ARGV[0], (changed->>'id')::uuid, 'upsert', viewers);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sync_version AFTER INSERT OR UPDATE OR DELETE ON exercises FOR EACH ROW EXECUTE FUNCTION coachline_sync_row('exercise', 'all');
--> statement-breakpoint
CREATE TRIGGER sync_version AFTER INSERT OR UPDATE OR DELETE ON workouts FOR EACH ROW EXECUTE FUNCTION coachline_sync_row('workout', 'all', 'athlete_id');
--> statement-breakpoint
CREATE TRIGGER sync_version AFTER INSERT OR UPDATE OR DELETE ON workout_sets FOR EACH ROW EXECUTE FUNCTION coachline_sync_row('set', 'all', 'athlete_id');
--> statement-breakpoint
CREATE TRIGGER sync_version AFTER INSERT OR UPDATE OR DELETE ON body_metrics FOR EACH ROW EXECUTE FUNCTION coachline_sync_row('body_metric', 'all', 'user_id');
--> statement-breakpoint
CREATE TRIGGER sync_version AFTER INSERT OR UPDATE OR DELETE ON notifications FOR EACH ROW EXECUTE FUNCTION coachline_sync_row('notification', 'user_id');
--> statement-breakpoint
CREATE TRIGGER sync_version AFTER INSERT OR UPDATE OR DELETE ON coaching_sessions FOR EACH ROW EXECUTE FUNCTION coachline_sync_row('session', 'all', 'coach_id', 'athlete_id');
--> statement-breakpoint
CREATE TRIGGER sync_version AFTER INSERT OR UPDATE OR DELETE ON programs FOR EACH ROW EXECUTE FUNCTION coachline_sync_row('program', 'all');
--> statement-breakpoint
CREATE TRIGGER sync_version AFTER INSERT OR UPDATE OR DELETE ON program_assignments FOR EACH ROW EXECUTE FUNCTION coachline_sync_row('assignment', 'all', 'athlete_id');
--> statement-breakpoint
-- A message is seen by the two participants of its conversation.
CREATE OR REPLACE FUNCTION coachline_sync_message() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  viewers uuid[];
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM coachline_sync_touch(OLD.tenant_id, 'message', OLD.id, 'delete', '{}');
    RETURN NULL;
  END IF;
  SELECT ARRAY[c.user_a, c.user_b] INTO viewers FROM conversations c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.conversation_id;
  PERFORM coachline_sync_touch(NEW.tenant_id, 'message', NEW.id, 'upsert', coalesce(viewers, '{}'));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sync_version AFTER INSERT OR UPDATE OR DELETE ON messages FOR EACH ROW EXECUTE FUNCTION coachline_sync_message();
--> statement-breakpoint
-- A workout's data lists its sets, so a set's change is its workout's too. A
-- workout deleted with its sets is gone by the time they go, and gets no upsert.
CREATE OR REPLACE FUNCTION coachline_sync_set_workout() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  s workout_sets;
BEGIN
  IF TG_OP = 'DELETE' THEN
    s := OLD;
  ELSE
    s := NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM workouts w WHERE w.tenant_id = s.tenant_id AND w.id = s.workout_id) THEN
    PERFORM coachline_sync_touch(s.tenant_id, 'workout', s.workout_id, 'upsert', '{}');
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sync_version_workout AFTER INSERT OR UPDATE OR DELETE ON workout_sets FOR EACH ROW EXECUTE FUNCTION coachline_sync_set_workout();
--> statement-breakpoint
-- A program's data holds its days and planned sets: their changes are the
-- program's. Statement triggers, since a program writes thousands of planned sets at once.
CREATE OR REPLACE FUNCTION coachline_sync_program_parts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'program_days' THEN
    PERFORM coachline_sync_touch(p.tenant_id, 'program', p.id, 'upsert', '{}')
    FROM (SELECT DISTINCT pr.tenant_id, pr.id FROM changed c JOIN programs pr ON pr.tenant_id = c.tenant_id AND pr.id = c.program_id) p;
  ELSE
    PERFORM coachline_sync_touch(p.tenant_id, 'program', p.id, 'upsert', '{}')
    FROM (SELECT DISTINCT d.tenant_id, d.program_id AS id FROM changed c JOIN program_days d ON d.tenant_id = c.tenant_id AND d.id = c.day_id) p;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sync_version_insert AFTER INSERT ON program_days REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION coachline_sync_program_parts();
--> statement-breakpoint
CREATE TRIGGER sync_version_update AFTER UPDATE ON program_days REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION coachline_sync_program_parts();
--> statement-breakpoint
CREATE TRIGGER sync_version_delete AFTER DELETE ON program_days REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION coachline_sync_program_parts();
--> statement-breakpoint
CREATE TRIGGER sync_version_insert AFTER INSERT ON program_planned_sets REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION coachline_sync_program_parts();
--> statement-breakpoint
CREATE TRIGGER sync_version_update AFTER UPDATE ON program_planned_sets REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION coachline_sync_program_parts();
--> statement-breakpoint
CREATE TRIGGER sync_version_delete AFTER DELETE ON program_planned_sets REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION coachline_sync_program_parts();
--> statement-breakpoint
-- An athlete sees the programs assigned to them: an assignment gives them the
-- program's row, and losing the last assignment of a program a tombstone of it.
CREATE OR REPLACE FUNCTION coachline_sync_assignment_program() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM coachline_sync_touch(NEW.tenant_id, 'program', NEW.program_id, 'upsert', ARRAY[NEW.athlete_id]);
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND NOT EXISTS (
    SELECT 1 FROM program_assignments a WHERE a.tenant_id = OLD.tenant_id AND a.program_id = OLD.program_id AND a.athlete_id = OLD.athlete_id
  ) THEN
    UPDATE sync_row_versions
      SET op = 'delete', position = nextval('sync_row_versions_position_seq'), xid = pg_current_xact_id(), changed_at = now()
      WHERE tenant_id = OLD.tenant_id AND entity = 'program' AND entity_id = OLD.program_id AND viewer = OLD.athlete_id AND op = 'upsert';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sync_version_program AFTER INSERT OR UPDATE OR DELETE ON program_assignments FOR EACH ROW EXECUTE FUNCTION coachline_sync_assignment_program();
--> statement-breakpoint
-- What existed before the feed: one upsert per entity and viewer. The source
-- tables' forced RLS is lifted for the owner for this one statement's transaction.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['exercises', 'workouts', 'workout_sets', 'body_metrics', 'notifications', 'coaching_sessions', 'programs', 'program_assignments', 'messages', 'conversations'] LOOP
    EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t);
  END LOOP;
  INSERT INTO sync_row_versions (tenant_id, entity, entity_id, viewer, op)
  SELECT tenant_id, 'exercise', id, '00000000-0000-0000-0000-000000000000', 'upsert' FROM exercises
  UNION ALL SELECT tenant_id, 'workout', id, v, 'upsert' FROM workouts, unnest(ARRAY['00000000-0000-0000-0000-000000000000'::uuid, athlete_id]) v
  UNION ALL SELECT tenant_id, 'set', id, v, 'upsert' FROM workout_sets, unnest(ARRAY['00000000-0000-0000-0000-000000000000'::uuid, athlete_id]) v
  UNION ALL SELECT tenant_id, 'body_metric', id, v, 'upsert' FROM body_metrics, unnest(ARRAY['00000000-0000-0000-0000-000000000000'::uuid, user_id]) v
  UNION ALL SELECT tenant_id, 'notification', id, user_id, 'upsert' FROM notifications
  UNION ALL SELECT tenant_id, 'session', id, v, 'upsert' FROM coaching_sessions, unnest(ARRAY['00000000-0000-0000-0000-000000000000'::uuid, coach_id, athlete_id]) v
  UNION ALL SELECT tenant_id, 'program', id, '00000000-0000-0000-0000-000000000000', 'upsert' FROM programs
  UNION ALL SELECT DISTINCT tenant_id, 'program', program_id, athlete_id, 'upsert' FROM program_assignments
  UNION ALL SELECT tenant_id, 'assignment', id, v, 'upsert' FROM program_assignments, unnest(ARRAY['00000000-0000-0000-0000-000000000000'::uuid, athlete_id]) v
  UNION ALL SELECT m.tenant_id, 'message', m.id, v, 'upsert' FROM messages m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id, unnest(ARRAY[c.user_a, c.user_b]) v;
  FOREACH t IN ARRAY ARRAY['exercises', 'workouts', 'workout_sets', 'body_metrics', 'notifications', 'coaching_sessions', 'programs', 'program_assignments', 'messages', 'conversations'] LOOP
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END
$$;
--> statement-breakpoint
-- The two new tables: forced RLS and grants like every tenant table.
SELECT coachline_apply_tenant_rls();
--> statement-breakpoint
GRANT USAGE ON SEQUENCE sync_row_versions_position_seq TO coachline_app, coachline_system;
