// Pod and pod template validation, following pkg/apis/core/validation (ValidatePodSpec and
// friends): the same checks on the fields Coxswain supports, with the same paths and messages.
// Runs on decoded, defaulted objects (see admission.ts); enum values and types were checked by
// decoding already.

import { compareQuantities, parseQuantity, QuantityError } from '../quantity.ts'
import type {
  Affinity,
  Container,
  ContainerPort,
  EnvFromSource,
  EnvVar,
  HTTPGetAction,
  KeyToPath,
  LifecycleHandler,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
  PodAffinityTerm,
  PodDNSConfig,
  PodSecurityContext,
  PodSpec,
  PodTemplateSpec,
  Probe,
  ResourceRequirements,
  SecurityContext,
  TCPSocketAction,
  Toleration,
  TopologySpreadConstraint,
  Volume,
  VolumeMount,
} from '../types/pod.ts'
import type { Binding } from '../types/core.ts'
import {
  child,
  duplicate,
  forbidden,
  index,
  invalid,
  key,
  notFound,
  notSupported,
  required,
  type FieldError,
} from './errors.ts'
import { deepEqual, validateAnnotations, validateLabels, validateLabelName, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts'
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isHTTPHeaderName,
  isIP,
  isLabelValue,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
  IP_ERROR,
  nameIsDNSSubdomain,
} from './names.ts'

const MAX_INT32 = 2147483647
const ID_RANGE_ERROR = `must be between 0 and ${MAX_INT32}, inclusive`

const labelErrs = (path: string, value: string, msgs: string[]): FieldError[] => msgs.map((m) => invalid(path, value, m))

// --- Volumes -------------------------------------------------------------------------------------------

const SOURCES = ['emptyDir', 'hostPath', 'configMap', 'secret'] as const

function validateFileMode(mode: number | undefined, path: string): FieldError[] {
  return mode !== undefined && (mode < 0 || mode > 0o777) ? [invalid(path, mode, 'must be a number between 0 and 0777 (octal), both inclusive')] : []
}

/** A relative path that stays inside its volume. */
function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = []
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'))
  errs.push(...validatePathNoBacksteps(p, path))
  return errs
}

function validatePathNoBacksteps(p: string, path: string): FieldError[] {
  return p.split('/').includes('..') ? [invalid(path, p, "must not contain '..'")] : []
}

function validateKeyToPaths(items: readonly KeyToPath[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  ;(items ?? []).forEach((item, i) => {
    const p = index(path, i)
    if (!item.key) errs.push(required(child(p, 'key')))
    else errs.push(...labelErrs(child(p, 'key'), item.key, isConfigMapKey(item.key)))
    if (!item.path) errs.push(required(child(p, 'path')))
    else errs.push(...validateLocalNonReservedPath(item.path, child(p, 'path')))
    errs.push(...validateFileMode(item.mode, child(p, 'mode')))
  })
  return errs
}

function validateLocalNonReservedPath(p: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(p, path)
  if (p.startsWith('..')) errs.push(invalid(path, p, "must not start with '..'"))
  return errs
}

function validateVolumes(volumes: readonly Volume[] | undefined, path: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = []
  const names = new Set<string>()
  ;(volumes ?? []).forEach((v, i) => {
    const p = index(path, i)
    if (!v.name) errs.push(required(child(p, 'name')))
    else {
      errs.push(...labelErrs(child(p, 'name'), v.name, isDNS1123Label(v.name)))
      if (names.has(v.name)) errs.push(duplicate(child(p, 'name'), v.name))
      names.add(v.name)
    }
    const given = SOURCES.filter((s) => v[s] !== undefined)
    if (given.length === 0) errs.push(required(p, 'must specify a volume type'))
    for (const extra of given.slice(1)) errs.push(forbidden(child(p, extra), 'may not specify more than 1 volume type'))
    if (v.hostPath) {
      const hp = child(p, 'hostPath')
      if (!v.hostPath.path) errs.push(required(child(hp, 'path')))
      else errs.push(...validatePathNoBacksteps(v.hostPath.path, child(hp, 'path')))
    }
    if (v.emptyDir?.sizeLimit !== undefined && safeCompare(v.emptyDir.sizeLimit, '0') < 0) {
      errs.push(forbidden(child(child(p, 'emptyDir'), 'sizeLimit'), 'SizeLimit field must be a valid resource quantity'))
    }
    if (v.configMap) {
      const cm = child(p, 'configMap')
      if (!v.configMap.name) errs.push(required(child(cm, 'name')))
      errs.push(...validateKeyToPaths(v.configMap.items, child(cm, 'items')))
      errs.push(...validateFileMode(v.configMap.defaultMode, child(cm, 'defaultMode')))
    }
    if (v.secret) {
      const s = child(p, 'secret')
      if (!v.secret.secretName) errs.push(required(child(s, 'secretName')))
      else errs.push(...labelErrs(child(s, 'secretName'), v.secret.secretName, isDNS1123Subdomain(v.secret.secretName)))
      errs.push(...validateKeyToPaths(v.secret.items, child(s, 'items')))
      errs.push(...validateFileMode(v.secret.defaultMode, child(s, 'defaultMode')))
    }
  })
  return { errs, names }
}

// --- Containers ----------------------------------------------------------------------------------------

function safeCompare(a: string, b: string): number {
  try {
    return compareQuantities(a, b)
  } catch {
    return 0
  }
}

function validatePortNumOrName(port: number | string | undefined, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => invalid(path, port, m))
  if (typeof port === 'string') {
    if (port === '') return [required(path)]
    const msgs = isValidPortName(port)
    return msgs.length ? [invalid(path, port, msgs.join(', '))] : []
  }
  return [required(path)]
}

