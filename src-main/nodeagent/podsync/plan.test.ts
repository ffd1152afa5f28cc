import { describe, expect, it } from 'vitest'
import { container, makePod } from '../../api/testing/builders.ts'
import type { Pod } from '../../api/types/pod.ts'
import { containerSpecHash } from '../pods/spec-hash.ts'
import type { RuntimeContainer } from './observe.ts'
import { describePlan, planPod } from './plan.ts'

const UID = 'uid-1'
let seq = 0

/** A container as observed, with Docker's state; times increase with each call unless given. */
function seen(pod: Pod, name: string, extra: Partial<RuntimeContainer> = {}): RuntimeContainer {
  seq++
  const role = extra.role ?? (name === 'POD' ? 'infra' : (pod.spec?.initContainers ?? []).some((c) => c.name === name) ? 'init' : 'app')
  const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name)
  const attempt = extra.attempt ?? 0
  return {
    id: `${name}-${attempt}-${seq}`,
    dockerName: `k8s_${name}_p_default_${UID}_${attempt}`,
    podUID: UID,
    name,
    role,
    attempt,
    state: 'running',
    exitCode: 0,
    oomKilled: false,
    createdAt: '2026-01-01T00:00:00Z',
    restartCount: 0,
    image: spec?.image ?? 'pause',
    imageId: 'sha256:x',
    networkMode: role === 'infra' ? 'coxswain-pods' : 'container:infra-id',
    startedNs: BigInt(seq) * 1000n,
    finishedMs: 0,
    ...(spec && role !== 'infra' ? { specHash: containerSpecHash(pod, spec) } : {}),
    ...extra,
  }
}

const single = (policy: 'Always' | 'OnFailure' | 'Never' = 'Always') => makePod('p').withContainer(container('web', 'busybox')).withSpec({ restartPolicy: policy }).obj()
const multi = () => makePod('p').withContainer(container('web', 'busybox')).withContainer(container('sidecar', 'busybox')).obj()
const withInit = (policy: 'Always' | 'Never' = 'Always') =>
  makePod('p').withInitContainer(container('init-a', 'busybox')).withInitContainer(container('init-b', 'busybox')).withContainer(container('web', 'busybox')).withSpec({ restartPolicy: policy }).obj()
const uid = (pod: Pod): Pod => ((pod.metadata.uid = UID), pod)

const summary = describePlan

