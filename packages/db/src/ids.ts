import { v7 } from 'uuid';

/** Time-ordered UUIDv7, made in the application so the SQL stays valid on Postgres 15 to 18. */
export function newId(): string {
  return v7();
}
