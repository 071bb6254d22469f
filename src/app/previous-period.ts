/**
 * What the report needs of months other than the run's own, scored now
 * from the same store as the run was scored: its feature parameters and
 * risk profile and, when the model ranked the run, its model; each checked
 * against the run's manifest so comparisons are like for like. The
 * previous period's ranking (when its run folder is missing) and the risk
 * profile's features of the months before (the drift watch) share one
 * scorer, so a month both need is scored once.
 */
import type { Db } from '../io/db.js';
import { serializeArtifact } from '../models/risk/artifact.js';
import type { ComputePrevious, ComputeProfileValues, PeriodRanking, ProfileValues } from '../report/report-data.js';
import { decidingFeatures } from '../rules/profile.js';
import type { RiskProfile } from '../rules/index.js';
import { readScoreManifest, type ScoreManifest } from '../run-folder/manifest.js';
import { featureParamsOf } from '../score/manifest-params.js';
import { rankByModel, type RankedParticipant } from '../score/score.js';
import { loadCheckedProfile, loadScoreModel, modelScores, scoreStore } from '../score/score-period.js';
import { UsageError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import type { Logger } from '../util/logger.js';
import { asOfFromPeriod, previousPeriod } from '../util/period.js';

/** The run's manifest and its own profile. */
interface RunLike {
  result: ScoreManifest['result'];
  profile: RiskProfile;
}

/**
 * The run's manifest and its profile (`profilePath`, default
 * profiles/default.yaml, must be the one that scored it: same sha256), or
 * why the run cannot be repeated like for like.
 */
async function runLike(runDir: string, profilePath: string | null): Promise<RunLike | string> {
  const manifest = await readScoreManifest(runDir);
  if (manifest === null) return `no score manifest in ${runDir}`;
  const result = manifest.result;
  const profile = await loadCheckedProfile(profilePath);
  const wanted = result.risk_profile;
  if (profile.sha256 !== wanted.sha256) {
    return `${profile.source} (${profile.name} ${profile.version}) is not the risk profile that scored this run (${wanted.name} ${wanted.version}, sha256 ${wanted.sha256.slice(0, 12)}…): give report --risk-profile with that file`;
  }
  return { result, profile };
}

/**
 * The previous period's ranking and the profile's values of past months for
 * the report of the run in `runDir`, both scoring through one scorer that
 * keeps the last month it scored: the drift watch asks for the previous
 * month first, which the comparison with the previous period has just
 * scored.
 */
export function runLikeComputations(db: Db, runDir: string, profilePath: string | null, logger: Logger): { computePrevious: ComputePrevious; computeProfileValues: ComputeProfileValues } {
  let like: Promise<RunLike | string> | null = null;
  const runOnce = (): Promise<RunLike | string> => (like ??= runLike(runDir, profilePath));
  let last: { month: string; ranked: RankedParticipant[] | string } | null = null;
  /** A month ranked by the run's profile, or why the store cannot score it. */
  const rankedOf = async (run: RunLike, month: string): Promise<RankedParticipant[] | string> => {
    if (last?.month !== month) {
      let ranked: RankedParticipant[] | string;
      try {
        const scored = await scoreStore(db, { period: month, lang: run.result.parameters.lang, features: featureParamsOf(run.result.parameters, asOfFromPeriod(month)) }, run.profile, logger);
        await scored.workspace.drop();
        ranked = scored.ranked;
      } catch (error) {
        // A month before the store's first has nothing to score.
        if (!(error instanceof UsageError)) throw error;
        ranked = error.message;
      }
      last = { month, ranked };
    }
    return last.ranked;
  };

  const computePrevious = async (period: string): Promise<PeriodRanking | string> => {
    const run = await runOnce();
    if (typeof run === 'string') return `no run of ${period} beside this one, and ${run}`;
    const scored = await rankedOf(run, period);
    if (typeof scored === 'string') return `no run of ${period} beside this one, and the store cannot score it: ${scored}`;
    let ranked = scored;
    const { result } = run;
    if (result.parameters.score_source === 'model' && result.model !== null && result.model !== undefined) {
      let model;
      try {
        ({ model } = await loadScoreModel({ modelPath: result.model.path, rankBy: 'model' }));
      } catch (error) {
        return `no run of ${period} beside this one, and the model that ranked this run cannot be loaded: ${(error as Error).message}`;
      }
      if (model === null || sha256Hex(serializeArtifact(model.artifact)) !== result.model.sha256) {
        return `no run of ${period} beside this one, and the model that ranked this run (${result.model.path}) has changed since`;
      }
      ranked = rankByModel(ranked, modelScores(model, ranked).scores);
    }
    return {
      rows: ranked.map((r) => ({ rank: r.rank, inn: r.inn, name: r.name ?? '' })),
      fired: new Map(ranked.map((r) => [r.inn, r.evaluation.fired.map((f) => f.id)])),
    };
  };

  /**
   * The values of the risk profile's own features (those its indicators
   * decide on) in each of the `months` months before the period that the
   * store can score, and in the period itself, each scored as the run was.
   */
  const computeProfileValues = async (period: string, months: number): Promise<ProfileValues | string> => {
    const run = await runOnce();
    if (typeof run === 'string') return `no drift watch of the risk profile's features: ${run}`;
    const features = [...new Set(run.profile.indicators.flatMap((i) => decidingFeatures(i)))];
    const fired = new Map<string, Map<string, string[]>>();
    const valuesOf = async (month: string): Promise<Map<string, Float64Array> | null> => {
      const ranked = await rankedOf(run, month);
      if (typeof ranked === 'string') return null;
      fired.set(month, new Map(ranked.filter((r) => r.evaluation.fired.length > 0).map((r) => [r.inn, r.evaluation.fired.map((x) => x.id)])));
      return new Map(features.map((f) => [f, Float64Array.from(ranked, (r) => r.values[f] ?? Number.NaN)]));
    };
    const pooled = new Map<string, number[]>(features.map((f) => [f, []]));
    const scoredMonths: string[] = [];
    let month = period;
    for (let k = 0; k < months; k++) {
      month = previousPeriod(month);
      logger.info(`drift watch: the risk profile's features as of ${asOfFromPeriod(month)} (${k + 1} of ${months})`);
      const values = await valuesOf(month);
      // Months before the store's first have nothing to pool.
      if (values === null) break;
      scoredMonths.push(month);
      for (const f of features) for (const v of values.get(f) ?? []) pooled.get(f)?.push(v);
    }
    // The run's own month last, after the reference months (the first of which the previous-period comparison shares).
    const referenceFired = new Map(fired);
    const current = await valuesOf(period);
    if (current === null) return `no drift watch of the risk profile's features: the store cannot score ${period}`;
    if (scoredMonths.length === 0) return `no drift watch of the risk profile's features: the store holds no month before ${period}`;
    return {
      features,
      current,
      reference: new Map([...pooled].map(([f, v]) => [f, Float64Array.from(v)])),
      months: scoredMonths.reverse(),
      indicators: run.profile.indicators,
      fired: referenceFired,
    };
  };
  return { computePrevious, computeProfileValues };
}