describe('planPod', () => {
  it('creates a new single-container pod as one container, attempt 0, without infra', () => {
    expect(summary(planPod(uid(single()), []))).toEqual(['web: create 0 (new)'])
  })

  it('keeps a running container whose spec is unchanged', () => {
    const pod = uid(single())
    expect(summary(planPod(pod, [seen(pod, 'web', { networkMode: 'coxswain-pods' })]))).toEqual(['web: keep'])
  })

  it('recreates an exited container (docker kill cancelled Docker’s restart) with attempt = restartCount + 1', () => {
    const pod = uid(single())
    const killed = seen(pod, 'web', { state: 'exited', exitCode: 137, attempt: 2, restartCount: 3, networkMode: 'coxswain-pods' })
    expect(summary(planPod(pod, [killed]))).toEqual(['web: create 6 (exited)'])
  })

  it('never lets restartCount go below the status’ count', () => {
    const pod = uid(single())
    pod.status = { containerStatuses: [{ name: 'web', ready: false, restartCount: 9, image: 'busybox', imageID: '' }] }
    expect(summary(planPod(pod, [seen(pod, 'web', { state: 'exited', exitCode: 1 })]))).toEqual(['web: create 10 (exited)'])
  })

  it('carries the count on when every container of a pod that ran is gone', () => {
    const pod = uid(single())
    pod.status = { containerStatuses: [{ name: 'web', ready: false, restartCount: 4, image: 'busybox', imageID: '', containerID: 'docker://gone' }] }
    expect(summary(planPod(pod, []))).toEqual(['web: create 5 (new)'])
  })

  it('leaves a crash-looping container to Docker while it restarts it', () => {
    const pod = uid(single())
    expect(summary(planPod(pod, [seen(pod, 'web', { state: 'restarting', exitCode: 1 })]))).toEqual(['web: wait'])
  })

  it.each([
    ['Always', 0, 'web: create 1 (exited)'],
    ['OnFailure', 1, 'web: create 1 (exited)'],
    ['OnFailure', 0, 'web: done'],
    ['Never', 1, 'web: done'],
  ] as const)('follows restartPolicy %s for an exit with code %i', (policy, code, expected) => {
    const pod = uid(single(policy))
    expect(summary(planPod(pod, [seen(pod, 'web', { state: 'exited', exitCode: code })]))).toEqual([expected])
  })

  it('recreates a container whose start failed, as an exited one', () => {
    const pod = uid(single())
    const failed = seen(pod, 'web', { state: 'created', exitCode: 127, error: 'exec: "nope": executable file not found', startedNs: 0n })
    expect(summary(planPod(pod, [failed]))).toEqual(['web: create 1 (start-failed)'])
  })

  it('starts a container that was created but never started (the agent stopped in between)', () => {
    const pod = uid(single())
    expect(summary(planPod(pod, [seen(pod, 'web', { state: 'created', startedNs: 0n })]))).toEqual(['web: start'])
  })

  it('stops and recreates a running container whose spec changed, without back-off', () => {
    const pod = uid(single())
    const old = seen(pod, 'web', { specHash: 'something-else' })
    const plan = planPod(pod, [old])
    expect(summary(plan)).toEqual(['kill web#0 (spec-changed)', 'web: create 1 (spec-changed)'])
  })

  it('stops a container the prober found unhealthy and recreates it unless restartPolicy is Never', () => {
    const pod = uid(single())
    const sick = seen(pod, 'web')
    expect(summary(planPod(pod, [sick], new Set([sick.id])))).toEqual(['kill web#0 (unhealthy)', 'web: create 1 (unhealthy)'])
    const never = uid(single('Never'))
    const sick2 = seen(never, 'web')
    expect(summary(planPod(never, [sick2], new Set([sick2.id])))).toEqual(['kill web#0 (unhealthy)', 'web: done'])
  })

  it('removes running older attempts (duplicates) and all but the newest exited one', () => {
    const pod = uid(single())
    const plan = planPod(pod, [
      seen(pod, 'web', { attempt: 0, state: 'exited' }),
      seen(pod, 'web', { attempt: 1, state: 'exited' }),
      seen(pod, 'web', { attempt: 2, state: 'running' }),
      seen(pod, 'web', { attempt: 3, state: 'running' }),
    ])
    expect(summary(plan)).toEqual(['remove web#2', 'remove web#0', 'web: keep'])
  })

  it('keeps an older attempt Docker runs again over a newer one that never ran, and numbers past both', () => {
    const pod = uid(single())
    const older = seen(pod, 'web', { attempt: 1, state: 'running' })
    const failed = seen(pod, 'web', { attempt: 2, state: 'created', exitCode: 128, error: 'transport is closing', startedNs: 0n })
    expect(summary(planPod(pod, [older, failed]))).toEqual(['remove web#2', 'web: keep'])
    const sick = seen(pod, 'web', { attempt: 1, state: 'running' })
    const exitedNewer = seen(pod, 'web', { attempt: 2, state: 'exited', exitCode: 0 })
    expect(summary(planPod(pod, [sick, exitedNewer], new Set([sick.id])))).toEqual(['kill web#1 (unhealthy)', 'web: create 3 (unhealthy)'])
  })

  it('removes containers the spec does not name', () => {
    const pod = uid(single())
    expect(summary(planPod(pod, [seen(pod, 'web'), seen(pod, 'stray', { role: 'app' }), seen(pod, 'POD')]))).toEqual(['remove stray#0', 'remove POD#0', 'web: keep'])
  })

  describe('pods with an infra container', () => {
    it('creates infra, then the app containers', () => {
      expect(summary(planPod(uid(multi()), []))).toEqual(['sandbox: create 0 (new)', 'web: create 0 (new)', 'sidecar: create 0 (new)'])
    })

    it('keeps a running infra with its joiners', () => {
      const pod = uid(multi())
      const infra = seen(pod, 'POD', { id: 'infra-id' })
      expect(summary(planPod(pod, [infra, seen(pod, 'web'), seen(pod, 'sidecar')]))).toEqual(['sandbox: keep', 'web: keep', 'sidecar: keep'])
    })

    it('recreates everything when infra died: infra attempt + 1, running joiners stopped first', () => {
      const pod = uid(multi())
      const infra = seen(pod, 'POD', { id: 'infra-id', state: 'exited', exitCode: 137 })
      expect(summary(planPod(pod, [infra, seen(pod, 'web'), seen(pod, 'sidecar', { state: 'exited', exitCode: 0 })]))).toEqual([
        'kill web#0 (sandbox-changed)',
        'sandbox: create 1 (sandbox-changed)',
        'web: create 1 (sandbox-changed)',
        'sidecar: create 1 (sandbox-changed)',
      ])
    })

    it('recreates infra and every joiner when infra restarted in place under a running joiner', () => {
      const pod = uid(multi())
      const web = seen(pod, 'web')
      const sidecar = seen(pod, 'sidecar')
      const infra = seen(pod, 'POD', { id: 'infra-id' }) // started after both
      expect(summary(planPod(pod, [infra, web, sidecar]))).toEqual([
        'kill POD#0 (sandbox-changed)',
        'kill web#0 (sandbox-changed)',
        'kill sidecar#0 (sandbox-changed)',
        'sandbox: create 1 (sandbox-changed)',
        'web: create 1 (sandbox-changed)',
        'sidecar: create 1 (sandbox-changed)',
      ])
    })

    it('waits while Docker restarts the infra container', () => {
      const pod = uid(multi())
      expect(summary(planPod(pod, [seen(pod, 'POD', { id: 'infra-id', state: 'restarting' }), seen(pod, 'web')]))).toEqual(['sandbox: wait'])
    })

    it('recreates a joiner that ran in another sandbox than the current one', () => {
      const pod = uid(multi())
      const infra = seen(pod, 'POD', { id: 'infra-id', attempt: 1, startedNs: 1n })
      const web = seen(pod, 'web', { networkMode: 'container:old-infra' })
      expect(summary(planPod(pod, [infra, web, seen(pod, 'sidecar')]))).toEqual(['kill web#0 (sandbox-changed)', 'sandbox: keep', 'web: create 1 (sandbox-changed)', 'sidecar: keep'])
    })
  })

  describe('init containers', () => {
    it('runs them one at a time, in order, before any app container', () => {
      const pod = uid(withInit())
      const infra = seen(pod, 'POD', { id: 'infra-id', startedNs: 1n })
      expect(summary(planPod(pod, [infra]))).toEqual(['sandbox: keep', 'init init-a: create 0 (new)'])
      const a = seen(pod, 'init-a')
      expect(summary(planPod(pod, [infra, a]))).toEqual(['sandbox: keep', 'init init-a: wait'])
      const aDone = { ...a, state: 'exited' as const, exitCode: 0 }
      expect(summary(planPod(pod, [infra, aDone]))).toEqual(['sandbox: keep', 'init init-b: create 0 (new)'])
      const bDone = seen(pod, 'init-b', { state: 'exited', exitCode: 0 })
      expect(summary(planPod(pod, [infra, aDone, bDone]))).toEqual(['sandbox: keep', 'web: create 0 (new)'])
    })

    it('retries a failed init container, or fails the pod under restartPolicy Never', () => {
      const pod = uid(withInit())
      const infra = seen(pod, 'POD', { id: 'infra-id', startedNs: 1n })
      const failed = seen(pod, 'init-a', { state: 'exited', exitCode: 2 })
      expect(summary(planPod(pod, [infra, failed]))).toEqual(['sandbox: keep', 'init init-a: create 1 (exited)'])
      const never = uid(withInit('Never'))
      expect(summary(planPod(never, [infra, { ...failed }]))).toEqual(['sandbox: keep', 'init failed'])
    })

    it('does not run them again while an app container runs', () => {
      const pod = uid(withInit())
      const infra = seen(pod, 'POD', { id: 'infra-id', startedNs: 1n })
      expect(summary(planPod(pod, [infra, seen(pod, 'web')]))).toEqual(['sandbox: keep', 'web: keep'])
    })
  })
})
