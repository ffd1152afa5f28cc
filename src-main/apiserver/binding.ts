// pods/binding: how the scheduler assigns a pod to a node, as kube-apiserver's BindingREST does it —
// once only (a bound or deleting pod answers Conflict), merging the binding's annotations and
// marking the pod PodScheduled.

import type { Binding, Pod, PodCondition } from '../api/index.ts'
import { conflict } from './errors.ts'

const BINDING = { group: '', resource: 'pods/binding' }

/** The pod bound to the binding's node. Modifies and returns `pod` (a private copy). */
export function bindPod(pod: Pod, binding: Binding, now: string): Pod {
  const name = pod.metadata.name ?? ''
  if (pod.metadata.deletionTimestamp) throw conflict(BINDING, name, `pod ${name} is being deleted, cannot be assigned to a host`)
  if (pod.spec?.nodeName) throw conflict(BINDING, name, `pod ${name} is already assigned to node ${JSON.stringify(pod.spec.nodeName)}`)
  pod.spec = { ...pod.spec, containers: pod.spec?.containers ?? [], nodeName: binding.target.name ?? '' }
  if (binding.metadata.annotations) pod.metadata.annotations = { ...pod.metadata.annotations, ...binding.metadata.annotations }
  pod.status = { ...pod.status, conditions: withCondition(pod.status?.conditions, { type: 'PodScheduled', status: 'True' }, now) }
  return pod
}

/** Sets a pod condition, moving lastTransitionTime only when its status changes (podutil.UpdatePodCondition). */
export function withCondition(conditions: PodCondition[] | undefined, condition: PodCondition, now: string): PodCondition[] {
  const list = [...(conditions ?? [])]
  const i = list.findIndex((c) => c.type === condition.type)
  const old = i >= 0 ? list[i] : undefined
  const next: PodCondition = { ...old, ...condition, lastTransitionTime: old && old.status === condition.status ? old.lastTransitionTime : now }
  if (!next.lastTransitionTime) delete next.lastTransitionTime
  if (i >= 0) list[i] = next
  else list.push(next)
  return list
}