function validateHTTPGet(h: HTTPGetAction, path: string): FieldError[] {
  const errs: FieldError[] = []
  errs.push(...validatePortNumOrName(h.port, child(path, 'port')))
  ;(h.httpHeaders ?? []).forEach((hdr, i) => {
    errs.push(...labelErrs(child(index(child(path, 'httpHeaders'), i), 'name'), hdr.name, isHTTPHeaderName(hdr.name)))
  })
  return errs
}

function validateTCPSocket(t: TCPSocketAction, path: string): FieldError[] {
  return validatePortNumOrName(t.port, child(path, 'port'))
}

function validateHandler(h: LifecycleHandler | Probe, path: string, allowed: readonly ('exec' | 'httpGet' | 'tcpSocket' | 'sleep')[]): FieldError[] {
  const errs: FieldError[] = []
  const given = allowed.filter((k) => (h as Record<string, unknown>)[k] !== undefined)
  if (given.length === 0) errs.push(required(path, 'must specify a handler type'))
  for (const extra of given.slice(1)) errs.push(forbidden(child(path, extra), 'may not specify more than 1 handler type'))
  const rec = h as { exec?: { command?: string[] }; httpGet?: HTTPGetAction; tcpSocket?: TCPSocketAction }
  if (rec.exec && !rec.exec.command?.length) errs.push(required(child(child(path, 'exec'), 'command')))
  if (rec.httpGet) errs.push(...validateHTTPGet(rec.httpGet, child(path, 'httpGet')))
  if (rec.tcpSocket) errs.push(...validateTCPSocket(rec.tcpSocket, child(path, 'tcpSocket')))
  return errs
}

type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe'

function validateProbe(probe: Probe, kind: ProbeKind, path: string): FieldError[] {
  const errs = validateHandler(probe, path, ['exec', 'httpGet', 'tcpSocket'])
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = probe[f]
    if (v !== undefined && v < 0) errs.push(invalid(child(path, f), v, 'must be greater than or equal to 0'))
  }
  if (kind !== 'readinessProbe' && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(invalid(child(path, 'successThreshold'), probe.successThreshold, 'must be 1'))
  }
  const tgps = probe.terminationGracePeriodSeconds
  if (tgps !== undefined) {
    if (kind === 'readinessProbe') errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes'))
    else if (tgps <= 0) errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'))
  }
  return errs
}

const POD_FIELD_PATHS = [
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]
const RESOURCE_FIELDS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory']

function validateFieldPath(fieldPath: string, path: string): FieldError[] {
  const subscript = /^(metadata\.(?:labels|annotations))\['(.+)'\]$/.exec(fieldPath)
  if (subscript) {
    const k = subscript[2] ?? ''
    return subscript[1] === 'metadata.labels' ? validateLabelName(k, path) : labelErrs(path, k, isQualifiedName(k.toLowerCase()))
  }
  // Whole label and annotation maps are for volumes only; env vars need one key.
  const envPaths = POD_FIELD_PATHS.filter((p) => p !== 'metadata.annotations' && p !== 'metadata.labels')
  return envPaths.includes(fieldPath) ? [] : [notSupported(path, fieldPath, envPaths)]
}

