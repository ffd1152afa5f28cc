import { describe, expect, it } from 'vitest'
import type { JsonObject } from './json.ts'
import { patchMetaFor } from './patch-meta.ts'
import { applyStrategicMergePatch } from './strategic-merge-patch.ts'
import { deepFreeze, readTestdata } from './testing.ts'

const kubectlApply = readTestdata('kubectl-1.32-apply-deployment.json') as { live: JsonObject; patch: JsonObject; expected: JsonObject }

function pod(spec: JsonObject, metadata: JsonObject = {}, status?: JsonObject): JsonObject {
  const object: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', ...metadata }, spec }
  if (status) object.status = status
  return object
}

function container(name: string, image = `${name}:1`, extra: JsonObject = {}): JsonObject {
  return { name, image, ...extra }
}

function deployment(spec: JsonObject): JsonObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec }
}

interface Case {
  name: string
  kind?: string
  original: JsonObject
  patch: JsonObject
  want: JsonObject
}

const cases: Case[] = [
  {
    name: "changing one container's image by name keeps the others",
    original: pod({ containers: [container('web', 'nginx:1.25', { ports: [{ containerPort: 80 }] }), container('sidecar')] }),
    patch: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    want: pod({ containers: [container('web', 'nginx:1.27', { ports: [{ containerPort: 80 }] }), container('sidecar')] }),
  },
  {
    // Without $setElementOrder a new element goes before the object's elements, as in Kubernetes.
    name: 'adding an env var keeps the others',
    original: pod({ containers: [container('web', 'nginx', { env: [{ name: 'A', value: '1' }] }), container('sidecar')] }),
    patch: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: '2' }] }] } },
    want: pod({
      containers: [
        container('web', 'nginx', {
          env: [
            { name: 'B', value: '2' },
            { name: 'A', value: '1' },
          ],
        }),
        container('sidecar'),
      ],
    }),
  },
  {
    name: 'changing an env var keeps its place and its other fields',
    original: pod({
      containers: [
        container('web', 'nginx', {
          env: [
            { name: 'A', value: '1' },
            { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'C', value: '3' },
          ],
        }),
      ],
    }),
    patch: { spec: { containers: [{ name: 'web', env: [{ name: 'B', valueFrom: null, value: 'literal' }] }] } },
    want: pod({
      containers: [
        container('web', 'nginx', {
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: 'literal' },
            { name: 'C', value: '3' },
          ],
        }),
      ],
    }),
  },
  {
    name: 'merged order: patch elements in patch order, each object element before the patch elements it preceded',
    original: pod({ containers: [container('a'), container('b'), container('c')] }),
    patch: { spec: { containers: [{ name: 'b', image: 'b:2' }, { name: 'd', image: 'd:1' }] } },
    want: pod({ containers: [container('a'), container('b', 'b:2'), container('d'), container('c')] }),
  },
  {
    name: 'deleting a container with $patch: delete',
    original: pod({ containers: [container('web'), container('sidecar'), container('debug')] }),
    patch: { spec: { containers: [{ $patch: 'delete', name: 'sidecar' }] } },
    want: pod({ containers: [container('web'), container('debug')] }),
  },
  {
    name: '$patch: delete removes every element with that key',
    original: pod({ containers: [container('web', 'nginx', { ports: [{ containerPort: 53, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }, { containerPort: 80 }] })] }),
    patch: { spec: { containers: [{ name: 'web', ports: [{ $patch: 'delete', containerPort: 53 }] }] } },
    want: pod({ containers: [container('web', 'nginx', { ports: [{ containerPort: 80 }] })] }),
  },
  {
    name: '$setElementOrder reorders containers',
    original: pod({ containers: [container('a'), container('b'), container('c')] }),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } },
    want: pod({ containers: [container('c'), container('a'), container('b')] }),
  },
  {
    name: '$setElementOrder places a new container and a changed one',
    original: pod({ containers: [container('a'), container('b')] }),
    patch: {
      spec: {
        '$setElementOrder/containers': [{ name: 'new' }, { name: 'b' }, { name: 'a' }],
        containers: [container('new'), { name: 'a', image: 'a:2' }],
      },
    },
    want: pod({ containers: [container('new'), container('b'), container('a', 'a:2')] }),
  },
  {
    name: '$setElementOrder on a primitive list',
    original: pod({ containers: [] }, { finalizers: ['a', 'b', 'c'] }),
    patch: { metadata: { '$setElementOrder/finalizers': ['c', 'a', 'b'] } },
    want: pod({ containers: [] }, { finalizers: ['c', 'a', 'b'] }),
  },
  {
    name: '$retainKeys on a Deployment strategy clears rollingUpdate',
    kind: 'Deployment',
    original: deployment({ replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } }),
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    want: deployment({ replicas: 2, strategy: { type: 'Recreate' } }),
  },
  {
    name: '$retainKeys in a volume switches its source',
    original: pod({ containers: [], volumes: [{ name: 'data', emptyDir: {} }, { name: 'tmp', emptyDir: {} }] }),
    patch: { spec: { volumes: [{ name: 'data', $retainKeys: ['configMap', 'name'], configMap: { name: 'settings' } }] } },
    want: pod({ containers: [], volumes: [{ name: 'data', configMap: { name: 'settings' } }, { name: 'tmp', emptyDir: {} }] }),
  },
  {
    name: '$deleteFromPrimitiveList/finalizers',
    original: pod({ containers: [] }, { finalizers: ['example.com/a', 'example.com/b', 'example.com/c'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/b', 'example.com/c', 'example.com/absent'] } },
    want: pod({ containers: [] }, { finalizers: ['example.com/a'] }),
  },
  {
    name: 'finalizers merge as a set',
    original: pod({ containers: [] }, { finalizers: ['a', 'b'] }),
    patch: { metadata: { finalizers: ['b', 'c'] } },
    want: pod({ containers: [] }, { finalizers: ['a', 'b', 'c'] }),
  },
  {
    name: 'replacing a merged list with $patch: replace',
    original: pod({ containers: [container('web'), container('sidecar')] }),
    patch: { spec: { containers: [container('only', 'only:2'), { $patch: 'replace' }] } },
    want: pod({ containers: [container('only', 'only:2')] }),
  },
  {
    name: 'replacing an object with $patch: replace',
    original: pod({ containers: [], nodeSelector: { disk: 'ssd', zone: 'a' } }),
    patch: { spec: { nodeSelector: { $patch: 'replace', zone: 'b' } } },
    want: pod({ containers: [], nodeSelector: { zone: 'b' } }),
  },
  {
    name: 'deleting an object with $patch: delete',
    kind: 'Deployment',
    original: deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } }),
    patch: { spec: { strategy: { rollingUpdate: { $patch: 'delete' } } } },
    want: deployment({ strategy: { type: 'RollingUpdate' } }),
  },
  {
    name: 'null deletes one label',
    original: pod({ containers: [] }, { labels: { app: 'web', tier: 'frontend' } }),
    patch: { metadata: { labels: { tier: null } } },
    want: pod({ containers: [] }, { labels: { app: 'web' } }),
  },
  {
    name: 'null deletes all labels',
    original: pod({ containers: [] }, { labels: { app: 'web', tier: 'frontend' } }),
    patch: { metadata: { labels: null } },
    want: pod({ containers: [] }),
  },
  {
    name: 'ports merge by containerPort',
    original: pod({ containers: [container('web', 'nginx', { ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 9113 }] })] }),
    patch: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }] }] } },
    want: pod({
      containers: [
        container('web', 'nginx', {
          ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443, name: 'https' }, { containerPort: 9113 }],
        }),
      ],
    }),
  },
  {
    name: 'Service ports merge by port',
    kind: 'Service',
    original: { kind: 'Service', spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443 }] } },
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }] } },
    want: { kind: 'Service', spec: { ports: [{ name: 'http', port: 80, targetPort: 9090 }, { name: 'https', port: 443 }] } },
  },
  {
    name: 'ownerReferences merge by uid',
    original: pod({ containers: [] }, { ownerReferences: [{ uid: 'u1', kind: 'ReplicaSet', name: 'rs1' }] }),
    patch: { metadata: { ownerReferences: [{ uid: 'u2', kind: 'ReplicaSet', name: 'rs2' }, { uid: 'u1', controller: true }] } },
    want: pod(
      { containers: [] },
      {
        ownerReferences: [
          { uid: 'u2', kind: 'ReplicaSet', name: 'rs2' },
          { uid: 'u1', kind: 'ReplicaSet', name: 'rs1', controller: true },
        ],
      },
    ),
  },
  {
    name: 'status conditions merge by type',
    original: pod({ containers: [] }, {}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'False' }] }),
    patch: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    want: pod({ containers: [] }, {}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }] }),
  },
  {
    name: 'tolerations are replaced (no patch strategy)',
    original: pod({ containers: [], tolerations: [{ key: 'a', operator: 'Exists' }] }),
    patch: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } },
    want: pod({ containers: [], tolerations: [{ key: 'b', operator: 'Exists' }] }),
  },
  {
    name: 'envFrom is replaced (no patch strategy)',
    original: pod({ containers: [container('web', 'nginx', { envFrom: [{ configMapRef: { name: 'a' } }] })] }),
    patch: { spec: { containers: [{ name: 'web', envFrom: [{ secretRef: { name: 'b' } }] }] } },
    want: pod({ containers: [container('web', 'nginx', { envFrom: [{ secretRef: { name: 'b' } }] })] }),
  },
  {
    name: 'Node taints are replaced, podCIDRs merge',
    kind: 'Node',
    original: { kind: 'Node', spec: { podCIDRs: ['10.0.0.0/24'], taints: [{ key: 'a', effect: 'NoSchedule' }] } },
    patch: { spec: { podCIDRs: ['fd00::/64'], taints: [{ key: 'b', effect: 'NoExecute' }] } },
    want: { kind: 'Node', spec: { podCIDRs: ['fd00::/64', '10.0.0.0/24'], taints: [{ key: 'b', effect: 'NoExecute' }] } },
  },
  {
    name: 'an empty merged list in the patch changes nothing (as in Kubernetes)',
    original: pod({ containers: [container('web')] }),
    patch: { spec: { containers: [] } },
    want: pod({ containers: [container('web')] }),
  },
  {
    name: 'lists at unknown paths are replaced',
    original: pod({ containers: [container('web', 'nginx', { args: ['a', 'b'] })], custom: [{ name: 'x', v: 1 }] }),
    patch: { spec: { containers: [{ name: 'web', args: ['c'] }], custom: [{ name: 'y' }] } },
    want: pod({ containers: [container('web', 'nginx', { args: ['c'] })], custom: [{ name: 'y' }] }),
  },
  {
    name: 'a new field is stored clean: no nulls, no directives',
    original: pod({ containers: [container('web')] }),
    patch: {
      spec: {
        initContainers: [
          { name: 'init', image: 'busybox', env: [{ name: 'A', value: '1' }], '$setElementOrder/env': [{ name: 'A' }], workingDir: null },
          { $patch: 'delete', name: 'ghost' },
        ],
        affinity: { nodeAffinity: { $patch: 'replace', preferred: [] }, podAffinity: null },
      },
    },
    want: pod({
      containers: [container('web')],
      initContainers: [{ name: 'init', image: 'busybox', env: [{ name: 'A', value: '1' }] }],
      affinity: { nodeAffinity: { preferred: [] } },
    }),
  },
  {
    name: 'a value of another type replaces the old one',
    original: pod({ containers: [], hostname: 'web' }, { annotations: { note: 'text' } }),
    patch: { spec: { hostname: { nested: true } }, metadata: { annotations: ['not', 'a', 'map'] } },
    want: pod({ containers: [], hostname: { nested: true } }, { annotations: ['not', 'a', 'map'] }),
  },
  {
    name: 'the whole object replaced with $patch: replace at the root',
    original: pod({ containers: [container('web')] }),
    patch: { $patch: 'replace', kind: 'Pod', metadata: { name: 'other' } },
    want: { kind: 'Pod', metadata: { name: 'other' } },
  },
]

