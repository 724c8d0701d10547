-- Roles: the app role serves requests under RLS; the system role is for work that
-- truly spans tenants (outbox relay, sweeps). Passwords are set by operators.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'coachline_app') THEN
    CREATE ROLE coachline_app LOGIN NOBYPASSRLS;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'coachline_system') THEN
    CREATE ROLE coachline_system LOGIN BYPASSRLS;
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO coachline_app, coachline_system;
--> statement-breakpoint
-- Applies forced tenant isolation to every table with a tenant_id column and
-- grants the runtime roles; later migrations call it again for new tables.
CREATE OR REPLACE FUNCTION coachline_apply_tenant_rls() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT c.relname
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.relname);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.relname);
    EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', t.relname);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::uuid) '
      'WITH CHECK (tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::uuid)',
      t.relname);
  END LOOP;
  EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO coachline_app, coachline_system';
END
$$;
--> statement-breakpoint
SELECT coachline_apply_tenant_rls();
--> statement-breakpoint
-- The tenants table is keyed by id rather than tenant_id.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenants
  USING (id = nullif(current_setting('app.tenant_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.tenant_id', true), '')::uuid);
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
-- Two scheduled sessions of one coach can never overlap, whatever races the API.
ALTER TABLE coaching_sessions ADD CONSTRAINT coaching_sessions_no_overlap
  EXCLUDE USING gist (tenant_id WITH =, coach_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
  WHERE (status = 'scheduled');
--> statement-breakpoint
ALTER TABLE coaching_sessions ADD CONSTRAINT coaching_sessions_valid_range CHECK (ends_at > starts_at);
--> statement-breakpoint
-- Wakes the relay as soon as an event commits; the relay also polls, since NOTIFY is lost while it is disconnected.
CREATE OR REPLACE FUNCTION coachline_notify_outbox() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER outbox_events_notify AFTER INSERT ON outbox_events
  FOR EACH STATEMENT EXECUTE FUNCTION coachline_notify_outbox();
--> statement-breakpoint
CREATE INDEX outbox_events_unpublished_idx ON outbox_events (created_at) WHERE published_at IS NULL;
