// End to end: kill -9 the built headless server (out/main/serve.js) while clients are writing
// through the Kubernetes REST API, restart it on the same data dir, and check that nothing it
// acknowledged was lost. Three rounds on one data dir, killed after a different number of
// acknowledgements each time, so recovery is followed by more writing and another crash.
//
// Each round: ~500 planned creates, updates (PUT with a resourceVersion precondition, merge
// PATCH) and deletes of ConfigMaps and Pods in three namespaces, 32 in flight, never two at once on
// the same object, so each object's acknowledged writes are in the order the server committed them.
// After the restart every object must be as its last acknowledged write left it (resourceVersion ≥
// the acknowledged one, same payload), or — for a write that was in flight when the server died —
// as it was before or after that write. The database file must pass `PRAGMA integrity_check` and
// every row must parse, after each kill and after the final clean stop.
//
// Needs a build first: `npx electron-vite build` (scripts/test.sh and scripts/run.sh do it).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SeededRandom } from './support/random.ts'
import { KubeRest, type ListAnswer, type ObjectAnswer, type RestAnswer } from './support/rest.ts'
import { killServe, requireBuiltServe, startServe, type RunningServe } from './support/serve.ts'

/** The API server alone: no controller writes to the objects under test (their resourceVersions are the test's). */
const API_ONLY = ['--controllers=-*']

const NAMESPACES = ['crash-a', 'crash-b', 'crash-c'] as const
/** Where list/watch probes write, outside the objects under test. */
const PROBE_NAMESPACE = 'crash-probe'
const CONFIGMAPS_PER_NAMESPACE = 20
const PODS_PER_NAMESPACE = 10
const PLANNED_WRITES_PER_ROUND = 500
const IN_FLIGHT = 32
/** Acknowledged writes before the SIGKILL, per round. */
const KILL_AFTER = [250, 130, 370] as const
const SEQ_LABEL = 'coxswain.test/seq'

type Resource = 'configmaps' | 'pods'
type WriteType = 'create' | 'update' | 'delete'

/** What the server acknowledged last for one object. */
interface Known {
  present: boolean
  /** resourceVersion of the acknowledged create or update. */
  resourceVersion: number
  /** The payload marker that write carried. */
  seq: string
}

interface Write {
  type: WriteType
  seq: string
}

interface TrackedObject {
  resource: Resource
  namespace: string
  name: string
  known: Known
  /** The write on its way; still set after a kill = unacknowledged, may or may not have happened. */
  inFlight: Write | null
}

interface Ack {
  object: TrackedObject
  write: Write
  resourceVersion?: number
}

const describeObject = (o: TrackedObject): string => `${o.resource} ${o.namespace}/${o.name}`
const collectionPath = (resource: Resource, namespace: string): string => `/api/v1/namespaces/${namespace}/${resource}`
const seqOf = (obj: ObjectAnswer): string | undefined => obj.data?.seq ?? obj.metadata?.annotations?.[SEQ_LABEL]
const resourceVersionOf = (obj: ObjectAnswer): number => Number(obj.metadata?.resourceVersion)

function trackedObjects(): TrackedObject[] {
  const objects: TrackedObject[] = []
  for (const namespace of NAMESPACES) {
    const absent = (): Known => ({ present: false, resourceVersion: 0, seq: '' })
    for (let i = 0; i < CONFIGMAPS_PER_NAMESPACE; i++) objects.push({ resource: 'configmaps', namespace, name: `cm-${i}`, known: absent(), inFlight: null })
    for (let i = 0; i < PODS_PER_NAMESPACE; i++) objects.push({ resource: 'pods', namespace, name: `pod-${i}`, known: absent(), inFlight: null })
  }
  return objects
}

function configMap(name: string, seq: string, rng: SeededRandom, resourceVersion?: number): object {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { 'coxswain.test/crash': 'true' }, ...(resourceVersion ? { resourceVersion: String(resourceVersion) } : {}) },
    // A payload of varying size, so writes span from a fraction of a page to several.
    data: { seq, payload: 'x'.repeat(rng.int(6000)) },
  }
}

function pod(name: string, seq: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'crash' }, annotations: { [SEQ_LABEL]: seq } },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], resources: { requests: { cpu: '10m' } } }] },
  }
}

