-- calendar_feeds and audit_events_archive are tenant tables: forced RLS and grants like the rest.
SELECT coachline_apply_tenant_rls();
