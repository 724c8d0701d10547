CREATE TABLE "tenant_feature_flags" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"key" text NOT NULL,
	"enabled" boolean NOT NULL,
	"updated_by" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_feature_flags_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "analytics_daily_athlete" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"athlete_id" uuid NOT NULL,
	"day" date NOT NULL,
	"workouts_started" integer NOT NULL,
	"workouts_completed" integer NOT NULL,
	"duration_seconds" integer NOT NULL,
	"calories_kcal" real NOT NULL,
	"personal_records" integer NOT NULL,
	CONSTRAINT "analytics_daily_athlete_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "analytics_daily_exercise" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"athlete_id" uuid NOT NULL,
	"day" date NOT NULL,
	"exercise_id" uuid NOT NULL,
	"sets" integer NOT NULL,
	"volume_kg" numeric(12, 2) NOT NULL,
	"best_e1rm_kg" numeric(12, 2) NOT NULL,
	"rpe_sum" real NOT NULL,
	"rpe_count" integer NOT NULL,
	CONSTRAINT "analytics_daily_exercise_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "tenant_feature_flags" ADD CONSTRAINT "tenant_feature_flags_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_daily_athlete" ADD CONSTRAINT "analytics_daily_athlete_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_daily_exercise" ADD CONSTRAINT "analytics_daily_exercise_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tenant_feature_flags_key" ON "tenant_feature_flags" USING btree ("tenant_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "analytics_daily_athlete_key" ON "analytics_daily_athlete" USING btree ("tenant_id","athlete_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "analytics_daily_athlete_day_key" ON "analytics_daily_athlete" USING btree ("tenant_id","day","athlete_id");--> statement-breakpoint
CREATE UNIQUE INDEX "analytics_daily_exercise_key" ON "analytics_daily_exercise" USING btree ("tenant_id","athlete_id","day","exercise_id");