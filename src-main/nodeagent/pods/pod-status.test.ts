import { describe, expect, it } from 'vitest'
import { container, deepFreeze, makePod } from '../../api/testing/builders.ts'
import type { Container, ContainerStatus, Pod, PodCondition, PodSpec, PodStatus } from '../../api/types/pod.ts'
import type { ObservedContainer } from './docker-inspect.ts'
import { computePodStatus, podPhase, type ObservedPod } from './pod-status.ts'

const UID = '0b7f3a56-1c2d-4e5f-8a9b-0123456789ab'
const NOW = new Date('2026-11-25T10:00:00.750Z')
const NOW_T = '2026-11-25T10:00:00Z'
const EARLIER = '2026-11-25T09:00:00Z'
const HOST = '192.168.213.11'
const POD_IP = '10.244.1.5'

function podOf(containers: Container[], spec: Partial<PodSpec> = {}, status?: PodStatus): Pod {
  const b = makePod('web-0', 'shop')
  for (const c of containers) b.withContainer(c)
  const p = b.withSpec({ restartPolicy: 'Always', ...spec }).obj()
  p.metadata.uid = UID
  if (status) p.status = status
  return deepFreeze(p)
}

let nextId = 0
function obs(patch: Partial<ObservedContainer> = {}): ObservedContainer {
  const id = patch.id ?? `c${++nextId}`
  return {
    id,
    dockerName: `k8s_${patch.name ?? 'web'}_web-0_shop_${UID}_${patch.attempt ?? 0}`,
    podUID: UID,
    name: 'web',
    role: 'app',
    attempt: 0,
    state: 'running',
    exitCode: 0,
    oomKilled: false,
    createdAt: '2026-11-25T09:59:00Z',
    startedAt: '2026-11-25T09:59:01Z',
    restartCount: 0,
    image: 'nginx:1.25',
    imageId: 'sha256:feed',
    networkMode: 'coxswain-pods',
    ip: POD_IP,
    ...patch,
  }
}

const observed = (containers: ObservedContainer[], extra: Partial<ObservedPod> = {}): ObservedPod => ({ containers, podIP: POD_IP, hostIP: HOST, ...extra })
const cond = (type: string, status: 'True' | 'False', reason?: string, message?: string, time = NOW_T): PodCondition => {
  const c: PodCondition = { type, status, lastTransitionTime: time }
  if (reason) c.reason = reason
  if (message) c.message = message
  return c
}
const statusOf = (s: PodStatus, name = 'web'): ContainerStatus | undefined => s.containerStatuses?.find((c) => c.name === name)
const conditionsOf = (s: PodStatus): Record<string, string> => Object.fromEntries((s.conditions ?? []).map((c) => [c.type, c.status + (c.reason ? `/${c.reason}` : '')]))

