import { describe, expect, it } from 'vitest'
import { admitCreate, admitUpdate } from '../admission.ts'
import { pods } from '../registry.ts'
import { container, makePod } from '../testing/builders.ts'
import type { Pod } from '../types/pod.ts'
import { formatFieldError, type FieldErrorType } from './errors.ts'
import { validateBinding } from './pod.ts'

const errorsOf = (pod: Pod) => admitCreate(pods, pod).errors
const rendered = (pod: Pod) => errorsOf(pod).map(formatFieldError)

/** A two-container pod with probes, env from sources and volumes: everything here is honoured. */
const twoContainerPod = (): Pod =>
  makePod('shop', 'default')
    .withLabels({ app: 'shop', tier: 'web' })
    .withContainer(
      container('web', 'nginx:1.25', {
        ports: [{ name: 'http', containerPort: 80 }],
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
        ],
        envFrom: [{ configMapRef: { name: 'shop-config' }, prefix: 'SHOP_' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5 },
        readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
        lifecycle: { preStop: { sleep: { seconds: 5 } } },
        volumeMounts: [
          { name: 'html', mountPath: '/usr/share/nginx/html' },
          { name: 'config', mountPath: '/etc/nginx/conf.d', readOnly: true },
        ],
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 101 },
      }),
    )
    .withContainer(
      container('sync', 'busybox:1.36', {
        command: ['sh', '-c', 'while true; do date > /html/index.html; sleep 5; done'],
        volumeMounts: [{ name: 'html', mountPath: '/html' }],
        startupProbe: { exec: { command: ['test', '-f', '/html/index.html'] }, failureThreshold: 30 },
      }),
    )
    .withInitContainer(container('init', 'busybox:1.36', { command: ['true'] }))
    .withVolume({ name: 'html', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } })
    .withVolume({ name: 'config', configMap: { name: 'shop-nginx', items: [{ key: 'default.conf', path: 'default.conf' }] } })
    .withSpec({
      securityContext: { fsGroup: 101, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }],
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'shop' } } } },
          ],
        },
      },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'shop' } } }],
      imagePullSecrets: [{ name: 'registry' }],
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }],
      dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
      readinessGates: [{ conditionType: 'example.com/ready' }],
      terminationGracePeriodSeconds: 20,
    })
    .obj()

describe('pod validation: good manifests', () => {
  it('accepts a two-container pod with probes, env sources, volumes and scheduling rules', () => {
    expect(rendered(twoContainerPod())).toEqual([])
  })

  it('accepts a minimal pod and generateName prefixes ending in "-"', () => {
    const pod = makePod('').withContainer(container('c', 'busybox')).obj()
    pod.metadata.generateName = 'job-'
    pod.metadata.name = 'job-x7k2p'
    expect(rendered(pod)).toEqual([])
  })
})

