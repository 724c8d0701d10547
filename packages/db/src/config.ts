/** The migration command's only setting: the owner role's connection string. */
export function migrationConfig(env: Record<string, string | undefined> = process.env): { ownerUrl: string } {
  const ownerUrl = env.DATABASE_OWNER_URL;
  if (!ownerUrl || !/^postgres(ql)?:\/\//.test(ownerUrl)) {
    throw new Error('Invalid configuration:\n  - DATABASE_OWNER_URL: a postgres:// URL of the role that owns the schema is required');
  }
  return { ownerUrl };
}
