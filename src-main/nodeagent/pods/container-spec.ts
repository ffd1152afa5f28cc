// Pure builders from a Pod to the Docker objects that run it: containers (app, init, infra),
// emptyDir volumes and the node's pod network. Data in, dockerode options out; an executor elsewhere
// sends them. The shape of a pod on Docker is in README.md.

import type Docker from 'dockerode'
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS } from '../../api/defaults/pod.ts'
import { quantityValue } from '../../api/quantity.ts'
import type { Container, ContainerPort, Pod, ResourceList, SecurityContext, Volume, VolumeMount } from '../../api/types/pod.ts'
import type { ClusterDNS, DockerDNS } from './dns.ts'
import { podDNS } from './dns.ts'
import { buildContainerEnv, expandCommand, type EnvSources } from './env.ts'
import { ContainerConfigError } from './errors.ts'
import { cidrGateway } from './ip-allocator.ts'
import {
  ATTEMPT_LABEL,
  CONTAINER_NAME_LABEL,
  INFRA_CONTAINER_NAME,
  MANAGED_LABEL,
  NETWORK_PURPOSE_LABEL,
  POD_IP_LABEL,
  ROLE_LABEL,
  SPEC_HASH_LABEL,
  VOLUME_NAME_LABEL,
  dockerContainerName,
  dockerVolumeName,
  formatPod,
  infraContainerName,
  podIdentity,
  podLabels,
  type ContainerRole,
} from './names.ts'
import { INFRA_OOM_SCORE_ADJ, containerResources } from './resources.ts'
import { containerSpecHash } from './spec-hash.ts'

export type ContainerCreateOptions = Docker.ContainerCreateOptions
export type VolumeCreateOptions = Docker.VolumeCreateOptions
export type NetworkCreateOptions = Docker.NetworkCreateOptions
type HostConfig = Docker.HostConfig
type MountSettings = Docker.MountSettings

export const DEFAULT_INFRA_IMAGE = 'registry.k8s.io/pause:3.10'
export const DEFAULT_POD_NETWORK = 'coxswain-pods'
/** Where the infra container mounts Memory emptyDirs, only to keep their tmpfs mounted. */
export const INFRA_VOLUME_DIR = '/coxswain-volumes'

/** What the node knows about the pod, shared by all its containers. */
export interface PodContext {
  /** The node's pod network (a Docker bridge network on the node's pod CIDR). */
  network: string
  /** The pod's fixed IP on that network; required unless the pod uses the host network. */
  podIP?: string
  /** The node's IP: status.hostIP for the downward API. */
  hostIP?: string
  dns: ClusterDNS
  /** Host directories the agent filled for configMap and secret volumes, by volume name. */
  volumeDirs?: Record<string, string>
  /** Mountpoints of the pod's emptyDir Docker volumes (VolumeCreate's answer); needed for subPath. */
  volumeMountpoints?: Record<string, string>
  /** Service link variables for the pod's namespace (enableServiceLinks). */
  serviceEnv?: Record<string, string>
  node?: {
    /** For resourceFieldRef on unset limits. */
    allocatable?: ResourceList
    /** Bytes; for the OOM score of Burstable containers. */
    memoryCapacity?: number
    /** The node's runtime may lower OOM scores (see ResourceContext.lowerOomScores). */
    lowerOomScores?: boolean
  }
}

export interface ContainerContext extends PodContext {
  /** The container's restartCount when created: 0 first, then the count it replaces + 1. */
  attempt: number
  /** Name or ID of the pod's infra container; required when podNeedsInfra(pod). */
  sandbox?: string
  /** ConfigMap/Secret values for env and envFrom. */
  env?: EnvSources
  /** The image's configured user (`""` = root); needed for runAsNonRoot and runAsGroup alone. */
  imageUser?: string
}

export interface InfraContext extends PodContext {
  attempt: number
  /** Default DEFAULT_INFRA_IMAGE. */
  image?: string
  /** Overrides the image's command (the pause image needs none; a busybox stand-in runs `sleep`). */
  command?: string[]
}

