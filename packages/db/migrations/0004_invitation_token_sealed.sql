ALTER TABLE "invitations" ADD COLUMN "token_sealed" text;--> statement-breakpoint
-- Invitation events used to carry the bearer token in clear: rows already written lose it (such an invitation is not mailed; the token its creator got still works).
UPDATE "outbox_events" SET "payload" = "payload" - 'token' WHERE "type" = 'invitation.created' AND "payload" ? 'token';
