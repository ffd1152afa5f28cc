// The store on node:sqlite: one database file in WAL mode, owned by one process.
//
//   objects  (resource, namespace, name) → object JSON + mod_revision     the current state
//   changes  revision → key, type, object JSON, previous JSON, time       history for watch/lists
//   state    one row: revision, compacted                                 the global counters
//
// Every write is one transaction touching all three, so a crash leaves either the whole write or
// none of it. synchronous=FULL: a commit returns only after the WAL is fsynced, so an acknowledged
// write survives process death and power loss alike (see README for the measurements).

import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { Change, Engine, ObjectRow } from './engine.ts'
import type { KeyPosition } from './keys.ts'
import type { ChangeType, Revision } from './types.ts'
import { VersionedStore, type StoreOptions } from './versioned-store.ts'

export type SynchronousLevel = 'NORMAL' | 'FULL'

export interface SqliteStoreOptions extends StoreOptions {
  /**
   * FULL (default) fsyncs the WAL on every commit: acknowledged writes survive power loss.
   * NORMAL survives process crashes only; it exists for the benchmark's comparison.
   */
  synchronous?: SynchronousLevel
  /** How long to wait for another process holding the database (ms). Default 500. */
  busyTimeoutMs?: number
}

const SCHEMA_VERSION = 1
const PAGE_SIZE = 8192

const schema = `
CREATE TABLE IF NOT EXISTS objects (
  resource     TEXT    NOT NULL,
  namespace    TEXT    NOT NULL,
  name         TEXT    NOT NULL,
  mod_revision INTEGER NOT NULL,
  object       TEXT    NOT NULL,
  PRIMARY KEY (resource, namespace, name)
);
CREATE TABLE IF NOT EXISTS changes (
  revision  INTEGER PRIMARY KEY,
  resource  TEXT    NOT NULL,
  namespace TEXT    NOT NULL,
  name      TEXT    NOT NULL,
  type      TEXT    NOT NULL CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
  object    TEXT,
  prev      TEXT,
  time_ms   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS changes_by_resource ON changes (resource, revision);
CREATE INDEX IF NOT EXISTS changes_by_time ON changes (time_ms);
CREATE TABLE IF NOT EXISTS state (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  revision  INTEGER NOT NULL,
  compacted INTEGER NOT NULL
);
INSERT OR IGNORE INTO state (id, revision, compacted) VALUES (1, 0, 0);
`

interface ChangeRecord {
  revision: number
  resource: string
  namespace: string
  name: string
  type: ChangeType
  object: string | null
  prev: string | null
}

