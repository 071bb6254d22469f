/**
 * The previous period's ranking for the report when its run folder is
 * missing: scored now from the same store with the run's own feature
 * parameters, risk profile and, when the model ranked the run, model; each
 * checked against the run's manifest so the comparison is like for like.
 */
import type { Db } from '../io/db.js';
import { serializeArtifact } from '../models/risk/artifact.js';
import type { ComputePrevious, PeriodRanking } from '../report/report-data.js';
import { readScoreManifest } from '../run-folder/manifest.js';
import { rankByModel } from '../score/score.js';
import { loadCheckedProfile, loadScoreModel, modelScores, scoreStore } from '../score/score-period.js';
import { UsageError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import type { Logger } from '../util/logger.js';
import { asOfFromPeriod } from '../util/period.js';

/**
 * Scores a period as the run in `runDir` was scored: `profilePath` (default
 * profiles/default.yaml) must be the profile that scored it (same sha256),
 * and a model that ranked it must still be at its path unchanged; otherwise
 * it says why it cannot.
 */
export function computePreviousLike(db: Db, runDir: string, profilePath: string | null, logger: Logger): ComputePrevious {
  return async (period: string): Promise<PeriodRanking | string> => {
    const manifest = await readScoreManifest(runDir);
    if (manifest === null) return `no score manifest in ${runDir}`;
    const result = manifest.result;
    const profile = await loadCheckedProfile(profilePath);
    const wanted = result.risk_profile;
    if (profile.sha256 !== wanted.sha256) {
      return `no run of ${period} beside this one, and ${profile.source} (${profile.name} ${profile.version}) is not the risk profile that scored this run (${wanted.name} ${wanted.version}, sha256 ${wanted.sha256.slice(0, 12)}…): give report --risk-profile with that file`;
    }
    const p = result.parameters;
    const features = {
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
