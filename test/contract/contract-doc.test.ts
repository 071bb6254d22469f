import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { withContractTables } from '../../src/validation/contract-doc.js';

describe('docs/data-contract.md', () => {
  it('has column and reject-code tables matching the contract (regenerate with scripts/write-contract-doc.ts)', async () => {
    const doc = await readFile(new URL('../../docs/data-contract.md', import.meta.url), 'utf8');
    expect(withContractTables(doc)).toBe(doc);
  });
});
