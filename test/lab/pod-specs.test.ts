// Docker accepts what the pod builders make: real pods on a real lab node (its dockerd 20.10, through
// its Docker socket), reached over their host port and over the pod's loopback, and their status
// computed from real inspect answers. Everything made here carries a per-run label and is removed
// by that label afterwards, also when a test fails.

import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLabFile, type LabFile, type LabNode } from '../../scripts/lab/lab-file.ts'
import { waitFor } from '../../scripts/lab/run.ts'
import { container as containerSpec, makePod } from '../../src-main/api/testing/builders.ts'
import type { Container, Pod, PodSpec, PodStatus, Volume } from '../../src-main/api/types/pod.ts'
import { demuxDockerStream } from '../../src-main/nodeagent/docker/demux.ts'
import {
  buildContainerCreate,
  buildInfraCreate,
  buildPodNetworkCreate,
  buildPodVolumeCreates,
  podNeedsInfra,
  type ContainerCreateOptions,
  type PodContext,
} from '../../src-main/nodeagent/pods/container-spec.ts'
import { dockerTime } from '../../src-main/nodeagent/pods/docker-inspect.ts'
import { allocatePodIP, cidrContains } from '../../src-main/nodeagent/pods/ip-allocator.ts'
import { POD_UID_LABEL, infraContainerName } from '../../src-main/nodeagent/pods/names.ts'
import { computePodStatus, parseDockerInspect, type ObservedPod } from '../../src-main/nodeagent/pods/pod-status.ts'

const RUN = randomBytes(3).toString('hex')
const RUN_LABEL = 'io.coxswain.test-run'
const RUN_FILTER = { label: [`${RUN_LABEL}=${RUN}`] }
const NETWORK = `coxswain-pods-${RUN}`
const HOST_PORT = 20000 + randomInt(9000)
const NAMESPACE = 'shop'

let lab: LabFile
let node: LabNode
let docker: Docker
let subnet: string
let context: PodContext
const podIPs: string[] = []

function tagged(opts: ContainerCreateOptions): ContainerCreateOptions {
  const mounts = opts.HostConfig?.Mounts?.map((m) => (m.VolumeOptions ? { ...m, VolumeOptions: { ...m.VolumeOptions, Labels: { ...m.VolumeOptions.Labels, [RUN_LABEL]: RUN } } } : m))
  return { ...opts, Labels: { ...opts.Labels, [RUN_LABEL]: RUN }, HostConfig: { ...opts.HostConfig, ...(mounts ? { Mounts: mounts } : {}) } }
}

function newPod(name: string, containers: Container[], spec: Partial<PodSpec> = {}, volumes: Volume[] = []): Pod {
  const b = makePod(`${name}-${RUN}`, NAMESPACE)
  for (const c of containers) b.withContainer(c)
  for (const v of volumes) b.withVolume(v)
  const pod = b.withSpec({ restartPolicy: 'Always', terminationGracePeriodSeconds: 2, dnsPolicy: 'ClusterFirst', nodeName: node.name, ...spec }).obj()
  pod.metadata.uid = randomUUID()
  return pod
}

/** What the pod sync executor will do, minus the API server: volumes, infra, containers, started. */
async function runPod(pod: Pod): Promise<{ podIP: string }> {
  const podIP = allocatePodIP(subnet, podIPs, { after: podIPs.at(-1) })
  if (!podIP) throw new Error(`no pod IP left in ${subnet}`)
  podIPs.push(podIP)
  const volumeMountpoints: Record<string, string> = {}
  for (const volume of buildPodVolumeCreates(pod)) {
    await docker.createVolume({ ...volume, Labels: { ...volume.Labels, [RUN_LABEL]: RUN } })
    const info = (await docker.getVolume(volume.Name ?? '').inspect()) as { Mountpoint: string; Labels: Record<string, string> }
    volumeMountpoints[info.Labels['io.coxswain.volume.name'] ?? ''] = info.Mountpoint
  }
  const ctx = { ...context, podIP, volumeMountpoints }
  let sandbox: string | undefined
  if (podNeedsInfra(pod)) {
    const infra = await docker.createContainer(tagged(buildInfraCreate(pod, { ...ctx, attempt: 0, image: lab.image, command: ['sleep', '2147483647'] })))
    await infra.start()
    sandbox = infraContainerName(pod, 0)
  }
  for (const c of pod.spec?.containers ?? []) {
    const created = await docker.createContainer(tagged(buildContainerCreate(pod, c, { ...ctx, attempt: 0, sandbox })))
    await created.start()
  }
  return { podIP }
}

