import { describe, expect, it } from 'vitest'
import { container, deepFreeze, makePod } from '../../api/testing/builders.ts'
import type { Container, Pod, PodSpec, Volume, VolumeMount } from '../../api/types/pod.ts'
import {
  buildContainerCreate,
  buildInfraCreate,
  buildPodNetworkCreate,
  buildPodVolumeCreates,
  buildVolumeCreate,
  dockerRestartPolicy,
  emptyDirPermissionCommands,
  podHostname,
  podNeedsInfra,
  type ContainerContext,
} from './container-spec.ts'
import { containerSpecHash } from './spec-hash.ts'

const UID = '0b7f3a56-1c2d-4e5f-8a9b-0123456789ab'
const NET = 'coxswain-pods'
const CLUSTER_DNS = { Dns: ['10.96.0.10'], DnsSearch: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], DnsOptions: ['ndots:5'] }
const ctx: ContainerContext = {
  network: NET,
  podIP: '10.244.1.5',
  hostIP: '192.168.213.11',
  dns: { servers: ['10.96.0.10'], domain: 'cluster.local' },
  attempt: 0,
}

function podOf(containers: Container[], spec: Partial<PodSpec> = {}, volumes: Volume[] = []): Pod {
  const b = makePod('web-0', 'shop')
  for (const c of containers) b.withContainer(c)
  for (const v of volumes) b.withVolume(v)
  const p = b.withSpec({ restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', ...spec }).obj()
  p.metadata.uid = UID
  return deepFreeze(p)
}

const labels = (p: Pod, c: Container, role: string, extra: Record<string, string> = {}) => ({
  'io.coxswain.managed': 'true',
  'io.kubernetes.pod.uid': UID,
  'io.kubernetes.pod.name': 'web-0',
  'io.kubernetes.pod.namespace': 'shop',
  'io.kubernetes.container.name': c.name,
  'io.coxswain.role': role,
  'io.coxswain.container.hash': containerSpecHash(p, c),
  'io.coxswain.container.attempt': '0',
  ...extra,
})

describe('a single-container pod: one Docker container owning the pod network', () => {
  it('builds the minimal container exactly', () => {
    const c = container('web', 'nginx:1.25')
    const p = podOf([c])
    expect(buildContainerCreate(p, c, ctx)).toEqual({
      name: `k8s_web_web-0_shop_${UID}_0`,
      Image: 'nginx:1.25',
      Labels: labels(p, c, 'app', { 'io.coxswain.pod.ip': '10.244.1.5' }),
      StopTimeout: 30,
      Hostname: 'web-0',
      HostConfig: { CpuShares: 2, RestartPolicy: { Name: 'unless-stopped' }, NetworkMode: NET, ...CLUSTER_DNS },
      NetworkingConfig: { EndpointsConfig: { [NET]: { IPAMConfig: { IPv4Address: '10.244.1.5' } } } },
    })
  })

  it('builds a container using most of the spec exactly', () => {
    const c = container('web', 'registry.example/web:2', {
      command: ['/bin/server', '--name=$(POD_NAME)'],
      args: ['--listen=:$(PORT)', '--literal=$$(PORT)', '--unknown=$(NOPE)'],
      workingDir: '/srv',
      env: [
        { name: 'PORT', value: '8080' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'ADDR', value: '$(POD_IP):$(PORT)' },
      ],
      ports: [
        { name: 'http', containerPort: 8080, hostPort: 18080, protocol: 'TCP' },
        { containerPort: 8080, hostPort: 18081, hostIP: '127.0.0.1', protocol: 'TCP' },
        { containerPort: 53, hostPort: 1053, protocol: 'UDP' },
        { containerPort: 9090, protocol: 'TCP' },
      ],
      resources: { limits: { cpu: '250m', memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } },
      volumeMounts: [
        { name: 'data', mountPath: '/data' },
        { name: 'config', mountPath: '/etc/web', readOnly: true },
      ],
      securityContext: { runAsUser: 1000, runAsGroup: 3000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } },
      tty: true,
      stdin: true,
      stdinOnce: true,
    })
    const p = podOf(
      [c],
      {
        terminationGracePeriodSeconds: 5,
        hostAliases: [{ ip: '10.0.0.9', hostnames: ['db', 'db.local'] }],
        subdomain: 'svc-a',
        securityContext: { fsGroup: 2000, supplementalGroups: [4000, 2000], sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65000' }] },
      },
      [
        { name: 'data', emptyDir: {} },
        { name: 'config', configMap: { name: 'web-config' } },
      ],
    )
    const withQoS = { ...p, status: { qosClass: 'Burstable' as const } }
    expect(buildContainerCreate(withQoS, c, { ...ctx, attempt: 3, volumeDirs: { config: '/var/lib/coxswain/pods/uid/volumes/config' }, node: { memoryCapacity: 8 * 1024 ** 3 } })).toEqual({
      name: `k8s_web_web-0_shop_${UID}_3`,
      Image: 'registry.example/web:2',
      Entrypoint: ['/bin/server', '--name=web-0'],
      Cmd: ['--listen=:8080', '--literal=$(PORT)', '--unknown=$(NOPE)'],
      Env: ['PORT=8080', 'POD_NAME=web-0', 'POD_IP=10.244.1.5', 'ADDR=10.244.1.5:8080'],
      WorkingDir: '/srv',
      User: '1000:3000',
      Tty: true,
      OpenStdin: true,
      StdinOnce: true,
      Labels: { ...labels(p, c, 'app', { 'io.coxswain.pod.ip': '10.244.1.5' }), 'io.coxswain.container.attempt': '3' },
      StopTimeout: 5,
      Hostname: 'web-0',
      Domainname: 'svc-a.shop.svc.cluster.local',
      ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
      HostConfig: {
        CpuShares: 102,
        NanoCpus: 250_000_000,
        Memory: 134217728,
        MemorySwap: 134217728,
        MemoryReservation: 67108864,
        OomScoreAdj: 993,
        RestartPolicy: { Name: 'unless-stopped' },
        CapAdd: ['NET_BIND_SERVICE'],
        CapDrop: ['ALL'],
        ReadonlyRootfs: true,
        SecurityOpt: ['no-new-privileges'],
        GroupAdd: ['2000', '4000'],
        Binds: ['/var/lib/coxswain/pods/uid/volumes/config:/etc/web:ro'],
        Mounts: [
          {
            Type: 'volume',
            Source: `k8s_data_${UID}`,
            Target: '/data',
            VolumeOptions: {
              NoCopy: true,
              Labels: {
                'io.coxswain.managed': 'true',
                'io.kubernetes.pod.uid': UID,
                'io.kubernetes.pod.name': 'web-0',
                'io.kubernetes.pod.namespace': 'shop',
                'io.coxswain.volume.name': 'data',
              },
              DriverConfig: { Name: 'local', Options: {} },
            },
          },
        ],
        NetworkMode: NET,
        PortBindings: {
          '8080/tcp': [
            { HostIp: '', HostPort: '18080' },
            { HostIp: '127.0.0.1', HostPort: '18081' },
          ],
          '53/udp': [{ HostIp: '', HostPort: '1053' }],
        },
        ...CLUSTER_DNS,
        ExtraHosts: ['db:10.0.0.9', 'db.local:10.0.0.9'],
        Sysctls: { 'net.ipv4.ip_local_port_range': '1024 65000' },
      },
      NetworkingConfig: { EndpointsConfig: { [NET]: { IPAMConfig: { IPv4Address: '10.244.1.5' } } } },
    })
  })

  it.each([
    ['neither: the image decides', {}, {}],
    ['command replaces the entrypoint and drops the image CMD', { command: ['sleep', '10'] }, { Entrypoint: ['sleep', '10'] }],
    ['args alone keep the image entrypoint', { args: ['-v'] }, { Cmd: ['-v'] }],
    ['both', { command: ['sh', '-c'], args: ['echo hi'] }, { Entrypoint: ['sh', '-c'], Cmd: ['echo hi'] }],
    ['empty lists mean unset', { command: [], args: [] }, {}],
  ] as const)('command and args: %s', (_name, fields, expected) => {
    const c = container('web', 'busybox', fields as Partial<Container>)
    const out = buildContainerCreate(podOf([c]), c, ctx)
    expect({ Entrypoint: out.Entrypoint, Cmd: out.Cmd }).toEqual({ Entrypoint: undefined, Cmd: undefined, ...expected })
  })

  it('publishes nothing and sets no hostname, IP or DNS on the host network', () => {
    const c = container('web', 'nginx', { ports: [{ containerPort: 80, hostPort: 80, protocol: 'TCP' }] })
    const p = podOf([c], { hostNetwork: true, hostPID: true, hostIPC: true })
    expect(buildContainerCreate(p, c, { ...ctx, podIP: undefined })).toEqual({
      name: `k8s_web_web-0_shop_${UID}_0`,
      Image: 'nginx',
      Labels: labels(p, c, 'app'),
      StopTimeout: 30,
      HostConfig: { CpuShares: 2, RestartPolicy: { Name: 'unless-stopped' }, NetworkMode: 'host', PidMode: 'host', IpcMode: 'host' },
    })
  })

  it('needs the pod IP', () => {
    const c = container()
    expect(() => buildContainerCreate(podOf([c]), c, { ...ctx, podIP: undefined })).toThrow(`pod web-0_shop(${UID}) has no IP on network coxswain-pods`)
  })

  it('needs an image', () => {
    const c: Container = { name: 'web' }
    expect(() => buildContainerCreate(podOf([c]), c, ctx)).toThrow('container web has no image')
  })

  it('does not modify the pod', () => {
    const c = container('web', 'nginx', { env: [{ name: 'A', value: '$(B)' }] })
    const p = podOf([c], {}, [{ name: 'm', emptyDir: { medium: 'Memory' } }])
    expect(() => buildContainerCreate(p, c, { ...ctx, sandbox: 'infra' })).not.toThrow()
  })
})

describe('a multi-container pod: an infra container and containers joining it', () => {
  const web = container('web', 'nginx:1.25', { ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] })
  const side = container('side', 'busybox', { command: ['sleep', '3600'], ports: [{ containerPort: 9000, hostPort: 9000, protocol: 'TCP' }] })
  const p = podOf([web, side], { hostAliases: [{ ip: '10.0.0.9', hostnames: ['db'] }], securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] } })

  it('puts the IP, hostname, DNS, every published port and sysctls on the infra container', () => {
    expect(buildInfraCreate(p, { ...ctx, attempt: 0, image: 'coxswain-test/busybox:latest', command: ['sleep', '2147483647'] })).toEqual({
      name: `k8s_POD_web-0_shop_${UID}_0`,
      Image: 'coxswain-test/busybox:latest',
      Entrypoint: ['sleep', '2147483647'],
      Labels: {
        'io.coxswain.managed': 'true',
        'io.kubernetes.pod.uid': UID,
        'io.kubernetes.pod.name': 'web-0',
        'io.kubernetes.pod.namespace': 'shop',
        'io.kubernetes.container.name': 'POD',
        'io.coxswain.role': 'infra',
        'io.coxswain.container.attempt': '0',
        'io.coxswain.pod.ip': '10.244.1.5',
      },
      StopTimeout: 30,
      Hostname: 'web-0',
      ExposedPorts: { '80/tcp': {}, '9000/tcp': {} },
      HostConfig: {
        RestartPolicy: { Name: 'unless-stopped' },
        NetworkMode: NET,
        PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '9000/tcp': [{ HostIp: '', HostPort: '9000' }] },
        ...CLUSTER_DNS,
        ExtraHosts: ['db:10.0.0.9'],
        Sysctls: { 'net.core.somaxconn': '1024' },
        IpcMode: 'shareable',
      },
      NetworkingConfig: { EndpointsConfig: { [NET]: { IPAMConfig: { IPv4Address: '10.244.1.5' } } } },
    })
  })

  it('runs the pause image by default', () => {
    const infra = buildInfraCreate(p, { ...ctx, attempt: 1 })
    expect([infra.name, infra.Image, infra.Entrypoint]).toEqual([`k8s_POD_web-0_shop_${UID}_1`, 'registry.k8s.io/pause:3.10', undefined])
  })

  it('makes the infra container the last to be OOM-killed where the node allows lowering scores', () => {
    expect(buildInfraCreate(p, { ...ctx, attempt: 0, node: { lowerOomScores: true } }).HostConfig?.OomScoreAdj).toBe(-998)
    expect(buildInfraCreate(p, { ...ctx, attempt: 0 }).HostConfig?.OomScoreAdj).toBeUndefined()
  })

  it('joins app containers to the infra network and IPC, with nothing Docker refuses there', () => {
    expect(buildContainerCreate(p, side, { ...ctx, sandbox: `k8s_POD_web-0_shop_${UID}_0` })).toEqual({
      name: `k8s_side_web-0_shop_${UID}_0`,
      Image: 'busybox',
      Entrypoint: ['sleep', '3600'],
      Labels: labels(p, side, 'app'),
      StopTimeout: 30,
      HostConfig: {
        CpuShares: 2,
        RestartPolicy: { Name: 'unless-stopped' },
        NetworkMode: `container:k8s_POD_web-0_shop_${UID}_0`,
        IpcMode: `container:k8s_POD_web-0_shop_${UID}_0`,
      },
    })
  })

  it('shares the process namespace when asked', () => {
    const shared = podOf([web, side], { shareProcessNamespace: true })
    expect(buildContainerCreate(shared, web, { ...ctx, sandbox: 'abc123' }).HostConfig).toMatchObject({
      NetworkMode: 'container:abc123',
      IpcMode: 'container:abc123',
      PidMode: 'container:abc123',
    })
  })

  it('uses the host namespaces directly when the pod asks for them', () => {
    const host = podOf([web, side], { hostNetwork: true, hostIPC: true, hostPID: true })
    expect(buildContainerCreate(host, web, { ...ctx, sandbox: 'abc123' }).HostConfig).toMatchObject({ NetworkMode: 'container:abc123', IpcMode: 'host', PidMode: 'host' })
    const infra = buildInfraCreate(host, { ...ctx, podIP: undefined, attempt: 0 })
    expect([infra.Hostname, infra.NetworkingConfig, infra.HostConfig?.NetworkMode, infra.HostConfig?.IpcMode, infra.HostConfig?.PidMode]).toEqual([
      undefined,
      undefined,
      'host',
      'host',
      'host',
    ])
  })

  it('needs the infra container first', () => {
    expect(() => buildContainerCreate(p, web, ctx)).toThrow(`pod web-0_shop(${UID}) needs its infra container before container web`)
  })

  it('marks init containers and gives them their restart policy', () => {
    const init = container('migrate', 'busybox', { command: ['true'] })
    const withInit = makePod('web-0', 'shop').withInitContainer(init).withContainer(web).withSpec({ restartPolicy: 'Always' }).obj()
    withInit.metadata.uid = UID
    const out = buildContainerCreate(withInit, init, { ...ctx, sandbox: 'infra' })
    expect([out.Labels?.['io.coxswain.role'], out.HostConfig?.RestartPolicy]).toEqual(['init', { Name: 'on-failure' }])
  })

  it('keeps Memory emptyDirs mounted in the infra container so they outlive app restarts', () => {
    const m = container('web', 'nginx', { volumeMounts: [{ name: 'shm', mountPath: '/dev/shm' }] })
    const mem = podOf([m], {}, [{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }])
    const volumeOptions = {
      NoCopy: true,
      Labels: {
        'io.coxswain.managed': 'true',
        'io.kubernetes.pod.uid': UID,
        'io.kubernetes.pod.name': 'web-0',
        'io.kubernetes.pod.namespace': 'shop',
        'io.coxswain.volume.name': 'shm',
      },
      DriverConfig: { Name: 'local', Options: { type: 'tmpfs', device: 'tmpfs', o: 'mode=0777,size=67108864' } },
    }
    expect(buildInfraCreate(mem, { ...ctx, attempt: 0 }).HostConfig?.Mounts).toEqual([
      { Type: 'volume', Source: `k8s_shm_${UID}`, Target: '/coxswain-volumes/shm', ReadOnly: true, VolumeOptions: volumeOptions },
    ])
    expect(buildContainerCreate(mem, m, { ...ctx, sandbox: 'infra' }).HostConfig?.Mounts).toEqual([
      { Type: 'volume', Source: `k8s_shm_${UID}`, Target: '/dev/shm', VolumeOptions: volumeOptions },
    ])
  })
})

