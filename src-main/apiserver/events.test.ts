import { beforeEach, describe, expect, it } from 'vitest'
import { makePod } from '../api/testing/builders.ts'
import type { Event, KubeObject } from '../api/index.ts'
import { EventRecorder } from './events.ts'
import { admin, makeNode, newTestServer, quietLog, ref, type TestServer } from './testing.ts'

describe('EventRecorder', () => {
  let s: TestServer
  let recorder: EventRecorder
  let pod: KubeObject
  const events = async (namespace = 'default'): Promise<Event[]> => (await s.api.list(ref.events(namespace), {}, admin)).items as Event[]

  beforeEach(async () => {
    s = await newTestServer()
    recorder = new EventRecorder({ api: s.api, source: { component: 'scheduler' }, now: s.clock.now, log: quietLog })
    pod = (await s.api.create(ref.pods('default'), makePod('web').withContainer().obj(), admin)).object
  })

  it('records an Event about an object, in its namespace', async () => {
    recorder.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available: 3 Insufficient memory.')
    await recorder.flush()
    const [event, ...rest] = await events()
    expect(rest).toEqual([])
    expect(event).toMatchObject({
      metadata: { namespace: 'default', name: expect.stringMatching(/^web\.[0-9a-f]+$/) },
      involvedObject: { kind: 'Pod', apiVersion: 'v1', namespace: 'default', name: 'web', uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion },
      reason: 'FailedScheduling',
      message: '0/3 nodes are available: 3 Insufficient memory.',
      type: 'Warning',
      source: { component: 'scheduler' },
      reportingComponent: 'scheduler',
      firstTimestamp: '2026-01-02T03:04:05Z',
      lastTimestamp: '2026-01-02T03:04:05Z',
      count: 1,
    })
  })

  it('counts an identical event within 10 minutes on the same Event', async () => {
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container')
    s.clock.advance(60)
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container')
    s.clock.advance(60)
    recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container')
    await recorder.flush()
    const all = await events()
    expect(all).toHaveLength(1)
    expect(all[0]).toMatchObject({ count: 3, firstTimestamp: '2026-01-02T03:04:05Z', lastTimestamp: '2026-01-02T03:06:05Z' })
  })

  it('creates a new Event for a different message, or once 10 minutes have passed', async () => {
    recorder.event(pod, 'Normal', 'Pulled', 'image a')
    recorder.event(pod, 'Normal', 'Pulled', 'image b')
    s.clock.advance(11 * 60)
    recorder.event(pod, 'Normal', 'Pulled', 'image a')
    await recorder.flush()
    expect((await events()).map((e) => `${e.message ?? ''} ${e.count ?? 0}`).sort()).toEqual(['image a 1', 'image a 1', 'image b 1'])
  })

  it('starts over when the counted Event was deleted', async () => {
    recorder.event(pod, 'Normal', 'Scheduled', 'assigned')
    await recorder.flush()
    await s.api.deleteCollection(ref.events('default'), {}, {}, admin)
    recorder.event(pod, 'Normal', 'Scheduled', 'assigned')
    await recorder.flush()
    expect((await events()).map((e) => e.count)).toEqual([1])
  })

  it('files events about cluster-scoped objects in the default namespace', async () => {
    const node = (await s.api.create(ref.nodes(), makeNode('n1').obj(), admin)).object
    recorder.event(node, 'Normal', 'NodeReady', 'Node n1 status is now: NodeReady')
    await recorder.flush()
    expect((await events()).map((e) => e.involvedObject.name)).toEqual(['n1'])
  })

  it('never fails the caller: an event that cannot be written is dropped', async () => {
    recorder.event({ kind: 'Pod', name: 'ghost', namespace: 'nowhere' }, 'Normal', 'Gone', 'nobody hears this')
    await expect(recorder.flush()).resolves.toBeUndefined()
    expect(await events('nowhere').catch(() => [])).toEqual([])
  })
})
