// A pod's quality-of-service class, as kube-apiserver computes it when a pod is created
// (pkg/apis/core/helper/qos): only cpu and memory count, summed over init and app containers.

import { compareQuantities, quantityMilliValue, type Pod, type PodQOSClass } from '../../api/index.ts'

const QOS_RESOURCES = ['cpu', 'memory']

export function podQOSClass(pod: Pod): PodQOSClass {
  const requests = new Map<string, number>()
  const limits = new Map<string, number>()
  let guaranteed = true
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
  for (const c of containers) {
    for (const [name, q] of Object.entries(c.resources?.requests ?? {})) {
      if (QOS_RESOURCES.includes(name) && compareQuantities(q, '0') > 0) requests.set(name, (requests.get(name) ?? 0) + quantityMilliValue(q))
    }
    const found = new Set<string>()
    for (const [name, q] of Object.entries(c.resources?.limits ?? {})) {
      if (QOS_RESOURCES.includes(name) && compareQuantities(q, '0') > 0) {
        found.add(name)
        limits.set(name, (limits.get(name) ?? 0) + quantityMilliValue(q))
      }
    }
    if (!QOS_RESOURCES.every((name) => found.has(name))) guaranteed = false
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort'
  if (guaranteed) {
    for (const [name, value] of requests) if (limits.get(name) !== value) guaranteed = false
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable'
}
