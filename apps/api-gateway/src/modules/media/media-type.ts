import { filetypeinfo } from 'magic-bytes.js';

/** How many leading bytes the sniffer needs to tell every allowed type apart. */
export const SNIFF_BYTES = 4100;

/**
 * Container families whose members are told apart by brand only: a phone's
 * `.mov` declared as video/mp4 is the same upload, while a PNG declared as a
 * JPEG is not.
 */
const FAMILIES: readonly (readonly string[])[] = [
  ['video/mp4', 'video/quicktime'],
  ['video/webm', 'audio/webm', 'video/x-matroska'],
];

/** The MIME types the file's first bytes say it is, most likely first. */
export function sniffContentTypes(head: Uint8Array): string[] {
  return filetypeinfo(head)
    .map((info) => info.mime)
    .filter((mime): mime is string => typeof mime === 'string');
}

/** Whether the file's first bytes are of the declared type (or its container family). */
export function matchesDeclaredType(head: Uint8Array, declared: string): boolean {
  const sniffed = sniffContentTypes(head);
  if (sniffed.includes(declared)) return true;
  const family = FAMILIES.find((f) => f.includes(declared));
  return sniffed.some((mime) => family?.includes(mime));
}
