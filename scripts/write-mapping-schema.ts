/**
 * Writes docs/mapping.schema.json from src/config/mapping-schema.ts.
 * Run after changing the schema: `npx tsx scripts/write-mapping-schema.ts`.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { mappingSchema } from '../src/config/mapping-schema.js';

const target = fileURLToPath(new URL('../docs/mapping.schema.json', import.meta.url));
await writeFile(target, `${JSON.stringify(mappingSchema, null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