/**
 * Whether the pod gets an infra container to hold its namespaces. A pod of one container does not:
 * that container owns the pod's network namespace, IP and hostname itself, so a pod is one Docker
 * container. More containers (init containers included: they exit), a shared process namespace, or
 * a Memory emptyDir (whose tmpfs must outlive container restarts) need one.
 */
export function podNeedsInfra(pod: Pod): boolean {
  const spec = pod.spec
  const containers = (spec?.containers.length ?? 0) + (spec?.initContainers?.length ?? 0)
  return containers > 1 || spec?.shareProcessNamespace === true || (spec?.volumes ?? []).some((v) => v.emptyDir?.medium === 'Memory')
}

export function containerRole(pod: Pod, container: Container): ContainerRole {
  return (pod.spec?.initContainers ?? []).some((c) => c.name === container.name) ? 'init' : 'app'
}

/**
 * Docker's restart policy for a container: Docker restarts it while the app is away. Always →
 * unless-stopped (a container the agent stopped on purpose stays stopped across a daemon restart);
 * OnFailure → on-failure without a cap; Never → no. Init containers retry on failure unless Never.
 */
export function dockerRestartPolicy(pod: Pod, role: ContainerRole): Docker.HostRestartPolicy {
  const policy = pod.spec?.restartPolicy ?? 'Always'
  if (role === 'infra') return { Name: 'unless-stopped' }
  if (role === 'init') return policy === 'Never' ? { Name: 'no' } : { Name: 'on-failure' }
  if (policy === 'Always') return { Name: 'unless-stopped' }
  if (policy === 'OnFailure') return { Name: 'on-failure' }
  return { Name: 'no' }
}

export function buildContainerCreate(pod: Pod, container: Container, context: ContainerContext): ContainerCreateOptions {
  const role = containerRole(pod, container)
  const spec = pod.spec
  if (!container.image) throw new ContainerConfigError(`container ${container.name} has no image`)
  const { vars } = buildContainerEnv(pod, container, {
    sources: context.env,
    serviceEnv: context.serviceEnv,
    podIP: context.podIP,
    hostIP: context.hostIP,
    nodeAllocatable: context.node?.allocatable,
  })
  const owner = !podNeedsInfra(pod)
  const labels: Record<string, string> = {
    ...podLabels(pod),
    [CONTAINER_NAME_LABEL]: container.name,
    [ROLE_LABEL]: role,
    [SPEC_HASH_LABEL]: containerSpecHash(pod, container),
    [ATTEMPT_LABEL]: String(context.attempt),
  }
  if (owner && context.podIP && !spec?.hostNetwork) labels[POD_IP_LABEL] = context.podIP

  const opts: ContainerCreateOptions = { name: dockerContainerName(pod, container.name, context.attempt), Image: container.image }
  if (container.command?.length) opts.Entrypoint = expandCommand(container.command, vars)
  if (container.args?.length) opts.Cmd = expandCommand(container.args, vars)
  if (vars.length) opts.Env = vars.map(([k, v]) => `${k}=${v}`)
  if (container.workingDir) opts.WorkingDir = container.workingDir
  const user = dockerUser(pod, container, context.imageUser)
  if (user !== undefined) opts.User = user
  if (container.tty) opts.Tty = true
  if (container.stdin) opts.OpenStdin = true
  if (container.stdinOnce) opts.StdinOnce = true
  opts.Labels = labels
  opts.StopTimeout = spec?.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS

  const resources = containerResources(container, {
    qosClass: pod.status?.qosClass,
    nodeMemoryCapacity: context.node?.memoryCapacity,
    lowerOomScores: context.node?.lowerOomScores,
  })
  const host: HostConfig = { ...resources, RestartPolicy: dockerRestartPolicy(pod, role) }
  Object.assign(host, securityHostConfig(pod, container))
  const { binds, mounts } = volumeMounts(pod, container, context)
  if (binds.length) host.Binds = binds
  if (mounts.length) host.Mounts = mounts

  if (owner) {
    Object.assign(opts, ownerConfig(pod, context, spec?.containers ?? [container]))
    Object.assign(host, ownerHostConfig(pod, context, spec?.containers ?? [container]))
    if (spec?.hostPID) host.PidMode = 'host'
    if (spec?.hostIPC) host.IpcMode = 'host'
  } else {
    if (!context.sandbox) throw new Error(`pod ${formatPod(pod)} needs its infra container before container ${container.name}`)
    const sandbox = `container:${context.sandbox}`
    host.NetworkMode = sandbox
    host.IpcMode = spec?.hostIPC ? 'host' : sandbox
    if (spec?.hostPID) host.PidMode = 'host'
    else if (spec?.shareProcessNamespace) host.PidMode = sandbox
  }
  opts.HostConfig = host
  if (owner) opts.NetworkingConfig = networkingConfig(pod, context)
  return opts
}