interface Failure {
  name: string
  original?: JsonObject
  patch: unknown
  code: number
  message: string
}

const failures: Failure[] = [
  {
    name: 'a patch that is not an object',
    patch: [{ op: 'add' }],
    code: 400,
    message: 'strategic merge patch must be a JSON object, not an array',
  },
  {
    name: 'a merged element without its merge key',
    patch: { spec: { containers: [{ image: 'nginx' }] } },
    code: 422,
    message: 'strategic merge patch at spec.containers: list element {"image":"nginx"} does not contain declared merge key: name',
  },
  {
    name: 'a delete directive without the merge key',
    patch: { spec: { containers: [{ $patch: 'delete', image: 'nginx' }] } },
    code: 422,
    message: 'strategic merge patch at spec.containers: list element {"$patch":"delete","image":"nginx"} does not contain declared merge key: name',
  },
  {
    name: '$patch: merge in a list',
    patch: { spec: { containers: [{ $patch: 'merge' }] } },
    code: 400,
    message: 'strategic merge patch at spec.containers: $patch: "merge" cannot be used in a list (merging is the list\'s own strategy)',
  },
  {
    name: '$patch: merge in an object',
    patch: { metadata: { labels: { $patch: 'merge', app: 'web' } } },
    code: 400,
    message:
      'strategic merge patch at metadata.labels: unknown $patch directive "merge" in an object; it can be "replace" or "delete" ' +
      '("merge" is only a field\'s patch strategy, and objects merge anyway)',
  },
  {
    name: 'an unknown list directive',
    patch: { spec: { containers: [{ $patch: 'upsert', name: 'web' }] } },
    code: 400,
    message: 'strategic merge patch at spec.containers: unknown $patch directive "upsert" in a list element; it can be "replace" or "delete"',
  },
  {
    name: 'a patch element missing from $setElementOrder',
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b', image: 'b:2' }] } },
    code: 400,
    message:
      'strategic merge patch at spec.containers: invalid patch format of setElementOrder list: element {"name":"b","image":"b:2"} ' +
      'of the patch list is missing from $setElementOrder/containers [{"name":"a"}] or out of its order',
  },
  {
    name: 'patch elements in another order than $setElementOrder',
    patch: {
      spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'b', image: 'b:2' }, { name: 'a', image: 'a:2' }] },
    },
    code: 400,
    message:
      'strategic merge patch at spec.containers: invalid patch format of setElementOrder list: element {"name":"a","image":"a:2"} ' +
      'of the patch list is missing from $setElementOrder/containers [{"name":"a"},{"name":"b"}] or out of its order',
  },
  {
    name: 'a $setElementOrder that is not a list',
    patch: { spec: { '$setElementOrder/containers': { name: 'a' } } },
    code: 400,
    message: 'strategic merge patch at spec.containers: invalid patch format of setElementOrder list: $setElementOrder/containers must be a list, not an object',
  },
  {
    name: 'a $setElementOrder without a field',
    patch: { spec: { $setElementOrder: [] } },
    code: 400,
    message: 'strategic merge patch at spec: invalid patch format of setElementOrder list: "$setElementOrder" is not $setElementOrder/<field>',
  },
  {
    name: 'a field set but not in $retainKeys',
    patch: { spec: { dnsConfig: { $retainKeys: ['nameservers'], nameservers: ['1.1.1.1'], searches: ['local'] } } },
    code: 400,
    message: 'strategic merge patch at spec.dnsConfig: invalid patch format of retainKeys: the patch sets "searches", which is not in $retainKeys ["nameservers"]',
  },
  {
    name: 'a $deleteFromPrimitiveList of objects',
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': [{ name: 'a' }] } },
    code: 400,
    message: 'strategic merge patch at metadata.finalizers: invalid patch format of primitive list: $deleteFromPrimitiveList/finalizers must be a list of primitive values, not [{"name":"a"}]',
  },
  {
    name: 'lists of lists',
    original: pod({ containers: [] }, { finalizers: ['a'] }),
    patch: { metadata: { finalizers: [['b']] } },
    code: 422,
    message: 'strategic merge patch at metadata.finalizers: lists of lists are not supported',
  },
  {
    name: 'a merged list mixing types',
    original: pod({ containers: [] }, { finalizers: ['a'] }),
    patch: { metadata: { finalizers: [1] } },
    code: 422,
    message: 'strategic merge patch at metadata.finalizers: list element types are not identical: a number among strings',
  },
]