function validateEnv(env: readonly EnvVar[] | undefined, path: string, containerName: string): FieldError[] {
  const errs: FieldError[] = []
  ;(env ?? []).forEach((e, i) => {
    const p = index(path, i)
    if (!e.name) errs.push(required(child(p, 'name')))
    else errs.push(...labelErrs(child(p, 'name'), e.name, isEnvVarName(e.name)))
    const vf = e.valueFrom
    if (!vf) return
    const vp = child(p, 'valueFrom')
    const sources = (['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const).filter((s) => vf[s] !== undefined)
    if (e.value) errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'))
    if (sources.length === 0) {
      errs.push(invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'))
    } else if (sources.length > 1) {
      errs.push(invalid(vp, '', 'may not have more than one field specified at a time'))
    }
    if (vf.fieldRef) {
      const fp = child(vp, 'fieldRef')
      if (!vf.fieldRef.apiVersion) errs.push(required(child(fp, 'apiVersion')))
      else if (vf.fieldRef.apiVersion !== 'v1') errs.push(invalid(child(fp, 'apiVersion'), vf.fieldRef.apiVersion, 'unsupported version'))
      if (!vf.fieldRef.fieldPath) errs.push(required(child(fp, 'fieldPath')))
      else errs.push(...validateFieldPath(vf.fieldRef.fieldPath, child(fp, 'fieldPath')))
    }
    if (vf.resourceFieldRef) {
      const rp = child(vp, 'resourceFieldRef')
      const r = vf.resourceFieldRef
      if (r.containerName && r.containerName !== containerName) {
        errs.push(invalid(child(rp, 'containerName'), r.containerName, 'must be the name of this container'))
      }
      if (!r.resource) errs.push(required(child(rp, 'resource')))
      else if (!RESOURCE_FIELDS.includes(r.resource)) errs.push(notSupported(child(rp, 'resource'), r.resource, RESOURCE_FIELDS))
      if (r.divisor !== undefined && safeCompare(r.divisor, '0') <= 0) errs.push(invalid(child(rp, 'divisor'), r.divisor, 'must be greater than zero'))
    }
    for (const s of ['configMapKeyRef', 'secretKeyRef'] as const) {
      const ref = vf[s]
      if (!ref) continue
      const sp = child(vp, s)
      if (!ref.name) errs.push(required(child(sp, 'name')))
      if (!ref.key) errs.push(required(child(sp, 'key')))
      else errs.push(...labelErrs(child(sp, 'key'), ref.key, isConfigMapKey(ref.key)))
    }
  })
  return errs
}

function validateEnvFrom(sources: readonly EnvFromSource[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  ;(sources ?? []).forEach((s, i) => {
    const p = index(path, i)
    if (s.prefix) errs.push(...labelErrs(child(p, 'prefix'), s.prefix, isEnvVarName(s.prefix)))
    const given = (['configMapRef', 'secretRef'] as const).filter((k) => s[k] !== undefined)
    if (given.length === 0) errs.push(invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'))
    if (given.length > 1) errs.push(invalid(p, '', 'may not have more than one field specified at a time'))
    for (const k of given) {
      if (!s[k]?.name) errs.push(required(child(child(p, k), 'name')))
    }
  })
  return errs
}

function validateVolumeMounts(mounts: readonly VolumeMount[] | undefined, volumes: Set<string>, c: Container, path: string): FieldError[] {
  const errs: FieldError[] = []
  const paths = new Set<string>()
  ;(mounts ?? []).forEach((m, i) => {
    const p = index(path, i)
    if (!m.name) errs.push(required(child(p, 'name')))
    else if (!volumes.has(m.name)) errs.push(notFound(child(p, 'name'), m.name))
    if (!m.mountPath) errs.push(required(child(p, 'mountPath')))
    else {
      if (paths.has(m.mountPath)) errs.push(invalid(child(p, 'mountPath'), m.mountPath, 'must be unique'))
      paths.add(m.mountPath)
    }
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, child(p, 'subPath')))
    if (m.mountPropagation === 'Bidirectional' && !c.securityContext?.privileged) {
      errs.push(forbidden(child(p, 'mountPropagation'), 'Bidirectional mount propagation is available only to privileged containers'))
    }
  })
  return errs
}

const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage']
const isHugePages = (name: string): boolean => name.startsWith('hugepages-')
const isNative = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/')
const isExtended = (name: string): boolean => !isNative(name) && !name.startsWith('requests.')

function validateResourceName(name: string, path: string): FieldError[] {
  const errs = labelErrs(path, name, isQualifiedName(name))
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.includes(name) && !isHugePages(name)) {
      errs.push(invalid(path, name, 'must be a standard resource type or fully qualified'))
      errs.push(invalid(path, name, 'must be a standard resource for containers'))
    }
  } else if (!isNative(name) && isQualifiedName(`requests.${name}`).length) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"))
  }
  return errs
}

