-- Feature-flag overrides and the analytics rollups are tenant data: forced RLS and grants like every tenant table.
SELECT coachline_apply_tenant_rls();
