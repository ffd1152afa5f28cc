// End to end: the built headless server (out/main/serve.js) answering bad input over the
// Kubernetes REST API. Hand-written bad manifests and patch bodies must each get a 4xx `Status`
// that says what is wrong (the field, in `details.causes[].field` or the message), and a seeded
// fuzzer mutating valid Pods, Deployments and Services must never get a 5xx or a dropped
// connection; afterwards the store holds exactly what was acknowledged and nothing else moved.
//
// Needs a build first: `npx electron-vite build` (scripts/test.sh and scripts/run.sh do it).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { container, makeDeployment, makePod, makeService } from '../../src-main/api/testing/builders.ts'
import { mutate, pathsOf, randomValue, type Json } from './support/manifest-fuzzer.ts'
import { SeededRandom } from './support/random.ts'
import { KubeRest, type ObjectAnswer, type RestAnswer, type StatusAnswer } from './support/rest.ts'
import { killServe, requireBuiltServe, startServe, type RunningServe } from './support/serve.ts'

/** The API server alone: no controller writes to the objects under test (their resourceVersions are the test's). */
const API_ONLY = ['--controllers=-*']

const NS = 'bad'
const FUZZ_NS = 'fuzz'
/** FUZZ_SEED and FUZZ_CASES replay a failure or run longer. */
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 11_242_025)
const FUZZ_CASES = Number(process.env.FUZZ_CASES ?? 300)
const core = (resource: string, name = ''): string => `/api/v1/namespaces/${NS}/${resource}${name && `/${name}`}`
const apps = (resource: string, name = ''): string => `/apis/apps/v1/namespaces/${NS}/${resource}${name && `/${name}`}`

const goodPod = (name = 'web'): Json =>
  makePod(name, NS)
    .withLabels({ app: 'web' })
    .withContainer(container('web', 'nginx:1.27', { ports: [{ containerPort: 80 }], env: [{ name: 'MODE', value: 'fast' }], resources: { limits: { cpu: '500m' } } }))
    .obj() as unknown as Json
const goodDeployment = (name = 'web'): Json => makeDeployment(name, NS).obj() as unknown as Json
const goodService = (name = 'web'): Json => makeService(name, NS).withPorts({ name: 'http', port: 80, targetPort: 8080 }).obj() as unknown as Json
const goodConfigMap = (name = 'settings'): Json => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { mode: 'fast' } })

const DROP = Symbol('drop')

/** A copy of `obj` with the value at `path` ("spec.containers.0.image") replaced, or dropped. */
function withValue(obj: Json, path: string, value: unknown): Json {
  const copy = structuredClone(obj)
  const segments = path.split('.')
  let node = copy as Record<string, unknown>
  for (const segment of segments.slice(0, -1)) node = node[segment] as Record<string, unknown>
  const last = segments.at(-1) as string
  if (value === DROP) Reflect.deleteProperty(node, last)
  else node[last] = value
  return copy
}

/** `depth` arrays inside each other: `[[[…]]]`. */
const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)

interface BadCase {
  what: string
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  /** An object goes as JSON; a string or bytes as they are. */
  body: unknown
  contentType?: string
  query?: string
  code: number
  reason: string
  /** Must be one of `details.causes[].field`. */
  field?: string
  /** Must match the Status message. */
  message?: RegExp
}

const long = 'a'.repeat(300)

