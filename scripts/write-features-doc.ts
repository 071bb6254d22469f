// Regenerates the feature catalogue of docs/features.md from src/features.
// Run: npx tsx scripts/write-features-doc.ts
import { readFile, writeFile } from 'node:fs/promises';
import { withFeatureTables } from '../src/features/features-doc.js';

const path = new URL('../docs/features.md', import.meta.url);
await writeFile(path, withFeatureTables(await readFile(path, 'utf8')));