function validateResources(r: ResourceRequirements | undefined, path: string): FieldError[] {
  if (!r) return []
  const errs: FieldError[] = []
  const limits = r.limits ?? {}
  const requests = r.requests ?? {}
  for (const [which, list] of [['limits', limits], ['requests', requests]] as const) {
    for (const [name, q] of Object.entries(list)) {
      const p = key(child(path, which), name)
      errs.push(...validateResourceName(name, p))
      try {
        const parsed = parseQuantity(q)
        if (parsed.mantissa < 0n) errs.push(invalid(p, q, 'must be greater than or equal to 0'))
        if (isExtended(name) && parsed.scale < 0 && parsed.mantissa % 10n ** BigInt(-parsed.scale) !== 0n) errs.push(invalid(p, q, 'must be an integer'))
      } catch (e) {
        if (e instanceof QuantityError) errs.push(invalid(p, q, e.message))
      }
    }
  }
  for (const [name, req] of Object.entries(requests)) {
    const lim = limits[name]
    const p = key(child(path, 'requests'), name)
    if (isExtended(name)) {
      if (lim === undefined) errs.push(required(key(child(path, 'limits'), name), 'Limit must be set for non overcommitable resources'))
      else if (safeCompare(req, lim) !== 0) errs.push(invalid(p, req, `must be equal to ${name} limit of ${lim}`))
    } else if (lim !== undefined && safeCompare(req, lim) > 0) {
      errs.push(invalid(p, req, `must be less than or equal to ${name} limit of ${lim}`))
    }
  }
  const all = { ...requests, ...limits }
  if (Object.keys(all).some(isHugePages) && all.cpu === undefined && all.memory === undefined) {
    errs.push(forbidden(path, 'HugePages require cpu or memory'))
  }
  return errs
}

function validateIds(ctx: { runAsUser?: number; runAsGroup?: number }, path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const f of ['runAsUser', 'runAsGroup'] as const) {
    const v = ctx[f]
    if (v !== undefined && (v < 0 || v > MAX_INT32)) errs.push(invalid(child(path, f), v, ID_RANGE_ERROR))
  }
  return errs
}

function validateSecurityContext(sc: SecurityContext | undefined, path: string): FieldError[] {
  if (!sc) return []
  const errs = validateIds(sc, path)
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged) errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'))
    if (sc.capabilities?.add?.includes('CAP_SYS_ADMIN') || sc.capabilities?.add?.includes('SYS_ADMIN')) {
      errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'))
    }
  }
  return errs
}

function validateContainerPorts(ports: readonly ContainerPort[] | undefined, path: string, hostNetwork: boolean, template: boolean): FieldError[] {
  const errs: FieldError[] = []
  const names = new Set<string>()
  ;(ports ?? []).forEach((port, i) => {
    const p = index(path, i)
    if (port.name) {
      const msgs = isValidPortName(port.name)
      errs.push(...msgs.map((m) => invalid(child(p, 'name'), port.name, m)))
      if (names.has(port.name)) errs.push(duplicate(child(p, 'name'), port.name))
      names.add(port.name)
    }
    if (!port.containerPort) errs.push(required(child(p, 'containerPort')))
    else errs.push(...isValidPortNum(port.containerPort).map((m) => invalid(child(p, 'containerPort'), port.containerPort, m)))
    if (port.hostPort) errs.push(...isValidPortNum(port.hostPort).map((m) => invalid(child(p, 'hostPort'), port.hostPort, m)))
    if (port.hostIP && !isIP(port.hostIP)) errs.push(invalid(child(p, 'hostIP'), port.hostIP, IP_ERROR))
    if (!port.protocol) errs.push(required(child(p, 'protocol')))
    // Pods get hostPort defaulted to containerPort; templates may leave it 0.
    if (hostNetwork && port.hostPort !== port.containerPort && !(template && !port.hostPort)) {
      errs.push(invalid(child(p, 'hostPort'), port.hostPort ?? 0, 'must match `containerPort` when `hostNetwork` is true'))
    }
  })
  return errs
}

interface ContainerContext {
  volumes: Set<string>
  hostNetwork: boolean
  template: boolean
  isInit: boolean
  terminationGracePeriodSeconds: number | undefined
}

