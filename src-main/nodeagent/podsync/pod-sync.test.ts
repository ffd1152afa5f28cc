import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConfigMap, Event, Node, Secret } from '../../api/types/core.ts'
import type { Pod } from '../../api/types/pod.ts'
import { container, makePod } from '../../api/testing/builders.ts'
import { EventRecorder } from '../../apiserver/events.ts'
import { ApiError } from '../../apiserver/errors.ts'
import { admin, eventually, newTestServer, quietLog, ref, type TestServer } from '../../apiserver/testing.ts'
import { buildContainerCreate } from '../pods/container-spec.ts'
import { startPodSyncWith, type PodSyncHandle } from './pod-sync.ts'
import { FakeDialer, FakeRuntime, FakeShell, type FakeContainer } from './testing.ts'

const NODE = 'n1'
const CIDR = '10.244.1.0/24'

describe('pod sync (fake Docker, in-memory API server)', () => {
  let s: TestServer
  let runtime: FakeRuntime
  let shell: FakeShell
  let recorder: EventRecorder
  let sync: PodSyncHandle | null = null

  const node = (podCIDR?: string): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE }, ...(podCIDR ? { spec: { podCIDR, podCIDRs: [podCIDR] } } : {}) })
  const start = async (extra: { onSettled?: () => void } = {}): Promise<PodSyncHandle> => {
    sync = startPodSyncWith({
      ...extra,
      nodeName: NODE,
      api: s.api,
      ctx: admin,
      runtime,
      shell,
      dialer: new FakeDialer(),
      recorder,
      log: quietLog,
      clock: s.clock.now,
      probeSecondMs: 20,
      options: { infraImage: 'pause', resyncPeriodMs: 60_000, hostIP: '192.168.1.11' },
    })
    await sync.synced
    return sync
  }
  const create = async (pod: Pod): Promise<Pod> => {
    pod.spec = { ...pod.spec, containers: pod.spec?.containers ?? [], nodeName: NODE, terminationGracePeriodSeconds: pod.spec?.terminationGracePeriodSeconds ?? 7 }
    for (const c of [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])]) c.imagePullPolicy ??= 'IfNotPresent'
    return (await s.api.create(ref.pods('default'), pod, admin)).object as Pod
  }
  const get = async (name: string): Promise<Pod> => (await s.api.get(ref.pods('default', name), admin)) as Pod
  const gone = async (name: string): Promise<boolean> =>
    get(name).then(
      () => false,
      (err: unknown) => err instanceof ApiError && err.code === 404,
    )
  const events = async (reason?: string): Promise<string[]> => {
    await recorder.flush()
    const list = (await s.api.list(ref.events('default'), {}, admin)).items as Event[]
    return list.filter((e) => !reason || e.reason === reason).map((e) => `${e.reason}: ${e.message}`)
  }
  const until = (what: string, check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> => eventually(check, what, ms)
  const named = (pod: Pod, container: string, attempt = 0): FakeContainer | undefined =>
    runtime.byName(`k8s_${container}_${pod.metadata.name ?? ''}_default_${pod.metadata.uid ?? ''}_${attempt}`)
  const running = (pod: Pod, container: string, attempt = 0): boolean => named(pod, container, attempt)?.state === 'running'
  const ready = async (name: string): Promise<boolean> => (await get(name)).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'

  beforeEach(async () => {
    s = await newTestServer()
    runtime = new FakeRuntime()
    runtime.images.add('busybox')
    runtime.images.add('pause')
    shell = new FakeShell()
    recorder = new EventRecorder({ api: s.api, source: { component: 'kubelet', host: NODE }, now: s.clock.now, log: quietLog })
    await s.api.create(ref.nodes(), node(CIDR), admin)
  })
  afterEach(async () => {
    await sync?.stop()
    sync = null
  })

  it('runs a single-container pod as one container holding the pod IP, and reports it Running and Ready', async () => {
    await start()
    const pod = await create(makePod('web').withContainer(container('web', 'busybox')).obj())
    await until('the pod to be ready', () => ready('web'))
    const c = named(pod, 'web')
    expect(runtime.calls.filter((call) => !call.startsWith('network'))).toEqual([`create ${c?.name}`, `start ${c?.name}`])
    expect(runtime.networks.get('coxswain-pods')?.subnets).toEqual([CIDR])
    expect(c?.ip).toBe('10.244.1.2')
    expect((await get('web')).status).toMatchObject({
      phase: 'Running',
      podIP: '10.244.1.2',
      hostIP: '192.168.1.11',
      containerStatuses: [{ name: 'web', ready: true, restartCount: 0, containerID: `docker://${c?.id}`, state: { running: {} } }],
    })
    expect(await events()).toEqual(expect.arrayContaining(['Pulled: Container image "busybox" already present on machine', 'Created: Created container: web', 'Started: Started container web']))
  })

  it('starts a new pod with one create and one start, one inspect after and no sync caused by its own start', async () => {
    await start()
    runtime.reads.length = 0
    const pod = await create(makePod('web').withContainer(container('web', 'busybox')).obj())
    await until('the pod to be ready', () => ready('web'))
    const name = `k8s_web_web_default_${pod.metadata.uid ?? ''}_0`
    expect(runtime.calls.filter((c) => c.includes(pod.metadata.uid ?? ''))).toEqual([`create ${name}`, `start ${name}`])
    expect(runtime.reads).toEqual([`inspect ${name}`])
    // A restart the agent did not cause (Docker's restart policy, a hand) is still seen at once.
    const c = named(pod, 'web')
    if (!c) throw new Error('no container')
    runtime.kill(c.id)
    await until('the restart to be noticed', () => runtime.reads.some((r) => r.startsWith('list io.kubernetes.pod.uid=')))
  })

  it('starts the infra container, then init containers one at a time, then app containers in order', async () => {
    await start()
    const pod = await create(
      makePod('app').withInitContainer(container('init-a', 'busybox')).withInitContainer(container('init-b', 'busybox')).withContainer(container('web', 'busybox')).withContainer(container('sidecar', 'busybox')).obj(),
    )
    await until('init-a to run', () => running(pod, 'init-a'))
    expect(named(pod, 'init-b')).toBeUndefined()
    const infra = named(pod, 'POD')
    expect(infra?.state).toBe('running')
    expect(named(pod, 'init-a')?.networkMode).toBe(`container:${infra?.id}`)
    runtime.exit(named(pod, 'init-a')?.id ?? '', 0)
    await until('init-b to run', () => running(pod, 'init-b'))
    expect(named(pod, 'web')).toBeUndefined()
    runtime.exit(named(pod, 'init-b')?.id ?? '', 0)
    await until('the app containers to run', () => running(pod, 'web') && running(pod, 'sidecar'))
    const order = runtime.calls.filter((c) => c.startsWith('create')).map((c) => c.split('_')[1])
    expect(order).toEqual(['POD', 'init-a', 'init-b', 'web', 'sidecar'])
    await until('the pod to be ready', () => ready('app'))
  })

  it('brings a container killed by hand back at once, counting the restart', async () => {
    await start()
    const pod = await create(makePod('web').withContainer(container('web', 'busybox')).obj())
    await until('web to run', () => running(pod, 'web'))
    runtime.kill(named(pod, 'web')?.id ?? '')
    await until('attempt 1 to run', () => running(pod, 'web', 1))
    await until('the status to count the restart', async () => (await get('web')).status?.containerStatuses?.[0]?.restartCount === 1)
    const status = (await get('web')).status?.containerStatuses?.[0]
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'Error', containerID: `docker://${named(pod, 'web')?.id}` })
    expect(named(pod, 'web', 1)?.ip).toBe(named(pod, 'web')?.ip)
  })

  it('backs off a container that keeps dying and says CrashLoopBackOff meanwhile', async () => {
    await start()
    const pod = await create(makePod('web').withContainer(container('web', 'busybox')).obj())
    await until('web to run', () => running(pod, 'web'))
    runtime.kill(named(pod, 'web')?.id ?? '')
    await until('attempt 1 to run', () => running(pod, 'web', 1))
    runtime.kill(named(pod, 'web', 1)?.id ?? '')
    await until('the status to say CrashLoopBackOff', async () => (await get('web')).status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff')
    expect(named(pod, 'web', 2)).toBeUndefined()
    expect(await events('BackOff')).toEqual([`BackOff: Back-off restarting failed container web in pod web_default(${pod.metadata.uid})`])
  })

  it('replaces a running container whose image changed', async () => {
    runtime.images.add('busybox:2')
    await start()
    const pod = await create(makePod('web').withContainer(container('web', 'busybox')).obj())
    await until('web to run', () => running(pod, 'web'))
    await s.api.patch(ref.pods('default', 'web'), 'application/strategic-merge-patch+json', { spec: { containers: [{ name: 'web', image: 'busybox:2' }] } }, admin)
    await until('attempt 1 to run the new image', () => running(pod, 'web', 1) && named(pod, 'web', 1)?.image === 'busybox:2')
    expect(named(pod, 'web')?.state).toBe('exited')
    expect(await events('Killing')).toEqual(['Killing: Container web definition changed, will be restarted'])
  })

  it('recreates the whole pod when its infra container dies', async () => {
    await start()
    const pod = await create(makePod('duo').withContainer(container('web', 'busybox')).withContainer(container('sidecar', 'busybox')).obj())
    await until('both to run', () => running(pod, 'web') && running(pod, 'sidecar'))
    runtime.kill(named(pod, 'POD')?.id ?? '')
    await until('a new sandbox with both containers in it', () => running(pod, 'POD', 1) && running(pod, 'web', 1) && running(pod, 'sidecar', 1))
    const infra = named(pod, 'POD', 1)
    expect(named(pod, 'web', 1)?.networkMode).toBe(`container:${infra?.id}`)
    expect(infra?.ip).toBe(named(pod, 'POD')?.ip)
    expect(await events('SandboxChanged')).toHaveLength(1)
  })

  it('ends a deleted pod: preStop hook, stop within the grace period, removal, then the object goes', async () => {
    await start()
    const pod = await create(
      makePod('web')
        .withContainer(container('web', 'busybox', { lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 1'] } } } }))
        .withVolume({ name: 'scratch', emptyDir: {} })
        .obj(),
    )
    await until('web to run', () => running(pod, 'web'))
    const name = named(pod, 'web')?.name ?? ''
    expect(runtime.volumes.size).toBe(1)
    await s.api.delete(ref.pods('default', 'web'), { gracePeriodSeconds: 5 }, admin)
    await until('the pod object to go', () => gone('web'))
    const tail = runtime.calls.slice(runtime.calls.indexOf(`exec ${name} sh -c sleep 1`))
    expect(tail).toEqual([`exec ${name} sh -c sleep 1`, `stop ${name} t=5`, `remove ${name}`, `remove volume k8s_scratch_${pod.metadata.uid}`])
    expect(runtime.containers.size).toBe(0)
    expect(shell.runs.at(-1)?.argv).toEqual(['rm', '-rf', `/var/lib/coxswain/pods/${pod.metadata.uid}`, `/dev/shm/coxswain/pods/${pod.metadata.uid}`])
  })

  it('adopts the containers it finds, removes older running copies and containers of pods it does not know', async () => {
    const pod = await create(makePod('web').withContainer(container('web', 'busybox')).obj())
    const spec = pod.spec?.containers[0] ?? container()
    const context = { network: 'coxswain-pods', podIP: '10.244.1.7', dns: { servers: [], domain: 'cluster.local' } }
    const older = runtime.seed(buildContainerCreate(pod, spec, { ...context, attempt: 0 }))
    const current = runtime.seed(buildContainerCreate(pod, spec, { ...context, attempt: 1 }))
    const strangerPod = makePod('gone').withContainer(container('web', 'busybox')).obj()
    strangerPod.metadata.uid = 'uid-of-a-deleted-pod'
    const stranger = runtime.seed(buildContainerCreate(strangerPod, spec, { ...context, podIP: '10.244.1.8', attempt: 0 }))
    await start()
    await until('the pod to be ready', () => ready('web'))
    await until('the stranger and the older copy to go', () => !runtime.containers.has(stranger.id) && !runtime.containers.has(older.id))
    expect(runtime.calls.filter((c) => c.startsWith('create'))).toEqual([])
    expect(runtime.containers.get(current.id)?.state).toBe('running')
    expect((await get('web')).status).toMatchObject({ podIP: '10.244.1.7', containerStatuses: [{ restartCount: 1, containerID: `docker://${current.id}` }] })
  })

  it('on (re)start, removes containers of gone pods and ends pods deleted meanwhile before it starts any pod', async () => {
    const spec = container('web', 'busybox')
    const context = { network: 'coxswain-pods', dns: { servers: [], domain: 'cluster.local' }, attempt: 0 }
    const strangerPod = makePod('gone').withContainer(spec).obj()
    strangerPod.metadata.uid = 'uid-of-a-pod-deleted-while-away'
    const stranger = runtime.seed(buildContainerCreate(strangerPod, spec, { ...context, podIP: '10.244.1.8' }))
    const evicted = await create(makePod('evicted').withContainer(spec).obj())
    const evictedContainer = runtime.seed(buildContainerCreate(evicted, spec, { ...context, podIP: '10.244.1.9' }))
    await s.api.delete(ref.pods('default', 'evicted'), { gracePeriodSeconds: 2 }, admin)
    s.clock.advance(10)
    const fresh = await create(makePod('fresh').withContainer(spec).obj())
    await start()
    // `synced` (what the node's Ready report waits for) means the stale containers are gone.
    expect(runtime.containers.has(stranger.id)).toBe(false)
    expect(runtime.containers.has(evictedContainer.id)).toBe(false)
    await until('the evicted pod object to go', () => gone('evicted'))
    await until('the fresh pod to be ready', () => ready('fresh'))
    const firstCreate = runtime.calls.findIndex((c) => c.startsWith('create'))
    expect(runtime.calls[firstCreate]).toBe(`create ${named(fresh, 'web')?.name}`)
    expect(runtime.calls.indexOf(`remove ${stranger.name}`)).toBeLessThan(firstCreate)
    expect(runtime.calls.indexOf(`stop ${evictedContainer.name} t=0`)).toBeLessThan(firstCreate)
    expect(runtime.calls.indexOf(`remove ${evictedContainer.name}`)).toBeLessThan(firstCreate)
  })

  it('is unsettled while Docker is away, and settles only after removing what appeared meanwhile', async () => {
    let settles = 0
    const handle = await start({ onSettled: () => settles++ })
    expect([handle.settled(), settles]).toEqual([true, 1])
    runtime.endEventStreams()
    await until('pod sync to be unsettled', () => !handle.settled())
    // dockerd revived a container of a pod deleted while it was down; no event will tell of it.
    const spec = container('web', 'busybox')
    const gonePod = makePod('gone').withContainer(spec).obj()
    gonePod.metadata.uid = 'uid-of-a-pod-deleted-while-docker-was-down'
    const stranger = runtime.seed(buildContainerCreate(gonePod, spec, { network: 'coxswain-pods', dns: { servers: [], domain: 'cluster.local' }, attempt: 0, podIP: '10.244.1.9' }))
    // A pod bound meanwhile waits: it must not start beside the stranger.
    const fresh = await create(makePod('fresh').withContainer(spec).obj())
    runtime.eventsBack()
    await until('pod sync to settle again', () => handle.settled(), 5000)
    expect(runtime.containers.has(stranger.id)).toBe(false)
    expect(settles).toBe(2)
    await until('the fresh pod to be ready', () => ready('fresh'))
    const created = runtime.calls.indexOf(`create ${named(fresh, 'web')?.name}`)
    expect(runtime.calls.indexOf(`remove ${stranger.name}`)).toBeLessThan(created)
  })

  it('keeps the containers of a pod that succeeded, and restarts nothing', async () => {
    await start()
    const pod = await create(makePod('job').withContainer(container('work', 'busybox')).withSpec({ restartPolicy: 'Never' }).obj())
    await until('work to run', () => running(pod, 'work'))
    runtime.exit(named(pod, 'work')?.id ?? '', 0)
    await until('the pod to succeed', async () => (await get('job')).status?.phase === 'Succeeded')
    sync?.resync()
    await until('another look', () => true)
    expect(named(pod, 'work')?.state).toBe('exited')
    expect(named(pod, 'work', 1)).toBeUndefined()
    expect((await get('job')).status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' })
  })

  it('holds pods with a clear event until the node has a pod CIDR', async () => {
    await s.api.delete(ref.nodes(NODE), {}, admin)
    await s.api.create(ref.nodes(), node(), admin)
    await start()
    const pod = await create(makePod('web').withContainer(container('web', 'busybox')).obj())
    await until('the NetworkNotReady event', async () => (await events('NetworkNotReady')).length > 0)
    expect(runtime.containers.size).toBe(0)
    await s.api.patch(ref.nodes(NODE), 'application/merge-patch+json', { spec: { podCIDR: CIDR, podCIDRs: [CIDR] } }, admin)
    await until('web to run once the node has a pod CIDR', () => running(pod, 'web'))
  })

  it('restarts a container whose liveness probe fails', async () => {
    runtime.execHandler = (_c, cmd) => (cmd[0] === 'check' ? { exitCode: 1, stdout: 'sick\n', stderr: '' } : { exitCode: 0, stdout: '', stderr: '' })
    await start()
    const probe = { exec: { command: ['check'] }, periodSeconds: 1, failureThreshold: 2, timeoutSeconds: 1, successThreshold: 1 }
    const pod = await create(makePod('web').withContainer(container('web', 'busybox', { livenessProbe: probe })).obj())
    await until('a restart after the probe failed twice', () => running(pod, 'web', 1))
    expect(named(pod, 'web')?.state).toBe('exited')
    expect(await events('Killing')).toEqual(['Killing: Container web failed liveness probe, will be restarted'])
    expect(await events('Unhealthy')).toEqual(['Unhealthy: Liveness probe failed: sick'])
  })

  it('reports the pod not Ready while its readiness probe fails, and Ready once it passes', async () => {
    let healthy = false
    runtime.execHandler = () => ({ exitCode: healthy ? 0 : 1, stdout: '', stderr: '' })
    await start()
    const probe = { exec: { command: ['check'] }, periodSeconds: 1, failureThreshold: 1, timeoutSeconds: 1, successThreshold: 1 }
    const pod = await create(makePod('web').withContainer(container('web', 'busybox', { readinessProbe: probe })).obj())
    await until('web to run', () => running(pod, 'web'))
    await until('the status to be written', async () => (await get('web')).status?.phase === 'Running')
    expect(await ready('web')).toBe(false)
    healthy = true
    await until('the pod to become ready', () => ready('web'))
    expect(named(pod, 'web', 1)).toBeUndefined()
  })

  it('reports ErrImagePull, then ImagePullBackOff while backing off', async () => {
    await start()
    await create(makePod('web').withContainer(container('web', 'registry.example/app:1', { imagePullPolicy: 'Always' })).obj())
    await until('ImagePullBackOff', async () => (await get('web')).status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff')
    expect(runtime.calls.filter((c) => c.startsWith('pull'))).toEqual(['pull registry.example/app:1'])
    const said = await events()
    expect(said[0]).toBe('Pulling: Pulling image "registry.example/app:1"')
    expect(said).toEqual(expect.arrayContaining(['Failed: Error: ErrImagePull', 'BackOff: Back-off pulling image "registry.example/app:1"', 'Failed: Error: ImagePullBackOff']))
    expect(said.indexOf('Failed: Error: ErrImagePull')).toBeLessThan(said.indexOf('Failed: Error: ImagePullBackOff'))
  })

  it('puts the service links of the pod\'s namespace into its containers\' environment, unless turned off', async () => {
    await s.api.create({ group: '', version: 'v1', resource: 'services', namespace: 'default' }, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cache' }, spec: { clusterIP: '10.96.0.20', ports: [{ name: 'redis', port: 6379 }] } }, admin)
    await start()
    const linked = await create(makePod('linked').withContainer(container('app', 'busybox')).obj())
    const unlinked = await create(makePod('unlinked').withContainer(container('app', 'busybox')).withSpec({ enableServiceLinks: false }).obj())
    await until('both pods to be ready', async () => (await ready('linked')) && (await ready('unlinked')))
    expect(named(linked, 'app')?.options.Env).toEqual(expect.arrayContaining(['CACHE_SERVICE_HOST=10.96.0.20', 'CACHE_SERVICE_PORT_REDIS=6379', 'CACHE_PORT=tcp://10.96.0.20:6379']))
    expect((named(unlinked, 'app')?.options.Env ?? []).filter((e) => e.startsWith('CACHE_'))).toEqual([])
  })

  it('writes configMap and secret volumes on the node and fills env from them', async () => {
    const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { greeting: 'hello' } }
    const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { token: Buffer.from('s3cret').toString('base64') } }
    await s.api.create(ref.configmaps('default'), cm, admin)
    await s.api.create({ group: '', version: 'v1', resource: 'secrets', namespace: 'default' }, secret, admin)
    await start()
    const pod = await create(
      makePod('web')
        .withContainer(
          container('web', 'busybox', {
            env: [
              { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } },
              { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            ],
            volumeMounts: [
              { name: 'config', mountPath: '/etc/app' },
              { name: 'secret', mountPath: '/run/secret' },
            ],
          }),
        )
        .withVolume({ name: 'config', configMap: { name: 'cfg' } })
        .withVolume({ name: 'secret', secret: { secretName: 'creds', defaultMode: 0o600 } })
        .obj(),
    )
    await until('web to run', () => running(pod, 'web'))
    const options = named(pod, 'web')?.options
    expect(options?.Env).toEqual(expect.arrayContaining(['GREETING=hello', 'TOKEN=s3cret', `NODE=${NODE}`, 'IP=10.244.1.2']))
    // Secrets on tmpfs, never on the node's disk; configMaps beside the pod's other state.
    const dir = `/var/lib/coxswain/pods/${pod.metadata.uid}/volumes`
    const shm = `/dev/shm/coxswain/pods/${pod.metadata.uid}/volumes`
    expect(options?.HostConfig?.Binds).toEqual([`${dir}/config:/etc/app:ro`, `${shm}/secret:/run/secret:ro`])
    const scripts = shell.runs.filter((r) => r.argv.join(' ') === 'sh -s').map((r) => r.stdin ?? '')
    expect(scripts).toHaveLength(2)
    expect(scripts[0]).toContain(Buffer.from('hello').toString('base64'))
    expect(scripts[1]).toMatch(/chmod 0600 /)
  })

  it('leaves the pod waiting with FailedMount while its ConfigMap is missing', async () => {
    await start()
    const pod = await create(
      makePod('web')
        .withContainer(container('web', 'busybox', { volumeMounts: [{ name: 'config', mountPath: '/etc/app' }] }))
        .withVolume({ name: 'config', configMap: { name: 'missing' } })
        .obj(),
    )
    await until('FailedMount', async () => (await events('FailedMount')).length > 0)
    expect(await events('FailedMount')).toEqual(['FailedMount: MountVolume.SetUp failed for volume "config" : configmap "missing" not found'])
    expect(named(pod, 'web')).toBeUndefined()
    await s.api.create(ref.configmaps('default'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'missing', namespace: 'default' }, data: { a: 'b' } }, admin)
    await until('web to run once the ConfigMap exists', () => running(pod, 'web'), 5000)
  })
})