describe('a running single-container pod', () => {
  it('is Running and Ready, exactly', () => {
    const c = obs({ id: 'abc' })
    expect(computePodStatus(podOf([container()]), observed([c]), NOW)).toEqual({
      phase: 'Running',
      conditions: [
        cond('PodReadyToStartContainers', 'True'),
        cond('Initialized', 'True'),
        cond('Ready', 'True'),
        cond('ContainersReady', 'True'),
        cond('PodScheduled', 'True'),
      ],
      hostIP: HOST,
      hostIPs: [{ ip: HOST }],
      podIP: POD_IP,
      podIPs: [{ ip: POD_IP }],
      startTime: NOW_T,
      containerStatuses: [
        {
          name: 'web',
          state: { running: { startedAt: '2026-11-25T09:59:01Z' } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: 'nginx:1.25',
          imageID: 'docker://sha256:feed',
          containerID: 'docker://abc',
          started: true,
        },
      ],
    })
  })

  it('keeps lastTransitionTime, startTime, the QoS class and conditions it does not own', () => {
    const previous: PodStatus = {
      phase: 'Running',
      startTime: EARLIER,
      qosClass: 'BestEffort',
      conditions: [
        cond('PodScheduled', 'True', undefined, undefined, EARLIER),
        cond('example.com/gate', 'True', undefined, undefined, EARLIER),
        cond('Ready', 'False', 'ContainersNotReady', 'containers with unready status: [web]', EARLIER),
        cond('Initialized', 'True', undefined, undefined, EARLIER),
      ],
    }
    const s = computePodStatus(podOf([container()], {}, previous), observed([obs()]), NOW)
    expect([s.startTime, s.qosClass]).toEqual([EARLIER, 'BestEffort'])
    expect(s.conditions).toEqual([
      cond('PodReadyToStartContainers', 'True'),
      cond('Initialized', 'True', undefined, undefined, EARLIER),
      cond('Ready', 'True'),
      cond('ContainersReady', 'True'),
      cond('PodScheduled', 'True', undefined, undefined, EARLIER),
      cond('example.com/gate', 'True', undefined, undefined, EARLIER),
    ])
  })

  it('reports a registry image by digest', () => {
    const s = computePodStatus(podOf([container()]), observed([obs({ repoDigests: ['nginx@sha256:0123'] })]), NOW)
    expect(statusOf(s)?.imageID).toBe('docker-pullable://nginx@sha256:0123')
  })

  it("ignores other pods' containers", () => {
    const s = computePodStatus(podOf([container()]), observed([obs({ podUID: 'other' })]), NOW)
    expect(statusOf(s)?.state).toEqual({ waiting: { reason: 'ContainerCreating' } })
  })

  it('takes the pod IP from the network owner when not told, and the host IP on the host network', () => {
    expect(computePodStatus(podOf([container()]), { containers: [obs({ ip: '10.244.1.9' })] }, NOW).podIP).toBe('10.244.1.9')
    const host = computePodStatus(podOf([container()], { hostNetwork: true }), observed([obs({ ip: undefined, networkMode: 'host' })]), NOW)
    expect([host.podIP, host.podIPs]).toEqual([HOST, [{ ip: HOST }]])
  })
})

describe('a pod starting', () => {
  it('is Pending with ContainerCreating before Docker has a container', () => {
    const s = computePodStatus(podOf([container()]), observed([]), NOW)
    expect(s.phase).toBe('Pending')
    expect(statusOf(s)).toEqual({
      name: 'web',
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
      ready: false,
      restartCount: 0,
      image: 'nginx:1.25',
      imageID: '',
      started: false,
    })
    expect(s.conditions).toEqual([
      cond('PodReadyToStartContainers', 'False'),
      cond('Initialized', 'True'),
      cond('Ready', 'False', 'ContainersNotReady', 'containers with unready status: [web]'),
      cond('ContainersReady', 'False', 'ContainersNotReady', 'containers with unready status: [web]'),
      cond('PodScheduled', 'True'),
    ])
  })

  it.each([
    ['ErrImagePull', 'failed to pull image "nginx:1.99": manifest unknown'],
    ['ImagePullBackOff', 'Back-off pulling image "nginx:1.99"'],
    ['CreateContainerConfigError', 'secret "db" not found'],
  ])('shows the agent’s %s while nothing runs', (reason, message) => {
    const s = computePodStatus(podOf([container('web', 'nginx:1.99')]), observed([], { waiting: { web: { reason, message } } }), NOW)
    expect([s.phase, statusOf(s)?.state, statusOf(s)?.image]).toEqual(['Pending', { waiting: { reason, message } }, 'nginx:1.99'])
  })

  it('shows a created container as ContainerCreating', () => {
    const s = computePodStatus(podOf([container()]), observed([obs({ state: 'created', startedAt: undefined })]), NOW)
    expect([s.phase, statusOf(s)?.state, statusOf(s)?.containerID]).toEqual(['Pending', { waiting: { reason: 'ContainerCreating' } }, 'docker://c' + nextId])
  })

  it('shows a start that failed as ContainerCannotRun, as dockershim did', () => {
    const c = obs({ id: 'x1', state: 'created', exitCode: 127, error: 'exec: "nope": executable file not found in $PATH', startedAt: undefined })
    const s = computePodStatus(podOf([container()], { restartPolicy: 'Never' }), observed([c]), NOW)
    expect([s.phase, statusOf(s)?.state]).toEqual([
      'Failed',
      {
        terminated: {
          exitCode: 127,
          reason: 'ContainerCannotRun',
          message: 'exec: "nope": executable file not found in $PATH',
          startedAt: '2026-11-25T09:59:00Z',
          finishedAt: '2026-11-25T09:59:00Z',
          containerID: 'docker://x1',
        },
      },
    ])
  })
})

describe('containers that exit', () => {
  const exited = (exitCode: number, patch: Partial<ObservedContainer> = {}) =>
    obs({ id: 'e1', state: 'exited', exitCode, finishedAt: '2026-11-25T09:59:30Z', ...patch })
  const terminated = (exitCode: number, reason: string) => ({
    terminated: { exitCode, reason, startedAt: '2026-11-25T09:59:01Z', finishedAt: '2026-11-25T09:59:30Z', containerID: 'docker://e1' },
  })

  it.each([
    ['Never, exit 0', 'Never', exited(0), 'Succeeded', terminated(0, 'Completed')],
    ['Never, exit 1', 'Never', exited(1), 'Failed', terminated(1, 'Error')],
    ['Never, OOM-killed', 'Never', exited(137, { oomKilled: true }), 'Failed', terminated(137, 'OOMKilled')],
    ['OnFailure, exit 0: done', 'OnFailure', exited(0), 'Succeeded', terminated(0, 'Completed')],
    ['Always, exit 0 and not restarted (docker kill): still Running, the agent must act', 'Always', exited(0), 'Running', terminated(0, 'Completed')],
    ['Always, killed by hand (137) and not restarted', 'Always', exited(137), 'Running', terminated(137, 'Error')],
  ] as const)('%s', (_name, restartPolicy, c, phase, state) => {
    const s = computePodStatus(podOf([container()], { restartPolicy }), observed([c]), NOW)
    expect([s.phase, statusOf(s)?.state, statusOf(s)?.ready, statusOf(s)?.started]).toEqual([phase, state, false, false])
  })

  it('marks a completed pod not ready with the PodCompleted reason, and keeps it Succeeded', () => {
    const pod = podOf([container()], { restartPolicy: 'Never' })
    const s = computePodStatus(pod, observed([exited(0)]), NOW)
    expect(conditionsOf(s)).toEqual({
      PodReadyToStartContainers: 'False',
      Initialized: 'True',
      Ready: 'False/PodCompleted',
      ContainersReady: 'False/PodCompleted',
      PodScheduled: 'True',
    })
    const later = computePodStatus(podOf([container()], { restartPolicy: 'Never' }, s), observed([]), NOW)
    expect(later.phase).toBe('Succeeded')
  })

  it('marks a failed pod with the PodFailed reason', () => {
    const s = computePodStatus(podOf([container()], { restartPolicy: 'Never' }), observed([exited(2)]), NOW)
    expect(conditionsOf(s)).toMatchObject({ Ready: 'False/PodFailed', ContainersReady: 'False/PodFailed' })
  })

  it('makes a deleted pod terminal once nothing runs', () => {
    const p = makePod('web-0', 'shop').withContainer(container()).deleting().obj()
    p.metadata.uid = UID
    expect(computePodStatus(p, observed([exited(0)]), NOW).phase).toBe('Succeeded')
    expect(computePodStatus(p, observed([exited(143)]), NOW).phase).toBe('Failed')
  })
})

describe('restarts by Docker', () => {
  it('shows a crash loop as CrashLoopBackOff with the last exit, in a Running pod', () => {
    const c = obs({ id: 'r1', state: 'restarting', exitCode: 3, restartCount: 5, finishedAt: '2026-11-25T09:59:40Z' })
    const s = computePodStatus(podOf([container()]), observed([c]), NOW)
    expect(s.phase).toBe('Running')
    expect(statusOf(s)).toEqual({
      name: 'web',
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container=web pod=web-0_shop(${UID})` } },
      lastState: { terminated: { exitCode: 3, reason: 'Error', startedAt: '2026-11-25T09:59:01Z', finishedAt: '2026-11-25T09:59:40Z', containerID: 'docker://r1' } },
      ready: false,
      restartCount: 5,
      image: 'nginx:1.25',
      imageID: 'docker://sha256:feed',
      containerID: 'docker://r1',
      started: false,
    })
    expect(conditionsOf(s)).toMatchObject({ PodReadyToStartContainers: 'True', Ready: 'False/ContainersNotReady' })
  })

  it('restarts OnFailure containers that failed: Running, restarting', () => {
    const c = obs({ state: 'restarting', exitCode: 1, restartCount: 1, finishedAt: '2026-11-25T09:59:40Z' })
    const s = computePodStatus(podOf([container()], { restartPolicy: 'OnFailure' }), observed([c]), NOW)
    expect([s.phase, statusOf(s)?.state?.waiting?.reason, statusOf(s)?.lastState?.terminated?.exitCode, statusOf(s)?.restartCount]).toEqual([
      'Running',
      'CrashLoopBackOff',
      1,
      1,
    ])
  })

  it('shows an OOM kill as the reason of the last state', () => {
    const c = obs({ state: 'restarting', exitCode: 137, oomKilled: true, restartCount: 1, finishedAt: '2026-11-25T09:59:40Z' })
    expect(statusOf(computePodStatus(podOf([container()]), observed([c]), NOW))?.lastState?.terminated?.reason).toBe('OOMKilled')
  })

  it('carries the exit it saw into lastState once the container runs again', () => {
    const looping = obs({ id: 'r2', state: 'restarting', exitCode: 3, restartCount: 1, finishedAt: '2026-11-25T09:59:40Z' })
    const first = computePodStatus(podOf([container()]), observed([looping]), NOW)
    const running = obs({ id: 'r2', state: 'running', exitCode: 0, restartCount: 1, startedAt: '2026-11-25T09:59:41Z', finishedAt: '2026-11-25T09:59:40Z' })
    const s = computePodStatus(podOf([container()], {}, first), observed([running]), NOW)
    expect(statusOf(s)).toMatchObject({
      state: { running: { startedAt: '2026-11-25T09:59:41Z' } },
      lastState: { terminated: { exitCode: 3, reason: 'Error', startedAt: '2026-11-25T09:59:01Z', finishedAt: '2026-11-25T09:59:40Z', containerID: 'docker://r2' } },
      restartCount: 1,
      ready: true,
    })
  })

  it('says so when Docker restarted a container before its exit was seen', () => {
    const running = obs({ id: 'r3', restartCount: 1, startedAt: '2026-11-25T09:59:41Z', finishedAt: '2026-11-25T09:59:40Z' })
    expect(statusOf(computePodStatus(podOf([container()]), observed([running]), NOW))?.lastState).toEqual({
      terminated: {
        exitCode: 137,
        reason: 'ContainerStatusUnknown',
        message: 'The container was restarted by Docker before its exit status was observed',
        finishedAt: '2026-11-25T09:59:40Z',
        containerID: 'docker://r3',
      },
    })
  })

  it('keeps the exit before the last for a container that restarted and then finished', () => {
    const previous: PodStatus = {
      containerStatuses: [
        {
          name: 'web',
          state: { running: {} },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-11-25T09:59:20Z', containerID: 'docker://f1' } },
          ready: true,
          restartCount: 1,
          image: 'nginx:1.25',
          imageID: 'docker://sha256:feed',
          containerID: 'docker://f1',
        },
      ],
    }
    const done = obs({ id: 'f1', state: 'exited', exitCode: 0, restartCount: 1, finishedAt: '2026-11-25T09:59:50Z' })
    const s = computePodStatus(podOf([container()], { restartPolicy: 'OnFailure' }, previous), observed([done]), NOW)
    expect([s.phase, statusOf(s)?.state?.terminated?.reason, statusOf(s)?.lastState?.terminated?.finishedAt]).toEqual(['Succeeded', 'Completed', '2026-11-25T09:59:20Z'])
  })
})

describe('containers the agent recreated', () => {
  it('counts restarts as the attempt the container started from plus Docker’s restarts', () => {
    const s = computePodStatus(podOf([container()]), observed([obs({ attempt: 4, restartCount: 2 })]), NOW)
    expect(statusOf(s)?.restartCount).toBe(6)
  })

  it('never counts down (Docker resets its count when a container is started by hand)', () => {
    const previous: PodStatus = { containerStatuses: [{ name: 'web', ready: true, restartCount: 7, image: 'nginx', imageID: '' }] }
    expect(statusOf(computePodStatus(podOf([container()], {}, previous), observed([obs({ attempt: 4 })]), NOW))?.restartCount).toBe(7)
  })

  it('reports the newest attempt, with the replaced container’s exit as lastState', () => {
    const old = obs({ id: 'old', attempt: 1, state: 'exited', exitCode: 137, finishedAt: '2026-11-25T09:59:50Z', image: 'nginx:1.25' })
    const current = obs({ id: 'new', attempt: 2, createdAt: '2026-11-25T09:59:51Z', startedAt: '2026-11-25T09:59:52Z', image: 'nginx:1.26' })
    const s = computePodStatus(podOf([container('web', 'nginx:1.26')]), observed([old, current]), NOW)
    expect(statusOf(s)).toMatchObject({
      containerID: 'docker://new',
      image: 'nginx:1.26',
      restartCount: 2,
      state: { running: { startedAt: '2026-11-25T09:59:52Z' } },
      lastState: { terminated: { exitCode: 137, reason: 'Error', containerID: 'docker://old', finishedAt: '2026-11-25T09:59:50Z' } },
    })
  })

  it('keeps the old exit as lastState while a replacement image is pulled', () => {
    const old = obs({ id: 'old', state: 'exited', exitCode: 0, finishedAt: '2026-11-25T09:59:50Z' })
    const s = computePodStatus(podOf([container('web', 'nginx:1.26')]), observed([old], { waiting: { web: { reason: 'ErrImagePull', message: 'not found' } } }), NOW)
    expect(statusOf(s)).toMatchObject({
      state: { waiting: { reason: 'ErrImagePull', message: 'not found' } },
      lastState: { terminated: { exitCode: 0, reason: 'Completed', containerID: 'docker://old' } },
    })
  })

  it('keeps the last known exit when no container is left', () => {
    const previous: PodStatus = {
      containerStatuses: [
        {
          name: 'web',
          state: { terminated: { exitCode: 2, reason: 'Error', containerID: 'docker://gone' } },
          ready: false,
          restartCount: 3,
          image: 'nginx:1.25',
          imageID: 'docker://sha256:feed',
          containerID: 'docker://gone',
        },
      ],
    }
    const s = computePodStatus(podOf([container()], {}, previous), observed([]), NOW)
    expect(statusOf(s)).toMatchObject({ state: { waiting: { reason: 'ContainerCreating' } }, lastState: { terminated: { exitCode: 2, containerID: 'docker://gone' } }, restartCount: 3 })
  })
})

describe('probes and readiness gates', () => {
  const probe = { exec: { command: ['true'] } }
  it.each([
    ['no probes: ready when running', {}, undefined, true, true],
    ['readiness not yet passed', { readinessProbe: probe }, undefined, true, false],
    ['readiness passed', { readinessProbe: probe }, { ready: true }, true, true],
    ['readiness failing', { readinessProbe: probe }, { ready: false }, true, false],
    ['startup not yet passed', { startupProbe: probe, readinessProbe: probe }, { ready: true }, false, false],
    ['startup passed', { startupProbe: probe }, { started: true }, true, true],
  ] as const)('%s', (_name, fields, probes, started, ready) => {
    const s = computePodStatus(podOf([container('web', 'nginx', fields)]), observed([obs()], probes ? { probes: { web: probes } } : {}), NOW)
    expect([statusOf(s)?.started, statusOf(s)?.ready, conditionsOf(s).Ready]).toEqual([started, ready, ready ? 'True' : 'False/ContainersNotReady'])
  })

  it('holds Ready back until every readiness gate is True', () => {
    const spec = { readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] }
    const missing = computePodStatus(podOf([container()], spec, { conditions: [cond('example.com/dns', 'False')] }), observed([obs()]), NOW)
    expect(missing.conditions?.find((c) => c.type === 'Ready')).toEqual(
      cond(
        'Ready',
        'False',
        'ReadinessGatesNotReady',
        'corresponding condition of pod readiness gate "example.com/lb" does not exist., the status of pod readiness gate "example.com/dns" is not "True", but False',
      ),
    )
    expect(conditionsOf(missing).ContainersReady).toBe('True')
    const gated = computePodStatus(podOf([container()], spec, { conditions: [cond('example.com/dns', 'True'), cond('example.com/lb', 'True')] }), observed([obs()]), NOW)
    expect(conditionsOf(gated)).toMatchObject({ Ready: 'True', 'example.com/dns': 'True', 'example.com/lb': 'True' })
  })
})

describe('pods with an infra container', () => {
  const infra = (patch: Partial<ObservedContainer> = {}) => obs({ id: 'infra', name: 'POD', role: 'infra', image: 'registry.k8s.io/pause:3.10', ip: '10.244.1.7', ...patch })
  const join = { networkMode: 'container:infra', ip: undefined }

  it('lists containers by name, takes the IP and sandbox readiness from the infra container', () => {
    const pod = podOf([container('web'), container('api')])
    const s = computePodStatus(pod, { containers: [infra(), obs({ name: 'web', ...join }), obs({ name: 'api', ...join })], hostIP: HOST }, NOW)
    expect([s.phase, s.podIP, s.containerStatuses?.map((c) => c.name), conditionsOf(s).PodReadyToStartContainers]).toEqual(['Running', '10.244.1.7', ['api', 'web'], 'True'])
    const down = computePodStatus(pod, { containers: [infra({ state: 'exited' }), obs({ name: 'web', ...join }), obs({ name: 'api', ...join })] }, NOW)
    expect(conditionsOf(down).PodReadyToStartContainers).toBe('False')
  })

  it('names the unready containers in order', () => {
    const pod = podOf([container('web'), container('api'), container('db')])
    const s = computePodStatus(pod, observed([infra(), obs({ name: 'web', ...join })]), NOW)
    expect(s.conditions?.find((c) => c.type === 'ContainersReady')?.message).toBe('containers with unready status: [api db]')
    expect(s.phase).toBe('Pending')
  })
})

describe('init containers', () => {
  const init = container('migrate', 'busybox', { command: ['true'] })
  const pod = (spec: Partial<PodSpec> = {}) => podOf([container()], { initContainers: [init], ...spec })
  const infra = obs({ id: 'infra', name: 'POD', role: 'infra' })
  const initObs = (patch: Partial<ObservedContainer>) => obs({ id: 'i1', name: 'migrate', role: 'init', image: 'busybox', ...patch })

  it('holds the pod in Pending while an init container runs', () => {
    const s = computePodStatus(pod(), observed([infra, initObs({})]), NOW)
    expect(s.phase).toBe('Pending')
    expect(s.initContainerStatuses?.[0]).toMatchObject({ name: 'migrate', state: { running: {} }, ready: false, started: true })
    expect(statusOf(s)?.state).toEqual({ waiting: { reason: 'PodInitializing' } })
    expect(s.conditions?.find((c) => c.type === 'Initialized')).toEqual(cond('Initialized', 'False', 'ContainersNotInitialized', 'containers with incomplete status: [migrate]'))
  })

  it('is initialized once init containers completed', () => {
    const s = computePodStatus(pod(), observed([infra, initObs({ state: 'exited', finishedAt: '2026-11-25T09:59:10Z' }), obs()]), NOW)
    expect([s.phase, conditionsOf(s).Initialized, s.initContainerStatuses?.[0]?.ready, s.initContainerStatuses?.[0]?.started]).toEqual(['Running', 'True', true, false])
  })

  it('fails a Never pod whose init container failed', () => {
    const s = computePodStatus(pod({ restartPolicy: 'Never' }), observed([infra, initObs({ state: 'exited', exitCode: 1 })]), NOW)
    expect(s.phase).toBe('Failed')
  })

  it('keeps retrying (Pending) when the policy allows', () => {
    const s = computePodStatus(pod(), observed([infra, initObs({ state: 'restarting', exitCode: 1, restartCount: 2 })]), NOW)
    expect([s.phase, s.initContainerStatuses?.[0]?.state?.waiting?.reason]).toEqual(['Pending', 'CrashLoopBackOff'])
  })
})

describe('podPhase', () => {
  const running: ContainerStatus = { name: 'a', state: { running: {} }, ready: true, restartCount: 0, image: '', imageID: '' }
  const waiting: ContainerStatus = { ...running, name: 'b', state: { waiting: { reason: 'ContainerCreating' } } }
  const done = (name: string, exitCode: number): ContainerStatus => ({ ...running, name, state: { terminated: { exitCode } } })
  const spec = (restartPolicy: PodSpec['restartPolicy'], ...names: string[]): PodSpec => ({ restartPolicy, containers: names.map((n) => container(n)) })

  it.each([
    ['one running, one waiting', spec('Always', 'a', 'b'), [running, waiting], 'Pending'],
    ['one running, one done', spec('Never', 'a', 'c'), [running, done('c', 0)], 'Running'],
    ['all done fine, Never', spec('Never', 'c', 'd'), [done('c', 0), done('d', 0)], 'Succeeded'],
    ['one failed, Never', spec('Never', 'c', 'd'), [done('c', 0), done('d', 1)], 'Failed'],
    ['one failed, OnFailure', spec('OnFailure', 'c', 'd'), [done('c', 0), done('d', 1)], 'Running'],
    ['all done, Always', spec('Always', 'c', 'd'), [done('c', 0), done('d', 0)], 'Running'],
    ['no status for a container', spec('Always', 'a', 'z'), [running], 'Pending'],
  ] as const)('%s → %s', (_name, s, statuses, phase) => {
    expect(podPhase(s, [], [...statuses], false)).toBe(phase)
  })
})