function validateContainer(c: Container, path: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = []
  if (!c.name) errs.push(required(child(path, 'name')))
  else errs.push(...labelErrs(child(path, 'name'), c.name, isDNS1123Label(c.name)))
  if (!c.image) errs.push(required(child(path, 'image')))
  else if (c.image.trim() !== c.image) errs.push(invalid(child(path, 'image'), c.image, 'must not have leading or trailing whitespace'))
  if (ctx.isInit) {
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (c[f]) errs.push(forbidden(child(path, f), 'may not be set for init containers without restartPolicy=Always'))
    }
  } else {
    for (const hook of ['postStart', 'preStop'] as const) {
      const h = c.lifecycle?.[hook]
      if (!h) continue
      const hp = child(child(path, 'lifecycle'), hook)
      errs.push(...validateHandler(h, hp, ['exec', 'httpGet', 'sleep']))
      const seconds = h.sleep?.seconds
      const limit = ctx.terminationGracePeriodSeconds ?? 30
      if (seconds !== undefined && (seconds < 0 || seconds > limit)) {
        errs.push(invalid(child(child(hp, 'sleep'), 'seconds'), seconds, `must be non-negative and less than terminationGracePeriodSeconds (${limit})`))
      }
    }
    for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      const probe = c[kind]
      if (probe) errs.push(...validateProbe(probe, kind, child(path, kind)))
    }
  }
  errs.push(...validateContainerPorts(c.ports, child(path, 'ports'), ctx.hostNetwork, ctx.template))
  errs.push(...validateEnv(c.env, child(path, 'env'), c.name))
  errs.push(...validateEnvFrom(c.envFrom, child(path, 'envFrom')))
  errs.push(...validateVolumeMounts(c.volumeMounts, ctx.volumes, c, child(path, 'volumeMounts')))
  errs.push(...validateResources(c.resources, child(path, 'resources')))
  errs.push(...validateSecurityContext(c.securityContext, child(path, 'securityContext')))
  if (!c.terminationMessagePolicy) errs.push(required(child(path, 'terminationMessagePolicy')))
  if (!c.imagePullPolicy) errs.push(required(child(path, 'imagePullPolicy')))
  return errs
}

/** Host ports must be unique per protocol and host IP across all of a pod's containers. */
function validateUniqueHostPorts(containers: readonly Container[], path: string): FieldError[] {
  const errs: FieldError[] = []
  const seen = new Set<string>()
  containers.forEach((c, ci) => {
    ;(c.ports ?? []).forEach((port, pi) => {
      if (!port.hostPort) return
      const id = `${port.protocol ?? 'TCP'}/${port.hostIP ?? ''}/${port.hostPort}`
      if (seen.has(id)) errs.push(duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), id))
      seen.add(id)
    })
  })
  return errs
}

// --- Pod-level settings --------------------------------------------------------------------------------

function validatePodSecurityContext(sc: PodSecurityContext | undefined, spec: PodSpec, path: string): FieldError[] {
  if (!sc) return []
  const errs = validateIds(sc, path)
  if (sc.fsGroup !== undefined && (sc.fsGroup < 0 || sc.fsGroup > MAX_INT32)) errs.push(invalid(child(path, 'fsGroup'), sc.fsGroup, ID_RANGE_ERROR))
  ;(sc.supplementalGroups ?? []).forEach((g, i) => {
    if (g < 0 || g > MAX_INT32) errs.push(invalid(index(child(path, 'supplementalGroups'), i), g, ID_RANGE_ERROR))
  })
  const sysctlRe = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/
  const names = new Set<string>()
  ;(sc.sysctls ?? []).forEach((s, i) => {
    const p = child(index(child(path, 'sysctls'), i), 'name')
    if (!s.name) errs.push(required(p))
    else if (s.name.length > 253 || !sysctlRe.test(s.name)) {
      errs.push(invalid(p, s.name, `must have at most 253 characters and match regex ${sysctlRe.source}`))
    } else if (names.has(s.name)) errs.push(duplicate(p, s.name))
    else if (spec.hostNetwork && s.name.startsWith('net.')) errs.push(invalid(p, s.name, "may not be specified when 'hostNetwork' is true"))
    names.add(s.name)
  })
  return errs
}

