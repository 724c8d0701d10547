import { defineConfig } from 'drizzle-kit';

// drizzle-kit only diffs the schema into SQL here; migrations run through src/migrate.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './migrations',
});
