import { describe, expect, it } from 'vitest'
import type { Service, ServicePort } from '../../api/types/core.ts'
import { serviceLinkEnv } from './service-env.ts'

const svc = (namespace: string, name: string, clusterIP: string | undefined, ports: ServicePort[] = []): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace },
  spec: { ...(clusterIP !== undefined ? { clusterIP } : {}), ports },
})

describe('serviceLinkEnv', () => {
  it('gives a service its host, ports and Docker-link variables', () => {
    const env = serviceLinkEnv([svc('shop', 'redis-primary', '10.96.0.11', [{ name: 'redis', port: 6379, protocol: 'TCP' }, { name: 'metrics-http', port: 9121 }])], 'shop', true)
    expect(env).toEqual({
      REDIS_PRIMARY_SERVICE_HOST: '10.96.0.11',
      REDIS_PRIMARY_SERVICE_PORT: '6379',
      REDIS_PRIMARY_SERVICE_PORT_REDIS: '6379',
      REDIS_PRIMARY_SERVICE_PORT_METRICS_HTTP: '9121',
      REDIS_PRIMARY_PORT: 'tcp://10.96.0.11:6379',
      REDIS_PRIMARY_PORT_6379_TCP: 'tcp://10.96.0.11:6379',
      REDIS_PRIMARY_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_PRIMARY_PORT_6379_TCP_PORT: '6379',
      REDIS_PRIMARY_PORT_6379_TCP_ADDR: '10.96.0.11',
      REDIS_PRIMARY_PORT_9121_TCP: 'tcp://10.96.0.11:9121',
      REDIS_PRIMARY_PORT_9121_TCP_PROTO: 'tcp',
      REDIS_PRIMARY_PORT_9121_TCP_PORT: '9121',
      REDIS_PRIMARY_PORT_9121_TCP_ADDR: '10.96.0.11',
    })
  })

  it.each([
    ['headless', svc('shop', 'db', 'None', [{ port: 5432 }])],
    ['not yet allocated', svc('shop', 'db', undefined, [{ port: 5432 }])],
    ['another namespace', svc('other', 'db', '10.96.0.12', [{ port: 5432 }])],
  ])('gives nothing for a service %s', (_what, service) => {
    expect(serviceLinkEnv([service], 'shop', true)).toEqual({})
  })

  it('keeps the API service of default even with service links off, and lets the namespace own a same-named one', () => {
    const master = svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }])
    expect(serviceLinkEnv([master, svc('shop', 'web', '10.96.0.5', [{ port: 80 }])], 'shop', false)).toMatchObject({ KUBERNETES_SERVICE_HOST: '10.96.0.1' })
    expect(Object.keys(serviceLinkEnv([master, svc('shop', 'web', '10.96.0.5', [{ port: 80 }])], 'shop', false))).not.toContain('WEB_SERVICE_HOST')
    expect(serviceLinkEnv([master, svc('shop', 'kubernetes', '10.96.0.9', [{ port: 80 }])], 'shop', true)).toMatchObject({ KUBERNETES_SERVICE_HOST: '10.96.0.9' })
  })

  it('brackets an IPv6 address in URLs and names UDP ports by protocol', () => {
    const env = serviceLinkEnv([svc('shop', 'dns', 'fd00::a', [{ port: 53, protocol: 'UDP' }])], 'shop', true)
    expect(env).toMatchObject({ DNS_PORT: 'udp://[fd00::a]:53', DNS_PORT_53_UDP_ADDR: 'fd00::a', DNS_PORT_53_UDP_PROTO: 'udp' })
  })
})
