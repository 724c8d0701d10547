-- integration_connections, integration_oauth_states and integration_push_events are tenant tables: forced RLS and grants like the rest.
SELECT coachline_apply_tenant_rls();