describe('applyStrategicMergePatch', () => {
  it.each(cases)('$name', ({ kind, original, patch, want }) => {
    const result = applyStrategicMergePatch(deepFreeze(original), deepFreeze(patch), patchMetaFor(kind ?? 'Pod'))
    expect(result).toEqual(want)
  })

  it.each(failures)('refuses $name', ({ original, patch, code, message }) => {
    const attempt = () => applyStrategicMergePatch(deepFreeze(original ?? pod({ containers: [container('web')] })), deepFreeze(patch), patchMetaFor('Pod'))
    expect(attempt).toThrow(expect.objectContaining({ code, message }))
  })

  it('applies the patch kubectl 1.32 sent for a client-side apply of a Deployment', () => {
    const { live, patch, expected } = kubectlApply
    const result = applyStrategicMergePatch(deepFreeze(live), deepFreeze(patch), patchMetaFor('Deployment'))
    expect(result).toEqual(expected)
    // Order matters to kubectl's next diff and to people reading the object: check it, not just contents.
    expect(JSON.stringify(result)).toBe(JSON.stringify(expected))
  })

  it('the result shares nothing with the original or the patch', () => {
    const original = pod({ containers: [container('web', 'nginx', { env: [{ name: 'A', value: '1' }] }), container('sidecar')] })
    const patch = { spec: { containers: [{ name: 'web', image: 'nginx:2' }], volumes: [{ name: 'data', emptyDir: {} }] } }
    const result = applyStrategicMergePatch(original, patch, patchMetaFor('Pod')) as { spec: { containers: JsonObject[]; volumes: JsonObject[] } }
    const [web, sidecar] = (original.spec as { containers: JsonObject[] }).containers
    expect(result.spec.containers[0]?.env).not.toBe(web?.env)
    expect(result.spec.containers[1]).not.toBe(sidecar)
    expect(result.spec.volumes[0]).not.toBe(patch.spec.volumes[0])
  })

  it('with no patch metadata, lists are replaced as in a JSON merge patch', () => {
    const original = pod({ containers: [container('web'), container('sidecar')] })
    const result = applyStrategicMergePatch(original, { spec: { containers: [{ name: 'web', image: 'web:2' }] } }, () => ({}))
    expect(result).toEqual(pod({ containers: [{ name: 'web', image: 'web:2' }] }))
  })
})