/** The SQLite engine. Its counters are cached in memory: this connection is the only writer. */
export class SqliteEngine implements Engine {
  readonly path: string
  private readonly db: DatabaseSync
  private readonly statements: ReturnType<typeof prepareStatements>
  private currentRevision: Revision
  private compacted: Revision

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path
    const synchronous = options.synchronous ?? 'FULL'
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL') throw new RangeError(`store: unknown synchronous level ${String(synchronous)}`)
    this.db = new DatabaseSync(path, { timeout: options.busyTimeoutMs ?? 500 })
    try {
      // 8 KiB pages hold three ~2 KB objects where 4 KiB pages hold one (a third smaller file, same
      // speed; it only applies to a new database). EXCLUSIVE locking: the first write below takes a
      // lock held until close, so a second Coxswain process on the same data dir fails here instead
      // of forking the revision counter.
      this.db.exec(`PRAGMA page_size = ${PAGE_SIZE}; PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = ${synchronous};`)
      this.migrate()
      this.statements = prepareStatements(this.db)
      const state = this.statements.state.get() as { revision: number; compacted: number }
      this.currentRevision = state.revision
      this.compacted = state.compacted
    } catch (err) {
      this.db.close()
      if (isBusy(err)) throw new Error(`store ${path} is in use by another process (another Coxswain running on the same data dir?)`, { cause: err })
      throw err
    }
  }

  revision(): Revision {
    return this.currentRevision
  }

  compactedRevision(): Revision {
    return this.compacted
  }

  get(resource: string, namespace: string, name: string): ObjectRow | undefined {
    const row = this.statements.get.get(resource, namespace, name) as { object: string; mod_revision: number } | undefined
    return row && { namespace, name, json: row.object, modRevision: row.mod_revision }
  }

  *scan(resource: string, namespace: string | undefined, after: KeyPosition | undefined): Iterable<ObjectRow> {
    const s = this.statements
    const rows =
      namespace === undefined
        ? after
          ? s.scanAllAfter.iterate(resource, after.namespace, after.name)
          : s.scanAll.iterate(resource)
        : after
          ? s.scanNamespaceAfter.iterate(resource, namespace, after.namespace, after.name)
          : s.scanNamespace.iterate(resource, namespace)
    for (const row of rows as Iterable<{ namespace: string; name: string; object: string; mod_revision: number }>) {
      yield { namespace: row.namespace, name: row.name, json: row.object, modRevision: row.mod_revision }
    }
  }

  count(resource: string, namespace: string | undefined, after: KeyPosition | undefined): number {
    const s = this.statements
    const row =
      namespace === undefined
        ? after
          ? s.countAllAfter.get(resource, after.namespace, after.name)
          : s.countAll.get(resource)
        : after
          ? s.countNamespaceAfter.get(resource, namespace, after.namespace, after.name)
          : s.countNamespace.get(resource, namespace)
    return (row as { n: number }).n
  }

  changes(resource: string, namespace: string | undefined, after: Revision, limit: number): Change[] {
    const max = Number.isFinite(limit) ? limit : -1
    const rows = (
      namespace === undefined ? this.statements.changes.all(resource, after, max) : this.statements.changesInNamespace.all(resource, after, namespace, max)
    ) as unknown as ChangeRecord[]
    return rows.map((row) => ({
      revision: row.revision,
      resource: row.resource,
      namespace: row.namespace,
      name: row.name,
      type: row.type,
      json: row.object,
      prevJson: row.prev,
    }))
  }

  revisionWrittenBy(timeMs: number): Revision {
    return ((this.statements.revisionWrittenBy.get(timeMs) as { revision: number | null }).revision ?? 0)
  }

  commit(change: Change, timeMs: number, compactThrough: Revision): void {
    if (change.revision !== this.currentRevision + 1) {
      throw new Error(`store: commit of revision ${change.revision} after ${this.currentRevision}`)
    }
    const s = this.statements
    const compacted = Math.max(this.compacted, Math.min(compactThrough, change.revision))
    this.db.exec('BEGIN IMMEDIATE')
    try {
      if (change.type === 'DELETED') s.deleteObject.run(change.resource, change.namespace, change.name)
      else s.putObject.run(change.resource, change.namespace, change.name, change.revision, change.json)
      s.insertChange.run(change.revision, change.resource, change.namespace, change.name, change.type, change.json, change.prevJson, timeMs)
      if (compacted > this.compacted) s.deleteChangesThrough.run(compacted)
      s.setState.run(change.revision, compacted)
      this.db.exec('COMMIT')
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK')
      throw err
    }
    this.currentRevision = change.revision
    this.compacted = compacted
  }

  compact(revision: Revision): void {
    const target = Math.min(revision, this.currentRevision)
    if (target <= this.compacted) return
    this.db.exec('BEGIN IMMEDIATE')
    try {
      this.statements.deleteChangesThrough.run(target)
      this.statements.setState.run(this.currentRevision, target)
      this.db.exec('COMMIT')
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK')
      throw err
    }
    this.compacted = target
  }

  close(): void {
    if (this.db.isOpen) this.db.close()
  }

  private migrate(): void {
    const version = (this.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version
    if (version > SCHEMA_VERSION) throw new Error(`store ${this.path} has schema version ${version}; this Coxswain knows up to ${SCHEMA_VERSION}`)
    this.db.exec('BEGIN IMMEDIATE')
    try {
      this.db.exec(schema)
      this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`)
      this.db.exec('COMMIT')
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK')
      throw err
    }
  }
}

function prepareStatements(db: DatabaseSync) {
  const p = (sql: string): StatementSync => db.prepare(sql)
  const scanColumns = 'SELECT namespace, name, object, mod_revision FROM objects'
  const order = 'ORDER BY namespace, name'
  return {
    state: p('SELECT revision, compacted FROM state WHERE id = 1'),
    get: p('SELECT object, mod_revision FROM objects WHERE resource = ? AND namespace = ? AND name = ?'),
    scanAll: p(`${scanColumns} WHERE resource = ? ${order}`),
    scanAllAfter: p(`${scanColumns} WHERE resource = ? AND (namespace, name) > (?, ?) ${order}`),
    scanNamespace: p(`${scanColumns} WHERE resource = ? AND namespace = ? ${order}`),
    scanNamespaceAfter: p(`${scanColumns} WHERE resource = ? AND namespace = ? AND (namespace, name) > (?, ?) ${order}`),
    countAll: p('SELECT count(*) AS n FROM objects WHERE resource = ?'),
    countAllAfter: p('SELECT count(*) AS n FROM objects WHERE resource = ? AND (namespace, name) > (?, ?)'),
    countNamespace: p('SELECT count(*) AS n FROM objects WHERE resource = ? AND namespace = ?'),
    countNamespaceAfter: p('SELECT count(*) AS n FROM objects WHERE resource = ? AND namespace = ? AND (namespace, name) > (?, ?)'),
    changes: p('SELECT revision, resource, namespace, name, type, object, prev FROM changes WHERE resource = ? AND revision > ? ORDER BY revision LIMIT ?'),
    changesInNamespace: p(
      'SELECT revision, resource, namespace, name, type, object, prev FROM changes WHERE resource = ? AND revision > ? AND namespace = ? ORDER BY revision LIMIT ?',
    ),
    revisionWrittenBy: p('SELECT max(revision) AS revision FROM changes WHERE time_ms <= ?'),
    putObject: p(
      'INSERT INTO objects (resource, namespace, name, mod_revision, object) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (resource, namespace, name) DO UPDATE SET mod_revision = excluded.mod_revision, object = excluded.object',
    ),
    deleteObject: p('DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?'),
    insertChange: p('INSERT INTO changes (revision, resource, namespace, name, type, object, prev, time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    deleteChangesThrough: p('DELETE FROM changes WHERE revision <= ?'),
    setState: p('UPDATE state SET revision = ?, compacted = ? WHERE id = 1'),
  }
}

function isBusy(err: unknown): boolean {
  const e = err as { errcode?: number; message?: string }
  return e.errcode === 5 || e.errcode === 6 || /database is locked/i.test(e.message ?? '')
}

/** The store in one SQLite file (created if missing). Only one process may have it open. */
export class SqliteStore extends VersionedStore {
  readonly path: string

  constructor(path: string, options: SqliteStoreOptions = {}) {
    super(new SqliteEngine(path, options), options)
    this.path = path
  }
}
