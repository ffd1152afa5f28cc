// Builders for test objects: `makePod('web').withLabels({ app: 'web' }).obj()` instead of nested
// literals. Every `obj()` returns a fresh deep copy, so tests can mutate what they get.

import type { Deployment } from '../types/apps.ts'
import type { Service, ServicePort } from '../types/core.ts'
import type { Container, ContainerStatus, Pod, PodCondition, PodSpec, PodStatus, Volume } from '../types/pod.ts'

export function container(name = 'web', image = 'nginx:1.25', extra: Partial<Container> = {}): Container {
  return { name, image, ...extra }
}

class PodBuilder {
  private readonly pod: Pod

  constructor(name: string, namespace: string) {
    this.pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [] } }
  }

  private get spec(): PodSpec {
    this.pod.spec ??= { containers: [] }
    return this.pod.spec
  }

  withLabels(labels: Record<string, string>): this {
    this.pod.metadata.labels = { ...this.pod.metadata.labels, ...labels }
    return this
  }

  withContainer(c: Container = container()): this {
    this.spec.containers.push(c)
    return this
  }

  withInitContainer(c: Container): this {
    ;(this.spec.initContainers ??= []).push(c)
    return this
  }

  withVolume(v: Volume): this {
    ;(this.spec.volumes ??= []).push(v)
    return this
  }

  withSpec(patch: Partial<PodSpec>): this {
    Object.assign(this.spec, patch)
    return this
  }

  onNode(nodeName: string): this {
    this.spec.nodeName = nodeName
    return this
  }

  withStatus(patch: Partial<PodStatus>): this {
    this.pod.status = { ...this.pod.status, ...patch }
    return this
  }

  withContainerStatus(s: Partial<ContainerStatus> & { name: string }): this {
    const status = (this.pod.status ??= {})
    ;(status.containerStatuses ??= []).push({ ready: false, restartCount: 0, image: 'nginx:1.25', imageID: '', ...s })
    return this
  }

  withInitContainerStatus(s: Partial<ContainerStatus> & { name: string }): this {
    const status = (this.pod.status ??= {})
    ;(status.initContainerStatuses ??= []).push({ ready: false, restartCount: 0, image: 'busybox', imageID: '', ...s })
    return this
  }

  withCondition(type: string, status: PodCondition['status'], reason?: string): this {
    const st = (this.pod.status ??= {})
    ;(st.conditions ??= []).push(reason ? { type, status, reason } : { type, status })
    return this
  }

  createdAt(time: string): this {
    this.pod.metadata.creationTimestamp = time
    return this
  }

  deleting(time = '2026-01-01T00:00:00Z'): this {
    this.pod.metadata.deletionTimestamp = time
    return this
  }

  obj(): Pod {
    return structuredClone(this.pod)
  }
}

export const makePod = (name = 'web', namespace = 'default'): PodBuilder => new PodBuilder(name, namespace)

class DeploymentBuilder {
  private readonly d: Deployment

  constructor(name: string, namespace: string) {
    this.d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels: { app: name } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name, image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
        },
      },
    }
  }

  withReplicas(n: number): this {
    if (this.d.spec) this.d.spec.replicas = n
    return this
  }

  withPodSpec(patch: Partial<PodSpec>): this {
    const spec = this.d.spec?.template.spec
    if (spec) Object.assign(spec, patch)
    return this
  }

  withSpec(patch: Partial<NonNullable<Deployment['spec']>>): this {
    if (this.d.spec) Object.assign(this.d.spec, patch)
    return this
  }

  obj(): Deployment {
    return structuredClone(this.d)
  }
}

export const makeDeployment = (name = 'web', namespace = 'default'): DeploymentBuilder => new DeploymentBuilder(name, namespace)

class ServiceBuilder {
  private readonly s: Service

  constructor(name: string, namespace: string) {
    this.s = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 80 }] } }
  }

  withPorts(...ports: ServicePort[]): this {
    if (this.s.spec) this.s.spec.ports = ports
    return this
  }

  withSpec(patch: Partial<NonNullable<Service['spec']>>): this {
    if (this.s.spec) Object.assign(this.s.spec, patch)
    return this
  }

  obj(): Service {
    return structuredClone(this.s)
  }
}

export const makeService = (name = 'web', namespace = 'default'): ServiceBuilder => new ServiceBuilder(name, namespace)

/** Freezes a value deeply, so a test fails if a function under test modifies its input. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}