const badManifests: BadCase[] = [
  // Wrong types, at many depths.
  { what: 'metadata.name a number', path: core('pods'), body: withValue(goodPod(), 'metadata.name', 42), code: 422, reason: 'Invalid', field: 'metadata.name' },
  { what: 'labels a string', path: core('pods'), body: withValue(goodPod(), 'metadata.labels', 'app=web'), code: 422, reason: 'Invalid', field: 'metadata.labels' },
  { what: 'a label value a number', path: core('pods'), body: withValue(goodPod(), 'metadata.labels.app', 5), code: 422, reason: 'Invalid', field: 'metadata.labels[app]' },
  { what: 'annotations an array', path: core('configmaps'), body: withValue(goodConfigMap(), 'metadata', { name: 'x', annotations: ['a'] }), code: 422, reason: 'Invalid', field: 'metadata.annotations' },
  { what: 'spec a string', path: core('pods'), body: withValue(goodPod(), 'spec', 'run nginx'), code: 422, reason: 'Invalid', field: 'spec' },
  { what: 'containers an object', path: core('pods'), body: withValue(goodPod(), 'spec.containers', { name: 'web', image: 'nginx' }), code: 422, reason: 'Invalid', field: 'spec.containers' },
  { what: 'image a number', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.image', 3), code: 422, reason: 'Invalid', field: 'spec.containers[0].image' },
  { what: 'containerPort a word', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.ports.0.containerPort', 'eighty'), code: 422, reason: 'Invalid', field: 'spec.containers[0].ports[0].containerPort' },
  { what: 'containerPort a fraction', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.ports.0.containerPort', 80.5), code: 422, reason: 'Invalid', field: 'spec.containers[0].ports[0].containerPort' },
  { what: 'env a map', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.env', { MODE: 'fast' }), code: 422, reason: 'Invalid', field: 'spec.containers[0].env' },
  { what: 'env value a boolean', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.env.0.value', true), code: 422, reason: 'Invalid', field: 'spec.containers[0].env[0].value' },
  { what: 'a cpu limit an object', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.resources.limits.cpu', { m: 500 }), code: 422, reason: 'Invalid', field: 'spec.containers[0].resources.limits[cpu]' },
  { what: 'a cpu limit not a quantity', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.resources.limits.cpu', 'lots'), code: 422, reason: 'Invalid', field: 'spec.containers[0].resources.limits[cpu]' },
  { what: 'command a string', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.command', 'sleep 1'), code: 422, reason: 'Invalid', field: 'spec.containers[0].command' },
  { what: 'terminationGracePeriodSeconds a string', path: core('pods'), body: withValue(goodPod(), 'spec.terminationGracePeriodSeconds', '30'), code: 422, reason: 'Invalid', field: 'spec.terminationGracePeriodSeconds' },
  { what: 'restartPolicy not one of its values', path: core('pods'), body: withValue(goodPod(), 'spec.restartPolicy', 'Sometimes'), code: 422, reason: 'Invalid', field: 'spec.restartPolicy' },
  { what: 'replicas a word', path: apps('deployments'), body: withValue(goodDeployment(), 'spec.replicas', 'three'), code: 422, reason: 'Invalid', field: 'spec.replicas' },
  { what: 'negative replicas', path: apps('deployments'), body: withValue(goodDeployment(), 'spec.replicas', -1), code: 422, reason: 'Invalid', field: 'spec.replicas' },
  { what: 'matchLabels a string', path: apps('deployments'), body: withValue(goodDeployment(), 'spec.selector.matchLabels', 'app=web'), code: 422, reason: 'Invalid', field: 'spec.selector.matchLabels' },
  { what: 'strategy type a number', path: apps('deployments'), body: withValue(goodDeployment(), 'spec.strategy', { type: 7 }), code: 422, reason: 'Invalid', field: 'spec.strategy.type' },
  { what: 'template container image a list', path: apps('deployments'), body: withValue(goodDeployment(), 'spec.template.spec.containers.0.image', ['nginx']), code: 422, reason: 'Invalid', field: 'spec.template.spec.containers[0].image' },
  { what: 'service port a name', path: core('services'), body: withValue(goodService(), 'spec.ports.0.port', 'http'), code: 422, reason: 'Invalid', field: 'spec.ports[0].port' },
  { what: 'service port out of range', path: core('services'), body: withValue(goodService(), 'spec.ports.0.port', 70000), code: 422, reason: 'Invalid', field: 'spec.ports[0].port' },
  { what: 'service type unknown', path: core('services'), body: withValue(goodService(), 'spec.type', 'Bogus'), code: 422, reason: 'Invalid', field: 'spec.type' },
  { what: 'configmap data an array', path: core('configmaps'), body: withValue(goodConfigMap(), 'data', ['mode=fast']), code: 422, reason: 'Invalid', field: 'data' },
  { what: 'configmap value a number', path: core('configmaps'), body: withValue(goodConfigMap(), 'data.mode', 5), code: 422, reason: 'Invalid', field: 'data[mode]' },
  { what: 'binaryData not base64', path: core('configmaps'), body: { ...goodConfigMap(), binaryData: { blob: 'not base64!' } }, code: 422, reason: 'Invalid', field: 'binaryData[blob]' },

  // Required fields missing.
  { what: 'no containers', path: core('pods'), body: withValue(goodPod(), 'spec.containers', DROP), code: 422, reason: 'Invalid', field: 'spec.containers' },
  { what: 'a container without a name', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.name', DROP), code: 422, reason: 'Invalid', field: 'spec.containers[0].name' },
  { what: 'a container without an image', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.image', DROP), code: 422, reason: 'Invalid', field: 'spec.containers[0].image' },
  { what: 'an env var without a name', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.env.0.name', DROP), code: 422, reason: 'Invalid', field: 'spec.containers[0].env[0].name' },
  { what: 'no name and no generateName', path: core('pods'), body: withValue(goodPod(), 'metadata.name', DROP), code: 422, reason: 'Invalid', field: 'metadata.name' },
  { what: 'a deployment without a selector', path: apps('deployments'), body: withValue(goodDeployment(), 'spec.selector', DROP), code: 422, reason: 'Invalid', field: 'spec.selector' },
  { what: 'a template the selector does not select', path: apps('deployments'), body: withValue(goodDeployment(), 'spec.template.metadata.labels', { app: 'other' }), code: 422, reason: 'Invalid', field: 'spec.template.metadata.labels' },
  { what: 'a service port without a port', path: core('services'), body: withValue(goodService(), 'spec.ports.0.port', DROP), code: 422, reason: 'Invalid', field: 'spec.ports[0].port' },

  // Unknown fields with fieldValidation=Strict (the default, Warn, is below).
  { what: 'an unknown field, Strict', path: core('pods'), query: 'fieldValidation=Strict', body: withValue(goodPod(), 'spec.containers.0.imagePullPolice', 'Always'), code: 400, reason: 'BadRequest', message: /unknown field "spec\.containers\[0\]\.imagePullPolice"/ },
  { what: 'an unknown top-level field, Strict', path: apps('deployments'), query: 'fieldValidation=Strict', body: { ...goodDeployment(), specs: {} }, code: 400, reason: 'BadRequest', message: /unknown field "specs"/ },
  { what: 'fieldValidation not one of its values', path: core('pods'), query: 'fieldValidation=Loose', body: goodPod(), code: 400, reason: 'BadRequest', message: /fieldValidation/ },

  // Fields Coxswain does not support: refused whatever fieldValidation says.
  { what: 'a persistentVolumeClaim volume', path: core('pods'), body: { ...goodPod(), spec: { ...(goodPod().spec as Json), volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } }, code: 422, reason: 'Invalid', field: 'spec.volumes[0].persistentVolumeClaim' },
  { what: 'a gRPC probe', path: core('pods'), body: withValue(goodPod(), 'spec.containers.0.livenessProbe', { grpc: { port: 9000 } }), code: 422, reason: 'Invalid', field: 'spec.containers[0].livenessProbe.grpc' },
  { what: 'a sidecar init container', path: core('pods'), body: { ...goodPod(), spec: { ...(goodPod().spec as Json), initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] } }, code: 422, reason: 'Invalid', field: 'spec.initContainers[0].restartPolicy' },
  { what: 'an IPv6 service', path: core('services'), body: withValue(goodService(), 'spec.ipFamilies', ['IPv6']), code: 422, reason: 'Invalid', field: 'spec.ipFamilies[0]' },

  // Too long and too large.
  { what: 'a 300-character name', path: core('configmaps'), body: withValue(goodConfigMap(), 'metadata.name', long), code: 422, reason: 'Invalid', field: 'metadata.name' },
  { what: 'a 300-character pod name', path: core('pods'), body: withValue(goodPod(), 'metadata.name', long), code: 422, reason: 'Invalid', field: 'metadata.name' },
  { what: 'a 300-character generateName', path: core('configmaps'), body: withValue(goodConfigMap(), 'metadata', { generateName: long }), code: 422, reason: 'Invalid', field: 'metadata.generateName' },
  { what: 'a 300-character label value', path: core('pods'), body: withValue(goodPod(), 'metadata.labels.app', long), code: 422, reason: 'Invalid', field: 'metadata.labels' },
  { what: 'a 300-character namespace in the path', path: `/api/v1/namespaces/${long}/configmaps`, body: goodConfigMap(), code: 400, reason: 'BadRequest', message: /namespace/ },
  { what: 'a body over 3 MiB', path: core('configmaps'), body: { ...goodConfigMap(), data: { blob: 'x'.repeat(3 * 1024 * 1024 + 1) } }, code: 413, reason: 'RequestEntityTooLarge' },
  // kube-apiserver names no field for this one (field "", "[]" in kubectl): the limit is on the whole of data and binaryData.
  { what: 'a ConfigMap over 1 MiB', path: core('configmaps'), body: { ...goodConfigMap(), data: { blob: 'x'.repeat(1024 * 1024 + 1) } }, code: 422, reason: 'Invalid', field: '', message: /Too long: may not be more than 1048576 bytes/ },

  // Bodies that are not an object of the URL's kind.
  { what: 'broken YAML', path: core('configmaps'), contentType: 'application/yaml', body: 'metadata:\n  name: x\n data: [\n', code: 400, reason: 'BadRequest', message: /YAML/ },
  { what: 'YAML with a tab indent', path: core('configmaps'), contentType: 'application/yaml', body: 'metadata:\n\tname: x\n', code: 400, reason: 'BadRequest', message: /YAML/ },
  { what: 'two YAML documents', path: core('configmaps'), contentType: 'application/yaml', body: 'metadata: {name: a}\n---\nmetadata: {name: b}\n', code: 400, reason: 'BadRequest', message: /several YAML documents/ },
  { what: 'a YAML alias bomb', path: core('configmaps'), contentType: 'application/yaml', body: yamlAliasBomb(), code: 400, reason: 'BadRequest', message: /not valid YAML: Excessive alias count/ },
  { what: 'YAML where a map belongs', path: core('configmaps'), contentType: 'application/yaml', body: 'metadata:\n  name: x\ndata:\n  - a\n  - b\n', code: 422, reason: 'Invalid', field: 'data' },
  { what: 'truncated JSON', path: core('configmaps'), body: '{"metadata":{"name":"x"', code: 400, reason: 'BadRequest', message: /not valid JSON/ },
  { what: 'JSON with trailing garbage', path: core('configmaps'), body: '{"metadata":{"name":"x"}} {}', code: 400, reason: 'BadRequest', message: /not valid JSON/ },
  { what: 'an empty body', path: core('configmaps'), body: '', contentType: 'application/json', code: 400, reason: 'BadRequest' },
  { what: 'a JSON string', path: core('configmaps'), body: '"a configmap"', code: 400, reason: 'BadRequest', message: /must be a ConfigMap object/ },
  { what: 'JSON null', path: core('configmaps'), body: 'null', code: 400, reason: 'BadRequest', message: /must be a ConfigMap object/ },
  { what: 'an array for the object', path: core('configmaps'), body: [goodConfigMap()], code: 400, reason: 'BadRequest', message: /not an array/ },
  { what: 'an array for metadata', path: core('configmaps'), body: { ...goodConfigMap(), metadata: [{ name: 'x' }] }, code: 400, reason: 'BadRequest', message: /metadata must be an object/ },
  { what: 'an array for spec', path: apps('deployments'), body: withValue(goodDeployment(), 'spec', [{ replicas: 1 }]), code: 422, reason: 'Invalid', field: 'spec' },
  { what: 'an array for the pod template', path: apps('deployments'), body: withValue(goodDeployment(), 'spec.template', []), code: 422, reason: 'Invalid', field: 'spec.template' },
  { what: 'null metadata', path: core('configmaps'), body: { ...goodConfigMap(), metadata: null }, code: 422, reason: 'Invalid', field: 'metadata.name' },
  { what: 'a Service posted to pods', path: core('pods'), body: goodService('svc'), code: 400, reason: 'BadRequest', message: /Service .*cannot be handled as a Pod/ },
  { what: 'a Deployment posted to configmaps', path: core('configmaps'), body: goodDeployment(), code: 400, reason: 'BadRequest', message: /apps\/v1.*does not match.*v1/ },
  { what: 'apiVersion v2', path: core('configmaps'), body: { ...goodConfigMap(), apiVersion: 'v2' }, code: 400, reason: 'BadRequest', message: /API version in the data \(v2\)/ },
  { what: 'apiVersion a number', path: core('configmaps'), body: { ...goodConfigMap(), apiVersion: 1 }, code: 400, reason: 'BadRequest', message: /apiVersion/ },
  { what: 'kind an object', path: core('configmaps'), body: { ...goodConfigMap(), kind: { name: 'ConfigMap' } }, code: 400, reason: 'BadRequest', message: /cannot be handled as a ConfigMap/ },
  { what: 'a namespace other than the URL', path: core('configmaps'), body: withValue(goodConfigMap(), 'metadata.namespace', 'kube-system'), code: 400, reason: 'BadRequest', message: /namespace of the provided object does not match/ },
  { what: 'a name other than the URL (PUT)', method: 'PUT', path: core('configmaps', 'settings'), body: withValue(goodConfigMap(), 'metadata.name', 'other'), code: 400, reason: 'BadRequest', message: /does not match the name on the URL/ },
  { what: 'a resourceVersion on create', path: core('configmaps'), body: withValue(goodConfigMap(), 'metadata.resourceVersion', '5'), code: 400, reason: 'BadRequest', message: /resourceVersion should not be set/ },
  { what: 'junk nested 10,000 deep', path: core('configmaps'), body: `{"metadata":{"name":"deep"},"junk":${nestedArrays(10_000)}}`, code: 400, reason: 'BadRequest', message: /nested too deeply/ },
  { what: 'junk nested 600 deep in YAML', path: core('configmaps'), contentType: 'application/yaml', body: `metadata: {name: deep}\njunk: ${nestedArrays(600)}\n`, code: 400, reason: 'BadRequest', message: /nested too deeply/ },
  { what: 'junk nested 100,000 deep in YAML', path: core('configmaps'), contentType: 'application/yaml', body: `metadata: {name: deep}\njunk: ${nestedArrays(100_000)}\n`, code: 400, reason: 'BadRequest', message: /YAML/ },
  { what: 'a label map nested 2,000 deep', path: core('configmaps'), body: `{"metadata":{"name":"deep","labels":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}}`, code: 400, reason: 'BadRequest', message: /nested too deeply/ },
  { what: 'non-UTF-8 bytes in the name', path: core('configmaps'), body: Buffer.from([...Buffer.from('{"metadata":{"name":"caf'), 0xe9, ...Buffer.from('"}}')]), code: 422, reason: 'Invalid', field: 'metadata.name' },
  { what: 'non-UTF-8 bytes between tokens', path: core('configmaps'), body: Buffer.from([...Buffer.from('{"metadata":'), 0xff, 0xfe, ...Buffer.from('{"name":"x"}}')]), code: 400, reason: 'BadRequest', message: /not valid JSON/ },
  { what: 'non-UTF-8 bytes in YAML', path: core('configmaps'), contentType: 'application/yaml', body: Buffer.from([...Buffer.from('metadata:\n  name: '), 0xc3, 0x28, 0xa0, 0xa1, 0x0a]), code: 422, reason: 'Invalid', field: 'metadata.name' },
  { what: 'a body in an unknown format', path: core('configmaps'), contentType: 'text/csv', body: 'name,data\nx,y\n', code: 415, reason: 'UnsupportedMediaType' },

  // DELETE bodies (DeleteOptions) and list queries: refused before anything is deleted or read.
  { what: 'a DELETE body of another kind', method: 'DELETE', path: core('configmaps', 'settings'), body: { kind: 'Pod' }, code: 400, reason: 'BadRequest', message: /DeleteOptions/ },
  { what: 'a DELETE body that is not JSON', method: 'DELETE', path: core('configmaps', 'settings'), body: '{"gracePeriodSeconds":', code: 400, reason: 'BadRequest', message: /not valid JSON/ },
  { what: 'a DELETE body with gracePeriodSeconds a word', method: 'DELETE', path: core('configmaps', 'settings'), body: { gracePeriodSeconds: 'soon' }, code: 400, reason: 'BadRequest', message: /gracePeriodSeconds must be an integer/ },
  { what: 'a DELETE body with dryRun a string', method: 'DELETE', path: core('configmaps', 'settings'), body: { dryRun: 'All' }, code: 400, reason: 'BadRequest', message: /dryRun must be a list of strings/ },
  { what: 'a DELETE body with orphanDependents a word', method: 'DELETE', path: core('configmaps', 'settings'), body: { orphanDependents: 'yes' }, code: 400, reason: 'BadRequest', message: /orphanDependents must be a boolean/ },
  { what: 'a DELETE body with preconditions a string', method: 'DELETE', path: core('configmaps', 'settings'), body: { preconditions: 'x' }, code: 400, reason: 'BadRequest', message: /preconditions must be an object/ },
  { what: 'an unknown propagationPolicy', method: 'DELETE', path: core('configmaps', 'settings'), body: { propagationPolicy: 'Sideways' }, code: 422, reason: 'Invalid', field: 'propagationPolicy' },
  { what: 'a broken labelSelector', method: 'GET', path: core('pods'), query: 'labelSelector=app%20in%20(', body: undefined, code: 400, reason: 'BadRequest', message: /labelSelector|selector/ },
  { what: 'a negative limit', method: 'GET', path: core('pods'), query: 'limit=-1', body: undefined, code: 400, reason: 'BadRequest', message: /limit/ },
  { what: 'a forged continue token', method: 'GET', path: core('pods'), query: 'continue=Zm9yZ2Vk', body: undefined, code: 400, reason: 'BadRequest', message: /continue/ },
  { what: 'a resourceVersion that is not a number', method: 'GET', path: core('pods'), query: 'watch=1&resourceVersion=abc', body: undefined, code: 400, reason: 'BadRequest', message: /invalid resource version "abc"/ },
]

/** Patch bodies of each patch type, broken in that type's own way, against the pod `target`. */
const patchTarget = 'target'
const patch = (what: string, contentType: string, body: unknown, code: number, reason: string, check: { field?: string; message?: RegExp } = {}): BadCase => ({
  what: `${contentType.replace('application/', '')}: ${what}`,
  method: 'PATCH',
  path: core('pods', patchTarget),
  contentType,
  body,
  code,
  reason,
  ...check,
})
const JSON_PATCH = 'application/json-patch+json'
const MERGE = 'application/merge-patch+json'
const STRATEGIC = 'application/strategic-merge-patch+json'

const badPatches: BadCase[] = [
  patch('not JSON', JSON_PATCH, '[{"op":"add"', 400, 'BadRequest', { message: /not valid JSON/ }),
  patch('an object, not a list of operations', JSON_PATCH, { op: 'add', path: '/metadata/labels/x', value: 'y' }, 400, 'BadRequest', { message: /array of operations/ }),
  patch('an unknown op', JSON_PATCH, [{ op: 'frob', path: '/metadata' }], 400, 'BadRequest', { message: /"op" must be one of/ }),
  patch('an op without a path', JSON_PATCH, [{ op: 'remove' }], 400, 'BadRequest', { message: /path/ }),
  patch('a path that is not a pointer', JSON_PATCH, [{ op: 'add', path: 'metadata/labels', value: {} }], 400, 'BadRequest', { message: /path/ }),
  patch('removing what is not there', JSON_PATCH, [{ op: 'remove', path: '/spec/nothing/here' }], 422, 'Invalid', { message: /nothing/ }),
  patch('a failed test', JSON_PATCH, [{ op: 'test', path: '/metadata/name', value: 'other' }], 422, 'Invalid', { message: /test/ }),
  patch('a result with a wrong type', JSON_PATCH, [{ op: 'replace', path: '/spec/containers/0/image', value: 7 }], 422, 'Invalid', { field: 'spec.containers[0].image' }),
  patch('not JSON', MERGE, '{"spec":', 400, 'BadRequest', { message: /not valid JSON/ }),
  patch('a list', MERGE, [1, 2], 400, 'BadRequest', { message: /must be a JSON object/ }),
  patch('a result with a wrong type', MERGE, { spec: { containers: 5 } }, 422, 'Invalid', { field: 'spec.containers' }),
  patch('a renamed object', MERGE, { metadata: { name: 'renamed' } }, 400, 'BadRequest', { message: /name/ }),
  patch('changing an immutable field', MERGE, { spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 81 }] }] } }, 422, 'Invalid', { field: 'spec' }),
  patch('not JSON', STRATEGIC, '{"metadata":{"labels":', 400, 'BadRequest', { message: /not valid JSON/ }),
  patch('an unknown $patch directive', STRATEGIC, { spec: { $patch: 'frob' } }, 400, 'BadRequest', { field: 'spec' }),
  patch('list items without their merge key', STRATEGIC, { spec: { containers: [{ image: 'nginx:2' }] } }, 422, 'Invalid', { field: 'spec.containers', message: /merge key: name/ }),
  patch('a list of scalars where the list merges by key', STRATEGIC, { spec: { containers: [1, 2] } }, 422, 'Invalid', { field: 'spec.containers' }),
  patch('nested 10,000 deep', STRATEGIC, `{"metadata":{"labels":${nestedArrays(10_000)}}}`, 400, 'BadRequest', { message: /patch is nested too deeply/ }),
  patch('nested 10,000 deep', MERGE, `{"spec":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`, 400, 'BadRequest', { message: /patch is nested too deeply/ }),
  patch('a value nested 10,000 deep', JSON_PATCH, `[{"op":"add","path":"/metadata/labels","value":${nestedArrays(10_000)}}]`, 400, 'BadRequest', { message: /patch is nested too deeply/ }),
  patch('$setElementOrder not a list', STRATEGIC, { spec: { '$setElementOrder/containers': 'web' } }, 400, 'BadRequest', { message: /setElementOrder/ }),
  patch('server-side apply', 'application/apply-patch+yaml', 'metadata: {labels: {a: b}}\n', 415, 'UnsupportedMediaType'),
  patch('an unknown patch type', 'application/x-patch', '{}', 415, 'UnsupportedMediaType'),
]

function yamlAliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i)
    lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`)
  }
  return `metadata: {name: bomb}\n${lines.join('\n')}\n`
}

/** A failure must be a Kubernetes Status whose code is the HTTP status, 4xx. */
function expectRefusal(answer: RestAnswer, c: Pick<BadCase, 'what' | 'code' | 'reason' | 'field' | 'message'>): void {
  const label = `${c.what}: ${answer.status} ${answer.text.slice(0, 400)}`
  expect(answer.status, label).toBe(c.code)
  expect(answer.headers.get('content-type'), label).toMatch(/^application\/json/)
  const status = answer.json as StatusAnswer
  expect(status, label).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: c.code, reason: c.reason })
  expect(status.message, label).toBeTruthy()
  if (c.field) expect(status.details?.causes?.map((cause) => cause.field), label).toContain(c.field)
  if (c.message) expect(status.message, label).toMatch(c.message)
}

describe('bad input over the REST API', () => {
  let dataDir: string
  let serve: RunningServe
  let rest: KubeRest

  beforeAll(async () => {
    requireBuiltServe()
    dataDir = mkdtempSync(join(tmpdir(), 'coxswain-e2e-bad-input-'))
    serve = await startServe(dataDir, undefined, API_ONLY)
    rest = KubeRest.forDataDir(serve.baseUrl, dataDir)
    for (const name of [NS, FUZZ_NS]) expect((await rest.request('POST', '/api/v1/namespaces', { body: { metadata: { name } } })).status).toBe(201)
  })

  afterAll(async () => {
    await killServe(serve)
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  describe('hand-written bad manifests', () => {
    beforeAll(async () => {
      expect((await rest.request('POST', core('configmaps'), { body: goodConfigMap() })).status).toBe(201)
      expect((await rest.request('POST', core('pods'), { body: goodPod(patchTarget) })).status).toBe(201)
    })

    for (const c of [...badManifests, ...badPatches]) {
      it(`refuses ${c.what}`, async () => {
        const path = c.query ? `${c.path}?${c.query}` : c.path
        expectRefusal(await rest.request(c.method ?? 'POST', path, { body: c.body, contentType: c.contentType }), c)
      })
    }

    it('stored none of them, and the patched pod is as it was', async () => {
      for (const path of [core('pods'), core('services'), core('configmaps'), apps('deployments')]) {
        const names = (await rest.listAll(path)).items.map((o) => o.metadata?.name)
        expect(names, path).toEqual(path === core('pods') ? [patchTarget] : path === core('configmaps') ? ['settings'] : [])
      }
      const target = await rest.get<ObjectAnswer & { spec: Json }>(core('pods', patchTarget))
      expect(target.spec).toMatchObject(goodPod().spec as Json)
    })

    it('keeps unknown fields out by default, with a Warning naming each (fieldValidation=Warn)', async () => {
      const body = withValue(withValue(goodPod('warned'), 'spec.containers.0.imagePullPolice', 'Always'), 'metadata.colour', 'blue')
      const answer = await rest.request('POST', core('pods'), { body })
      expect(answer.status, answer.text).toBe(201)
      const warnings = answer.headers.get('warning') ?? ''
      expect(warnings).toContain('unknown field \\"spec.containers[0].imagePullPolice\\"')
      expect(warnings).toContain('unknown field \\"metadata.colour\\"')
      const stored = await rest.get<{ metadata: Json; spec: { containers: Json[] } }>(core('pods', 'warned'))
      expect(stored.metadata).not.toHaveProperty('colour')
      expect(stored.spec.containers[0]).not.toHaveProperty('imagePullPolice')

      const ignored = await rest.request('POST', `${core('pods')}?fieldValidation=Ignore`, { body: withValue(body, 'metadata.name', 'ignored') })
      expect(ignored.status, ignored.text).toBe(201)
      expect(ignored.headers.get('warning')).toBeNull()
      for (const name of ['warned', 'ignored']) expect((await rest.request('DELETE', core('pods', name))).status).toBe(200)
    })

    it.todo('refuses duplicate fields with fieldValidation=Strict ({"metadata":{"name":"a","name":"b"}} is stored as "b")')
  })

  describe('seeded fuzzer', () => {
    it('answers every mutated manifest with 2xx or a 4xx Status and stores exactly what it acknowledged', async () => {
      await fuzz(rest, serve)
    }, 60_000)
  })
})

// --- the fuzzer ------------------------------------------------------------------------------------

interface FuzzSeed {
  resource: string
  collection: string
  manifest: () => Json
}

const fuzzSeeds: FuzzSeed[] = [
  {
    resource: 'pods',
    collection: `/api/v1/namespaces/${FUZZ_NS}/pods`,
    manifest: () =>
      makePod('seed', FUZZ_NS)
        .withLabels({ app: 'web', tier: 'front' })
        .withContainer(
          container('web', 'nginx:1.27', {
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            env: [{ name: 'MODE', value: 'fast' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
            readinessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 5 },
            volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
          }),
        )
        .withVolume({ name: 'cache', emptyDir: {} })
        .withSpec({ restartPolicy: 'Always', nodeSelector: { disk: 'ssd' }, tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }] })
        .obj() as unknown as Json,
  },
  {
    resource: 'deployments',
    collection: `/apis/apps/v1/namespaces/${FUZZ_NS}/deployments`,
    manifest: () =>
      makeDeployment('seed', FUZZ_NS)
        .withReplicas(2)
        .withSpec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } }, revisionHistoryLimit: 5 })
        .withPodSpec({ terminationGracePeriodSeconds: 10 })
        .obj() as unknown as Json,
  },
  {
    resource: 'services',
    collection: `/api/v1/namespaces/${FUZZ_NS}/services`,
    manifest: () =>
      makeService('seed', FUZZ_NS)
        .withPorts({ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, targetPort: 'metrics' })
        .withSpec({ type: 'NodePort', sessionAffinity: 'None' })
        .obj() as unknown as Json,
  },
]

interface Acknowledged {
  resourceVersion: string
  uid: string
}

async function snapshot(rest: KubeRest): Promise<Map<string, Acknowledged>> {
  const all = new Map<string, Acknowledged>()
  const groups = await rest.get<{ groups: { preferredVersion: { groupVersion: string } }[] }>('/apis')
  const versions = ['/api/v1', ...groups.groups.map((g) => `/apis/${g.preferredVersion.groupVersion}`)]
  for (const version of versions) {
    const list = await rest.get<{ resources: { name: string; verbs: string[] }[] }>(version)
    for (const r of list.resources) {
      if (r.name.includes('/') || !r.verbs.includes('list')) continue
      for (const item of (await rest.listAll(`${version}/${r.name}`)).items) {
        all.set(`${version}/${r.name} ${item.metadata?.namespace ?? ''}/${item.metadata?.name}`, { resourceVersion: item.metadata?.resourceVersion ?? '', uid: item.metadata?.uid ?? '' })
      }
    }
  }
  return all
}

const versionOfCollection = (collection: string): string => collection.replace(/\/namespaces\/.*$/, '')

interface FuzzRequest {
  method: 'POST' | 'PUT' | 'PATCH'
  path: string
  body: unknown
  contentType: string
}

const fieldValidation = (rng: SeededRandom): string => rng.pick(['', '?fieldValidation=Strict', '?fieldValidation=Ignore', '?fieldValidation=Warn'])

/** POST of the mutated manifest, as JSON, YAML, or JSON with a byte overwritten (maybe no longer UTF-8). */
function createRequest(rng: SeededRandom, seed: FuzzSeed, doc: Json): FuzzRequest {
  const path = seed.collection + fieldValidation(rng)
  if (rng.chance(0.15)) {
    const yaml = yamlOf(doc)
    if (yaml !== undefined) return { method: 'POST', path, body: yaml, contentType: 'application/yaml' }
  }
  if (rng.chance(0.05)) {
    const bytes = Buffer.from(JSON.stringify(doc))
    bytes[rng.int(bytes.length)] = rng.pick([0x00, 0x22, 0x7b, 0x80, 0xc3, 0xfe, 0xff])
    return { method: 'POST', path, body: bytes, contentType: 'application/json' }
  }
  return { method: 'POST', path, body: doc, contentType: 'application/json' }
}

/** PUT of the mutated manifest onto `name`, or a patch of each type made from it. */
function updateRequest(rng: SeededRandom, seed: FuzzSeed, name: string, doc: Json): FuzzRequest {
  const path = `${seed.collection}/${name}${fieldValidation(rng)}`
  if (isPlainJson(doc.metadata)) doc.metadata.name = name
  switch (rng.int(4)) {
    case 0:
      return { method: 'PUT', path, body: doc, contentType: 'application/json' }
    case 1:
      return { method: 'PATCH', path, body: doc, contentType: 'application/merge-patch+json' }
    case 2:
      return { method: 'PATCH', path, body: doc, contentType: 'application/strategic-merge-patch+json' }
    default: {
      const target = rng.pick(pathsOf(doc))
      const pointer = '/' + target.map((s) => String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')
      const op = rng.pick(['add', 'replace', 'remove', 'test', 'move', 'copy'])
      return { method: 'PATCH', path, body: [{ op, path: pointer, from: '/metadata/labels', value: randomValue(rng) }], contentType: 'application/json-patch+json' }
    }
  }
}

/** `doc` as YAML, or undefined when it nests too deeply for the YAML library to write. */
function yamlOf(doc: Json): string | undefined {
  try {
    return stringify(doc)
  } catch (err) {
    if (err instanceof RangeError) return undefined
    throw err
  }
}

const isPlainJson = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value)

async function fuzz(rest: KubeRest, serve: RunningServe): Promise<void> {
  const rng = new SeededRandom(FUZZ_SEED)
  const deployment = fuzzSeeds.find((s) => s.resource === 'deployments')?.manifest() as Json
  const steady = await rest.request('POST', `/apis/apps/v1/namespaces/${FUZZ_NS}/deployments`, { body: withValue(deployment, 'metadata.name', 'steady') })
  expect(steady.status, steady.text).toBe(201)
  const steadyVersion = (steady.json as ObjectAnswer).metadata?.resourceVersion
  const before = await snapshot(rest)

  // What the fuzzer's 2xx answers say the store must now hold, by snapshot key.
  const expected = new Map<string, Acknowledged>()
  const created: { seed: FuzzSeed; name: string }[] = []
  const problems: string[] = []
  const counts = { ok: 0, refused: 0 }
  const started = performance.now()

  for (let i = 0; i < FUZZ_CASES; i++) {
    const seed = rng.pick(fuzzSeeds)
    const doc = seed.manifest()
    ;(doc.metadata as Json).name = `fuzz-${i}`
    mutate(doc, rng)
    // Now and then an update (PUT or a patch of any type) of an object the fuzzer created.
    const earlier = created.filter((c) => c.seed === seed)
    const update = earlier.length > 0 && rng.chance(0.3) ? rng.pick(earlier) : undefined
    const request = update ? updateRequest(rng, seed, update.name, doc) : createRequest(rng, seed, doc)
    const { method, path } = request
    const shown = typeof request.body === 'string' ? request.body : request.body instanceof Uint8Array ? Buffer.from(request.body).toString('latin1') : JSON.stringify(request.body)
    const label = `seed ${FUZZ_SEED} case ${i}: ${method} ${path} ${request.contentType} ${shown.slice(0, 300)}`

    let answer: RestAnswer
    try {
      answer = await rest.request(method, path, request)
    } catch (err) {
      problems.push(`${label}: no answer: ${(err as Error).message}`)
      continue
    }
    if (answer.status >= 200 && answer.status < 300) {
      counts.ok++
      const obj = answer.json as ObjectAnswer
      const name = obj.metadata?.name ?? ''
      expected.set(`${versionOfCollection(seed.collection)}/${seed.resource} ${obj.metadata?.namespace}/${name}`, { resourceVersion: obj.metadata?.resourceVersion ?? '', uid: obj.metadata?.uid ?? '' })
      if (!update) created.push({ seed, name })
    } else if (answer.status >= 400 && answer.status < 500) {
      counts.refused++
      const status = answer.json as StatusAnswer | undefined
      if (status?.kind !== 'Status' || status.code !== answer.status || status.status !== 'Failure' || !status.message) problems.push(`${label}: ${answer.status} without a proper Status: ${answer.text.slice(0, 300)}`)
    } else {
      problems.push(`${label}: ${answer.status} ${answer.text.slice(0, 300)}`)
    }
  }
  const elapsed = performance.now() - started

  expect(problems).toEqual([])
  expect(serve.child.exitCode, 'the server is still running').toBeNull()
  expect((await rest.request('GET', '/readyz')).status).toBe(200)
  // Both outcomes happened often enough for the run to mean something.
  expect(counts.ok).toBeGreaterThan(FUZZ_CASES / 10)
  expect(counts.refused).toBeGreaterThan(FUZZ_CASES / 10)
  expect(elapsed).toBeLessThan(20_000)

  // The store: what was there before, plus exactly what got a 2xx, at the acknowledged version.
  const after = await snapshot(rest)
  const want = new Map([...before, ...expected])
  const diff: string[] = []
  for (const [key, value] of want) {
    const got = after.get(key)
    if (!got) diff.push(`${key}: missing (acknowledged at ${value.resourceVersion})`)
    else if (got.resourceVersion !== value.resourceVersion || got.uid !== value.uid) diff.push(`${key}: at ${got.resourceVersion}, acknowledged at ${value.resourceVersion}`)
  }
  for (const key of after.keys()) if (!want.has(key)) diff.push(`${key}: present, never acknowledged`)
  expect(diff).toEqual([])
  const steadyNow = await rest.get<ObjectAnswer>(`/apis/apps/v1/namespaces/${FUZZ_NS}/deployments/steady`)
  expect(steadyNow.metadata?.resourceVersion).toBe(steadyVersion)
}
