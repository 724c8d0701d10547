CREATE TABLE "analytics_daily_load" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"athlete_id" uuid NOT NULL,
	"day" date NOT NULL,
	"exercise_id" uuid NOT NULL,
	"weight_kg" numeric(7, 2) NOT NULL,
	"sets" integer NOT NULL,
	"rpe_sum" real NOT NULL,
	"rpe_count" integer NOT NULL,
	CONSTRAINT "analytics_daily_load_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "triage_items" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"athlete_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"subject" text NOT NULL,
	"detail" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "triage_items_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "analytics_daily_load" ADD CONSTRAINT "analytics_daily_load_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "triage_items" ADD CONSTRAINT "triage_items_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "analytics_daily_load_key" ON "analytics_daily_load" USING btree ("tenant_id","athlete_id","day","exercise_id","weight_kg");--> statement-breakpoint
CREATE UNIQUE INDEX "triage_items_key" ON "triage_items" USING btree ("tenant_id","athlete_id","kind","subject");--> statement-breakpoint
CREATE INDEX "triage_items_created_idx" ON "triage_items" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "personal_records_achieved_idx" ON "personal_records" USING btree ("tenant_id","achieved_at");--> statement-breakpoint
-- The load rollup and the triage items are tenant data: forced RLS and grants like every tenant table.
SELECT coachline_apply_tenant_rls();
