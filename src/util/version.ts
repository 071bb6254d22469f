import { readFileSync } from 'node:fs';

/** The package version, recorded in manifests and model artifacts as the code version. */
export function codeVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