/** Docker's view of the pod, normalised as the agent will see it. */
async function observe(pod: Pod, podIP: string): Promise<ObservedPod> {
  const list = await docker.listContainers({ all: true, filters: { label: [`${POD_UID_LABEL}=${pod.metadata.uid ?? ''}`] } })
  const containers = []
  for (const summary of list) {
    const info = await docker.getContainer(summary.Id).inspect()
    const image = await docker.getImage(info.Image).inspect()
    const observed = parseDockerInspect(info, image)
    if (observed) containers.push(observed)
  }
  return { containers, podIP, hostIP: node.address }
}

async function statusOf(pod: Pod, podIP: string, previous?: PodStatus): Promise<PodStatus> {
  return computePodStatus(previous ? { ...pod, status: previous } : pod, await observe(pod, podIP), new Date())
}

async function inspectApp(pod: Pod, name: string): Promise<Docker.ContainerInspectInfo> {
  return docker.getContainer(`k8s_${name}_${pod.metadata.name ?? ''}_${NAMESPACE}_${pod.metadata.uid ?? ''}_0`).inspect()
}

async function exec(pod: Pod, name: string, cmd: string[]): Promise<{ exitCode: number; stdout: string }> {
  const target = docker.getContainer(`k8s_${name}_${pod.metadata.name ?? ''}_${NAMESPACE}_${pod.metadata.uid ?? ''}_0`)
  const e = await target.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true })
  const stream = await e.start({})
  const chunks: Buffer[] = []
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', resolve)
    stream.on('error', reject)
  })
  const { stdout } = demuxDockerStream(Buffer.concat(chunks))
  return { exitCode: (await e.inspect()).ExitCode ?? -1, stdout }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  await waitFor(what, async () => check().catch(() => false), timeoutMs, 50)
}

async function cleanUp(): Promise<void> {
  if (!docker) return
  for (const c of await docker.listContainers({ all: true, filters: RUN_FILTER })) await docker.getContainer(c.Id).remove({ force: true, v: true })
  for (const v of (await docker.listVolumes({ filters: RUN_FILTER })).Volumes ?? []) await docker.getVolume(v.Name).remove()
  for (const n of await docker.listNetworks({ filters: RUN_FILTER })) await docker.getNetwork(n.Id).remove()
}

beforeAll(async () => {
  lab = readLabFile()
  const first = lab.nodes[0]
  if (!first) throw new Error('the lab has no nodes')
  node = first
  docker = new Docker({ socketPath: node.localDockerSocket })
  // A /24 of 10.244.0.0/16 that no network on the node uses yet (other suites may share the node).
  const used = (await docker.listNetworks()).flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? ''))
  const free = Array.from({ length: 50 }, (_, i) => `10.244.${200 + ((randomInt(50) + i) % 50)}.0/24`).find((s) => !used.some((u) => u === s))
  if (!free) throw new Error('no free 10.244.x.0/24 on the lab node')
  subnet = free
  const network = buildPodNetworkCreate(subnet, { name: NETWORK, bridgeName: `cxt${RUN}` })
  await docker.createNetwork({ ...network, Labels: { ...network.Labels, [RUN_LABEL]: RUN } })
  context = { network: NETWORK, hostIP: node.address, dns: { servers: ['10.96.0.10'], domain: 'cluster.local' } }
})

afterAll(async () => {
  await cleanUp()
  const left = await docker.listContainers({ all: true, filters: RUN_FILTER })
  expect(left).toEqual([])
})

