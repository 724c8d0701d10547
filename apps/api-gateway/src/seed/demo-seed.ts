import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { exercises, programDays, programPlannedSets, programs } from '@coachline/db/schema/index';
import { loadConfig } from '@coachline/runtime/config';
import { gatewayConfigSchema } from '../config';
import { createGatewayDeps } from '../deps';
import { AuthService } from '../modules/identity/auth.service';
import { InvitationService } from '../modules/identity/invitation.service';
import { SessionIssuer } from '../modules/identity/session-issuer';
import type { Actor } from '@coachline/domain/actor';

/** The demo tenant `pnpm dev` seeds once: a coach (the admin), two athletes and a push/pull/legs program. */
export const DEMO = {
  organization: 'Demo Strength Club',
  password: 'coachline-demo-1',
  coach: { name: 'Casey Coach', email: 'coach@demo.coachline.dev' },
  athletes: [
    { name: 'Alex Athlete', email: 'alex@demo.coachline.dev' },
    { name: 'Sam Athlete', email: 'sam@demo.coachline.dev' },
  ],
};

const PPL = [
  { name: 'Push', exercises: [['Barbell Bench Press', 5, 60], ['Overhead Press', 8, 40], ['Triceps Pushdown', 12, 25]] },
  { name: 'Pull', exercises: [['Deadlift', 5, 100], ['Pull-up', 8, 0], ['Barbell Row', 10, 50]] },
  { name: 'Legs', exercises: [['Back Squat', 5, 80], ['Romanian Deadlift', 8, 60], ['Leg Press', 12, 120]] },
] as const;

async function seedProgram(db: Database, tenantId: string, coachId: string) {
  await db.withTenant({ tenantId }, async (tx) => {
    const names = PPL.flatMap((d) => d.exercises.map(([name]) => name));
    const library = await tx.select({ id: exercises.id, name: exercises.name }).from(exercises).where(and(eq(exercises.tenantId, tenantId), inArray(exercises.name, names)));
    const idOf = new Map(library.map((e) => [e.name, e.id]));
    const programId = newId();
    await tx.insert(programs).values({ tenantId, id: programId, name: 'Push / Pull / Legs', description: 'Three days a week, three sets of each lift.', createdBy: coachId });
    for (const [dayIndex, day] of PPL.entries()) {
      const dayId = newId();
      await tx.insert(programDays).values({ tenantId, id: dayId, programId, position: dayIndex, name: day.name });
      const sets = day.exercises.flatMap(([name, reps, weightKg], exercisePosition) =>
        [0, 1, 2].map((setPosition) => ({ tenantId, id: newId(), dayId, exerciseId: idOf.get(name)!, exercisePosition, setPosition, reps, weightKg, restSeconds: 120 })),
      );
      await tx.insert(programPlannedSets).values(sets);
    }
  });
}

async function main() {
  const config = loadConfig(gatewayConfigSchema);
  const { deps, close } = createGatewayDeps({ ...config, DATABASE_POOL_SIZE: 2 });
  const { db, tokens } = deps;
  const sessions = new SessionIssuer(tokens, config.REFRESH_TOKEN_TTL_SECONDS);
  const auth = new AuthService(db, sessions);
  const invitations = new InvitationService(db, sessions, config.INVITATION_TTL_SECONDS);
  try {
    const existing = await auth.login({ email: DEMO.coach.email, password: DEMO.password }, 'seed').catch(() => undefined);
    if (!existing) {
      const coach = await auth.signup({ organizationName: DEMO.organization, name: DEMO.coach.name, email: DEMO.coach.email, password: DEMO.password }, 'seed');
      const actor: Actor = { userId: coach.user.id, tenantId: coach.tenant.id, role: 'ADMIN', permissions: [], requestId: 'seed' };
      for (const athlete of DEMO.athletes) {
        const invite = await invitations.invite(actor, { email: athlete.email, role: 'ATHLETE' });
        await invitations.accept({ token: invite.token, name: athlete.name, password: DEMO.password }, 'seed');
      }
      await seedProgram(db, coach.tenant.id, coach.user.id);
    }
    const lines = [
      `Demo tenant "${DEMO.organization}" (password for every login: ${DEMO.password})`,
      `  coach (ADMIN): ${DEMO.coach.email}`,
      ...DEMO.athletes.map((a) => `  athlete:       ${a.email}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seeding failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
