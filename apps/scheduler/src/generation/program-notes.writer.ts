import { z } from 'zod';
import type { GenerationInput } from '@coachline/domain/api/generation';
import { createOutboundHttp, loopbackAllowed, type OutboundHttp } from '@coachline/runtime/outbound-http';
import type { ProgramNotesConfig } from './program-notes.config';

/** What a notes writer is told about a generated program: the request and the plan, by exercise name. */
export interface ProgramNotesRequest {
  input: GenerationInput;
  name: string;
  split: string;
  days: { name: string; exercises: { name: string; sets: number; reps: number; restSeconds: number; progression: string }[] }[];
}

/**
 * Writes a program's notes for the athlete. Optional: generation never
 * depends on it, and a writer that fails or is not configured leaves the
 * program with the rules' own description.
 */
export interface ProgramNotesWriter {
  write(request: ProgramNotesRequest): Promise<string>;
}

const completionSchema = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1) });

const SYSTEM_PROMPT =
  'You are a strength coach. Write short notes (at most 150 words, plain text, no headings) for an athlete about the training program described in JSON: how to warm up, how the progression works, and when to deload. Do not change the program.';

/**
 * A writer on an OpenAI-compatible chat completions API (`POST {base}/chat/completions`),
 * from configuration. Every request goes through the outbound-HTTP guard: the
 * base URL is an address like any other the platform calls.
 */
export function chatCompletionsNotesWriter(options: { baseUrl: string; apiKey?: string; model: string; outbound: OutboundHttp; maxTokens?: number }): ProgramNotesWriter {
  const url = new URL('chat/completions', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).toString();
  return {
    async write(request) {
      const res = await options.outbound.request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        body: JSON.stringify({
          model: options.model,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: JSON.stringify(request) },
          ],
          max_tokens: options.maxTokens ?? 400,
          temperature: 0.3,
        }),
      });
      if (res.status !== 200) throw new Error(`The notes provider answered ${res.status}`);
      const completion = completionSchema.parse(JSON.parse(res.body.toString('utf8')));
      return completion.choices[0]!.message.content;
    },
  };
}

/** The configured writer, or none: nothing calls a language model unless PROGRAM_NOTES_LLM_URL and _MODEL are set. */
export function programNotesWriterFrom(config: ProgramNotesConfig & { NODE_ENV: string; OUTBOUND_ALLOW_LOOPBACK?: 'true' | 'false' }): ProgramNotesWriter | undefined {
  if (!config.PROGRAM_NOTES_LLM_URL || !config.PROGRAM_NOTES_LLM_MODEL) return undefined;
  const outbound = createOutboundHttp({ allowLoopback: loopbackAllowed(config), timeoutMs: config.PROGRAM_NOTES_LLM_TIMEOUT_MS, maxResponseBytes: 256 * 1024 });
  return chatCompletionsNotesWriter({ baseUrl: config.PROGRAM_NOTES_LLM_URL, apiKey: config.PROGRAM_NOTES_LLM_API_KEY, model: config.PROGRAM_NOTES_LLM_MODEL, outbound });
}