/** The container holding a multi-container pod's namespaces, IP, hostname and published ports. */
export function buildInfraCreate(pod: Pod, context: InfraContext): ContainerCreateOptions {
  const spec = pod.spec
  const opts: ContainerCreateOptions = { name: infraContainerName(pod, context.attempt), Image: context.image ?? DEFAULT_INFRA_IMAGE }
  if (context.command?.length) opts.Entrypoint = [...context.command]
  const labels: Record<string, string> = { ...podLabels(pod), [CONTAINER_NAME_LABEL]: INFRA_CONTAINER_NAME, [ROLE_LABEL]: 'infra', [ATTEMPT_LABEL]: String(context.attempt) }
  if (context.podIP && !spec?.hostNetwork) labels[POD_IP_LABEL] = context.podIP
  opts.Labels = labels
  opts.StopTimeout = spec?.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
  Object.assign(opts, ownerConfig(pod, context, spec?.containers ?? []))
  const host: HostConfig = { RestartPolicy: dockerRestartPolicy(pod, 'infra') }
  if (context.node?.lowerOomScores) host.OomScoreAdj = INFRA_OOM_SCORE_ADJ
  Object.assign(host, ownerHostConfig(pod, context, spec?.containers ?? []))
  host.IpcMode = spec?.hostIPC ? 'host' : 'shareable'
  if (spec?.hostPID) host.PidMode = 'host'
  const memoryVolumes = (spec?.volumes ?? []).filter((v) => v.emptyDir?.medium === 'Memory')
  if (memoryVolumes.length) {
    host.Mounts = memoryVolumes.map((v) => volumeMountSettings(pod, v, `${INFRA_VOLUME_DIR}/${v.name}`, true))
  }
  opts.HostConfig = host
  opts.NetworkingConfig = networkingConfig(pod, context)
  return opts
}

/** The Docker volume behind an emptyDir: node disk, or a tmpfs sized by sizeLimit for medium Memory. */
export function buildVolumeCreate(pod: Pod, volume: Volume): VolumeCreateOptions {
  if (!volume.emptyDir) throw new Error(`volume ${volume.name} of pod ${formatPod(pod)} is not an emptyDir: only emptyDirs are Docker volumes`)
  const opts: VolumeCreateOptions = { Name: dockerVolumeName(pod, volume.name), Driver: 'local' }
  const driverOpts = emptyDirDriverOptions(volume)
  if (driverOpts) opts.DriverOpts = driverOpts
  opts.Labels = volumeLabels(pod, volume)
  return opts
}

/** Every emptyDir of the pod, in spec order. */
export function buildPodVolumeCreates(pod: Pod): VolumeCreateOptions[] {
  return (pod.spec?.volumes ?? []).filter((v) => v.emptyDir).map((v) => buildVolumeCreate(pod, v))
}

/**
 * The commands (argv, run on the node) that give fresh emptyDir directories Kubernetes' mode:
 * world-writable (Docker creates them 0755 root), and owned by the fsGroup with setgid if one is set.
 */
export function emptyDirPermissionCommands(mountpoints: string[], fsGroup?: number): string[][] {
  if (!mountpoints.length) return []
  const commands = [['chmod', '0777', ...mountpoints]]
  if (fsGroup !== undefined) commands.push(['chgrp', String(fsGroup), ...mountpoints], ['chmod', 'g+s', ...mountpoints])
  return commands
}

