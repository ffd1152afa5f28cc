import { afterEach, describe, expect, it } from 'vitest'
import { makePod } from '../api/testing/builders.ts'
import { eventually } from '../apiserver/testing.ts'
import { SchedulingQueue } from './queue.ts'

describe('SchedulingQueue', () => {
  let queue: SchedulingQueue | null = null
  let clock = 0
  let wakes = 0
  const make = (): SchedulingQueue => {
    clock = 1_000_000
    wakes = 0
    queue = new SchedulingQueue({ onActive: () => wakes++, now: () => clock, initialBackoffMs: 20, maxBackoffMs: 80 })
    return queue
  }
  afterEach(() => queue?.close())
  const pod = (name: string) => makePod(name).withContainer().obj()

  it('hands pods out first come, first served, once each however often added', () => {
    const q = make()
    q.addOrUpdate('default/a', pod('a'))
    q.addOrUpdate('default/b', pod('b'))
    q.addOrUpdate('default/a', pod('a'))
    expect([q.pop()?.key, q.pop()?.key, q.pop()]).toEqual(['default/a', 'default/b', undefined])
  })

  it('wakes the scheduler when the active queue stops being empty, not for every pod', () => {
    const q = make()
    q.addOrUpdate('default/a', pod('a'))
    q.addOrUpdate('default/b', pod('b'))
    expect(wakes).toBe(1)
  })

  it('parks unschedulable pods until a cluster event, then honours their backoff', async () => {
    const q = make()
    q.addOrUpdate('default/a', pod('a'))
    const entry = q.pop()
    if (!entry) throw new Error('no entry')
    q.parkUnschedulable(entry)
    expect(q.size).toEqual({ active: 0, backoff: 0, unschedulable: 1 })
    q.moveUnschedulable()
    expect(q.size).toEqual({ active: 0, backoff: 1, unschedulable: 0 })
    await eventually(() => q.size.active === 1, 'the backoff to end')
    expect(q.pop()?.key).toBe('default/a')
  })

  it('moves a parked pod straight to active when its backoff is already over', () => {
    const q = make()
    q.addOrUpdate('default/a', pod('a'))
    const entry = q.pop()
    if (!entry) throw new Error('no entry')
    q.parkUnschedulable(entry)
    clock += 1000
    q.moveUnschedulable()
    expect(q.size.active).toBe(1)
  })

  it('doubles the backoff per failure up to the maximum', () => {
    const q = make()
    expect([0, 1, 2, 3, 4, 10].map((n) => q.backoffMs(n))).toEqual([0, 20, 40, 80, 80, 80])
  })

  it('treats an update of a parked pod as a reason to try again', () => {
    const q = make()
    q.addOrUpdate('default/a', pod('a'))
    const entry = q.pop()
    if (!entry) throw new Error('no entry')
    q.parkUnschedulable(entry)
    clock += 1000
    q.addOrUpdate('default/a', makePod('a').withLabels({ v: '2' }).withContainer().obj())
    expect(q.pop()?.pod.metadata.labels).toEqual({ v: '2' })
  })

  it('forgets deleted pods wherever they wait', () => {
    const q = make()
    q.addOrUpdate('default/a', pod('a'))
    q.addOrUpdate('default/b', pod('b'))
    const b = q.pop()
    const a = q.pop()
    if (!a || !b) throw new Error('no entries')
    q.parkUnschedulable(a)
    q.retryAfterBackoff(b)
    q.delete('default/a')
    q.delete('default/b')
    expect(q.size).toEqual({ active: 0, backoff: 0, unschedulable: 0 })
  })

  it('wakes only the parked pods an event may help', () => {
    const q = make()
    q.addOrUpdate('default/a', pod('a'))
    q.addOrUpdate('default/b', pod('b'))
    const a = q.pop()
    const b = q.pop()
    if (!a || !b) throw new Error('no entries')
    q.parkUnschedulable(a, new Set(['NodeAffinity']))
    q.parkUnschedulable(b, new Set(['NodeResourcesFit']))
    clock += 1000
    q.moveUnschedulable((e) => e.rejectedBy.has('NodeResourcesFit'))
    expect([q.pop()?.key, q.size.unschedulable]).toEqual(['default/b', 1])
  })
})