function validateDNS(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = []
  const cfg: PodDNSConfig | undefined = spec.dnsConfig
  if (spec.dnsPolicy === 'None' && !cfg) errs.push(required(child(path, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'))
  if (!cfg) return errs
  const cp = child(path, 'dnsConfig')
  const ns = cfg.nameservers ?? []
  if (spec.dnsPolicy === 'None' && ns.length === 0) errs.push(required(child(cp, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None'))
  if (ns.length > 3) errs.push(invalid(child(cp, 'nameservers'), ns, 'must not have more than 3 nameservers'))
  ns.forEach((n, i) => {
    if (!isIP(n)) errs.push(invalid(index(child(cp, 'nameservers'), i), n, 'must be valid IP address'))
  })
  const searches = cfg.searches ?? []
  if (searches.length > 32) errs.push(invalid(child(cp, 'searches'), searches, 'must not have more than 32 search paths'))
  if (searches.join(' ').length > 2048) errs.push(invalid(child(cp, 'searches'), searches, 'must not have more than 2048 characters (including spaces) in the search list'))
  searches.forEach((s, i) => {
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s
    errs.push(...labelErrs(index(child(cp, 'searches'), i), trimmed, isDNS1123Subdomain(trimmed)))
  })
  ;(cfg.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(required(child(index(child(cp, 'options'), i), 'name'), 'Option.Name must not be empty'))
  })
  return errs
}

function validateNodeSelectorRequirement(r: NodeSelectorRequirement, path: string, isField: boolean): FieldError[] {
  const errs: FieldError[] = []
  const values = r.values ?? []
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"))
      break
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
      break
    case 'Gt':
    case 'Lt':
      if (values.length !== 1 || !/^-?[0-9]+$/.test(values[0] ?? '')) {
        errs.push(required(child(path, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"))
      }
      break
  }
  if (isField) {
    if (r.key !== 'metadata.name') errs.push(invalid(child(path, 'key'), r.key, 'not a valid field selector key'))
    if (r.operator !== 'In' && r.operator !== 'NotIn') errs.push(invalid(child(path, 'operator'), r.operator, 'not a valid selector operator'))
    else if (values.length !== 1) errs.push(required(child(path, 'values'), 'must be only one value when `operator` is \'In\' or \'NotIn\' for node field selector'))
  } else {
    errs.push(...validateLabelName(r.key, child(path, 'key')))
  }
  return errs
}

function validateNodeSelectorTerm(t: NodeSelectorTerm, path: string): FieldError[] {
  const errs: FieldError[] = []
  ;(t.matchExpressions ?? []).forEach((r, i) => errs.push(...validateNodeSelectorRequirement(r, index(child(path, 'matchExpressions'), i), false)))
  ;(t.matchFields ?? []).forEach((r, i) => errs.push(...validateNodeSelectorRequirement(r, index(child(path, 'matchFields'), i), true)))
  return errs
}

function validatePodAffinityTerm(t: PodAffinityTerm, path: string): FieldError[] {
  const errs = validateLabelSelector(t.labelSelector, child(path, 'labelSelector'))
  errs.push(...validateLabelSelector(t.namespaceSelector, child(path, 'namespaceSelector')))
  ;(t.namespaces ?? []).forEach((n) => errs.push(...labelErrs(child(path, 'namespace'), n, isDNS1123Label(n))))
  if (!t.topologyKey) errs.push(required(child(path, 'topologyKey'), 'can not be empty'))
  else errs.push(...validateLabelName(t.topologyKey, child(path, 'topologyKey')))
  return errs
}

const weightError = (w: number, path: string): FieldError[] => (w < 1 || w > 100 ? [invalid(path, w, 'must be in the range 1-100')] : [])

function validateAffinity(a: Affinity | undefined, path: string): FieldError[] {
  if (!a) return []
  const errs: FieldError[] = []
  const na = a.nodeAffinity
  if (na) {
    const np = child(path, 'nodeAffinity')
    const req = na.requiredDuringSchedulingIgnoredDuringExecution
    if (req) {
      const rp = child(child(np, 'requiredDuringSchedulingIgnoredDuringExecution'), 'nodeSelectorTerms')
      if (!req.nodeSelectorTerms?.length) errs.push(required(rp, 'must have at least one node selector term'))
      ;(req.nodeSelectorTerms ?? []).forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, index(rp, i))))
    }
    ;(na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      const tp = index(child(np, 'preferredDuringSchedulingIgnoredDuringExecution'), i)
      errs.push(...weightError(t.weight, child(tp, 'weight')))
      errs.push(...validateNodeSelectorTerm(t.preference, child(tp, 'preference')))
    })
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = a[kind]
    if (!pa) continue
    const pp = child(path, kind)
    ;(pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) =>
      errs.push(...validatePodAffinityTerm(t, index(child(pp, 'requiredDuringSchedulingIgnoredDuringExecution'), i))),
    )
    ;(pa.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      const tp = index(child(pp, 'preferredDuringSchedulingIgnoredDuringExecution'), i)
      errs.push(...weightError(t.weight, child(tp, 'weight')))
      errs.push(...validatePodAffinityTerm(t.podAffinityTerm, child(tp, 'podAffinityTerm')))
    })
  }
  return errs
}

export function validateTolerations(tolerations: readonly Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  ;(tolerations ?? []).forEach((t, i) => {
    const p = index(path, i)
    if (t.key) errs.push(...validateLabelName(t.key, child(p, 'key')))
    if (!t.key && t.operator !== 'Exists') {
      errs.push(invalid(child(p, 'operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'))
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(invalid(child(p, 'effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"))
    }
    if (t.operator === 'Exists' && t.value) errs.push(invalid(child(p, 'operator'), t.value, "value must be empty when `operator` is 'Exists'"))
    else if (t.operator !== 'Exists' && t.value) errs.push(...labelErrs(child(p, 'value'), t.value, isLabelValue(t.value)))
  })
  return errs
}

function validateTopologySpread(constraints: readonly TopologySpreadConstraint[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = []
  const seen = new Set<string>()
  ;(constraints ?? []).forEach((c, i) => {
    const p = index(path, i)
    if (c.maxSkew <= 0) errs.push(invalid(child(p, 'maxSkew'), c.maxSkew, 'must be greater than zero'))
    if (!c.topologyKey) errs.push(required(child(p, 'topologyKey'), 'can not be empty'))
    else errs.push(...validateLabelName(c.topologyKey, child(p, 'topologyKey')))
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0) errs.push(invalid(child(p, 'minDomains'), c.minDomains, 'must be greater than 0'))
      else if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(invalid(child(p, 'minDomains'), c.minDomains, 'can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway'))
      }
    }
    errs.push(...validateLabelSelector(c.labelSelector, child(p, 'labelSelector')))
    const id = `{${c.topologyKey}, ${c.whenUnsatisfiable}}`
    if (seen.has(id)) errs.push(duplicate(p, id))
    seen.add(id)
  })
  return errs
}

export interface PodSpecOptions {
  /** Templates (Deployments and the like) hold specs that are not pods yet. */
  template?: boolean
}

/** ValidatePodSpec. */
export function validatePodSpec(spec: PodSpec | undefined, path: string, options: PodSpecOptions = {}): FieldError[] {
  if (!spec) return [required(path)]
  const { errs, names: volumes } = validateVolumes(spec.volumes, child(path, 'volumes'))
  if (!spec.containers?.length) errs.push(required(child(path, 'containers')))
  const hostNetwork = spec.hostNetwork ?? false
  const ctx = (isInit: boolean): ContainerContext => ({
    volumes,
    hostNetwork,
    template: options.template ?? false,
    isInit,
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
  })
  const names = new Set<string>()
  const checkName = (c: Container, p: string): void => {
    if (!c.name) return
    if (names.has(c.name)) errs.push(duplicate(child(p, 'name'), c.name))
    names.add(c.name)
  }
  ;(spec.initContainers ?? []).forEach((c, i) => {
    const p = index(child(path, 'initContainers'), i)
    errs.push(...validateContainer(c, p, ctx(true)))
    checkName(c, p)
  })
  ;(spec.containers ?? []).forEach((c, i) => {
    const p = index(child(path, 'containers'), i)
    errs.push(...validateContainer(c, p, ctx(false)))
    checkName(c, p)
  })
  errs.push(...validateUniqueHostPorts(spec.containers ?? [], child(path, 'containers')))
  if (!spec.restartPolicy) errs.push(required(child(path, 'restartPolicy')))
  if (!spec.dnsPolicy) errs.push(required(child(path, 'dnsPolicy')))
  errs.push(...validateDNS(spec, path))
  errs.push(...validateLabels(spec.nodeSelector, child(path, 'nodeSelector')))
  for (const f of ['serviceAccountName', 'nodeName', 'schedulerName'] as const) {
    const v = spec[f]
    if (v) errs.push(...labelErrs(child(path, f), v, isDNS1123Subdomain(v)))
  }
  for (const f of ['hostname', 'subdomain'] as const) {
    const v = spec[f]
    if (v) errs.push(...labelErrs(child(path, f), v, isDNS1123Label(v)))
  }
  errs.push(...validatePodSecurityContext(spec.securityContext, spec, child(path, 'securityContext')))
  errs.push(...validateAffinity(spec.affinity, child(path, 'affinity')))
  errs.push(...validateTolerations(spec.tolerations, child(path, 'tolerations')))
  errs.push(...validateTopologySpread(spec.topologySpreadConstraints, child(path, 'topologySpreadConstraints')))
  ;(spec.hostAliases ?? []).forEach((h, i) => {
    const p = index(child(path, 'hostAliases'), i)
    if (!isIP(h.ip)) errs.push(invalid(child(p, 'ip'), h.ip, 'must be valid IP address'))
    ;(h.hostnames ?? []).forEach((n, j) => errs.push(...labelErrs(index(child(p, 'hostnames'), j), n, isDNS1123Subdomain(n))))
  })
  ;(spec.readinessGates ?? []).forEach((g, i) => {
    errs.push(...labelErrs(child(index(child(path, 'readinessGates'), i), 'conditionType'), g.conditionType, isQualifiedName(g.conditionType)))
  })
  if (spec.shareProcessNamespace && spec.hostPID) {
    errs.push(invalid(child(path, 'shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'))
  }
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) {
    errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'))
  }
  return errs
}

/** ValidatePodTemplateSpec: the template's labels and annotations, then its spec. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: string): FieldError[] {
  if (!template) return [required(path)]
  const errs = validateLabels(template.metadata?.labels, child(child(path, 'metadata'), 'labels'))
  errs.push(...validateAnnotations(template.metadata?.annotations, child(child(path, 'metadata'), 'annotations')))
  errs.push(...validatePodSpec(template.spec, child(path, 'spec'), { template: true }))
  return errs
}

/** ValidatePodCreate. */
export function validatePod(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, name: nameIsDNSSubdomain })
  errs.push(...validatePodSpec(pod.spec, 'spec'))
  return errs
}

// --- Updates -------------------------------------------------------------------------------------------

export const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'

/** Leaf paths at which two JSON values differ, for readable "what changed" messages. */
export function changedPaths(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (deepEqual(a, b)) return out
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((v, i) => changedPaths(v, b[i], index(path, i), out))
  } else if (isObj(a) && isObj(b) && !Array.isArray(a) && !Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) changedPaths(a[k], b[k], child(path, k), out)
  } else {
    out.push(path)
  }
  return out
}

