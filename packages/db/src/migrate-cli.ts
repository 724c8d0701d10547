import { migrationConfig } from './config';
import { runMigrations } from './migrate';

runMigrations(migrationConfig().ownerUrl).catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : error);
  process.exit(1);
});
