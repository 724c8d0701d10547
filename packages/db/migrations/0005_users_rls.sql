-- People are global, so users has no tenant_id: the request role sees its own
-- row (app.user_id, when set) and its fellow members' rows of the current tenant,
-- inserts new rows (sign-up, accepting an invitation), and updates only its own.
-- Not forced: the owner's SECURITY DEFINER function below reads across tenants.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY users_read ON users FOR SELECT USING (
  id = nullif(current_setting('app.user_id', true), '')::uuid
  OR EXISTS (
    SELECT 1 FROM memberships m
    WHERE m.user_id = users.id AND m.tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid
  )
);
--> statement-breakpoint
CREATE POLICY users_insert ON users FOR INSERT WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY users_update_own ON users FOR UPDATE
  USING (id = nullif(current_setting('app.user_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.user_id', true), '')::uuid);
--> statement-breakpoint
-- Accepting an invitation asks whether the email already has an account in any
-- tenant; this answers that one question (an id), and nothing else of the row.
CREATE OR REPLACE FUNCTION coachline_user_id_by_email(p_email text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT id FROM users WHERE lower(email) = lower(p_email)
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION coachline_user_id_by_email(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION coachline_user_id_by_email(text) TO coachline_app, coachline_system;
