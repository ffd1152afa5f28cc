import { describe, expect, it } from 'vitest'
import { admitBody, admitCreate, admitUpdate } from '../admission.ts'
import { daemonSets, deployments, replicaSets } from '../registry.ts'
import { scaleSchema } from '../schema/meta.ts'
import { makeDeployment } from '../testing/builders.ts'
import type { DaemonSet, Deployment } from '../types/apps.ts'
import { validateScale } from './apps.ts'
import { formatFieldError, type FieldErrorType } from './errors.ts'

const errorsOf = (d: Deployment) => admitCreate(deployments, d).errors

describe('deployment validation', () => {
  it('accepts a realistic nginx Deployment', () => {
    const d = makeDeployment('nginx')
      .withPodSpec({
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.25',
            ports: [{ containerPort: 80, name: 'http' }],
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
            readinessProbe: { httpGet: { path: '/', port: 'http' } },
          },
        ],
      })
      .withSpec({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, minReadySeconds: 5 })
      .obj()
    expect(errorsOf(d).map(formatFieldError)).toEqual([])
  })

  it.each<[string, Deployment, FieldErrorType, string, string]>([
    ['negative replicas', makeDeployment().withReplicas(-1).obj(), 'FieldValueInvalid', 'spec.replicas', 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
    [
      'selector that does not match the template',
      makeDeployment().withSpec({ selector: { matchLabels: { app: 'other' } } }).obj(),
      'FieldValueInvalid',
      'spec.template.metadata.labels',
      'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ],
    ['empty selector', makeDeployment().withSpec({ selector: {} }).obj(), 'FieldValueInvalid', 'spec.selector', 'spec.selector: Invalid value: {}: empty selector is invalid for deployment'],
    [
      'restartPolicy other than Always',
      makeDeployment().withPodSpec({ restartPolicy: 'Never' }).obj(),
      'FieldValueNotSupported',
      'spec.template.spec.restartPolicy',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ],
    [
      'rolling update with nothing to move',
      makeDeployment().withSpec({ strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }).obj(),
      'FieldValueInvalid',
      'spec.strategy.rollingUpdate.maxUnavailable',
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
    ],
    [
      'maxUnavailable above 100%',
      makeDeployment().withSpec({ strategy: { rollingUpdate: { maxUnavailable: '150%' } } }).obj(),
      'FieldValueInvalid',
      'spec.strategy.rollingUpdate.maxUnavailable',
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
    ],
    [
      'a malformed percentage',
      makeDeployment().withSpec({ strategy: { rollingUpdate: { maxSurge: '25 %' } } }).obj(),
      'FieldValueInvalid',
      'spec.strategy.rollingUpdate.maxSurge',
      `spec.strategy.rollingUpdate.maxSurge: Invalid value: "25 %": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    ],
    [
      'Recreate with rolling-update parameters',
      makeDeployment().withSpec({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }).obj(),
      'FieldValueForbidden',
      'spec.strategy.rollingUpdate',
      "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
    ],
    [
      'progress deadline below minReadySeconds',
      makeDeployment().withSpec({ minReadySeconds: 30, progressDeadlineSeconds: 10 }).obj(),
      'FieldValueInvalid',
      'spec.progressDeadlineSeconds',
      'spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds',
    ],
    [
      'a container error inside the template',
      makeDeployment().withPodSpec({ containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'Always', ports: [{ containerPort: 99999 }] }] }).obj(),
      'FieldValueInvalid',
      'spec.template.spec.containers[0].ports[0].containerPort',
      'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 99999: must be between 1 and 65535, inclusive',
    ],
  ])('refuses %s', (_name, d, type, field, message) => {
    const errors = errorsOf(d)
    const match = errors.find((e) => e.field === field && e.type === type)
    expect(match, JSON.stringify(errors.map(formatFieldError))).toBeDefined()
    expect(formatFieldError(match ?? { type, field, message: '' })).toBe(message)
  })

  it('refuses an unknown enum value in the template by its full path', () => {
    const d = makeDeployment().withPodSpec({ containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'Sometimes' as never }] }).obj()
    expect(errorsOf(d).map(formatFieldError)).toEqual([
      'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    ])
  })

  it('keeps the selector immutable on update', () => {
    const old = { ...admitCreate(deployments, makeDeployment().obj()).object }
    old.metadata = { ...old.metadata, uid: 'u', resourceVersion: '1' }
    const next = structuredClone(old)
    if (next.spec) {
      next.spec.selector = { matchLabels: { app: 'web', v: '2' } }
      next.spec.template.metadata = { labels: { app: 'web', v: '2' } }
    }
    expect(admitUpdate(deployments, next, old).errors.map(formatFieldError)).toEqual(['spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable'])
    const scaled = structuredClone(old)
    if (scaled.spec) scaled.spec.replicas = 10
    expect(admitUpdate(deployments, scaled, old).errors).toEqual([])
  })
})

describe('replica sets, daemon sets and scale', () => {
  it('validates a ReplicaSet like a Deployment', () => {
    const rs = { metadata: { name: 'web-abc', namespace: 'default' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } }
    expect(admitCreate(replicaSets, rs).errors.map((e) => e.field)).toEqual(['spec.template.metadata.labels'])
  })

  const ds = (updateStrategy: NonNullable<DaemonSet['spec']>['updateStrategy']): DaemonSet => ({
    metadata: { name: 'agent', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }], hostNetwork: true } }, updateStrategy },
  })

  it.each<[NonNullable<DaemonSet['spec']>['updateStrategy'], string[]]>([
    [undefined, []],
    [{ type: 'OnDelete' }, []],
    [{ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }, []],
    [{ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }, ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']],
    [{ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }, ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero']],
  ])('DaemonSet update strategy %j', (strategy, expected) => {
    expect(admitCreate(daemonSets, ds(strategy)).errors.map(formatFieldError)).toEqual(expected)
  })

  it('validates scale bodies', () => {
    const target = { group: 'autoscaling', version: 'v1', kind: 'Scale' }
    expect(admitBody(scaleSchema, { metadata: { name: 'web' }, spec: { replicas: 5 } }, validateScale, target).errors).toEqual([])
    const bad = admitBody(scaleSchema, { metadata: { name: 'web' }, spec: { replicas: -2 } }, validateScale, target)
    expect(bad.status?.message).toBe('Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0')
  })
})
