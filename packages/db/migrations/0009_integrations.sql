CREATE TABLE "integration_connections" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"provider_account_id" text NOT NULL,
	"status" text NOT NULL,
	"access_token_sealed" text,
	"refresh_token_sealed" text,
	"token_key_id" text,
	"access_token_expires_at" timestamp with time zone,
	"scope" text,
	"synced_through" timestamp with time zone,
	"last_sync_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integration_connections_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "integration_oauth_states" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"state_hash" text NOT NULL,
	"code_verifier_sealed" text,
	"return_url" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integration_oauth_states_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "integration_push_events" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"event_key" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "integration_push_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "workouts" ADD COLUMN "source" text DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "workouts" ADD COLUMN "connection_id" uuid;--> statement-breakpoint
ALTER TABLE "workouts" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "workouts" ADD COLUMN "distance_m" numeric(10, 1);--> statement-breakpoint
ALTER TABLE "workouts" ADD COLUMN "duration_seconds" integer;--> statement-breakpoint
ALTER TABLE "workouts" ADD COLUMN "calories_kcal" numeric(8, 1);--> statement-breakpoint
ALTER TABLE "integration_connections" ADD CONSTRAINT "integration_connections_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_connections" ADD CONSTRAINT "integration_connections_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."memberships"("tenant_id","user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_oauth_states" ADD CONSTRAINT "integration_oauth_states_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_oauth_states" ADD CONSTRAINT "integration_oauth_states_user_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."memberships"("tenant_id","user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_push_events" ADD CONSTRAINT "integration_push_events_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integration_push_events" ADD CONSTRAINT "integration_push_events_connection_fk" FOREIGN KEY ("tenant_id","connection_id") REFERENCES "public"."integration_connections"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "integration_connections_account_key" ON "integration_connections" USING btree ("tenant_id","user_id","provider","provider_account_id");--> statement-breakpoint
CREATE INDEX "integration_connections_provider_account_idx" ON "integration_connections" USING btree ("provider","provider_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "integration_oauth_states_hash_key" ON "integration_oauth_states" USING btree ("tenant_id","state_hash");--> statement-breakpoint
CREATE INDEX "integration_oauth_states_expires_idx" ON "integration_oauth_states" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "integration_push_events_key" ON "integration_push_events" USING btree ("tenant_id","connection_id","event_key");--> statement-breakpoint
CREATE INDEX "integration_push_events_received_idx" ON "integration_push_events" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "workouts_connection_external_key" ON "workouts" USING btree ("tenant_id","connection_id","external_id");