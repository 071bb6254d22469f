import { createHash } from 'node:crypto';

/** sha256 of a text (UTF-8) or of bytes, hex: the one hash of manifests, artifacts and file names. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
