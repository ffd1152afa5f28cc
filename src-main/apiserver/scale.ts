// The `scale` subresource of Deployments and ReplicaSets: an autoscaling/v1 Scale read from the
// object (selector as a string, as `kubectl scale` and autoscalers expect) and spec.replicas
// written back to it.

import { labelSelectorAsSelector, selectorToString, type KubeObject, type LabelSelector, type Scale } from '../api/index.ts'

export const SCALE_TYPE = { group: 'autoscaling', version: 'v1', kind: 'Scale' } as const
export const SCALE_API_VERSION = 'autoscaling/v1'

interface Scalable extends KubeObject {
  spec?: { replicas?: number; selector?: LabelSelector }
  status?: { replicas?: number }
}

/** The Scale view of a Deployment or ReplicaSet. */
export function scaleOf(obj: KubeObject): Scale {
  const o = obj as Scalable
  const m = o.metadata
  const metadata: Scale['metadata'] = { name: m.name }
  if (m.namespace) metadata.namespace = m.namespace
  if (m.uid) metadata.uid = m.uid
  if (m.resourceVersion) metadata.resourceVersion = m.resourceVersion
  if (m.creationTimestamp) metadata.creationTimestamp = m.creationTimestamp
  const scale: Scale = {
    apiVersion: SCALE_API_VERSION,
    kind: SCALE_TYPE.kind,
    metadata,
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0 },
  }
  const selector = selectorToString(labelSelectorAsSelector(o.spec?.selector))
  if (selector && scale.status) scale.status.selector = selector
  return scale
}

/**
 * The object with the Scale's replicas (absent means 0, as the int32 field in Go) and, when the
 * Scale carries them, its resourceVersion and uid as preconditions of the write.
 */
export function applyScale(obj: KubeObject, scale: Scale): KubeObject {
  const out = structuredClone(obj) as Scalable
  out.spec = { ...out.spec, replicas: scale.spec?.replicas ?? 0 }
  if (scale.metadata.resourceVersion) out.metadata.resourceVersion = scale.metadata.resourceVersion
  if (scale.metadata.uid) out.metadata.uid = scale.metadata.uid
  return out
}
