import { describe, expect, it } from 'vitest'
import { container, makePod } from '../../api/testing/builders.ts'
import type { Container, EnvVar, Pod } from '../../api/types/pod.ts'
import { buildContainerEnv, expandCommand, podFieldValue, resourceFieldValue } from './env.ts'

const UID = '11111111-2222-4333-8444-555555555555'

function podWith(c: Container, extra: (p: Pod) => void = () => {}): Pod {
  const p = makePod('web-0', 'shop').withLabels({ app: 'web', tier: 'front' }).withContainer(c).onNode('node-1').obj()
  p.metadata.uid = UID
  p.metadata.annotations = { 'example.com/owner': 'team-a' }
  extra(p)
  return p
}

const field = (name: string, fieldPath: string): EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } })

describe('container environment', () => {
  it('defines env in order, expanding references to what is already defined', () => {
    const c = container('web', 'nginx', {
      env: [
        { name: 'HOST', value: 'db' },
        { name: 'URL', value: 'postgres://$(HOST):$(PORT)/$(NAME)' },
        { name: 'PORT', value: '5432' },
        { name: 'ESCAPED', value: '$$(HOST)' },
        { name: 'EMPTY', value: '' },
        { name: 'NAME', value: '$(POD_NAME)-db' },
        field('POD_NAME', 'metadata.name'),
      ],
    })
    expect(buildContainerEnv(podWith(c), c).vars).toEqual([
      ['HOST', 'db'],
      ['URL', 'postgres://db:$(PORT)/$(NAME)'],
      ['PORT', '5432'],
      ['ESCAPED', '$(HOST)'],
      ['EMPTY', ''],
      ['NAME', '$(POD_NAME)-db'],
      ['POD_NAME', 'web-0'],
    ])
  })

  it('lets a later entry override an earlier one in place', () => {
    const c = container('web', 'nginx', {
      envFrom: [{ configMapRef: { name: 'cfg' } }],
      env: [
        { name: 'A', value: 'from-env' },
        { name: 'B', value: 'b' },
        { name: 'A', value: 'again-$(A)' },
      ],
    })
    const env = buildContainerEnv(podWith(c), c, { sources: { envFrom: [{ B: 'from-cm', A: 'from-cm' }] } })
    expect(env.vars).toEqual([
      ['A', 'again-from-env'],
      ['B', 'b'],
    ])
  })

  it('reads envFrom sources in order, with prefixes, skipping invalid names', () => {
    const c = container('web', 'nginx', {
      envFrom: [
        { configMapRef: { name: 'cfg' } },
        { prefix: 'DB_', secretRef: { name: 'db' } },
        { configMapRef: { name: 'missing', optional: true } },
        { prefix: '1', configMapRef: { name: 'cfg' } },
      ],
      env: [{ name: 'DSN', value: '$(DB_USER)@$(LOG_LEVEL)' }],
    })
    const env = buildContainerEnv(podWith(c), c, {
      sources: { envFrom: [{ 'LOG_LEVEL': 'debug', 'bad key': 'x', 'dotted.name': 'ok' }, { USER: 'app', PASSWORD: 's3cret' }, null, { Z: 'z' }] },
    })
    expect(env).toEqual({
      vars: [
        ['LOG_LEVEL', 'debug'],
        ['dotted.name', 'ok'],
        ['DB_PASSWORD', 's3cret'],
        ['DB_USER', 'app'],
        ['DSN', 'app@debug'],
      ],
      skippedKeys: ['bad key', '1Z'],
    })
  })

  it('refuses a missing required envFrom source', () => {
    const c = container('web', 'nginx', { envFrom: [{ secretRef: { name: 'db' } }] })
    expect(() => buildContainerEnv(podWith(c), c)).toThrow('secret "db" not found')
  })

  it('takes ConfigMap and Secret keys from the caller; optional missing keys are left out', () => {
    const c = container('web', 'nginx', {
      env: [
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'tok', key: 'token' } } },
        { name: 'EXTRA', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'extra', optional: true } } },
        { name: 'NOT_EXPANDED', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'raw' } } },
      ],
    })
    const env = buildContainerEnv(podWith(c), c, { sources: { keyRefs: { MODE: 'fast', TOKEN: 'abc', NOT_EXPANDED: '$(MODE)' } } })
    expect(env.vars).toEqual([
      ['MODE', 'fast'],
      ['TOKEN', 'abc'],
      ['NOT_EXPANDED', '$(MODE)'],
    ])
  })

  it.each([
    ['configMapKeyRef', "couldn't find key mode in ConfigMap shop/cfg"],
    ['secretKeyRef', "couldn't find key mode in Secret shop/cfg"],
  ] as const)('refuses a missing required %s', (kind, message) => {
    const c = container('web', 'nginx', { env: [{ name: 'MODE', valueFrom: { [kind]: { name: 'cfg', key: 'mode' } } }] })
    expect(() => buildContainerEnv(podWith(c), c)).toThrow(message)
  })

  it('adds service links last, only for names still free, and expands references to them', () => {
    const c = container('web', 'nginx', { env: [{ name: 'DB_SERVICE_PORT', value: '1' }, { name: 'DB', value: '$(DB_SERVICE_HOST):$(DB_SERVICE_PORT)' }] })
    const env = buildContainerEnv(podWith(c), c, { serviceEnv: { DB_SERVICE_PORT: '5432', DB_SERVICE_HOST: '10.96.0.7', API_SERVICE_HOST: '10.96.0.8' } })
    expect(env.vars).toEqual([
      ['DB_SERVICE_PORT', '1'],
      ['DB', '10.96.0.7:1'],
      ['API_SERVICE_HOST', '10.96.0.8'],
      ['DB_SERVICE_HOST', '10.96.0.7'],
    ])
  })

  it('expands command and args against the final environment', () => {
    const vars: [string, string][] = [['GREETING', 'hello'], ['WHO', 'world']]
    expect(expandCommand(['echo', '$(GREETING) $(WHO)', '$$(WHO)', '$(NOPE)'], vars)).toEqual(['echo', 'hello world', '$(WHO)', '$(NOPE)'])
  })
})