/** ValidatePodUpdate: most of a pod's spec is immutable. */
export function validatePodUpdate(next: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata)
  const ns = next.spec
  const os = old.spec
  if (!ns || !os) return errs
  for (const list of ['containers', 'initContainers'] as const) {
    ;(ns[list] ?? []).forEach((c, i) => {
      if (!c.image) errs.push(required(child(index(child('spec', list), i), 'image')))
    })
  }
  // The old spec with every change a pod may take applied; anything else left differing is refused.
  const allowed: PodSpec = structuredClone(os)
  for (const list of ['containers', 'initContainers'] as const) {
    const newList = ns[list]
    const oldList = allowed[list]
    if (newList && oldList && newList.length === oldList.length) {
      oldList.forEach((c, i) => {
        const image = newList[i]?.image
        if (image !== undefined) c.image = image
      })
    }
  }
  const oldTolerations = os.tolerations ?? []
  if (oldTolerations.every((t) => (ns.tolerations ?? []).some((n) => deepEqual(n, t)))) {
    if (ns.tolerations === undefined) delete allowed.tolerations
    else allowed.tolerations = ns.tolerations
  }
  if ((os.terminationGracePeriodSeconds ?? 0) < 0 && ns.terminationGracePeriodSeconds === 1) allowed.terminationGracePeriodSeconds = 1
  if (!deepEqual(allowed, ns)) {
    const changed = changedPaths(allowed, ns, 'spec')
    errs.push(forbidden('spec', `${POD_UPDATE_FORBIDDEN}\n  changed: ${changed.join(', ')}`))
  }
  return errs
}

