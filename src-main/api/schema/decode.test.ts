import { describe, expect, it } from 'vitest'
import { deepFreeze } from '../testing/builders.ts'
import { formatFieldError } from '../validation/errors.ts'
import { decode } from './decode.ts'
import { deploymentSchema } from './apps.ts'
import { eventSchema, secretSchema, serviceSchema } from './core.ts'
import { podSchema } from './pod.ts'

const pod = (spec: unknown, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec, ...extra })
const rendered = (raw: unknown) => decode(podSchema, raw).errors.map(formatFieldError)

describe('decode: wrong types, each with its JSON path', () => {
  it.each([
    [
      { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: '80' }] }] },
      'FieldValueTypeInvalid',
      'spec.containers[0].ports[0].containerPort',
      'spec.containers[0].ports[0].containerPort: Invalid value: "string": spec.containers[0].ports[0].containerPort in body must be of type integer: "string"',
    ],
    [
      { containers: [{ name: 'a', image: 'x', env: [{ name: 'PORT', value: 80 }] }] },
      'FieldValueTypeInvalid',
      'spec.containers[0].env[0].value',
      'spec.containers[0].env[0].value: Invalid value: "integer": spec.containers[0].env[0].value in body must be of type string: "integer"',
    ],
    [
      { containers: { name: 'a' } },
      'FieldValueTypeInvalid',
      'spec.containers',
      'spec.containers: Invalid value: "object": spec.containers in body must be of type array: "object"',
    ],
    [
      { containers: [{ name: 'a', image: 'x', tty: 'yes' }] },
      'FieldValueTypeInvalid',
      'spec.containers[0].tty',
      'spec.containers[0].tty: Invalid value: "string": spec.containers[0].tty in body must be of type boolean: "string"',
    ],
    [
      { containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: 'lots' } } }] },
      'FieldValueInvalid',
      'spec.containers[0].resources.limits[cpu]',
      `spec.containers[0].resources.limits[cpu]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    ],
    [
      { containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Sometimes' }] },
      'FieldValueNotSupported',
      'spec.containers[0].imagePullPolicy',
      'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    ],
    [
      { containers: [{ name: 'a', image: 'x' }], terminationGracePeriodSeconds: 1.5 },
      'FieldValueTypeInvalid',
      'spec.terminationGracePeriodSeconds',
      'spec.terminationGracePeriodSeconds: Invalid value: "number": spec.terminationGracePeriodSeconds in body must be of type integer: "number"',
    ],
    [
      { containers: [{ image: 'x' }] },
      'FieldValueRequired',
      'spec.containers[0].name',
      'spec.containers[0].name: Required value',
    ],
    [
      { containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 3000000000 }] }] },
      'FieldValueInvalid',
      'spec.containers[0].ports[0].containerPort',
      'spec.containers[0].ports[0].containerPort: Invalid value: 3000000000: must fit in 32 bits',
    ],
  ])('%j', (spec, type, field, message) => {
    const { errors } = decode(podSchema, pod(spec))
    expect(errors).toHaveLength(1)
    expect(errors[0]?.type).toBe(type)
    expect(errors[0]?.field).toBe(field)
    expect(formatFieldError(errors[0] ?? { type: 'InternalError', field: '', message: '' })).toBe(message)
  })

  it('reports a missing required field of a nested object', () => {
    expect(rendered(pod({ containers: [{ name: 'a', image: 'x', ports: [{ name: 'http' }] }] }))).toEqual([
      'spec.containers[0].ports[0].containerPort: Required value',
    ])
  })

  it('reports a base64 error in secret data without echoing the secret', () => {
    const { errors } = decode(secretSchema, { metadata: { name: 's' }, data: { password: 'not base64!' } })
    expect(errors.map(formatFieldError)).toEqual(['data[password]: Invalid value: "<value omitted>": illegal base64 data'])
  })
})

describe('decode: fields Kubernetes has and Coxswain cannot honour are rejected by name', () => {
  it.each([
    [{ containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] }, 'spec.volumes[0].persistentVolumeClaim', 'persistent volumes'],
    [{ containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'd', nfs: { server: 'x', path: '/' } }] }, 'spec.volumes[0].nfs', 'hostPath'],
    [{ containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'd', projected: { sources: [] } }] }, 'spec.volumes[0].projected', 'projected volumes'],
    [{ containers: [{ name: 'a', image: 'x' }], activeDeadlineSeconds: 30 }, 'spec.activeDeadlineSeconds', 'deadlines'],
    [{ containers: [{ name: 'a', image: 'x' }], priorityClassName: 'high' }, 'spec.priorityClassName', 'priority'],
    [{ containers: [{ name: 'a', image: 'x' }], runtimeClassName: 'nvidia' }, 'spec.runtimeClassName', 'runtime classes'],
    [{ containers: [{ name: 'a', image: 'x' }], hostUsers: false }, 'spec.hostUsers', 'user namespaces'],
    [{ containers: [{ name: 'a', image: 'x', volumeDevices: [{ name: 'b', devicePath: '/dev/x' }] }] }, 'spec.containers[0].volumeDevices', 'block devices'],
    [{ containers: [{ name: 'a', image: 'x', livenessProbe: { grpc: { port: 9000 } } }] }, 'spec.containers[0].livenessProbe.grpc', 'gRPC'],
    [{ containers: [{ name: 'a', image: 'x', securityContext: { seLinuxOptions: { level: 's0' } } }] }, 'spec.containers[0].securityContext.seLinuxOptions', 'SELinux'],
    [{ containers: [{ name: 'a', image: 'x', lifecycle: { preStop: { tcpSocket: { port: 80 } } } }] }, 'spec.containers[0].lifecycle.preStop.tcpSocket', 'tcpSocket'],
    [{ initContainers: [{ name: 'i', image: 'x', restartPolicy: 'Always' }], containers: [{ name: 'a', image: 'x' }] }, 'spec.initContainers[0].restartPolicy', 'sidecars'],
  ])('%j', (spec, field, reason) => {
    const { errors } = decode(podSchema, pod(spec))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ type: 'FieldValueForbidden', field })
    expect(errors[0]?.message).toMatch(/^Forbidden: not supported by Coxswain: /)
    expect(errors[0]?.message).toContain(reason)
  })

  it('refuses enum values Coxswain cannot honour, naming the reason', () => {
    const { errors } = decode(podSchema, pod({ containers: [{ name: 'a', image: 'x' }], securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } }))
    expect(errors.map(formatFieldError)).toEqual([
      'spec.securityContext.seccompProfile.type: Unsupported value: "Localhost": supported values: "RuntimeDefault", "Unconfined"; not supported by Coxswain: Coxswain cannot install profiles on nodes; use RuntimeDefault or Unconfined',
      'spec.securityContext.seccompProfile.localhostProfile: Forbidden: not supported by Coxswain: Coxswain cannot install profiles on nodes; use RuntimeDefault or Unconfined',
    ])
    const svc = decode(serviceSchema, { metadata: { name: 's' }, spec: { ipFamilies: ['IPv6'], ports: [{ port: 80 }] } })
    expect(svc.errors[0]?.field).toBe('spec.ipFamilies[0]')
  })

  it('accepts values of unsupported fields that change nothing, and drops them', () => {
    const { errors, value } = decode(podSchema, pod({ containers: [{ name: 'a', image: 'x' }], priority: 0, priorityClassName: '', preemptionPolicy: 'PreemptLowerPriority', hostUsers: true, ephemeralContainers: [], schedulingGates: null }))
    expect(errors).toEqual([])
    expect(value.spec).toEqual({ containers: [{ name: 'a', image: 'x' }] })
  })
})

describe('decode: unknown fields are set aside for fieldValidation to judge', () => {
  it('lists each unknown field with its path and drops it', () => {
    const { errors, unknownFields, value } = decode(deploymentSchema, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', colour: 'blue' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'web', image: 'nginx', imagePullPolicyy: 'Always' }] } } },
      extra: 1,
    })
    expect(errors).toEqual([])
    expect(unknownFields.map(formatFieldError)).toEqual([
      'unknown field "metadata.colour"',
      'unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
      'unknown field "extra"',
    ])
    expect(unknownFields.every((e) => e.type === 'FieldValueUnknown')).toBe(true)
    expect(value.spec?.template.spec?.containers[0]).toEqual({ name: 'web', image: 'nginx' })
  })
})

describe('decode: the copy is clean and the input untouched', () => {
  it('drops nulls, canonicalises quantities and times, and never modifies its input', () => {
    const raw = deepFreeze(
      pod(
        { containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: 0.25, memory: '1024Mi' } }, command: null }], nodeName: null },
        { metadata: { name: 'p', creationTimestamp: '2026-03-01T12:00:00+02:00', labels: null } },
      ),
    )
    const { value, errors } = decode(podSchema, raw)
    expect(errors).toEqual([])
    expect(value).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', creationTimestamp: '2026-03-01T10:00:00Z' },
      spec: { containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '250m', memory: '1Gi' } } }] },
    })
    expect(value).not.toBe(raw)
  })

  it('keeps microseconds of MicroTime fields', () => {
    const { value } = decode(eventSchema, { metadata: { name: 'e' }, involvedObject: {}, eventTime: '2026-03-01T10:00:00.123456Z' })
    expect(value.eventTime).toBe('2026-03-01T10:00:00.123456Z')
    expect(decode(eventSchema, { metadata: { name: 'e' }, involvedObject: {}, lastTimestamp: 'yesterday' }).errors[0]?.field).toBe('lastTimestamp')
  })
})
