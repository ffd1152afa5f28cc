// A container's environment as the kubelet makes it (makeEnvironmentVariables): envFrom sources
// first, then `env` in order with `$(VAR)` expanded against what is defined so far, then service
// links for names still free. Downward-API fields and resource values are resolved here from the
// pod; ConfigMap and Secret values come from the caller, which reads them from its informers.

import { quantityMilliValue, quantityValue } from '../../api/quantity.ts'
import type { Container, EnvVar, Pod, ResourceList } from '../../api/types/pod.ts'
import { ContainerConfigError } from './errors.ts'
import { expand, mappingFor } from './expansion.ts'

/** What the caller read from ConfigMaps and Secrets for one container (Secret data decoded). */
export interface EnvSources {
  /**
   * The value of each `env` entry whose valueFrom is a configMapKeyRef or secretKeyRef, by variable
   * name. Absent: the object or key does not exist (fine when the reference is optional).
   */
  keyRefs?: Record<string, string>
  /**
   * The data of each `envFrom` source, in the order of `container.envFrom`. null or absent: the
   * ConfigMap or Secret does not exist (fine when the source is optional).
   */
  envFrom?: (Record<string, string> | null | undefined)[]
}

export interface EnvContext {
  sources?: EnvSources
  /** Service link variables (`WEB_SERVICE_HOST`…); the lowest precedence, as in the kubelet. */
  serviceEnv?: Record<string, string>
  /** The pod's IP (status.podIP); ignored with hostNetwork, where the pod IP is the host IP. */
  podIP?: string
  /** The node's IP (status.hostIP). */
  hostIP?: string
  /** The node's allocatable resources: what limits.cpu / limits.memory resolve to when unset. */
  nodeAllocatable?: ResourceList
}

export interface ContainerEnv {
  /** Name/value pairs in a stable order: first definition wins the position, last the value. */
  vars: [string, string][]
  /** envFrom keys dropped because they are not valid variable names (the kubelet makes an event). */
  skippedKeys: string[]
}

const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/

export function buildContainerEnv(pod: Pod, container: Container, context: EnvContext = {}): ContainerEnv {
  const namespace = pod.metadata.namespace ?? 'default'
  const defined = new Map<string, string>()
  const skippedKeys: string[] = []

  for (const [i, source] of (container.envFrom ?? []).entries()) {
    const ref = source.configMapRef ?? source.secretRef
    const kind = source.configMapRef ? 'configmap' : 'secret'
    const data = context.sources?.envFrom?.[i]
    if (!data) {
      if (ref?.optional) continue
      throw new ContainerConfigError(`${kind} "${ref?.name ?? ''}" not found`)
    }
    for (const key of Object.keys(data).sort()) {
      const name = (source.prefix ?? '') + key
      if (!ENV_VAR_NAME.test(name)) {
        skippedKeys.push(name)
        continue
      }
      defined.set(name, data[key] ?? '')
    }
  }

  const serviceEnv = new Map(Object.entries(context.serviceEnv ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  const mapping = mappingFor(defined, serviceEnv)
  for (const envVar of container.env ?? []) {
    if (envVar.value) {
      defined.set(envVar.name, expand(envVar.value, mapping))
    } else if (envVar.valueFrom) {
      const value = valueFrom(pod, container, envVar, namespace, context)
      if (value !== undefined) defined.set(envVar.name, value)
    } else {
      defined.set(envVar.name, '')
    }
  }

  const vars = [...defined]
  for (const [name, value] of serviceEnv) if (!defined.has(name)) vars.push([name, value])
  return { vars, skippedKeys }
}

/** `$(VAR)` in command and args, against the container's final environment. */
export function expandCommand(args: readonly string[], vars: readonly [string, string][]): string[] {
  const mapping = mappingFor(new Map(vars))
  return args.map((arg) => expand(arg, mapping))
}

/** The value of a valueFrom entry; undefined when an optional reference is missing. */
function valueFrom(pod: Pod, container: Container, envVar: EnvVar, namespace: string, context: EnvContext): string | undefined {
  const from = envVar.valueFrom ?? {}
  if (from.fieldRef) return podFieldValue(pod, from.fieldRef.fieldPath, context)
  if (from.resourceFieldRef) {
    const { containerName, resource, divisor } = from.resourceFieldRef
    return resourceFieldValue(pod, containerName || container.name, resource, divisor, context.nodeAllocatable)
  }
  const ref = from.configMapKeyRef ?? from.secretKeyRef
  if (!ref) throw new ContainerConfigError(`env ${envVar.name}: valueFrom names no source`)
  const value = context.sources?.keyRefs?.[envVar.name]
  if (value !== undefined || ref.optional) return value
  const kind = from.configMapKeyRef ? 'ConfigMap' : 'Secret'
  throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name ?? ''}`)
}

/** The downward-API fields env vars may name (podFieldSelectorRuntimeValue). */
export function podFieldValue(pod: Pod, fieldPath: string, context: Pick<EnvContext, 'podIP' | 'hostIP'>): string {
  const podIP = pod.spec?.hostNetwork ? context.hostIP : context.podIP
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? ''
    case 'metadata.namespace':
      return pod.metadata.namespace ?? 'default'
    case 'metadata.uid':
      return pod.metadata.uid ?? ''
    case 'metadata.labels':
      return formatMap(pod.metadata.labels)
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations)
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? ''
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? ''
    case 'status.hostIP':
    case 'status.hostIPs':
      return context.hostIP ?? ''
    case 'status.podIP':
    case 'status.podIPs':
      return podIP ?? ''
  }
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath)
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2] ?? ''] ?? ''
  throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`)
}

/** `key="value"` lines sorted by key, as the downward API prints a whole map. */
function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map?.[k])}`)
    .join('\n')
}

/**
 * A container's resource as a number of `divisor`s, rounded up (ExtractContainerResourceValue);
 * an unset limit is the node's allocatable amount, an unset request zero.
 */
export function resourceFieldValue(
  pod: Pod,
  containerName: string,
  resource: string,
  divisor: string | undefined,
  nodeAllocatable: ResourceList | undefined,
): string {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
  const target = containers.find((c) => c.name === containerName)
  if (!target) throw new ContainerConfigError(`resourceFieldRef: container "${containerName}" not found`)
  const [kind, name = ''] = resource.split('.', 2) as [string, string | undefined]
  if ((kind !== 'limits' && kind !== 'requests') || !['cpu', 'memory', 'ephemeral-storage'].includes(name)) {
    throw new ContainerConfigError(`unsupported container resource: ${resource}`)
  }
  let amount = (kind === 'limits' ? target.resources?.limits : target.resources?.requests)?.[name]
  if (amount === undefined && kind === 'limits') {
    amount = nodeAllocatable?.[name]
    if (amount === undefined) throw new ContainerConfigError(`${resource} of container "${containerName}" is unset and the node's allocatable ${name} is unknown`)
  }
  const by = divisor ?? '1'
  if (name === 'cpu') return String(Math.ceil(quantityMilliValue(amount ?? '0') / quantityMilliValue(by)))
  return String(Math.ceil(quantityValue(amount ?? '0') / quantityValue(by)))
}
