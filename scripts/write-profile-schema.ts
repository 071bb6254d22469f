/**
 * Writes docs/risk-profile.schema.json from src/rules/profile-schema.ts.
 * Run after changing the schema: `npx tsx scripts/write-profile-schema.ts`.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { profileSchema } from '../src/rules/profile-schema.js';

const target = fileURLToPath(new URL('../docs/risk-profile.schema.json', import.meta.url));
await writeFile(target, `${JSON.stringify(profileSchema, null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
