import { createHash, createHmac } from 'node:crypto';

/** sha256 of a text (UTF-8) or of bytes, hex: the one hash of manifests, artifacts and file names. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Shortest key `pseudonym` accepts, in bytes: HMAC-SHA256's block of output. */
export const PSEUDONYM_KEY_BYTES = 32;

/**
 * The keyed pseudonym of an id: HMAC-SHA256 under `key` of `<domain>:<value>`,
 * hex. The same id of the same domain gets the same pseudonym in every file
 * and month written with the key; without the key it cannot be reversed or
 * recomputed. Domains keep an INN and a declaration number that happen to
 * be equal apart.
 */
export function pseudonym(key: Uint8Array, domain: string, value: string): string {
  if (key.length < PSEUDONYM_KEY_BYTES) throw new Error(`a pseudonym key needs at least ${PSEUDONYM_KEY_BYTES} bytes, got ${key.length}`);
  return createHmac('sha256', key).update(`${domain}:${value}`, 'utf8').digest('hex');
}