describe('downward API fields', () => {
  const p = podWith(container(), (x) => {
    if (x.spec) x.spec.serviceAccountName = 'robot'
  })
  it.each([
    ['metadata.name', 'web-0'],
    ['metadata.namespace', 'shop'],
    ['metadata.uid', UID],
    ["metadata.labels['app']", 'web'],
    ["metadata.labels['missing']", ''],
    ["metadata.annotations['example.com/owner']", 'team-a'],
    ['metadata.labels', 'app="web"\ntier="front"'],
    ['spec.nodeName', 'node-1'],
    ['spec.serviceAccountName', 'robot'],
    ['status.podIP', '10.244.1.5'],
    ['status.podIPs', '10.244.1.5'],
    ['status.hostIP', '192.168.1.11'],
    ['status.hostIPs', '192.168.1.11'],
  ])('%s → %s', (path, value) => {
    expect(podFieldValue(p, path, { podIP: '10.244.1.5', hostIP: '192.168.1.11' })).toBe(value)
  })

  it('gives the host IP as the pod IP on the host network', () => {
    const h = podWith(container(), (x) => {
      if (x.spec) x.spec.hostNetwork = true
    })
    expect(podFieldValue(h, 'status.podIP', { podIP: '10.244.1.5', hostIP: '192.168.1.11' })).toBe('192.168.1.11')
  })

  it('refuses other fields', () => {
    expect(() => podFieldValue(p, 'spec.containers', {})).toThrow('unsupported fieldPath: spec.containers')
  })
})

describe('resource fields', () => {
  const c = container('web', 'nginx', { resources: { limits: { cpu: '250m', memory: '128Mi' }, requests: { memory: '64Mi' } } })
  const p = podWith(c)
  it.each([
    ['limits.cpu', undefined, '1'],
    ['limits.cpu', '1m', '250'],
    ['limits.cpu', '100m', '3'],
    ['limits.memory', undefined, '134217728'],
    ['limits.memory', '1Mi', '128'],
    ['limits.memory', '1M', '135'],
    ['requests.memory', '1Mi', '64'],
    ['requests.cpu', '1m', '0'],
    ['limits.ephemeral-storage', '1Gi', '20'],
  ])('%s / %s → %s', (resource, divisor, value) => {
    expect(resourceFieldValue(p, 'web', resource, divisor, { 'ephemeral-storage': '20Gi' })).toBe(value)
  })

  it('resolves through env, naming another container or defaulting to this one', () => {
    const side = container('side', 'busybox', { resources: { limits: { memory: '32Mi' } } })
    const main = container('main', 'busybox', {
      env: [
        { name: 'MINE', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
        { name: 'SIDE', valueFrom: { resourceFieldRef: { containerName: 'side', resource: 'limits.memory', divisor: '1Mi' } } },
      ],
    })
    const two = podWith(main, (x) => x.spec?.containers.push(side))
    expect(buildContainerEnv(two, main, { nodeAllocatable: { cpu: '2', memory: '4Gi' } }).vars).toEqual([
      ['MINE', '2000'],
      ['SIDE', '32'],
    ])
  })

  it('needs the node allocatable for an unset limit', () => {
    expect(() => resourceFieldValue(p, 'web', 'limits.ephemeral-storage', undefined, undefined)).toThrow(
      `limits.ephemeral-storage of container "web" is unset and the node's allocatable ephemeral-storage is unknown`,
    )
  })

  it.each([
    ['web', 'limits.gpu', 'unsupported container resource: limits.gpu'],
    ['nope', 'limits.cpu', 'resourceFieldRef: container "nope" not found'],
  ])('refuses %s %s', (name, resource, message) => {
    expect(() => resourceFieldValue(p, name, resource, undefined, {})).toThrow(message)
  })
})