export interface PodNetworkOptions {
  /** Docker network name; default DEFAULT_POD_NETWORK. */
  name?: string
  /** The Linux bridge device (≤ 15 characters), so kernel rules can name it. */
  bridgeName?: string
}

/** The node's pod network: a bridge on the node's pod CIDR whose first address is the gateway. */
export function buildPodNetworkCreate(podCIDR: string, options: PodNetworkOptions = {}): NetworkCreateOptions {
  // No Docker masquerade: its rule would NAT pod-to-pod traffic between nodes; the network
  // component (src-main/network) masquerades only traffic leaving the cluster CIDR.
  const bridge: Record<string, string> = { 'com.docker.network.bridge.enable_ip_masquerade': 'false' }
  if (options.bridgeName) {
    if (options.bridgeName.length > 15) throw new Error(`bridge name ${options.bridgeName} is longer than 15 characters`)
    bridge['com.docker.network.bridge.name'] = options.bridgeName
  }
  const opts: NetworkCreateOptions = {
    Name: options.name ?? DEFAULT_POD_NETWORK,
    CheckDuplicate: true,
    Driver: 'bridge',
    IPAM: { Driver: 'default', Config: [{ Subnet: podCIDR, Gateway: cidrGateway(podCIDR) }] },
    Labels: { [MANAGED_LABEL]: 'true', [NETWORK_PURPOSE_LABEL]: 'pods' },
  }
  opts.Options = bridge
  return opts
}

// ── the network namespace owner (infra, or the only container) ─────────────────────────────────

/** Hostname, DNS and exposed ports: Docker refuses these on containers joining another's network. */
function ownerConfig(pod: Pod, context: PodContext, containers: Container[]): Partial<ContainerCreateOptions> {
  const out: Partial<ContainerCreateOptions> = {}
  if (!pod.spec?.hostNetwork) {
    const { hostname, domainname } = podHostname(pod, context.dns.domain)
    out.Hostname = hostname
    if (domainname) out.Domainname = domainname
  }
  const ports = publishedPorts(pod, containers)
  if (ports.length) out.ExposedPorts = Object.fromEntries(ports.map(([key]) => [key, {}]))
  return out
}

function ownerHostConfig(pod: Pod, context: PodContext, containers: Container[]): HostConfig {
  const spec = pod.spec
  const host: HostConfig = {}
  if (spec?.hostNetwork) {
    host.NetworkMode = 'host'
  } else {
    if (!context.podIP) throw new Error(`pod ${formatPod(pod)} has no IP on network ${context.network}`)
    host.NetworkMode = context.network
    const ports = publishedPorts(pod, containers)
    if (ports.length) {
      const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {}
      for (const [key, binding] of ports) (bindings[key] ??= []).push(binding)
      host.PortBindings = bindings
    }
  }
  const dns: DockerDNS = podDNS(pod, context.dns)
  Object.assign(host, dns)
  const extraHosts = (spec?.hostAliases ?? []).flatMap((a) => (a.hostnames ?? []).map((h) => `${h}:${a.ip}`))
  if (extraHosts.length) host.ExtraHosts = extraHosts
  const sysctls = spec?.securityContext?.sysctls ?? []
  if (sysctls.length) host.Sysctls = Object.fromEntries(sysctls.map((s) => [s.name, s.value]))
  return host
}

function networkingConfig(pod: Pod, context: PodContext): ContainerCreateOptions['NetworkingConfig'] {
  if (pod.spec?.hostNetwork || !context.podIP) return undefined
  return { EndpointsConfig: { [context.network]: { IPAMConfig: { IPv4Address: context.podIP } } } }
}

/** `<port>/<protocol>` and its binding for every port with a hostPort (none on the host network). */
function publishedPorts(pod: Pod, containers: Container[]): [string, { HostIp: string; HostPort: string }][] {
  if (pod.spec?.hostNetwork) return []
  return containers
    .flatMap((c) => c.ports ?? [])
    .filter((p): p is ContainerPort & { hostPort: number } => !!p.hostPort)
    .map((p) => [`${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`, { HostIp: p.hostIP ?? '', HostPort: String(p.hostPort) }])
}