/** Sends one write; resolves with the answer, rejects when the connection dies. */
function send(rest: KubeRest, o: TrackedObject, write: Write, rng: SeededRandom): Promise<RestAnswer> {
  const collection = collectionPath(o.resource, o.namespace)
  const item = `${collection}/${o.name}`
  switch (write.type) {
    case 'create':
      return rest.request('POST', collection, { body: o.resource === 'configmaps' ? configMap(o.name, write.seq, rng) : pod(o.name, write.seq) })
    case 'update':
      // ConfigMaps by PUT with the acknowledged resourceVersion as precondition; pods by merge patch.
      if (o.resource === 'configmaps') return rest.request('PUT', item, { body: configMap(o.name, write.seq, rng, o.known.resourceVersion) })
      return rest.request('PATCH', item, { body: { metadata: { annotations: { [SEQ_LABEL]: write.seq } } }, contentType: 'application/merge-patch+json' })
    case 'delete':
      return rest.request('DELETE', item)
  }
}

const expectedStatus: Record<WriteType, number> = { create: 201, update: 200, delete: 200 }

interface LoadResult {
  acks: Ack[]
  /** Answers that were not the expected success: each a failure of the test. */
  refusals: string[]
}

/**
 * Writes with `IN_FLIGHT` concurrent clients until `killAfter` writes are acknowledged, then
 * SIGKILLs the server; writes in flight at that moment stay `inFlight` on their objects.
 */
