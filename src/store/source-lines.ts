/** Where stored rows came from: the file and physical line of their ingest (the lineage). */
import type { Db } from '../io/db.js';
import { quoteLiteralList } from '../io/sql.js';

/** The store's file and line of declaration items, by `decl_id/item_no/version` (for dossiers): `file:line`. */
export async function itemSourceLines(db: Db, items: readonly { declId: string; itemNo: number; version: number }[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (items.length === 0) return out;
  const keys = quoteLiteralList(items.map((i) => `${i.declId}/${i.itemNo}/${i.version}`));
  const rows = await db.all(
    `SELECT d.decl_id, d.item_no, d.version, l.source_path, d.source_line FROM declarations d JOIN lineage l USING (ingest_id)
     WHERE d.decl_id || '/' || d.item_no || '/' || d.version IN (${keys})
     QUALIFY row_number() OVER (PARTITION BY d.decl_id, d.item_no, d.version ORDER BY d.ingest_id) = 1`,
  );
  for (const r of rows) out.set(`${String(r['decl_id'])}/${String(r['item_no'])}/${String(r['version'])}`, `${String(r['source_path'])}:${String(r['source_line'])}`);
  return out;
}

