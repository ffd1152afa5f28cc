// Kill -9 a process in the middle of writing, reopen, and check that nothing acknowledged was lost
// and nothing half-written was kept. Three rounds on the same database, so recovery is also
// followed by more writing and another crash.

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger } from '../util/log.ts'
import { SqliteStore } from './sqlite-store.ts'
import { crashPayload, crashPlan } from './testdata/crash-plan.ts'
import type { KubeObject } from './types.ts'

const writer = fileURLToPath(new URL('./testdata/crash-writer.ts', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'coxswain-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Ack {
  op: 'create' | 'update' | 'delete'
  name: string
  revision: number
}

/** Runs the writer on pods [first, first+count) and SIGKILLs it once `killAfter` writes are acknowledged. */
function writeUntilKilled(path: string, first: number, count: number, killAfter: number): Promise<{ acks: Ack[]; finished: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, path, String(first), String(count), '8'], { stdio: ['ignore', 'pipe', 'pipe'] })
    const acks: Ack[] = []
    let finished = false
    let partial = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) {
        if (line === 'done') finished = true
        else {
          const [op, name, revision] = line.split(' ')
          acks.push({ op: op as Ack['op'], name: name as string, revision: Number(revision) })
        }
      }
      if ((acks.length >= killAfter || finished) && child.exitCode === null) child.kill('SIGKILL')
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code ?? signal} before it was killed: ${stderr}`))
      else resolve({ acks, finished })
    })
  })
}

/** Reads the database file directly and checks it against every acknowledged write so far. */
function verify(path: string, acks: Ack[]): { revision: number; objects: number } {
  const db = new DatabaseSync(path)
  try {
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
    const state = db.prepare('SELECT revision, compacted FROM state').get() as { revision: number; compacted: number }
    const changes = db.prepare('SELECT revision, namespace, name, type, object, prev FROM changes ORDER BY revision').all() as {
      revision: number
      name: string
      type: string
      object: string | null
      prev: string | null
    }[]
    const rows = db.prepare("SELECT name, mod_revision, object FROM objects WHERE resource = 'pods'").all() as {
      name: string
      mod_revision: number
      object: string
    }[]

    // History: every revision from the first to the counter, once, each row whole.
    expect(state.compacted).toBe(0)
    expect(changes.map((c) => c.revision)).toEqual(Array.from({ length: state.revision }, (_, i) => i + 1))
    const lastChange = new Map<string, (typeof changes)[number]>()
    for (const change of changes) {
      if (change.object !== null) expect(Number((JSON.parse(change.object) as KubeObject).metadata.resourceVersion)).toBe(change.revision)
      if (change.prev !== null) JSON.parse(change.prev)
      expect(change.prev === null, `prev of ${change.type} ${change.revision}`).toBe(change.type === 'ADDED')
      expect(change.object === null, `object of ${change.type} ${change.revision}`).toBe(change.type === 'DELETED')
      lastChange.set(change.name, change)
    }

    // Objects: exactly the keys whose last change is not a deletion, each equal to that change.
    const byName = new Map(rows.map((row) => [row.name, row]))
    for (const [name, change] of lastChange) {
      const row = byName.get(name)
      if (change.type === 'DELETED') expect(row, name).toBeUndefined()
      else expect(row, name).toEqual({ name, mod_revision: change.revision, object: change.object })
    }
    expect(rows.length).toBe([...lastChange.values()].filter((c) => c.type !== 'DELETED').length)
    for (const row of rows) {
      const pod = JSON.parse(row.object) as KubeObject
      const i = Number(row.name.slice('pod-'.length))
      expect(pod.metadata).toMatchObject({ name: row.name, uid: `uid-${i}`, resourceVersion: String(row.mod_revision) })
      expect((pod.spec as { containers: { command: string[] }[] }).containers[0]?.command[2]).toBe(crashPayload(i))
    }

    // Acknowledged writes: all there (a later, unacknowledged write may have landed on top).
    const lastAck = new Map<string, Ack>()
    for (const ack of acks) {
      expect(ack.revision).toBeLessThanOrEqual(state.revision)
      expect(changes[ack.revision - 1], `${ack.op} ${ack.name}`).toMatchObject({
        name: ack.name,
        type: { create: 'ADDED', update: 'MODIFIED', delete: 'DELETED' }[ack.op],
      })
      lastAck.set(ack.name, ack)
    }
    for (const [name, ack] of lastAck) {
      const row = byName.get(name)
      const plan = crashPlan(Number(name.slice('pod-'.length)))
      if (ack.op === 'delete' || (!row && plan.at(-1) === 'delete')) {
        expect(row, name).toBeUndefined()
      } else {
        expect(row?.mod_revision, name).toBeGreaterThanOrEqual(ack.revision)
      }
    }
    return { revision: state.revision, objects: rows.length }
  } finally {
    db.close()
  }
}

describe('SqliteStore after SIGKILL', () => {
  it('keeps every acknowledged write and nothing half-written, round after round', { timeout: 30_000 }, async () => {
    const path = join(dir, 'crash.db')
    const acks: Ack[] = []
    const killPoints = [120, 300, 200]
    for (const [round, killAfter] of killPoints.entries()) {
      // Room for ~4,400 writes, so the kill always lands while the writer is busy.
      const result = await writeUntilKilled(path, round * 2000, 2000, killAfter)
      expect(result.finished, 'the writer should still have been writing when killed').toBe(false)
      expect(result.acks.length).toBeGreaterThanOrEqual(killAfter)
      acks.push(...result.acks)
      verify(path, acks)
    }

    // And the store itself opens on the crashed file and carries on from the right revision.
    const { revision } = verify(path, acks)
    const store = new SqliteStore(path, { log: createLogger({}, () => {}) })
    try {
      expect(await store.currentRevision()).toBe(revision)
      const pod = await store.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'after', namespace: 'default' } })
      expect(pod.metadata.resourceVersion).toBe(String(revision + 1))
    } finally {
      await store.close()
    }
  })
})
