import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/**
 * Captures what the CLI writes to stdout and stderr until `vi.restoreAllMocks()`
 * (call it in an `afterEach`, or use {@link runCli}).
 */
export function captureOutput(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out, err };
}

/** Runs the CLI with its output captured; returns the exit code, stdout and stderr. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { out, err } = captureOutput();
  try {
    const code = await main(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}