async function writeUntilKilled(serve: RunningServe, rest: KubeRest, objects: TrackedObject[], rng: SeededRandom, round: number, killAfter: number): Promise<LoadResult> {
  const acks: Ack[] = []
  const refusals: string[] = []
  let planned = 0
  let killed = false

  const client = async (): Promise<void> => {
    while (!killed && planned < PLANNED_WRITES_PER_ROUND) {
      const free = objects.filter((o) => o.inFlight === null)
      const o = rng.pick(free)
      const type: WriteType = !o.known.present ? 'create' : rng.chance(0.7) ? 'update' : 'delete'
      const write: Write = { type, seq: `${round}.${planned++}` }
      o.inFlight = write
      let answer: RestAnswer
      try {
        answer = await send(rest, o, write, rng)
      } catch (err) {
        // The server died with this write in flight: it stays unacknowledged.
        if (!killed) refusals.push(`${type} ${describeObject(o)}: ${(err as Error).message}`)
        return
      }
      if (answer.status !== expectedStatus[type]) {
        refusals.push(`${type} ${describeObject(o)}: ${answer.status} ${answer.text.slice(0, 300)}`)
        o.inFlight = null
        continue
      }
      const resourceVersion = type === 'delete' ? undefined : resourceVersionOf(answer.json as ObjectAnswer)
      o.known = type === 'delete' ? { present: false, resourceVersion: 0, seq: '' } : { present: true, resourceVersion: resourceVersion as number, seq: write.seq }
      o.inFlight = null
      acks.push({ object: o, write, resourceVersion })
      if (acks.length === killAfter && !killed) {
        killed = true
        serve.child.kill('SIGKILL')
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, client))
  if (!killed) serve.child.kill('SIGKILL')
  await serve.exited
  return { acks, refusals }
}

/**
 * Lists every tracked namespace and compares with what was acknowledged; returns the problems
 * found (empty = nothing lost) and leaves `known` as the server now has it.
 */
async function compareWithAcknowledged(rest: KubeRest, objects: TrackedObject[]): Promise<string[]> {
  const problems: string[] = []
  const listed = new Map<string, ObjectAnswer>()
  for (const namespace of NAMESPACES) {
    for (const resource of ['configmaps', 'pods'] as const) {
      for (const item of (await rest.listAll(collectionPath(resource, namespace), 7)).items) listed.set(`${resource} ${namespace}/${item.metadata?.name}`, item)
    }
  }
  for (const o of objects) {
    const id = describeObject(o)
    const found = listed.get(id)
    listed.delete(id)
    const { known, inFlight } = o
    const rv = found ? resourceVersionOf(found) : 0
    const seq = found ? seqOf(found) : undefined
    const what = found ? `present at ${rv} with seq ${seq}` : 'absent'
    const lost = (expected: string): void => void problems.push(`${id}: ${what}; acknowledged: ${expected}`)
    if (!inFlight || inFlight.type === 'delete') {
      // Nothing pending, or a delete that may or may not have happened.
      if (known.present && !found && inFlight?.type !== 'delete') lost(`present at ${known.resourceVersion} with seq ${known.seq}`)
      if (known.present && found && (rv < known.resourceVersion || seq !== known.seq)) lost(`present at ${known.resourceVersion} with seq ${known.seq}`)
      if (!known.present && found) lost('deleted (or never created)')
    } else if (inFlight.type === 'create') {
      if (found && seq !== inFlight.seq) lost(`absent, or created by the write in flight (seq ${inFlight.seq})`)
    } else {
      // An update in flight: the object is there, as acknowledged or as the update left it.
      if (!found || rv < known.resourceVersion || (seq !== known.seq && seq !== inFlight.seq)) {
        lost(`present at ≥ ${known.resourceVersion} with seq ${known.seq} (or ${inFlight.seq}, in flight)`)
      }
    }
    o.known = found ? { present: true, resourceVersion: rv, seq: seq ?? '' } : { present: false, resourceVersion: 0, seq: '' }
    o.inFlight = null
  }
  for (const id of listed.keys()) problems.push(`${id}: present, but no write of it was ever sent`)
  return problems
}

/** Reads the database file directly (read-only; the server is not running) and checks every row. */
function checkDatabase(path: string): { revision: number; objects: number; changes: number; problems: string[] } {
  const db = new DatabaseSync(path, { readOnly: true })
  try {
    const problems: string[] = []
    const integrity = db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[]
    if (integrity.length !== 1 || integrity[0]?.integrity_check !== 'ok') problems.push(`integrity_check: ${JSON.stringify(integrity)}`)
    const { revision } = db.prepare('SELECT revision FROM state WHERE id = 1').get() as { revision: number }
    const parse = (json: string, where: string): ObjectAnswer | undefined => {
      try {
        return JSON.parse(json) as ObjectAnswer
      } catch (err) {
        problems.push(`${where}: does not parse: ${(err as Error).message}`)
        return undefined
      }
    }
    const objects = db.prepare('SELECT resource, namespace, name, mod_revision, object FROM objects').all() as {
      resource: string
      namespace: string
      name: string
      mod_revision: number
      object: string
    }[]
    for (const row of objects) {
      const where = `objects ${row.resource} ${row.namespace}/${row.name}`
      const obj = parse(row.object, where)
      if (!obj) continue
      if (obj.metadata?.name !== row.name || (obj.metadata.namespace ?? '') !== row.namespace) problems.push(`${where}: holds ${obj.metadata?.namespace}/${obj.metadata?.name}`)
      if (obj.metadata?.resourceVersion !== String(row.mod_revision)) problems.push(`${where}: resourceVersion ${obj.metadata?.resourceVersion}, row at ${row.mod_revision}`)
      if (row.mod_revision > revision) problems.push(`${where}: written at ${row.mod_revision}, after the store's revision ${revision}`)
    }
    const changes = db.prepare('SELECT revision, type, object, prev FROM changes').all() as { revision: number; type: string; object: string | null; prev: string | null }[]
    for (const row of changes) {
      if (row.revision > revision) problems.push(`change ${row.revision}: after the store's revision ${revision}`)
      if (row.object !== null) parse(row.object, `change ${row.revision} object`)
      if (row.prev !== null) parse(row.prev, `change ${row.revision} prev`)
    }
    return { revision, objects: objects.length, changes: changes.length, problems }
  } finally {
    db.close()
  }
}

/** A list across all namespaces, a watch from its resourceVersion, and a write the watch must report. */
async function checkListAndWatch(rest: KubeRest, round: number, newerThan: number): Promise<number> {
  const all = await rest.get<ListAnswer>('/api/v1/configmaps')
  expect(Number(all.metadata.resourceVersion)).toBeGreaterThanOrEqual(newerThan)
  const fromNow = await rest.watch(`${collectionPath('configmaps', PROBE_NAMESPACE)}?resourceVersion=${all.metadata.resourceVersion}`)
  const fromStart = await rest.watch(collectionPath('pods', NAMESPACES[0]))
  try {
    const name = `probe-${round}`
    const created = await rest.request('POST', collectionPath('configmaps', PROBE_NAMESPACE), { body: { metadata: { name }, data: { round: String(round) } } })
    expect(created.status, created.text).toBe(201)
    const rv = (created.json as ObjectAnswer).metadata?.resourceVersion
    // The revision counter carried on past every acknowledged write: no resourceVersion is reused.
    expect(Number(rv)).toBeGreaterThan(newerThan)
    const event = await fromNow.waitFor((e) => e.object.metadata?.name === name)
    expect(event).toMatchObject({ type: 'ADDED', object: { metadata: { resourceVersion: rv } } })
    expect(fromNow.events.filter((e) => e.type !== 'BOOKMARK')).toHaveLength(1)

    // Without a resourceVersion a watch starts with what exists: the same pods a list shows.
    const pods = await rest.listAll(collectionPath('pods', NAMESPACES[0]))
    const names = pods.items.map((p) => p.metadata?.name).sort()
    const added = (): (string | undefined)[] => fromStart.events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata?.name)
    if (names.length > 0) await fromStart.waitFor(() => added().length >= names.length)
    expect(added().sort()).toEqual(names)
    return Number(rv)
  } finally {
    fromNow.stop()
    fromStart.stop()
  }
}