describe('a single-container pod: one container holding the pod network', () => {
  let pod: Pod
  let podIP: string
  beforeAll(async () => {
    pod = newPod(
      'web',
      [
        containerSpec('web', lab.image, {
          command: ['sh', '-c'],
          args: ['echo "$(GREETING) from $(POD_NAME)" > /data/index.html && exec httpd -f -p 8080 -h /data'],
          env: [
            { name: 'GREETING', value: 'hello' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'MESSAGE', value: '$(GREETING) world' },
          ],
          ports: [{ containerPort: 8080, hostPort: HOST_PORT, protocol: 'TCP' }],
          resources: { limits: { cpu: '250m', memory: '64Mi' }, requests: { cpu: '100m', memory: '32Mi' } },
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        }),
      ],
      {},
      [{ name: 'data', emptyDir: {} }],
    )
    ;({ podIP } = await runPod(pod))
  })

  it('runs as one container with the fixed IP, hostname, env, limits and volume asked for', async () => {
    const info = await inspectApp(pod, 'web')
    const name = pod.metadata.name ?? ''
    expect(cidrContains(subnet, podIP)).toBe(true)
    expect(info.NetworkSettings.Networks[NETWORK]?.IPAddress).toBe(podIP)
    expect(info.Config.Hostname).toBe(name)
    expect(info.Config.Env).toEqual(expect.arrayContaining(['GREETING=hello', `POD_NAME=${name}`, 'MESSAGE=hello world']))
    expect([info.Path, ...info.Args]).toEqual(['sh', '-c', `echo "hello from ${name}" > /data/index.html && exec httpd -f -p 8080 -h /data`])
    expect(info.HostConfig).toMatchObject({ Memory: 67108864, MemorySwap: 67108864, MemoryReservation: 33554432, NanoCpus: 250_000_000, CpuShares: 102, RestartPolicy: { Name: 'unless-stopped' } })
    expect(info.Mounts).toEqual([expect.objectContaining({ Type: 'volume', Name: `k8s_data_${pod.metadata.uid ?? ''}`, Destination: '/data' })])
    const resolv = await exec(pod, 'web', ['cat', '/etc/resolv.conf'])
    expect(resolv.stdout).toContain(`search ${NAMESPACE}.svc.cluster.local svc.cluster.local cluster.local`)
    expect(resolv.stdout).toContain('options ndots:5')
    expect((await exec(pod, 'web', ['hostname'])).stdout.trim()).toBe(name)
  })

  it('answers on its host port from outside the node', async () => {
    let body = ''
    await until('httpd answers on the host port', async () => {
      const res = await fetch(`http://${node.address}:${HOST_PORT}/`, { signal: AbortSignal.timeout(1000) })
      body = await res.text()
      return res.ok
    })
    expect(body.trim()).toBe(`hello from ${pod.metadata.name ?? ''}`)
  })

  it('reports a Running, Ready pod', async () => {
    const info = await inspectApp(pod, 'web')
    const status = await statusOf(pod, podIP)
    expect(status).toMatchObject({
      phase: 'Running',
      podIP,
      podIPs: [{ ip: podIP }],
      hostIP: node.address,
      containerStatuses: [
        {
          name: 'web',
          state: { running: { startedAt: dockerTime(info.State.StartedAt) } },
          lastState: {},
          ready: true,
          started: true,
          restartCount: 0,
          image: lab.image,
          imageID: `docker://${info.Image}`,
          containerID: `docker://${info.Id}`,
        },
      ],
    })
    expect(status.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ])
  })
})

