/** The score run of a period as its folder holds it: manifest, ranked list, reasons and evidence, checked against the manifest's hashes. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import { EVIDENCE_FILE, readEvidence, type EvidenceRow } from './evidence.js';
import { MANIFEST_FILE, readScoreManifest, type ScoreManifest } from './manifest.js';
import { RANKED_FILE, readRanked, type RankedRow } from './ranked.js';
import { REASONS_FILE, readReasons, reasonsByInn, type ReasonRow } from './reasons.js';

/** The files `ccrg score` writes into the run folder, besides rejects.csv when it read files. */
const SCORE_FILES = [RANKED_FILE, REASONS_FILE, EVIDENCE_FILE, MANIFEST_FILE] as const;

/** The files of a score run that `dir` lacks, in the order ccrg score writes them. */
export function missingScoreFiles(dir: string): string[] {
  return SCORE_FILES.filter((name) => !existsSync(join(dir, name)));
}

/** A score run read back. */
export interface ScoreRun {
  manifest: ScoreManifest;
  ranked: RankedRow[];
  /** Fired indicators and model reasons by INN, in reasons.csv order (largest contribution first). */
  reasons: Map<string, ReasonRow[]>;
  /** evidence.csv rows by INN (the top participants only). */
  evidence: Map<string, EvidenceRow[]>;
  /** sha256 of ranked.csv's bytes. */
  rankedSha256: string;
}

/**
 * Reads the score run in `dir`; null when its files are not all there or
 * the folder holds another command's manifest. A file whose bytes differ
 * from the hash the manifest recorded was changed after scoring: a
 * ConfigError, since a plan or report on it would not be the scored one.
 */
export async function readScoreRun(dir: string): Promise<ScoreRun | null> {
  if (missingScoreFiles(dir).length > 0) return null;
  const manifest = await readScoreManifest(dir);
  if (manifest === null) return null;
  const hashes: Record<string, string> = {};
  for (const name of [RANKED_FILE, REASONS_FILE, EVIDENCE_FILE]) {
    hashes[name] = sha256Hex(await readFile(join(dir, name)));
    const recorded = manifest.result.outputs[name];
    if (recorded !== undefined && recorded !== hashes[name]) {
      throw new ConfigError(`${join(dir, name)} was changed after ccrg score wrote it (its sha256 differs from ${MANIFEST_FILE}): score the period again (--rescore) rather than edit its files`);
    }
  }
  return {
    manifest,
    ranked: await readRanked(join(dir, RANKED_FILE)),
    reasons: reasonsByInn(await readReasons(join(dir, REASONS_FILE))),
    evidence: await readEvidence(join(dir, EVIDENCE_FILE)),
    rankedSha256: hashes[RANKED_FILE] as string,
  };
}
