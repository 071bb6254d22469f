/**
 * The report's charts: Vega-Lite specifications compiled to Vega and
 * rendered to SVG text in Node (a headless View with renderer `none`), so no
 * browser is needed to make them. Data is inline; nothing is loaded.
 * Same data, same SVG bytes.
 */

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Lang } from '../rules/profile.js';

/** Number formatting of axes and labels per language (d3-format locale). */
const NUMBER_LOCALES: Record<Lang, { decimal: string; thousands: string; grouping: number[]; currency: [string, string] }> = {
  en: { decimal: '.', thousands: ',', grouping: [3], currency: ['', ' RUB'] },
  ru: { decimal: ',', thousands: '\u00a0', grouping: [3], currency: ['', ' руб.'] },
};

/** Colours: one per ranking, print-safe (distinct in grey too). */
const CHART_COLOURS = { model: '#1f4e9c', profile: '#d0792c', random: '#8c8c8c', flagged: '#b3261e', ok: '#4d7a3a', bar: '#1f4e9c' } as const;

/** Renders a Vega-Lite specification to SVG text. */
export async function svgFromVegaLite(spec: TopLevelSpec, lang: Lang): Promise<string> {
  const withConfig = {
    ...spec,
    config: {
      font: 'Helvetica, Arial, sans-serif',
      locale: { number: NUMBER_LOCALES[lang] },
      axis: { labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11, titleFontSize: 12 },
      view: { stroke: null },
      ...((spec as { config?: object }).config ?? {}),
    },
  } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(withConfig).spec), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A histogram of scores: participants per score bin, on a symmetric-log count axis (most score 0). */
export function scoreHistogramSpec(scores: readonly number[], titles: { x: string; y: string }): TopLevelSpec {
  return {
    width: 560,
    height: 200,
    data: { values: scores.map((s) => ({ s })) },
    mark: { type: 'bar', color: CHART_COLOURS.bar },
    encoding: {
      x: { field: 's', type: 'quantitative', bin: { maxbins: 30 }, title: titles.x },
      y: { aggregate: 'count', type: 'quantitative', scale: { type: 'symlog' }, title: titles.y },
    },
  };
}

/** Two bar charts side by side: times each indicator fired, and the RUB at stake it named. */
export function indicatorSpec(rows: readonly { title: string; fired: number; amountRub: number }[], titles: { fired: string; amount: string }): TopLevelSpec {
  const y = { field: 'title', type: 'nominal' as const, sort: null, title: null, axis: { labelLimit: 400 } };
  return {
    data: { values: rows.map((r) => ({ title: r.title, fired: r.fired, amount: r.amountRub })) },
    hconcat: [
      { width: 200, height: { step: 16 }, mark: { type: 'bar', color: CHART_COLOURS.bar }, encoding: { y, x: { field: 'fired', type: 'quantitative', title: titles.fired } } },
      {
        width: 200,
        height: { step: 16 },
        mark: { type: 'bar', color: CHART_COLOURS.profile },
        encoding: { y: { ...y, axis: null }, x: { field: 'amount', type: 'quantitative', title: titles.amount, axis: { format: '.2s' } } },
      },
    ],
  };
}

/** One point of a gains curve: share of examples selected and share of positives found, per ranking. */
export interface GainsPoint {
  ranking: string;
  selected: number;
  found: number;
}

/** Cumulative gains: share of violations found against the share of examples inspected, one line per ranking. */
export function gainsSpec(points: readonly GainsPoint[], titles: { x: string; y: string; ranking: string }, rankings: readonly string[]): TopLevelSpec {
  return {
    width: 420,
    height: 240,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'selected', type: 'quantitative', title: titles.x, axis: { format: '.0%' } },
      y: { field: 'found', type: 'quantitative', title: titles.y, axis: { format: '.0%' }, scale: { domain: [0, 1] } },
      color: {
        field: 'ranking',
        type: 'nominal',
        title: titles.ranking,
        sort: [...rankings],
        scale: { domain: [...rankings], range: [CHART_COLOURS.model, CHART_COLOURS.profile, CHART_COLOURS.random] },
      },
      strokeDash: { field: 'ranking', type: 'nominal', title: titles.ranking, sort: [...rankings], scale: { domain: [...rankings], range: [[1, 0], [6, 3], [2, 2]] } },
    },
  };
}

/** PSI per feature as bars, red above the threshold, with the threshold as a rule. */
export function driftSpec(rows: readonly { name: string; psi: number; flagged: boolean }[], threshold: number, titles: { x: string }): TopLevelSpec {
  return {
    width: 420,
    height: { step: 14 },
    layer: [
      {
        data: { values: rows.map((r) => ({ ...r })) },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'name', type: 'nominal', sort: null, title: null, axis: { labelLimit: 400 } },
          x: { field: 'psi', type: 'quantitative', title: titles.x },
          color: { field: 'flagged', type: 'nominal', scale: { domain: [false, true], range: [CHART_COLOURS.ok, CHART_COLOURS.flagged] }, legend: null },
        },
      },
      { data: { values: [{ t: threshold }] }, mark: { type: 'rule', color: CHART_COLOURS.flagged, strokeDash: [4, 3] }, encoding: { x: { field: 't', type: 'quantitative' } } },
    ],
  };
}
