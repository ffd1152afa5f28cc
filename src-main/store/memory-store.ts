// The store in memory, for unit tests of other components: the same VersionedStore over a trivial
// engine, so it passes the same contract suite as SQLite. Nothing survives the process.

import type { Change, Engine, ObjectRow } from './engine.ts'
import { comparePositions, positionId, type KeyPosition } from './keys.ts'
import type { Revision } from './types.ts'
import { VersionedStore, type StoreOptions } from './versioned-store.ts'

interface TimedChange {
  change: Change
  timeMs: number
}

export class MemoryEngine implements Engine {
  private readonly objects = new Map<string, Map<string, ObjectRow>>()
  /** Retained history: revisions compacted+1 … current, one change each. */
  private history: TimedChange[] = []
  private current: Revision = 0
  private compacted: Revision = 0

  revision(): Revision {
    return this.current
  }

  compactedRevision(): Revision {
    return this.compacted
  }

  get(resource: string, namespace: string, name: string): ObjectRow | undefined {
    return this.objects.get(resource)?.get(positionId(namespace, name))
  }

  scan(resource: string, namespace: string | undefined, after: KeyPosition | undefined): Iterable<ObjectRow> {
    return this.select(resource, namespace, after)
  }

  count(resource: string, namespace: string | undefined, after: KeyPosition | undefined): number {
    return this.select(resource, namespace, after).length
  }

  changes(resource: string, namespace: string | undefined, after: Revision, limit: number): Change[] {
    const out: Change[] = []
    for (let i = Math.max(0, after - this.compacted); i < this.history.length && out.length < limit; i++) {
      const { change } = this.history[i] as TimedChange
      if (change.resource === resource && (namespace === undefined || change.namespace === namespace)) out.push(change)
    }
    return out
  }

  revisionWrittenBy(timeMs: number): Revision {
    let revision = 0
    for (const { change, timeMs: t } of this.history) if (t <= timeMs) revision = change.revision
    return revision
  }

  commit(change: Change, timeMs: number, compactThrough: Revision): void {
    if (change.revision !== this.current + 1) throw new Error(`store: commit of revision ${change.revision} after ${this.current}`)
    let rows = this.objects.get(change.resource)
    if (!rows) this.objects.set(change.resource, (rows = new Map()))
    const id = positionId(change.namespace, change.name)
    if (change.type === 'DELETED') rows.delete(id)
    else rows.set(id, { namespace: change.namespace, name: change.name, json: change.json as string, modRevision: change.revision })
    this.history.push({ change, timeMs })
    this.current = change.revision
    this.compact(compactThrough)
  }

  compact(revision: Revision): void {
    const target = Math.min(revision, this.current)
    if (target <= this.compacted) return
    this.history = this.history.slice(target - this.compacted)
    this.compacted = target
  }

  close(): void {
    this.objects.clear()
    this.history = []
  }

  private select(resource: string, namespace: string | undefined, after: KeyPosition | undefined): ObjectRow[] {
    const rows = [...(this.objects.get(resource)?.values() ?? [])].filter(
      (row) => (namespace === undefined || row.namespace === namespace) && (!after || comparePositions(row, after) > 0),
    )
    return rows.sort(comparePositions)
  }
}

export class MemoryStore extends VersionedStore {
  constructor(options: StoreOptions = {}) {
    super(new MemoryEngine(), options)
  }
}