describe('a pod using security, names and DNS settings', () => {
  let pod: Pod
  beforeAll(async () => {
    pod = newPod(
      'locked',
      [
        containerSpec('app', lab.image, {
          command: ['sleep', '3600'],
          securityContext: {
            runAsUser: 1000,
            runAsGroup: 3000,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
          },
          volumeMounts: [
            { name: 'scratch', mountPath: '/scratch', subPath: 'part' },
            { name: 'host-etc', mountPath: '/host-etc', readOnly: true },
          ],
        }),
      ],
      {
        hostname: 'vault',
        subdomain: 'secure',
        hostAliases: [{ ip: '10.0.0.9', hostnames: ['db.internal', 'db'] }],
        dnsPolicy: 'None',
        dnsConfig: { nameservers: ['10.0.0.53'], searches: ['example.internal'], options: [{ name: 'ndots', value: '2' }] },
        securityContext: { fsGroup: 2000, supplementalGroups: [4000], sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '20000 30000' }] },
      },
      [
        { name: 'scratch', emptyDir: {} },
        { name: 'host-etc', hostPath: { path: '/etc' } },
      ],
    )
    await runPod(pod)
  })

  it('runs as the user and groups asked for, read-only, without privileges', async () => {
    expect((await exec(pod, 'app', ['id'])).stdout.trim()).toBe('uid=1000 gid=3000 groups=2000,3000,4000')
    expect((await exec(pod, 'app', ['touch', '/written'])).exitCode).not.toBe(0)
    const status = (await exec(pod, 'app', ['cat', '/proc/self/status'])).stdout
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m)
    expect(status).toMatch(/^CapBnd:\s+0000000000000400$/m)
  })

  it('has the hostname, domain, host aliases, resolver and sysctls asked for', async () => {
    expect((await exec(pod, 'app', ['hostname'])).stdout.trim()).toBe('vault')
    const hosts = (await exec(pod, 'app', ['cat', '/etc/hosts'])).stdout
    expect(hosts).toMatch(/^10\.0\.0\.9\s+db\.internal$/m)
    expect(hosts).toMatch(/^10\.0\.0\.9\s+db$/m)
    expect(hosts).toContain(`vault.secure.${NAMESPACE}.svc.cluster.local vault`)
    const resolv = (await exec(pod, 'app', ['cat', '/etc/resolv.conf'])).stdout
    expect(resolv).toMatch(/^search example\.internal$/m)
    expect(resolv).toMatch(/^options ndots:2$/m)
    expect((await exec(pod, 'app', ['cat', '/proc/sys/net/ipv4/ip_local_port_range'])).stdout.trim().split(/\s+/)).toEqual(['20000', '30000'])
  })

  it('mounts a subPath of an emptyDir and a read-only hostPath', async () => {
    expect((await exec(pod, 'app', ['test', '-d', '/scratch'])).exitCode).toBe(0)
    expect((await exec(pod, 'app', ['test', '-f', '/host-etc/passwd'])).exitCode).toBe(0)
    expect((await exec(pod, 'app', ['sh', '-c', 'grep " /host-etc " /proc/mounts | cut -d" " -f4 | cut -d, -f1'])).stdout.trim()).toBe('ro')
  })
})

describe('a two-container pod: an infra container and two containers joined to it', () => {
  let pod: Pod
  let podIP: string
  beforeAll(async () => {
    const shared = [{ name: 'shared', mountPath: '/shared' }]
    pod = newPod(
      'duo',
      [
        containerSpec('server', lab.image, { command: ['sh', '-c', 'echo pong > /shared/ping && exec httpd -f -p 8081 -h /shared'], volumeMounts: shared }),
        containerSpec('client', lab.image, { command: ['sleep', '3600'], volumeMounts: shared }),
      ],
      {},
      [{ name: 'shared', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }],
    )
    ;({ podIP } = await runPod(pod))
  })

  it('lets the containers reach each other over 127.0.0.1 and share the Memory emptyDir', async () => {
    let reply = ''
    await until('the client reaches the server on localhost', async () => {
      const r = await exec(pod, 'client', ['timeout', '3', 'wget', '-qO-', 'http://127.0.0.1:8081/ping'])
      reply = r.stdout
      return r.exitCode === 0
    })
    expect(reply.trim()).toBe('pong')
    expect((await exec(pod, 'client', ['cat', '/shared/ping'])).stdout.trim()).toBe('pong')
    expect((await exec(pod, 'client', ['sh', '-c', 'grep " /shared " /proc/mounts | cut -d" " -f3'])).stdout.trim()).toBe('tmpfs')
    expect((await exec(pod, 'client', ['hostname'])).stdout.trim()).toBe(pod.metadata.name)
  })

  it('holds the IP on the infra container only', async () => {
    const infra = await docker.getContainer(infraContainerName(pod, 0)).inspect()
    const client = await inspectApp(pod, 'client')
    expect(infra.NetworkSettings.Networks[NETWORK]?.IPAddress).toBe(podIP)
    expect(client.HostConfig.NetworkMode).toBe(`container:${infra.Id}`)
    expect(client.HostConfig.IpcMode).toBe(`container:${infra.Id}`)
  })

  it('reports both containers running in a Ready pod', async () => {
    const status = await statusOf(pod, podIP)
    expect(status.phase).toBe('Running')
    expect(status.podIP).toBe(podIP)
    expect(status.containerStatuses?.map((c) => [c.name, Object.keys(c.state ?? {})[0], c.ready])).toEqual([
      ['client', 'running', true],
      ['server', 'running', true],
    ])
    expect(status.conditions?.filter((c) => c.status !== 'True')).toEqual([])
  })
})

