import { describe, expect, it } from 'vitest'
import { dockerTime, parseDockerInspect, type DockerContainerInspect } from './docker-inspect.ts'

const UID = '0b7f3a56-1c2d-4e5f-8a9b-0123456789ab'
const ID = '55fffe4a5131714321ba7132cc9d7a8ffeec010eade8b921b675c4fdcb9c7582'

/** Shaped like dockerd 20.10's answer for a pod's only container (trimmed to what is read, plus noise). */
function inspect(patch: { State?: Partial<DockerContainerInspect['State']> } & Partial<Omit<DockerContainerInspect, 'State'>> = {}): DockerContainerInspect {
  const base: DockerContainerInspect = {
    Id: ID,
    Name: `/k8s_web_web-0_shop_${UID}_2`,
    Created: '2026-11-25T00:02:46.562709996Z',
    RestartCount: 1,
    Image: 'sha256:b28bd0912694209502efe25d2fe8addae9385842fbd1311e9acaa6766fc1365d',
    State: {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      ExitCode: 0,
      Error: '',
      StartedAt: '2026-11-25T00:02:52.315296073Z',
      FinishedAt: '2026-11-25T00:02:52.046412088Z',
    },
    Config: {
      Image: 'coxswain-test/busybox:latest',
      Labels: {
        'io.coxswain.managed': 'true',
        'io.kubernetes.pod.uid': UID,
        'io.kubernetes.pod.name': 'web-0',
        'io.kubernetes.pod.namespace': 'shop',
        'io.kubernetes.container.name': 'web',
        'io.coxswain.role': 'app',
        'io.coxswain.container.hash': '0123456789abcdef',
        'io.coxswain.container.attempt': '2',
        'io.coxswain.pod.ip': '10.244.1.5',
      },
    },
    HostConfig: { NetworkMode: 'coxswain-pods' },
    NetworkSettings: { Networks: { 'coxswain-pods': { IPAMConfig: { IPv4Address: '10.244.1.5' }, IPAddress: '10.244.1.5' } } },
  }
  return { ...base, ...patch, State: { ...base.State, ...patch.State } }
}

describe('parseDockerInspect', () => {
  it('reads a running container exactly', () => {
    expect(parseDockerInspect(inspect())).toEqual({
      id: ID,
      dockerName: `k8s_web_web-0_shop_${UID}_2`,
      podUID: UID,
      name: 'web',
      role: 'app',
      attempt: 2,
      specHash: '0123456789abcdef',
      state: 'running',
      exitCode: 0,
      oomKilled: false,
      createdAt: '2026-11-25T00:02:46Z',
      startedAt: '2026-11-25T00:02:52Z',
      finishedAt: '2026-11-25T00:02:52Z',
      restartCount: 1,
      image: 'coxswain-test/busybox:latest',
      imageId: 'sha256:b28bd0912694209502efe25d2fe8addae9385842fbd1311e9acaa6766fc1365d',
      networkMode: 'coxswain-pods',
      ip: '10.244.1.5',
    })
  })

  it('reads an OOM-killed exit, the start error and the image digests', () => {
    const out = parseDockerInspect(
      inspect({ State: { Status: 'exited', Running: false, OOMKilled: true, ExitCode: 137, Error: 'boom' }, NetworkSettings: { Networks: { 'coxswain-pods': { IPAMConfig: { IPv4Address: '10.244.1.5' }, IPAddress: '' } } } }),
      { RepoDigests: ['nginx@sha256:abc'] },
    )
    expect(out).toMatchObject({ state: 'exited', oomKilled: true, exitCode: 137, error: 'boom', repoDigests: ['nginx@sha256:abc'], ip: '10.244.1.5' })
  })

  it('has no times for never and no IP for a container joining another', () => {
    const out = parseDockerInspect(
      inspect({
        State: { Status: 'created', Running: false, StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z' },
        HostConfig: { NetworkMode: `container:${'f'.repeat(64)}` },
        NetworkSettings: { Networks: {} },
        Config: { Image: 'busybox', Labels: { 'io.kubernetes.pod.uid': UID, 'io.kubernetes.container.name': 'side', 'io.coxswain.role': 'app', 'io.coxswain.container.attempt': '0' } },
      }),
    )
    expect(out).toMatchObject({ name: 'side', state: 'created', networkMode: `container:${'f'.repeat(64)}` })
    expect(out && ['startedAt', 'finishedAt', 'ip', 'specHash', 'error', 'repoDigests'].filter((k) => k in out)).toEqual([])
  })

  it('falls back to the name when labels are missing', () => {
    const out = parseDockerInspect(inspect({ Name: `/k8s_POD_web-0_shop_${UID}_4`, Config: { Image: 'pause', Labels: null } }))
    expect(out).toMatchObject({ podUID: UID, name: 'POD', role: 'infra', attempt: 4 })
  })

  it('ignores containers that are not part of a pod', () => {
    expect(parseDockerInspect(inspect({ Name: '/registry', Config: { Image: 'registry:2', Labels: {} } }))).toBeNull()
  })

  it.each(['restarting', 'paused', 'exited', 'dead', 'removing'] as const)('keeps the state %s', (status) => {
    expect(parseDockerInspect(inspect({ State: { Status: status } }))?.state).toBe(status)
  })
})

describe('Docker times', () => {
  it.each([
    ['2026-11-25T00:02:52.315296073Z', '2026-11-25T00:02:52Z'],
    ['2026-11-25T00:02:52Z', '2026-11-25T00:02:52Z'],
    ['2026-11-25T01:02:52.9+01:00', '2026-11-25T00:02:52Z'],
    ['0001-01-01T00:00:00Z', undefined],
    ['', undefined],
    ['yesterday', undefined],
  ])('%s → %s', (input, output) => {
    expect(dockerTime(input)).toBe(output)
  })
})
