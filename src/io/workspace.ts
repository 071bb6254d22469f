import type { Db } from './db.js';

type Kind = 'TABLE' | 'VIEW';

/** Which workspace holds each TEMP relation name, per connection. */
const HOLDERS = new WeakMap<Db, Map<string, Workspace>>();
/** The live workspaces of each connection. */
const LIVE = new WeakMap<Db, Set<Workspace>>();

/**
 * The TEMP relations of one computation on one connection (the features as
 * of a date, the item examples of a training run, ...): the workspace
 * records every relation the computation creates, hands their names on with
 * its result, and drops them all when the caller is done. A name held by one
 * live workspace cannot be taken by another: two computations never share a
 * relation by accident, and a reader gets the names from the result that
 * made them, never from a global constant.
 *
 * A new workspace of the same kind (the features as of another month)
 * supersedes the previous one: its relations are dropped first and its
 * result is no longer live. A workspace of another kind that needs a name
 * held by a live one is refused.
 *
 * Relation names come from code (constants of the step that creates them,
 * possibly qualified by the attached work database), never from data.
 */
export class Workspace {
  private readonly relations = new Map<string, Kind>();
  private dropped = false;

  private constructor(
    private readonly db: Db,
    /** What kind of computation owns it (e.g. "features"); a new one of the same kind supersedes it. */
    readonly kind: string,
    /** What the workspace computes, for errors (e.g. "features as of 2026-06-30"). */
    readonly owner: string,
  ) {}

  /** Opens a workspace on a connection, dropping the live workspaces of the same kind there. */
  static async open(db: Db, kind: string, owner: string): Promise<Workspace> {
    let live = LIVE.get(db);
    if (live === undefined) LIVE.set(db, (live = new Set()));
    for (const previous of [...live]) if (previous.kind === kind) await previous.drop();
    const workspace = new Workspace(db, kind, owner);
    live.add(workspace);
    return workspace;
  }

  /** Whether its relations still exist (not dropped, not superseded). */
  get live(): boolean {
    return !this.dropped;
  }

  /** Records that this workspace owns `name` (created by a statement it ran); refuses a name another live workspace holds. */
  claim(name: string, kind: Kind = 'TABLE'): string {
    if (this.dropped) throw new Error(`the workspace of ${this.owner} was dropped; it cannot create ${name}`);
    let holders = HOLDERS.get(this.db);
    if (holders === undefined) HOLDERS.set(this.db, (holders = new Map()));
    const holder = holders.get(name);
    if (holder !== undefined && holder !== this) {
      throw new Error(`the TEMP relation ${name} belongs to ${holder.owner}, still in use; ${this.owner} cannot take it (drop that workspace first)`);
    }
    holders.set(name, this);
    this.relations.set(name, kind);
    return name;
  }

  /** Drops one relation now (an intermediate no longer needed) and releases its name. */
  async release(name: string): Promise<void> {
    const kind = this.relations.get(name);
    if (kind === undefined) return;
    await this.db.run(`DROP ${kind} IF EXISTS ${name}`);
    this.relations.delete(name);
    HOLDERS.get(this.db)?.delete(name);
  }

  /** Drops every relation of the workspace (views first, then tables, newest first) and releases the names. */
  async drop(): Promise<void> {
    if (this.dropped) return;
    const entries = [...this.relations.entries()].reverse();
    for (const [name, kind] of [...entries.filter(([, k]) => k === 'VIEW'), ...entries.filter(([, k]) => k === 'TABLE')]) {
      await this.db.run(`DROP ${kind} IF EXISTS ${name}`);
      HOLDERS.get(this.db)?.delete(name);
    }
    this.relations.clear();
    this.dropped = true;
    LIVE.get(this.db)?.delete(this);
  }
}
