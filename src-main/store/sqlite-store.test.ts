import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../util/log.ts'
import { Gone } from './errors.ts'
import { SqliteEngine, SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts'
import { describeStoreContract } from './store-contract.ts'
import { WatchRecorder, changed, makePod } from './testing.ts'

const quiet = createLogger({}, () => {})
const dir = mkdtempSync(join(tmpdir(), 'coxswain-store-'))
let files = 0
const newFile = (): string => join(dir, `store-${++files}.db`)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeStoreContract('SqliteStore', (options) => new SqliteStore(newFile(), { ...options, log: quiet }))

describe('SqliteStore', () => {
  const open: { close(): unknown }[] = []
  const openStore = (path: string, options: SqliteStoreOptions = {}): SqliteStore => {
    const store = new SqliteStore(path, { log: quiet, ...options })
    open.push(store)
    return store
  }
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close()
  })

  it('keeps objects, revision and history across a reopen', async () => {
    const path = newFile()
    const first = openStore(path)
    await first.create('pods', makePod('a').obj())
    const from = await first.currentRevision()
    const b = await first.create('pods', makePod('b').obj())
    await first.delete({ resource: 'pods', namespace: 'default', name: 'a' })
    await first.close()

    const second = openStore(path)
    expect(await second.currentRevision()).toBe(from + 2)
    expect((await second.list('pods')).items).toEqual([b])
    const watch = new WatchRecorder(await second.watch('pods', { fromRevision: from }))
    expect((await watch.waitFor(2)).map((e) => `${e.type} ${changed(e).metadata.name}`)).toEqual(['ADDED b', 'DELETED a'])
    const c = await second.create('pods', makePod('c').obj())
    expect(c.metadata.resourceVersion).toBe(String(from + 3))
  })

  it('runs in WAL mode with synchronous=FULL and 8 KiB pages', () => {
    const path = newFile()
    const engine = new SqliteEngine(path)
    const db = (engine as unknown as { db: DatabaseSync }).db
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
    expect(db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 2 })
    expect(db.prepare('PRAGMA page_size').get()).toEqual({ page_size: 8192 })
    engine.close()
  })

  it('refuses a second process (or connection) on the same file while the first has it open', async () => {
    const path = newFile()
    const first = openStore(path)
    await first.create('pods', makePod('a').obj())
    expect(() => new SqliteStore(path, { log: quiet, busyTimeoutMs: 0 })).toThrow(/in use by another process/)
    await first.close()
    const second = openStore(path)
    expect((await second.list('pods')).items).toHaveLength(1)
  })

  it('keeps the last historyMaxEvents changes, compacting as it writes', async () => {
    const path = newFile()
    const store = openStore(path, { historyMaxEvents: 5 })
    for (let i = 0; i < 12; i++) await store.create('pods', makePod(`p${i}`).obj())
    await expect(store.watch('pods', { fromRevision: 6 })).rejects.toBeInstanceOf(Gone)
    const watch = new WatchRecorder(await store.watch('pods', { fromRevision: 7 }))
    expect((await watch.waitFor(5)).map((e) => e.revision)).toEqual([8, 9, 10, 11, 12])
    await store.close()
    const db = new DatabaseSync(path)
    expect(db.prepare('SELECT count(*) AS n, min(revision) AS first FROM changes').get()).toEqual({ n: 5, first: 8 })
    expect(db.prepare('SELECT revision, compacted FROM state').get()).toEqual({ revision: 12, compacted: 7 })
    db.close()
  })

  it('discards history older than historyMaxAgeMs', async () => {
    let now = 1_000_000
    const store = openStore(newFile(), { historyMaxAgeMs: 40, now: () => now })
    await store.create('pods', makePod('old').obj())
    now += 60
    await store.create('pods', makePod('new').obj())
    await new Promise((resolve) => setTimeout(resolve, 60))
    await expect(store.watch('pods', { fromRevision: 0 })).rejects.toBeInstanceOf(Gone)
    const watch = new WatchRecorder(await store.watch('pods', { fromRevision: 1 }))
    expect((await watch.waitFor(1)).map((e) => changed(e).metadata.name)).toEqual(['new'])
  })

  it('rolls a failed write back whole: no object without its change, no revision without both', () => {
    const engine = new SqliteEngine(newFile())
    const change = { revision: 1, resource: 'pods', namespace: 'default', name: 'a', json: '{"kind":"Pod"}', prevJson: null }
    // The object row is written first; the change row then violates its CHECK constraint.
    expect(() => engine.commit({ ...change, type: 'BOGUS' as 'ADDED' }, 0, 0)).toThrow(/CHECK constraint/)
    expect(engine.get('pods', 'default', 'a')).toBeUndefined()
    expect(engine.revision()).toBe(0)
    engine.commit({ ...change, type: 'ADDED' }, 0, 0)
    expect(engine.get('pods', 'default', 'a')?.modRevision).toBe(1)
    engine.close()
  })
})
