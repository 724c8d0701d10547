-- webhook_endpoints and webhook_deliveries are tenant tables: forced RLS and grants like the rest.
SELECT coachline_apply_tenant_rls();
