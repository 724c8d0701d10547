/**
 * The file itself is the problem (corrupt, hostile, too big, too slow): the
 * asset ends `failed` with this message as its reason, and the job is not retried.
 */
export class InvalidMediaError extends Error {
  override readonly name = 'InvalidMediaError';
}
