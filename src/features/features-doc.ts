import { FAMILIES, FAMILY_IDS } from './families.js';

/** Markers around the generated part of docs/features.md. */
const FEATURES_DOC_BEGIN = '<!-- BEGIN GENERATED: scripts/write-features-doc.ts -->';
const FEATURES_DOC_END = '<!-- END GENERATED -->';

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** Markdown catalogue of every feature, by family, generated from the FeatureDef list. */
function featureTablesMarkdown(): string {
  const parts: string[] = [];
  for (const id of FAMILY_IDS) {
    const family = FAMILIES[id];
    parts.push(`### ${id}\n\n${family.description} Needs: ${family.needs.map((n) => `\`${n}\``).join(', ')}.\n`);
    parts.push('| feature | unit | decimals | formula | rationale | sources | catches |');
    parts.push('| --- | --- | --- | --- | --- | --- | --- |');
    for (const f of family.features) {
      const sources = (f.sources ?? []).map((s) => `\`${s}\``).join(', ');
      const catches = f.catches.length === 0 ? 'context' : f.catches.map((c) => `\`${c}\``).join(', ');
      parts.push(`| \`${f.id}\` ${cell(f.title)} | ${f.unit} | ${f.decimals} | ${cell(f.formula)} | ${cell(f.rationale)} | ${sources} | ${catches} |`);
    }
    parts.push('');
  }
  return `${FEATURES_DOC_BEGIN}\n${parts.join('\n')}\n${FEATURES_DOC_END}`;
}

/** Replaces the generated part of the doc text with the current catalogue. */
export function withFeatureTables(doc: string): string {
  const begin = doc.indexOf(FEATURES_DOC_BEGIN);
  const end = doc.indexOf(FEATURES_DOC_END);
  if (begin < 0 || end < begin) throw new Error('docs/features.md lacks the generated-section markers');
  return doc.slice(0, begin) + featureTablesMarkdown() + doc.slice(end + FEATURES_DOC_END.length);
}