describe('restarts and exits', () => {
  it('counts a crash Docker restarted, and shows the pod running again', async () => {
    const pod = newPod('crash', [containerSpec('app', lab.image, { command: ['sh', '-c', 'while [ ! -f /tmp/crash ]; do sleep 0.1; done; rm /tmp/crash; exit 3'] })])
    const { podIP } = await runPod(pod)
    const before = await statusOf(pod, podIP)
    expect(before.containerStatuses?.[0]).toMatchObject({ restartCount: 0, state: { running: {} } })

    await exec(pod, 'app', ['touch', '/tmp/crash'])
    await until('Docker restarted the container', async () => {
      const info = await inspectApp(pod, 'app')
      return info.RestartCount === 1 && info.State.Running && !info.State.Restarting
    })
    const info = await inspectApp(pod, 'app')
    const after = await statusOf(pod, podIP, before)
    expect(after.phase).toBe('Running')
    expect(after.containerStatuses?.[0]).toMatchObject({
      restartCount: 1,
      ready: true,
      state: { running: { startedAt: dockerTime(info.State.StartedAt) } },
      lastState: { terminated: { reason: 'ContainerStatusUnknown', finishedAt: dockerTime(info.State.FinishedAt), containerID: `docker://${info.Id}` } },
    })
  })

  it('is not restarted by Docker after `docker kill`: the status shows it stopped, for the agent to act on', async () => {
    const pod = newPod('killed', [containerSpec('app', lab.image, { command: ['sleep', '3600'] })])
    const { podIP } = await runPod(pod)
    await docker.getContainer(`k8s_app_${pod.metadata.name ?? ''}_${NAMESPACE}_${pod.metadata.uid ?? ''}_0`).kill()
    await until('the container exited', async () => (await inspectApp(pod, 'app')).State.Status === 'exited')
    await new Promise((resolve) => setTimeout(resolve, 500))
    const info = await inspectApp(pod, 'app')
    expect([info.State.Status, info.RestartCount]).toEqual(['exited', 0])
    const status = await statusOf(pod, podIP)
    expect(status.phase).toBe('Running')
    expect(status.containerStatuses?.[0]).toMatchObject({ restartCount: 0, ready: false, state: { terminated: { exitCode: 137, reason: 'Error' } } })
  })

  it('shows a container that keeps failing as CrashLoopBackOff', async () => {
    const pod = newPod('loop', [containerSpec('app', lab.image, { command: ['sh', '-c', 'exit 3'] })])
    const { podIP } = await runPod(pod)
    let observed: ObservedPod | undefined
    await until(
      'Docker backs off restarting',
      async () => {
        observed = await observe(pod, podIP)
        const app = observed.containers[0]
        return app?.state === 'restarting' && app.restartCount >= 3
      },
      20_000,
    )
    const status = computePodStatus(pod, observed ?? { containers: [] }, new Date())
    expect(status.phase).toBe('Running')
    expect(status.containerStatuses?.[0]).toMatchObject({
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 3, reason: 'Error' } },
    })
    expect(status.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(3)
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' })
  })

  it.each([
    ['exits 0 under restartPolicy Never: Succeeded', ['sh', '-c', 'exit 0'], {}, 'Succeeded', { exitCode: 0, reason: 'Completed' }],
    ['exits 1 under restartPolicy Never: Failed', ['sh', '-c', 'exit 1'], {}, 'Failed', { exitCode: 1, reason: 'Error' }],
    ['runs out of memory: OOMKilled', ['tail', '/dev/zero'], { limits: { memory: '16Mi' } }, 'Failed', { exitCode: 137, reason: 'OOMKilled' }],
  ] as const)('a container that %s', async (_name, command, resources, phase, terminated) => {
    const pod = newPod(`never-${randomBytes(2).toString('hex')}`, [containerSpec('app', lab.image, { command: [...command], resources })], { restartPolicy: 'Never' })
    const { podIP } = await runPod(pod)
    await until('the container exited', async () => (await inspectApp(pod, 'app')).State.Status === 'exited')
    const status = await statusOf(pod, podIP)
    expect(status.phase).toBe(phase)
    expect(status.containerStatuses?.[0]).toMatchObject({ ready: false, restartCount: 0, state: { terminated } })
  })
})
