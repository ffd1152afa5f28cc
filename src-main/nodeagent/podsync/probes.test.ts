import { afterEach, describe, expect, it } from 'vitest'
import type { Container, Pod, Probe } from '../../api/types/pod.ts'
import { container, makePod } from '../../api/testing/builders.ts'
import { EventRecorder } from '../../apiserver/events.ts'
import { eventually, newTestServer, quietLog } from '../../apiserver/testing.ts'
import type { ActionResult } from './handlers.ts'
import { ProbeManager, type ProbeKind } from './probes.ts'

/** 10 ms per probe second: periodSeconds 1 → a probe every 10 ms. */
const SECOND = 10

describe('ProbeManager', () => {
  let manager: ProbeManager | null = null
  afterEach(() => manager?.stop())

  async function setUp(c: Container, answer: (command: string) => boolean, startedAgoMs = 0) {
    const s = await newTestServer()
    const recorder = new EventRecorder({ api: s.api, source: { component: 'kubelet' }, log: quietLog })
    const runs: string[] = []
    const changes: string[] = []
    const unhealthy: ProbeKind[] = []
    const run = async (command: string): Promise<ActionResult> => {
      runs.push(command)
      return { ok: answer(command), output: `${command} said so` }
    }
    const runner = {
      exec: (a: { command?: string[] }) => run(a.command?.[0] ?? ''),
      httpGet: () => run('http'),
      tcpSocket: () => run('tcp'),
    }
    manager = new ProbeManager({
      runner,
      recorder,
      log: quietLog,
      secondMs: SECOND,
      onChange: (uid) => changes.push(uid),
      onUnhealthy: (_uid, _id, kind) => unhealthy.push(kind),
    })
    const pod: Pod = makePod('p').withContainer(c).obj()
    pod.metadata.uid = 'uid-1'
    manager.update(pod, [{ container: c, containerId: 'c1', startedAtMs: Date.now() - startedAgoMs, podIP: '10.244.0.2' }])
    return { runs, changes, unhealthy, results: () => manager?.results('uid-1')[c.name] }
  }
  const probe = (command: string, extra: Partial<Probe> = {}): Probe => ({ exec: { command: [command] }, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 1, ...extra })

  it('starts not ready and turns ready after successThreshold successes', async () => {
    const t = await setUp(container('web', 'x', { readinessProbe: probe('ready', { successThreshold: 3 }) }), () => true)
    expect(t.results()).toEqual({ ready: false })
    await eventually(() => t.results()?.ready === true, 'ready')
    expect(t.runs.length).toBeGreaterThanOrEqual(3)
    expect(t.changes).toEqual(['uid-1'])
  })

  it('does not count a probe before initialDelaySeconds', async () => {
    const t = await setUp(container('web', 'x', { readinessProbe: probe('ready', { initialDelaySeconds: 10 }) }), () => true)
    await eventually(() => t.results()?.ready === true, 'ready after the initial delay', 2000)
    expect(t.runs.length).toBeLessThanOrEqual(3)
  })

  it('reports liveness failure once, after failureThreshold failures in a row, then holds', async () => {
    let healthy = true
    const t = await setUp(container('web', 'x', { livenessProbe: probe('alive', { failureThreshold: 3 }) }), () => healthy)
    await eventually(() => t.runs.length >= 2, 'two good probes')
    healthy = false
    await eventually(() => t.unhealthy.length === 1, 'the liveness failure')
    const failedAt = t.runs.length
    await new Promise((r) => setTimeout(r, 10 * SECOND))
    expect(t.unhealthy).toEqual(['liveness'])
    expect(t.runs.length).toBe(failedAt)
  })

  it('holds readiness and liveness until the startup probe succeeds', async () => {
    let up = false
    const t = await setUp(
      container('web', 'x', { startupProbe: probe('started', { failureThreshold: 100 }), readinessProbe: probe('ready'), livenessProbe: probe('alive') }),
      (command) => (command === 'started' ? up : true),
    )
    await eventually(() => t.runs.filter((r) => r === 'started').length >= 3, 'startup probes')
    expect(t.runs.filter((r) => r !== 'started')).toEqual([])
    expect(t.results()).toEqual({ started: false, ready: false })
    up = true
    await eventually(() => t.results()?.ready === true && t.results()?.started === true, 'started and ready')
    expect(t.runs).toContain('alive')
  })

  it('starts over for a new container of the same name', async () => {
    const c = container('web', 'x', { readinessProbe: probe('ready') })
    const t = await setUp(c, () => true)
    await eventually(() => t.results()?.ready === true, 'ready')
    const pod: Pod = makePod('p').withContainer(c).obj()
    pod.metadata.uid = 'uid-1'
    manager?.update(pod, [{ container: c, containerId: 'c2', startedAtMs: Date.now(), podIP: '10.244.0.2' }])
    expect(t.results()).toEqual({ ready: false })
    manager?.update(pod, [])
    expect(manager?.results('uid-1')).toEqual({})
  })
})