describe('which pods get an infra container', () => {
  it.each([
    ['one container', [container('a')], {}, [], false],
    ['one container with a disk emptyDir', [container('a')], {}, [{ name: 'd', emptyDir: {} }], false],
    ['one container on the host network', [container('a')], { hostNetwork: true }, [], false],
    ['two containers', [container('a'), container('b')], {}, [], true],
    ['one container and an init container', [container('a')], { initContainers: [container('i')] }, [], true],
    ['a shared process namespace', [container('a')], { shareProcessNamespace: true }, [], true],
    ['a Memory emptyDir', [container('a')], {}, [{ name: 'm', emptyDir: { medium: 'Memory' } }], true],
  ] as const)('%s', (_name, containers, spec, volumes, expected) => {
    expect(podNeedsInfra(podOf([...containers], spec as Partial<PodSpec>, [...volumes] as Volume[]))).toBe(expected)
  })
})

describe('restart policies', () => {
  it.each([
    ['Always', 'app', 'unless-stopped'],
    ['OnFailure', 'app', 'on-failure'],
    ['Never', 'app', 'no'],
    ['Always', 'init', 'on-failure'],
    ['OnFailure', 'init', 'on-failure'],
    ['Never', 'init', 'no'],
    ['Always', 'infra', 'unless-stopped'],
    ['Never', 'infra', 'unless-stopped'],
  ] as const)('%s, %s container → %s', (policy, role, name) => {
    expect(dockerRestartPolicy(podOf([container()], { restartPolicy: policy }), role)).toEqual({ Name: name })
  })
})

