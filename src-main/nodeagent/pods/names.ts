// Names and labels of the Docker objects that make up a pod. Everything the agent needs to adopt a
// pod after a restart of the app is in these labels; the names are for people and for uniqueness.

import type { Pod } from '../../api/types/pod.ts'

/** Labels on every container and volume Coxswain creates for a pod (keys as dockershim used them). */
export const POD_UID_LABEL = 'io.kubernetes.pod.uid'
export const POD_NAME_LABEL = 'io.kubernetes.pod.name'
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace'
/** The Kubernetes container name; `POD` on an infra container. */
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name'
/** `true` on every Docker object Coxswain owns: the one filter for listing and cleaning up. */
export const MANAGED_LABEL = 'io.coxswain.managed'
/** `infra`, `init` or `app`. */
export const ROLE_LABEL = 'io.coxswain.role'
/** containerSpecHash() of the container spec the container was created from. */
export const SPEC_HASH_LABEL = 'io.coxswain.container.hash'
/** The container's restartCount when it was created (0 for the first container of that name). */
export const ATTEMPT_LABEL = 'io.coxswain.container.attempt'
/** The pod's fixed IP, on the container that holds the pod's network namespace. */
export const POD_IP_LABEL = 'io.coxswain.pod.ip'
/** The pod volume a Docker volume backs. */
export const VOLUME_NAME_LABEL = 'io.coxswain.volume.name'
/** On Docker networks Coxswain owns: what the network is for (`pods`). */
export const NETWORK_PURPOSE_LABEL = 'io.coxswain.network'

export const INFRA_CONTAINER_NAME = 'POD'

export type ContainerRole = 'infra' | 'init' | 'app'

export interface PodIdentity {
  name: string
  namespace: string
  uid: string
}

/** The name, namespace and UID every Docker object of the pod is keyed by; throws without a UID. */
export function podIdentity(pod: Pod): PodIdentity {
  const { name, namespace = 'default', uid } = pod.metadata
  if (!name) throw new Error('pod has no name')
  if (!uid) throw new Error(`pod ${namespace}/${name} has no uid`)
  return { name, namespace, uid }
}

/** `name_namespace(uid)`: how the kubelet names a pod in messages (format.Pod). */
export function formatPod(pod: Pod): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? 'default'}(${pod.metadata.uid ?? ''})`
}

/** The labels naming the pod, on every container and volume of it. */
export function podLabels(pod: Pod): Record<string, string> {
  const { name, namespace, uid } = podIdentity(pod)
  return { [MANAGED_LABEL]: 'true', [POD_UID_LABEL]: uid, [POD_NAME_LABEL]: name, [POD_NAMESPACE_LABEL]: namespace }
}

/**
 * `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`, as the kubelet named Docker containers. None of
 * the parts may hold `_` (DNS names and UUIDs), so the name parses back; the attempt keeps a
 * recreated container from colliding with the one it replaces while that one is still being removed.
 */
export function dockerContainerName(pod: Pod, containerName: string, attempt: number): string {
  const { name, namespace, uid } = podIdentity(pod)
  return `k8s_${containerName}_${name}_${namespace}_${uid}_${attempt}`
}

export const infraContainerName = (pod: Pod, attempt: number): string => dockerContainerName(pod, INFRA_CONTAINER_NAME, attempt)

export interface ParsedContainerName {
  containerName: string
  podName: string
  namespace: string
  uid: string
  attempt: number
}

/** Parses a name made by dockerContainerName (with or without Docker's leading `/`); null otherwise. */
export function parseDockerContainerName(dockerName: string): ParsedContainerName | null {
  const parts = dockerName.replace(/^\//, '').split('_')
  if (parts.length !== 6 || parts[0] !== 'k8s') return null
  const [, containerName = '', podName = '', namespace = '', uid = '', attempt = ''] = parts
  if (!containerName || !podName || !namespace || !uid || !/^(0|[1-9][0-9]*)$/.test(attempt)) return null
  return { containerName, podName, namespace, uid, attempt: Number(attempt) }
}

/**
 * `k8s_<volume>_<uid>`: one Docker volume per pod and emptyDir. Short on purpose (the local driver
 * makes a directory of it); the pod's name and namespace are in the labels.
 */
export function dockerVolumeName(pod: Pod, volumeName: string): string {
  return `k8s_${volumeName}_${podIdentity(pod).uid}`
}
