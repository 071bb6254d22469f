/**
 * The previous period's ranking for the report when its run folder is
 * missing: scored now from the same store with the run's own feature
 * parameters, risk profile and, when the model ranked the run, model; each
 * checked against the run's manifest so the comparison is like for like.
 */
import type { Db } from '../io/db.js';
import { serializeArtifact } from '../models/risk/artifact.js';
import type { ComputePrevious, ComputeProfileValues, PeriodRanking, ProfileValues } from '../report/report-data.js';
import { decidingFeatures } from '../rules/profile.js';
import type { RiskProfile } from '../rules/index.js';
import type { ScoreManifest } from '../run-folder/manifest.js';
import { readScoreManifest } from '../run-folder/manifest.js';
import { rankByModel } from '../score/score.js';
import { loadCheckedProfile, loadScoreModel, modelScores, scoreStore } from '../score/score-period.js';
import { UsageError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import type { Logger } from '../util/logger.js';
import { asOfFromPeriod, previousPeriod } from '../util/period.js';

/**
 * Scores a period as the run in `runDir` was scored: `profilePath` (default
 * profiles/default.yaml) must be the profile that scored it (same sha256),
 * and a model that ranked it must still be at its path unchanged; otherwise
 * it says why it cannot.
 */
/** The run's manifest and its own profile, or why the run cannot be repeated like for like. */
async function runLike(runDir: string, profilePath: string | null, period: string): Promise<{ result: ScoreManifest['result']; profile: RiskProfile } | string> {
  const manifest = await readScoreManifest(runDir);
  if (manifest === null) return `no score manifest in ${runDir}`;
  const result = manifest.result;
  const profile = await loadCheckedProfile(profilePath);
  const wanted = result.risk_profile;
  if (profile.sha256 !== wanted.sha256) {
    return `${profile.source} (${profile.name} ${profile.version}) is not the risk profile that scored this run (${wanted.name} ${wanted.version}, sha256 ${wanted.sha256.slice(0, 12)}…) to score ${period} with: give report --risk-profile with that file`;
  }
  return { result, profile };
}

/** The run's feature parameters as of a period's last day. */
function featuresOf(result: ScoreManifest['result'], period: string) {
  const p = result.parameters;
  return {
    asOf: asOfFromPeriod(period),
    paymentProcedures: p.payment_procedures,
    returnGraceDays: p.return_grace_days,
    vatQuarters: p.vat_quarters,
    windowMonths: p.window_months,
    peerWindowMonths: p.peer_window_months,
    peerMinItems: p.peer_min_items,
    peerMinImporters: p.peer_min_importers,
    controlYears: p.control_years,
    leadMonths: p.lead_months,
  };
}

/**
 * The values of the risk profile's own features (those its indicators
 * decide on) in the run's month and in each of the `months` months before
 * it that the store can score, each scored as the run was.
 */
export function computeProfileValuesLike(db: Db, runDir: string, profilePath: string | null, logger: Logger): ComputeProfileValues {
  return async (period: string, months: number): Promise<ProfileValues | string> => {
    const like = await runLike(runDir, profilePath, period);
    if (typeof like === 'string') return `no drift watch of the risk profile's features: ${like}`;
    const features = [...new Set(like.profile.indicators.flatMap((i) => decidingFeatures(i)))];
    const fired = new Map<string, Map<string, string[]>>();
    const valuesOf = async (month: string): Promise<Map<string, Float64Array> | null> => {
      let scored;
      try {
        scored = await scoreStore(db, { period: month, lang: like.result.parameters.lang, features: featuresOf(like.result, month) }, like.profile, logger);
      } catch (error) {
        if (error instanceof UsageError) return null;
        throw error;
      }
      await scored.workspace.drop();
      fired.set(month, new Map(scored.ranked.filter((r) => r.evaluation.fired.length > 0).map((r) => [r.inn, r.evaluation.fired.map((x) => x.id)])));
      return new Map(features.map((f) => [f, Float64Array.from(scored.ranked, (r) => r.values[f] ?? Number.NaN)]));
    };
    const current = await valuesOf(period);
    if (current === null) return `no drift watch of the risk profile's features: the store cannot score ${period}`;
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
    if (scoredMonths.length === 0) return `no drift watch of the risk profile's features: the store holds no month before ${period}`;
    // The run's own month is not a reference month.
    fired.delete(period);
    return {
      features,
      current,
      reference: new Map([...pooled].map(([f, v]) => [f, Float64Array.from(v)])),
      months: scoredMonths.reverse(),
      indicators: like.profile.indicators,
      fired,
    };
  };
}

export function computePreviousLike(db: Db, runDir: string, profilePath: string | null, logger: Logger): ComputePrevious {
  return async (period: string): Promise<PeriodRanking | string> => {
    const like = await runLike(runDir, profilePath, period);
    if (typeof like === 'string') return `no run of ${period} beside this one, and ${like}`;
    const { result, profile } = like;
    const p = result.parameters;
    const features = featuresOf(result, period);
    let scored;
    try {
      scored = await scoreStore(db, { period, lang: p.lang, features }, profile, logger);
    } catch (error) {
      // A period before the store's first month has nothing to compare with.
      if (error instanceof UsageError) return `no run of ${period} beside this one, and the store cannot score it: ${error.message}`;
      throw error;
    }
    await scored.workspace.drop();
    let ranked = scored.ranked;
    if (p.score_source === 'model' && result.model !== null && result.model !== undefined) {
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
}