describe('security context', () => {
  const build = (c: Container, spec: Partial<PodSpec> = {}, imageUser?: string) => buildContainerCreate(podOf([c], spec), c, { ...ctx, imageUser })
  const sc = (securityContext: Container['securityContext']) => container('web', 'nginx', { securityContext })

  it.each([
    ['runAsUser', sc({ runAsUser: 1000 }), {}, undefined, '1000'],
    ['runAsUser and runAsGroup', sc({ runAsUser: 1000, runAsGroup: 0 }), {}, undefined, '1000:0'],
    ['the pod sets, the container overrides', sc({ runAsUser: 7 }), { securityContext: { runAsUser: 1000, runAsGroup: 50 } }, undefined, '7:50'],
    ['runAsGroup alone keeps the image user', sc({ runAsGroup: 50 }), {}, 'app:staff', 'app:50'],
    ['runAsGroup alone on a root image', sc({ runAsGroup: 50 }), {}, '', '0:50'],
    ['runAsNonRoot with a numeric image user', sc({ runAsNonRoot: true }), {}, '1000', undefined],
    ['runAsNonRoot with a non-root runAsUser', sc({ runAsNonRoot: true, runAsUser: 5 }), {}, undefined, '5'],
    ['nothing', container(), {}, undefined, undefined],
  ] as const)('user: %s', (_name, c, spec, imageUser, user) => {
    expect(build(c, spec as Partial<PodSpec>, imageUser).User).toBe(user)
  })

  it.each([
    ['runAsUser 0', sc({ runAsNonRoot: true, runAsUser: 0 }), undefined, `container's runAsUser breaks non-root policy (pod: "web-0_shop(${UID})", container: web)`],
    ['a root image', sc({ runAsNonRoot: true }), '', `container has runAsNonRoot and image will run as root (pod: "web-0_shop(${UID})", container: web)`],
    ['image user 0:0', sc({ runAsNonRoot: true }), '0:0', 'image will run as root'],
    ['a named image user', sc({ runAsNonRoot: true }), 'nginx', 'image has non-numeric user (nginx), cannot verify user is non-root'],
    ['an unknown image user', sc({ runAsNonRoot: true }), undefined, "runAsNonRoot and the image's user is unknown"],
    ['runAsGroup alone, image user unknown', sc({ runAsGroup: 5 }), undefined, "runAsGroup without runAsUser needs the image's user"],
  ] as const)('refuses %s', (_name, c, imageUser, message) => {
    expect(() => build(c, {}, imageUser)).toThrow(message)
  })

  it.each([
    ['privileged', sc({ privileged: true }), {}, { Privileged: true }],
    ['capabilities', sc({ capabilities: { add: ['NET_ADMIN', 'SYS_TIME'], drop: ['MKNOD'] } }), {}, { CapAdd: ['NET_ADMIN', 'SYS_TIME'], CapDrop: ['MKNOD'] }],
    ['read-only root', sc({ readOnlyRootFilesystem: true }), {}, { ReadonlyRootfs: true }],
    ['no privilege escalation', sc({ allowPrivilegeEscalation: false }), {}, { SecurityOpt: ['no-new-privileges'] }],
    ['privilege escalation allowed is the default', sc({ allowPrivilegeEscalation: true }), {}, {}],
    [
      'unconfined seccomp and AppArmor',
      sc({ seccompProfile: { type: 'Unconfined' }, appArmorProfile: { type: 'Unconfined' } }),
      {},
      { SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'] },
    ],
    ['RuntimeDefault profiles are Docker defaults', sc({ seccompProfile: { type: 'RuntimeDefault' } }), { securityContext: { appArmorProfile: { type: 'Unconfined' } } }, { SecurityOpt: ['apparmor=unconfined'] }],
    ['the container overrides the pod profile', sc({ seccompProfile: { type: 'RuntimeDefault' } }), { securityContext: { seccompProfile: { type: 'Unconfined' } } }, {}],
    ['fsGroup and supplementalGroups', container(), { securityContext: { fsGroup: 2000, supplementalGroups: [1, 2] } }, { GroupAdd: ['2000', '1', '2'] }],
  ] as const)('host config: %s', (_name, c, spec, expected) => {
    const host = build(c, spec as Partial<PodSpec>).HostConfig ?? {}
    const picked = Object.fromEntries(
      ['Privileged', 'CapAdd', 'CapDrop', 'ReadonlyRootfs', 'SecurityOpt', 'GroupAdd'].filter((k) => k in host).map((k) => [k, (host as Record<string, unknown>)[k]]),
    )
    expect(picked).toEqual(expected)
  })
})

describe('volume mounts', () => {
  const volumes: Volume[] = [
    { name: 'data', emptyDir: {} },
    { name: 'logs', hostPath: { path: '/var/log/app', type: 'DirectoryOrCreate' } },
    { name: 'cfg', configMap: { name: 'cfg' } },
    { name: 'tls', secret: { secretName: 'tls' } },
  ]
  const context = {
    ...ctx,
    volumeDirs: { cfg: '/var/lib/coxswain/pods/p/volumes/cfg', tls: '/var/lib/coxswain/pods/p/volumes/tls/' },
    volumeMountpoints: { data: '/var/lib/docker/volumes/k8s_data/_data' },
  }
  const mountsOf = (m: VolumeMount) => {
    const c = container('web', 'nginx', { volumeMounts: [m] })
    const host = buildContainerCreate(podOf([c], {}, volumes), c, context).HostConfig ?? {}
    return { Binds: host.Binds, Mounts: host.Mounts?.map((x) => ({ Type: x.Type, Source: x.Source, Target: x.Target, ReadOnly: x.ReadOnly })) }
  }

  it.each([
    ['emptyDir', { name: 'data', mountPath: '/data' }, { Mounts: [{ Type: 'volume', Source: `k8s_data_${UID}`, Target: '/data' }] }],
    ['emptyDir read-only', { name: 'data', mountPath: '/data', readOnly: true }, { Mounts: [{ Type: 'volume', Source: `k8s_data_${UID}`, Target: '/data', ReadOnly: true }] }],
    ['emptyDir subPath: a bind inside the volume', { name: 'data', mountPath: '/cache', subPath: 'a/b' }, { Binds: ['/var/lib/docker/volumes/k8s_data/_data/a/b:/cache'] }],
    ['hostPath', { name: 'logs', mountPath: '/logs' }, { Binds: ['/var/log/app:/logs'] }],
    ['hostPath read-only with subPath', { name: 'logs', mountPath: '/logs', readOnly: true, subPath: 'web' }, { Binds: ['/var/log/app/web:/logs:ro'] }],
    ['hostPath HostToContainer', { name: 'logs', mountPath: '/logs', mountPropagation: 'HostToContainer' }, { Binds: ['/var/log/app:/logs:rslave'] }],
    ['hostPath Bidirectional read-only', { name: 'logs', mountPath: '/logs', mountPropagation: 'Bidirectional', readOnly: true }, { Binds: ['/var/log/app:/logs:ro,rshared'] }],
    ['configMap: always read-only', { name: 'cfg', mountPath: '/etc/app' }, { Binds: ['/var/lib/coxswain/pods/p/volumes/cfg:/etc/app:ro'] }],
    ['secret file by subPath', { name: 'tls', mountPath: '/etc/tls/tls.crt', subPath: 'tls.crt' }, { Binds: ['/var/lib/coxswain/pods/p/volumes/tls/tls.crt:/etc/tls/tls.crt:ro'] }],
  ] as const)('%s', (_name, mount, expected) => {
    expect(mountsOf(mount as VolumeMount)).toEqual({ Binds: undefined, Mounts: undefined, ...expected })
  })

  it.each([
    ['a volume the pod lacks', { name: 'nope', mountPath: '/x' }, 'container web mounts volume "nope", which the pod does not have'],
    ['a configMap not yet written', { name: 'cfg', mountPath: '/x' }, 'the files of volume cfg of pod'],
    ['a subPath of an emptyDir not yet created', { name: 'data', mountPath: '/x', subPath: 'a' }, 'emptyDir data of pod'],
  ] as const)('refuses %s', (_name, mount, message) => {
    const c = container('web', 'nginx', { volumeMounts: [mount] })
    expect(() => buildContainerCreate(podOf([c], {}, volumes), c, { ...ctx, volumeMountpoints: {} })).toThrow(message)
  })
})

describe('hostname', () => {
  const named = (name: string, spec: Partial<PodSpec> = {}) => {
    const p = makePod(name, 'shop').withSpec(spec).obj()
    p.metadata.uid = UID
    return p
  }
  it.each([
    ['the pod name', named('web-0'), { hostname: 'web-0' }],
    ['spec.hostname', named('web-0', { hostname: 'db' }), { hostname: 'db' }],
    ['a subdomain becomes the domain', named('web-0', { hostname: 'db', subdomain: 'dbs' }), { hostname: 'db', domainname: 'dbs.shop.svc.cluster.local' }],
    ['setHostnameAsFQDN', named('web-0', { subdomain: 'dbs', setHostnameAsFQDN: true }), { hostname: 'web-0.dbs.shop.svc.cluster.local' }],
    ['a long name is cut to 63 without a trailing dash or dot', named(`${'a'.repeat(61)}-.b`), { hostname: 'a'.repeat(61) }],
  ])('%s', (_name, p, expected) => {
    expect(podHostname(p, 'cluster.local')).toEqual(expected)
  })

  it('refuses an FQDN longer than 64', () => {
    expect(() => podHostname(named('a'.repeat(40), { subdomain: 'sub', setHostnameAsFQDN: true }), 'cluster.local')).toThrow('is too long (64 characters is the max, 67 characters requested)')
  })
})

describe('volumes and the pod network', () => {
  const p = podOf([container()], {}, [
    { name: 'data', emptyDir: {} },
    { name: 'shm', emptyDir: { medium: 'Memory' } },
    { name: 'small', emptyDir: { medium: 'Memory', sizeLimit: '0.5Gi' } },
    { name: 'cfg', configMap: { name: 'cfg' } },
  ])
  const volumeLabels = (name: string) => ({
    'io.coxswain.managed': 'true',
    'io.kubernetes.pod.uid': UID,
    'io.kubernetes.pod.name': 'web-0',
    'io.kubernetes.pod.namespace': 'shop',
    'io.coxswain.volume.name': name,
  })

  it('makes one labelled Docker volume per emptyDir, tmpfs for medium Memory', () => {
    expect(buildPodVolumeCreates(p)).toEqual([
      { Name: `k8s_data_${UID}`, Driver: 'local', Labels: volumeLabels('data') },
      { Name: `k8s_shm_${UID}`, Driver: 'local', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'mode=0777' }, Labels: volumeLabels('shm') },
      { Name: `k8s_small_${UID}`, Driver: 'local', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'mode=0777,size=536870912' }, Labels: volumeLabels('small') },
    ])
  })

  it('makes Docker volumes of emptyDirs only', () => {
    expect(() => buildVolumeCreate(p, { name: 'cfg', configMap: { name: 'cfg' } })).toThrow('volume cfg of pod web-0_shop(')
  })

  it('gives new emptyDirs the Kubernetes mode, and the fsGroup', () => {
    expect(emptyDirPermissionCommands(['/v/a/_data', '/v/b/_data'])).toEqual([['chmod', '0777', '/v/a/_data', '/v/b/_data']])
    expect(emptyDirPermissionCommands(['/v/a/_data'], 2000)).toEqual([
      ['chmod', '0777', '/v/a/_data'],
      ['chgrp', '2000', '/v/a/_data'],
      ['chmod', 'g+s', '/v/a/_data'],
    ])
    expect(emptyDirPermissionCommands([])).toEqual([])
  })

  it('makes the node pod network a labelled bridge on the pod CIDR', () => {
    expect(buildPodNetworkCreate('10.244.3.0/24', { bridgeName: 'cxpods0' })).toEqual({
      Name: 'coxswain-pods',
      CheckDuplicate: true,
      Driver: 'bridge',
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.244.3.0/24', Gateway: '10.244.3.1' }] },
      Labels: { 'io.coxswain.managed': 'true', 'io.coxswain.network': 'pods' },
      Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'false', 'com.docker.network.bridge.name': 'cxpods0' },
    })
    expect(buildPodNetworkCreate('10.244.3.0/24', { name: 'pods-b' }).Options).toEqual({ 'com.docker.network.bridge.enable_ip_masquerade': 'false' })
    expect(() => buildPodNetworkCreate('10.244.3.0/24', { bridgeName: 'a-very-long-bridge' })).toThrow('longer than 15 characters')
  })
})
