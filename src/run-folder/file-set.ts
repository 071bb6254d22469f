import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256Hex } from '../util/hash.js';

/**
 * The files of one run-folder set, held as the exact bytes that will be
 * written: the manifest's hashes are of these bytes, not of a text encoded
 * again later.
 */
export class FileSet {
  private readonly files = new Map<string, Uint8Array>();

  /** Adds a file (a path relative to the folder; `dossiers/x.html` makes its subfolder). Text is UTF-8. */
  add(name: string, content: string | Uint8Array): void {
    if (this.files.has(name)) throw new Error(`the run folder set already holds ${name}`);
    this.files.set(name, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  }

  /** sha256 of each file's bytes, by name, in the order added. */
  hashes(): Record<string, string> {
    return Object.fromEntries([...this.files].map(([name, bytes]) => [name, sha256Hex(bytes)]));
  }

  /** Writes every file into `dir`, in the order added. */
  async writeInto(dir: string): Promise<void> {
    for (const [name, bytes] of this.files) {
      const path = join(dir, name);
      if (name.includes('/')) await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
    }
  }
}