/** ValidatePodStatusUpdate: metadata rules, and the IPs the node agent reports must be IPs. */
export function validatePodStatusUpdate(next: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(next.metadata, old.metadata)
  const st = next.status ?? {}
  if (st.nominatedNodeName) errs.push(...labelErrs('status.nominatedNodeName', st.nominatedNodeName, isDNS1123Subdomain(st.nominatedNodeName)))
  for (const f of ['podIPs', 'hostIPs'] as const) {
    const list = st[f] ?? []
    list.forEach((ip, i) => {
      if (!isIP(ip.ip)) errs.push(invalid(child(index(`status.${f}`, i), 'ip'), ip.ip, IP_ERROR))
    })
    const single = f === 'podIPs' ? st.podIP : st.hostIP
    if (single && list.length && list[0]?.ip !== single) {
      errs.push(invalid(`status.${f}[0].ip`, list[0]?.ip ?? '', `must be equal to ${f === 'podIPs' ? 'podIP' : 'hostIP'}`))
    }
  }
  return errs
}

/** ValidatePodBinding: the scheduler binds a pod to a node. */
export function validateBinding(binding: Binding): FieldError[] {
  const errs: FieldError[] = []
  const kind = binding.target.kind ?? ''
  if (kind !== '' && kind !== 'Node') errs.push(notSupported('target.kind', kind, ['Node', '<empty>']))
  if (!binding.target.name) errs.push(required('target.name'))
  else errs.push(...labelErrs('target.name', binding.target.name, isDNS1123Subdomain(binding.target.name)))
  return errs
}

