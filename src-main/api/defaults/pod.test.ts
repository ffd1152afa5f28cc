import { describe, expect, it } from 'vitest'
import { container, deepFreeze, makePod } from '../testing/builders.ts'
import { defaultPod, defaultPodSpec, defaultPodTemplateSpec, defaultPullPolicy, imageTag } from './pod.ts'

describe('defaultPullPolicy', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry.local:5000/team/app', 'Always'],
    ['registry.local:5000/team/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef', 'IfNotPresent'],
    ['nginx:latest@sha256:0123456789abcdef', 'Always'],
    ['', 'IfNotPresent'],
  ])('%j → %s', (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy)
  })

  it('reads the tag after the last slash only', () => {
    expect(imageTag('localhost:5000/busybox')).toBe('latest')
    expect(imageTag('busybox:1.36')).toBe('1.36')
  })
})

describe('defaultPod', () => {
  it('fills what Kubernetes fills for a pod', () => {
    const pod = deepFreeze(makePod().withContainer(container('web', 'nginx', { ports: [{ containerPort: 80 }] })).obj())
    expect(defaultPod(pod).spec).toEqual({
      containers: [
        {
          name: 'web',
          image: 'nginx',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          imagePullPolicy: 'Always',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
    })
  })

  it('leaves serviceAccountName unset (no ServiceAccount objects, no tokens) but mirrors the deprecated alias', () => {
    expect(defaultPod(makePod().withContainer().obj()).spec?.serviceAccountName).toBeUndefined()
    const withAlias = defaultPod(makePod().withContainer().withSpec({ serviceAccount: 'builder' }).obj())
    expect(withAlias.spec).toMatchObject({ serviceAccountName: 'builder', serviceAccount: 'builder' })
  })

  it('keeps what the user set', () => {
    const pod = makePod()
      .withContainer(container('web', 'nginx', { imagePullPolicy: 'Never', terminationMessagePolicy: 'FallbackToLogsOnError' }))
      .withSpec({ restartPolicy: 'Never', dnsPolicy: 'Default', terminationGracePeriodSeconds: 0, schedulerName: 'mine', enableServiceLinks: false })
      .obj()
    const out = defaultPod(pod)
    expect(out.spec).toMatchObject({ restartPolicy: 'Never', dnsPolicy: 'Default', terminationGracePeriodSeconds: 0, schedulerName: 'mine', enableServiceLinks: false })
    expect(out.spec?.containers[0]).toMatchObject({ imagePullPolicy: 'Never', terminationMessagePolicy: 'FallbackToLogsOnError' })
  })

  it('defaults probes, HTTP actions and lifecycle hooks', () => {
    const c = container('web', 'nginx:1', {
      livenessProbe: { httpGet: { port: 80 } },
      readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 5 },
      lifecycle: { preStop: { httpGet: { port: 80, path: '/drain' } } },
    })
    const out = defaultPod(makePod().withContainer(c).obj()).spec?.containers[0]
    expect(out?.livenessProbe).toEqual({ httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 })
    expect(out?.readinessProbe).toEqual({ tcpSocket: { port: 'http' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 })
    expect(out?.lifecycle?.preStop?.httpGet).toEqual({ port: 80, path: '/drain', scheme: 'HTTP' })
  })

  it('defaults requests to limits, only for pods', () => {
    const c = container('web', 'nginx:1', { resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } } })
    expect(defaultPod(makePod().withContainer(c).obj()).spec?.containers[0]?.resources?.requests).toEqual({ cpu: '100m', memory: '128Mi' })
    expect(defaultPodTemplateSpec({ spec: { containers: [c] } }).spec?.containers[0]?.resources?.requests).toEqual({ cpu: '100m' })
  })

  it('publishes host-network ports on their own numbers', () => {
    const pod = makePod().withContainer(container('dns', 'coredns:1', { ports: [{ containerPort: 53, protocol: 'UDP' }] })).withSpec({ hostNetwork: true }).obj()
    expect(defaultPod(pod).spec?.containers[0]?.ports).toEqual([{ containerPort: 53, hostPort: 53, protocol: 'UDP' }])
  })

  it('defaults volumes: a bare volume is an emptyDir, file modes are 0644', () => {
    const pod = makePod()
      .withContainer()
      .withVolume({ name: 'scratch' })
      .withVolume({ name: 'cfg', configMap: { name: 'web' } })
      .withVolume({ name: 'tls', secret: { secretName: 'web-tls', defaultMode: 0o400 } })
      .withVolume({ name: 'logs', hostPath: { path: '/var/log' } })
      .obj()
    expect(defaultPod(pod).spec?.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'web', defaultMode: 420 } },
      { name: 'tls', secret: { secretName: 'web-tls', defaultMode: 256 } },
      { name: 'logs', hostPath: { path: '/var/log', type: '' } },
    ])
  })

  it('does not turn an unsupported volume source into an emptyDir', () => {
    const spec = { containers: [container()], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'x' } }] }
    expect(defaultPodSpec(spec as never).volumes?.[0]).not.toHaveProperty('emptyDir')
  })

  it('defaults env fieldRef apiVersion', () => {
    const c = container('web', 'nginx:1', { env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] })
    expect(defaultPod(makePod().withContainer(c).obj()).spec?.containers[0]?.env?.[0]?.valueFrom?.fieldRef).toEqual({ apiVersion: 'v1', fieldPath: 'metadata.name' })
  })

  it('never modifies its input', () => {
    const pod = deepFreeze(makePod().withContainer(container('web', 'nginx', { livenessProbe: { exec: { command: ['true'] } } })).withVolume({ name: 'v' }).obj())
    expect(() => defaultPod(pod)).not.toThrow()
    expect(pod.spec?.restartPolicy).toBeUndefined()
  })
})