describe('kill -9 while writing over the REST API', () => {
  let dataDir: string
  let serve: RunningServe | undefined

  beforeAll(() => {
    requireBuiltServe()
    dataDir = mkdtempSync(join(tmpdir(), 'coxswain-e2e-crash-'))
  })

  afterAll(async () => {
    await killServe(serve)
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps every acknowledged write across three SIGKILLs at different points', async () => {
    const rng = new SeededRandom(20251124)
    const objects = trackedObjects()
    const storePath = join(dataDir, 'store.db')
    let highestAcked = 0

    serve = await startServe(dataDir, undefined, API_ONLY)
    let rest = KubeRest.forDataDir(serve.baseUrl, dataDir)
    for (const name of [...NAMESPACES, PROBE_NAMESPACE]) {
      const created = await rest.request('POST', '/api/v1/namespaces', { body: { metadata: { name } } })
      expect(created.status, created.text).toBe(201)
      highestAcked = Math.max(highestAcked, resourceVersionOf(created.json as ObjectAnswer))
    }

    for (const [round, killAfter] of KILL_AFTER.entries()) {
      const { acks, refusals } = await writeUntilKilled(serve, rest, objects, rng, round + 1, killAfter)
      expect(refusals, `round ${round + 1}: writes refused before the kill`).toEqual([])
      expect(acks.length).toBeGreaterThanOrEqual(killAfter)
      for (const ack of acks) highestAcked = Math.max(highestAcked, ack.resourceVersion ?? 0)

      // The file as the killed process left it.
      const crashed = checkDatabase(storePath)
      expect(crashed.problems, `round ${round + 1}: database after SIGKILL`).toEqual([])
      expect(crashed.revision).toBeGreaterThanOrEqual(highestAcked)

      serve = await startServe(dataDir, undefined, API_ONLY)
      rest = KubeRest.forDataDir(serve.baseUrl, dataDir)
      for (const name of [...NAMESPACES, PROBE_NAMESPACE]) expect((await rest.request('GET', `/api/v1/namespaces/${name}`)).status).toBe(200)
      expect(await compareWithAcknowledged(rest, objects), `round ${round + 1}: acknowledged writes after restart`).toEqual([])
      highestAcked = await checkListAndWatch(rest, round + 1, highestAcked)
      expect(acks.filter((a) => a.write.type === 'delete').length, 'every kind of write was acknowledged').toBeGreaterThan(0)
      expect(acks.filter((a) => a.write.type === 'update').length).toBeGreaterThan(0)
    }

    // A clean stop at the end: the checkpointed file holds exactly what the API served.
    serve.child.kill('SIGTERM')
    expect(await serve.exited).toBe(0)
    serve = undefined
    const final = checkDatabase(storePath)
    expect(final.problems, 'database after a clean stop').toEqual([])
    const db = new DatabaseSync(storePath, { readOnly: true })
    try {
      const rows = db.prepare("SELECT resource, namespace, name, mod_revision FROM objects WHERE namespace LIKE 'crash-_'").all() as {
        resource: string
        namespace: string
        name: string
        mod_revision: number
      }[]
      const inFile = rows.map((r) => `${r.resource} ${r.namespace}/${r.name} @${r.mod_revision}`).sort()
      const expected = objects.filter((o) => o.known.present).map((o) => `${describeObject(o)} @${o.known.resourceVersion}`).sort()
      expect(inFile).toEqual(expected)
    } finally {
      db.close()
    }
  })
})
