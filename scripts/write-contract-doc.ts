// Regenerates the column and reject-code tables of docs/data-contract.md from src/contract.
// Run: npx tsx scripts/write-contract-doc.ts
import { readFile, writeFile } from 'node:fs/promises';
import { withContractTables } from '../src/validation/contract-doc.js';

const path = new URL('../docs/data-contract.md', import.meta.url);
await writeFile(path, withContractTables(await readFile(path, 'utf8')));