const HOSTNAME_MAX = 63

/** GeneratePodHostNameAndDomain: spec.hostname or the pod name cut to 63, subdomain → domain. */
export function podHostname(pod: Pod, clusterDomain: string): { hostname: string; domainname?: string } {
  const { name, namespace } = podIdentity(pod)
  let hostname = pod.spec?.hostname || name
  if (hostname.length > HOSTNAME_MAX) hostname = hostname.slice(0, HOSTNAME_MAX).replace(/[-.]+$/, '')
  const subdomain = pod.spec?.subdomain
  const domainname = subdomain ? `${subdomain}.${namespace}.svc.${clusterDomain}` : undefined
  if (pod.spec?.setHostnameAsFQDN && domainname) {
    const fqdn = `${hostname}.${domainname}`
    if (fqdn.length > 64) throw new ContainerConfigError(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`)
    return { hostname: fqdn }
  }
  return domainname ? { hostname, domainname } : { hostname }
}

// ── security ────────────────────────────────────────────────────────────────────────────────────

function effectiveSecurity(pod: Pod, container: Container): SecurityContext {
  const podSc = pod.spec?.securityContext ?? {}
  const sc = container.securityContext ?? {}
  return {
    ...sc,
    runAsUser: sc.runAsUser ?? podSc.runAsUser,
    runAsGroup: sc.runAsGroup ?? podSc.runAsGroup,
    runAsNonRoot: sc.runAsNonRoot ?? podSc.runAsNonRoot,
    seccompProfile: sc.seccompProfile ?? podSc.seccompProfile,
    appArmorProfile: sc.appArmorProfile ?? podSc.appArmorProfile,
  }
}

/** Docker's `uid[:gid]`, checking runAsNonRoot as the kubelet does (verifyRunAsNonRoot). */
function dockerUser(pod: Pod, container: Container, imageUser: string | undefined): string | undefined {
  const sc = effectiveSecurity(pod, container)
  if (sc.runAsNonRoot) {
    if (sc.runAsUser === 0) throw new ContainerConfigError(`container's runAsUser breaks non-root policy (pod: "${formatPod(pod)}", container: ${container.name})`)
    if (sc.runAsUser === undefined) {
      if (imageUser === undefined) throw new ContainerConfigError(`container has runAsNonRoot and the image's user is unknown (pod: "${formatPod(pod)}", container: ${container.name})`)
      const user = imageUser.split(':')[0] ?? ''
      if (user === '' || /^0+$/.test(user)) {
        throw new ContainerConfigError(`container has runAsNonRoot and image will run as root (pod: "${formatPod(pod)}", container: ${container.name})`)
      }
      if (!/^[0-9]+$/.test(user)) {
        throw new ContainerConfigError(`container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root (pod: "${formatPod(pod)}", container: ${container.name})`)
      }
    }
  }
  if (sc.runAsUser !== undefined) return sc.runAsGroup === undefined ? String(sc.runAsUser) : `${sc.runAsUser}:${sc.runAsGroup}`
  if (sc.runAsGroup === undefined) return undefined
  if (imageUser === undefined) throw new ContainerConfigError(`runAsGroup without runAsUser needs the image's user (pod: "${formatPod(pod)}", container: ${container.name})`)
  return `${imageUser.split(':')[0] || '0'}:${sc.runAsGroup}`
}

function securityHostConfig(pod: Pod, container: Container): HostConfig {
  const sc = effectiveSecurity(pod, container)
  const podSc = pod.spec?.securityContext
  const host: HostConfig = {}
  if (sc.privileged) host.Privileged = true
  if (sc.capabilities?.add?.length) host.CapAdd = [...sc.capabilities.add]
  if (sc.capabilities?.drop?.length) host.CapDrop = [...sc.capabilities.drop]
  if (sc.readOnlyRootFilesystem) host.ReadonlyRootfs = true
  const securityOpt: string[] = []
  if (sc.allowPrivilegeEscalation === false) securityOpt.push('no-new-privileges')
  if (sc.seccompProfile?.type === 'Unconfined') securityOpt.push('seccomp=unconfined')
  if (sc.appArmorProfile?.type === 'Unconfined') securityOpt.push('apparmor=unconfined')
  if (securityOpt.length) host.SecurityOpt = securityOpt
  const groups = [...new Set([...(podSc?.fsGroup === undefined ? [] : [podSc.fsGroup]), ...(podSc?.supplementalGroups ?? [])])]
  if (groups.length) host.GroupAdd = groups.map(String)
  return host
}

// ── volumes ─────────────────────────────────────────────────────────────────────────────────────

function volumeLabels(pod: Pod, volume: Volume): Record<string, string> {
  return { ...podLabels(pod), [VOLUME_NAME_LABEL]: volume.name }
}

function emptyDirDriverOptions(volume: Volume): Record<string, string> | undefined {
  if (volume.emptyDir?.medium !== 'Memory') return undefined
  const o = ['mode=0777']
  const size = volume.emptyDir.sizeLimit
  if (size !== undefined) o.push(`size=${quantityValue(size)}`)
  return { type: 'tmpfs', device: 'tmpfs', o: o.join(',') }
}

/** A Mount of the pod's Docker volume; Docker creates it with these labels and options if missing. */
function volumeMountSettings(pod: Pod, volume: Volume, target: string, readOnly: boolean): MountSettings {
  const mount: MountSettings = { Type: 'volume', Source: dockerVolumeName(pod, volume.name), Target: target }
  if (readOnly) mount.ReadOnly = true
  mount.VolumeOptions = {
    NoCopy: true,
    Labels: volumeLabels(pod, volume),
    DriverConfig: { Name: 'local', Options: emptyDirDriverOptions(volume) ?? {} },
  }
  return mount
}

const PROPAGATION: Record<string, string | undefined> = { None: undefined, HostToContainer: 'rslave', Bidirectional: 'rshared' }

function bind(source: string, m: VolumeMount, forceReadOnly: boolean): string {
  const modes = [m.readOnly || forceReadOnly ? 'ro' : '', PROPAGATION[m.mountPropagation ?? 'None'] ?? ''].filter(Boolean)
  return `${source}:${m.mountPath}${modes.length ? `:${modes.join(',')}` : ''}`
}

const withSubPath = (dir: string, subPath: string | undefined): string => (subPath ? `${dir.replace(/\/+$/, '')}/${subPath}` : dir)

/**
 * emptyDir → a Mount of the pod's Docker volume; hostPath, configMap and secret → Binds (Docker
 * creates a missing bind source directory, as the kubelet did for an untyped hostPath); a subPath →
 * a Bind of the directory inside the volume. configMap and secret mounts are always read-only.
 */
function volumeMounts(pod: Pod, container: Container, context: PodContext): { binds: string[]; mounts: MountSettings[] } {
  const binds: string[] = []
  const mounts: MountSettings[] = []
  for (const m of container.volumeMounts ?? []) {
    const volume = (pod.spec?.volumes ?? []).find((v) => v.name === m.name)
    if (!volume) throw new ContainerConfigError(`container ${container.name} mounts volume "${m.name}", which the pod does not have`)
    if (volume.emptyDir) {
      if (m.subPath) {
        const mountpoint = context.volumeMountpoints?.[volume.name]
        if (!mountpoint) throw new Error(`emptyDir ${volume.name} of pod ${formatPod(pod)} must exist before a subPath of it is mounted`)
        binds.push(bind(withSubPath(mountpoint, m.subPath), m, false))
      } else {
        mounts.push(volumeMountSettings(pod, volume, m.mountPath, m.readOnly === true))
      }
    } else if (volume.hostPath) {
      binds.push(bind(withSubPath(volume.hostPath.path, m.subPath), m, false))
    } else if (volume.configMap || volume.secret) {
      const dir = context.volumeDirs?.[volume.name]
      if (!dir) throw new Error(`the files of volume ${volume.name} of pod ${formatPod(pod)} must be written before the container is created`)
      binds.push(bind(withSubPath(dir, m.subPath), m, true))
    } else {
      throw new ContainerConfigError(`volume ${volume.name} has no source Coxswain can mount`)
    }
  }
  return { binds, mounts }
}
