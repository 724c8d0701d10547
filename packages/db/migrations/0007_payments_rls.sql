-- The payments tables are tenant tables: forced RLS and grants like the rest.
SELECT coachline_apply_tenant_rls();
--> statement-breakpoint
-- Money is integer minor units; a ledger entry moves at least one credit.
ALTER TABLE products ADD CONSTRAINT products_price_positive CHECK (price_cents > 0);
--> statement-breakpoint
ALTER TABLE purchases ADD CONSTRAINT purchases_amount_not_negative CHECK (amount_cents >= 0);
--> statement-breakpoint
ALTER TABLE credit_ledger ADD CONSTRAINT credit_ledger_delta_nonzero CHECK (delta <> 0);
