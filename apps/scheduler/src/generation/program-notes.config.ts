import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined));

/**
 * The optional language model that writes generated programs' notes, on an
 * OpenAI-compatible chat completions API. Off unless both the URL and the
 * model are set; the key is sent as a bearer token when given.
 */
export const programNotesConfigSchema = z.object({
  PROGRAM_NOTES_LLM_URL: optionalText.pipe(z.url().optional()),
  PROGRAM_NOTES_LLM_MODEL: optionalText,
  PROGRAM_NOTES_LLM_API_KEY: optionalText,
  PROGRAM_NOTES_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(20_000),
});

export type ProgramNotesConfig = z.infer<typeof programNotesConfigSchema>;