describe('pod validation: bad manifests, each with its exact field and type', () => {
  const withContainer = (extra: Partial<Pod['spec'] & object>, c: Partial<ReturnType<typeof container>> = {}): Pod =>
    makePod().withContainer(container('web', 'nginx:1', c)).withSpec(extra).obj()

  it.each<[string, Pod, FieldErrorType, string, string?]>([
    ['name not a DNS subdomain', makePod('Web_1').withContainer().obj(), 'FieldValueInvalid', 'metadata.name', 'a lowercase RFC 1123 subdomain'],
    ['no namespace', { ...makePod().withContainer().obj(), metadata: { name: 'web' } }, 'FieldValueRequired', 'metadata.namespace'],
    ['bad label value', makePod().withLabels({ app: 'a b' }).withContainer().obj(), 'FieldValueInvalid', 'metadata.labels', 'a valid label must be an empty string'],
    ['bad label key', makePod().withLabels({ 'a/b/c': 'x' }).withContainer().obj(), 'FieldValueInvalid', 'metadata.labels', 'a valid label key'],
    ['no containers', makePod().obj(), 'FieldValueRequired', 'spec.containers'],
    ['no image', makePod().withContainer({ name: 'web' }).obj(), 'FieldValueRequired', 'spec.containers[0].image'],
    ['image with spaces', withContainer({}, { image: ' nginx ' }), 'FieldValueInvalid', 'spec.containers[0].image', 'leading or trailing whitespace'],
    ['container name not a DNS label', makePod().withContainer(container('Web')).obj(), 'FieldValueInvalid', 'spec.containers[0].name', 'RFC 1123 label'],
    ['duplicate container names', makePod().withContainer(container('web')).withContainer(container('web', 'busybox')).obj(), 'FieldValueDuplicate', 'spec.containers[1].name'],
    ['init and app container share a name', makePod().withInitContainer(container('web', 'busybox')).withContainer(container('web')).obj(), 'FieldValueDuplicate', 'spec.containers[0].name'],
    ['port out of range', withContainer({}, { ports: [{ containerPort: 70000 }] }), 'FieldValueInvalid', 'spec.containers[0].ports[0].containerPort', 'must be between 1 and 65535, inclusive'],
    ['port 0', withContainer({}, { ports: [{ containerPort: 0 }] }), 'FieldValueRequired', 'spec.containers[0].ports[0].containerPort'],
    ['bad port name', withContainer({}, { ports: [{ name: 'HTTP_PORT', containerPort: 80 }] }), 'FieldValueInvalid', 'spec.containers[0].ports[0].name'],
    ['duplicate port names', withContainer({}, { ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }] }), 'FieldValueDuplicate', 'spec.containers[0].ports[1].name'],
    [
      'duplicate host ports across containers',
      makePod().withContainer(container('a', 'x', { ports: [{ containerPort: 80, hostPort: 8080 }] })).withContainer(container('b', 'x', { ports: [{ containerPort: 81, hostPort: 8080 }] })).obj(),
      'FieldValueDuplicate',
      'spec.containers[1].ports[0].hostPort',
    ],
    ['hostNetwork port mismatch', withContainer({ hostNetwork: true }, { ports: [{ containerPort: 80, hostPort: 81 }] }), 'FieldValueInvalid', 'spec.containers[0].ports[0].hostPort', 'must match `containerPort` when `hostNetwork` is true'],
    ['env without a name', withContainer({}, { env: [{ name: '', value: 'x' }] }), 'FieldValueRequired', 'spec.containers[0].env[0].name'],
    ['env name with =', withContainer({}, { env: [{ name: 'A=B', value: 'x' }] }), 'FieldValueInvalid', 'spec.containers[0].env[0].name', "printable ASCII characters other than '='"],
    ['env value and valueFrom', withContainer({}, { env: [{ name: 'A', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }), 'FieldValueInvalid', 'spec.containers[0].env[0].valueFrom', 'may not be specified when `value` is not empty'],
    ['env valueFrom with two sources', withContainer({}, { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' }, secretKeyRef: { name: 's', key: 'k' } } }] }), 'FieldValueInvalid', 'spec.containers[0].env[0].valueFrom', 'may not have more than one field specified at a time'],
    ['env fieldRef to an unknown field', withContainer({}, { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.containers' } } }] }), 'FieldValueNotSupported', 'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath'],
    ['env secretKeyRef without a name', withContainer({}, { env: [{ name: 'A', valueFrom: { secretKeyRef: { key: 'k' } } }] }), 'FieldValueRequired', 'spec.containers[0].env[0].valueFrom.secretKeyRef.name'],
    ['envFrom with no source', withContainer({}, { envFrom: [{ prefix: 'X_' }] }), 'FieldValueInvalid', 'spec.containers[0].envFrom[0]', 'must specify one of: `configMapRef` or `secretRef`'],
    ['mount of a volume that does not exist', withContainer({}, { volumeMounts: [{ name: 'data', mountPath: '/data' }] }), 'FieldValueNotFound', 'spec.containers[0].volumeMounts[0].name'],
    [
      'two mounts on one path',
      makePod().withVolume({ name: 'a', emptyDir: {} }).withContainer(container('web', 'x', { volumeMounts: [{ name: 'a', mountPath: '/d' }, { name: 'a', mountPath: '/d' }] })).obj(),
      'FieldValueInvalid',
      'spec.containers[0].volumeMounts[1].mountPath',
      'must be unique',
    ],
    [
      'subPath escaping the volume',
      makePod().withVolume({ name: 'a', emptyDir: {} }).withContainer(container('web', 'x', { volumeMounts: [{ name: 'a', mountPath: '/d', subPath: '../etc' }] })).obj(),
      'FieldValueInvalid',
      'spec.containers[0].volumeMounts[0].subPath',
      "must not contain '..'",
    ],
    [
      'Bidirectional propagation without privilege',
      makePod().withVolume({ name: 'a', hostPath: { path: '/mnt' } }).withContainer(container('web', 'x', { volumeMounts: [{ name: 'a', mountPath: '/mnt', mountPropagation: 'Bidirectional' }] })).obj(),
      'FieldValueForbidden',
      'spec.containers[0].volumeMounts[0].mountPropagation',
    ],
    ['duplicate volume names', makePod().withContainer().withVolume({ name: 'a', emptyDir: {} }).withVolume({ name: 'a', emptyDir: {} }).obj(), 'FieldValueDuplicate', 'spec.volumes[1].name'],
    ['volume with two sources', makePod().withContainer().withVolume({ name: 'a', emptyDir: {}, hostPath: { path: '/x' } }).obj(), 'FieldValueForbidden', 'spec.volumes[0].hostPath', 'may not specify more than 1 volume type'],
    ['configMap volume without a name', makePod().withContainer().withVolume({ name: 'a', configMap: {} }).obj(), 'FieldValueRequired', 'spec.volumes[0].configMap.name'],
    ['secret volume without a secretName', makePod().withContainer().withVolume({ name: 'a', secret: {} }).obj(), 'FieldValueRequired', 'spec.volumes[0].secret.secretName'],
    ['file mode out of range', makePod().withContainer().withVolume({ name: 'a', secret: { secretName: 's', defaultMode: 0o1777 } }).obj(), 'FieldValueInvalid', 'spec.volumes[0].secret.defaultMode', 'must be a number between 0 and 0777 (octal), both inclusive'],
    ['absolute item path', makePod().withContainer().withVolume({ name: 'a', configMap: { name: 'c', items: [{ key: 'k', path: '/etc/k' }] } }).obj(), 'FieldValueInvalid', 'spec.volumes[0].configMap.items[0].path', 'must be a relative path'],
    ['request above limit', withContainer({}, { resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }), 'FieldValueInvalid', 'spec.containers[0].resources.requests[cpu]', 'must be less than or equal to cpu limit of 1'],
    ['negative quantity', withContainer({}, { resources: { limits: { memory: '-1Mi' } } }), 'FieldValueInvalid', 'spec.containers[0].resources.limits[memory]', 'must be greater than or equal to 0'],
    ['unknown resource', withContainer({}, { resources: { limits: { gpus: '1' } } }), 'FieldValueInvalid', 'spec.containers[0].resources.limits[gpus]', 'must be a standard resource type or fully qualified'],
    ['extended resource request without limit', withContainer({}, { resources: { requests: { 'nvidia.com/gpu': '1' } } }), 'FieldValueRequired', 'spec.containers[0].resources.limits[nvidia.com/gpu]'],
    ['probe without handler', withContainer({}, { livenessProbe: { periodSeconds: 5 } }), 'FieldValueRequired', 'spec.containers[0].livenessProbe', 'must specify a handler type'],
    ['probe with two handlers', withContainer({}, { readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } } }), 'FieldValueForbidden', 'spec.containers[0].readinessProbe.tcpSocket', 'may not specify more than 1 handler type'],
    ['liveness successThreshold not 1', withContainer({}, { livenessProbe: { exec: { command: ['true'] }, successThreshold: 2 } }), 'FieldValueInvalid', 'spec.containers[0].livenessProbe.successThreshold', 'must be 1'],
    ['probe port out of range', withContainer({}, { readinessProbe: { httpGet: { port: 0 } } }), 'FieldValueInvalid', 'spec.containers[0].readinessProbe.httpGet.port', 'must be between 1 and 65535, inclusive'],
    ['exec probe without a command', withContainer({}, { livenessProbe: { exec: {} } }), 'FieldValueRequired', 'spec.containers[0].livenessProbe.exec.command'],
    ['probe on an init container', makePod().withInitContainer(container('init', 'x', { readinessProbe: { exec: { command: ['true'] } } })).withContainer().obj(), 'FieldValueForbidden', 'spec.initContainers[0].readinessProbe'],
    ['runAsUser out of range', withContainer({}, { securityContext: { runAsUser: -1 } }), 'FieldValueInvalid', 'spec.containers[0].securityContext.runAsUser', 'must be between 0 and 2147483647, inclusive'],
    ['privileged without privilege escalation', withContainer({}, { securityContext: { privileged: true, allowPrivilegeEscalation: false } }), 'FieldValueInvalid', 'spec.containers[0].securityContext', 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'],
    ['dnsPolicy None without dnsConfig', withContainer({ dnsPolicy: 'None' }), 'FieldValueRequired', 'spec.dnsConfig'],
    ['four nameservers', withContainer({ dnsConfig: { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4'] } }), 'FieldValueInvalid', 'spec.dnsConfig.nameservers', 'must not have more than 3 nameservers'],
    ['bad nodeSelector value', withContainer({ nodeSelector: { disk: 'fast ssd' } }), 'FieldValueInvalid', 'spec.nodeSelector'],
    ['nodeName not a subdomain', withContainer({ nodeName: 'Node_1' }), 'FieldValueInvalid', 'spec.nodeName'],
    ['toleration without key must be Exists', withContainer({ tolerations: [{ operator: 'Equal', value: 'x' }] }), 'FieldValueInvalid', 'spec.tolerations[0].operator', 'operator must be Exists when `key` is empty'],
    ['tolerationSeconds without NoExecute', withContainer({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] }), 'FieldValueInvalid', 'spec.tolerations[0].effect', "effect must be 'NoExecute' when `tolerationSeconds` is set"],
    [
      'node affinity with no terms',
      withContainer({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }),
      'FieldValueRequired',
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms',
    ],
    [
      'node affinity In without values',
      withContainer({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }] } } } }),
      'FieldValueRequired',
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values',
    ],
    [
      'pod affinity weight out of range',
      withContainer({ affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, podAffinityTerm: { topologyKey: 'zone' } }] } } }),
      'FieldValueInvalid',
      'spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight',
      'must be in the range 1-100',
    ],
    ['topology spread maxSkew 0', withContainer({ topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] }), 'FieldValueInvalid', 'spec.topologySpreadConstraints[0].maxSkew', 'must be greater than zero'],
    ['hostAlias with a bad IP', withContainer({ hostAliases: [{ ip: '10.0.0.300', hostnames: ['x'] }] }), 'FieldValueInvalid', 'spec.hostAliases[0].ip', 'must be valid IP address'],
    ['shared PID namespace with hostPID', withContainer({ shareProcessNamespace: true, hostPID: true }), 'FieldValueInvalid', 'spec.shareProcessNamespace'],
    ['duplicate sysctl', withContainer({ securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'kernel.shm_rmid_forced', value: '0' }] } }), 'FieldValueDuplicate', 'spec.securityContext.sysctls[1].name'],
  ])('%s', (_name, pod, type, field, detail) => {
    const errors = errorsOf(pod)
    const match = errors.find((e) => e.field === field && e.type === type)
    expect(match, `got ${JSON.stringify(errors.map(formatFieldError))}`).toBeDefined()
    if (detail) expect(match?.message).toContain(detail)
  })

  it('renders the classic messages exactly', () => {
    expect(rendered(makePod().withContainer({ name: 'web' }).obj())).toEqual(['spec.containers[0].image: Required value'])
    expect(rendered(makePod('Web_1').withContainer().obj())).toEqual([
      `metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ])
  })
})

describe('pod updates', () => {
  const running = (): Pod => ({ ...admitCreate(pods, makePod().withContainer(container('web', 'nginx:1.25', { ports: [{ containerPort: 80 }] })).obj()).object, metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5' } })

  it('allows the image to change', () => {
    const old = running()
    const next = structuredClone(old)
    if (next.spec?.containers[0]) next.spec.containers[0].image = 'nginx:1.26'
    expect(admitUpdate(pods, next, old).errors).toEqual([])
  })

  it('allows tolerations to be added but not removed', () => {
    const old = running()
    const added = structuredClone(old)
    if (added.spec) added.spec.tolerations = [{ key: 'k', operator: 'Exists' }]
    expect(admitUpdate(pods, added, old).errors).toEqual([])
    const removed = structuredClone(old)
    const oldWithToleration = structuredClone(added)
    expect(admitUpdate(pods, removed, oldWithToleration).errors[0]?.field).toBe('spec')
  })

  it('forbids other spec changes, in Kubernetes words, naming what changed', () => {
    const old = running()
    const next = structuredClone(old)
    if (next.spec?.containers[0]) next.spec.containers[0].ports = [{ containerPort: 8080, protocol: 'TCP' }]
    const errors = admitUpdate(pods, next, old).errors
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ type: 'FieldValueForbidden', field: 'spec' })
    expect(errors[0]?.message).toContain('Forbidden: pod updates may not change fields other than `spec.containers[*].image`')
    expect(errors[0]?.message).toContain('changed: spec.containers[0].ports[0].containerPort')
  })

  it('forbids renaming and needs a resourceVersion', () => {
    const old = running()
    const next = structuredClone(old)
    next.metadata.name = 'other'
    delete next.metadata.resourceVersion
    const fields = admitUpdate(pods, next, old).errors.map(formatFieldError)
    expect(fields).toContain('metadata.name: Invalid value: "other": field is immutable')
    expect(fields).toContain('metadata.resourceVersion: Invalid value: "": must be specified for an update')
  })
})

describe('pods/binding', () => {
  it.each([
    [{ kind: 'Node', name: 'node-1' }, []],
    [{ name: 'node-1' }, []],
    [{ kind: 'Pod', name: 'x' }, ['target.kind: Unsupported value: "Pod": supported values: "<empty>", "Node"']],
    [{ kind: 'Node' }, ['target.name: Required value']],
  ])('%j', (target, expected) => {
    expect(validateBinding({ metadata: { name: 'web' }, target }).map(formatFieldError)).toEqual(expected)
  })
})
