import { describe, expect, it } from 'vitest'
import type { Service } from '../api/types/core.ts'
import { makeService } from '../api/testing/builders.ts'
import { ApiError } from './errors.ts'
import { RESOURCES, resourceRef } from './resources.ts'
import { admin, dryRun, newTestServer } from './testing.ts'

const SERVICES = resourceRef(RESOURCES.services, 'default')

describe('Service allocation in the API server', () => {
  it('gives concurrent creates distinct cluster IPs and node ports', async () => {
    const { api } = await newTestServer()
    const made = await Promise.all(
      Array.from({ length: 8 }, (_, i) => api.create(SERVICES, makeService(`s${i}`).withSpec({ type: 'NodePort' }).withPorts({ port: 80 }).obj(), admin)),
    )
    const services = made.map((m) => m.object as Service)
    expect(new Set(services.map((s) => s.spec?.clusterIP)).size).toBe(8)
    expect(new Set(services.map((s) => s.spec?.ports?.[0]?.nodePort)).size).toBe(8)
    for (const s of services) expect(s.spec?.clusterIPs).toEqual([s.spec?.clusterIP])
  })

  it('refuses a taken cluster IP or node port with a 422 naming the field', async () => {
    const { api } = await newTestServer()
    await api.create(SERVICES, makeService('a').withSpec({ type: 'NodePort', clusterIP: '10.96.0.50' }).withPorts({ port: 80, nodePort: 30100 }).obj(), admin)
    const clash = api.create(SERVICES, makeService('b').withSpec({ type: 'NodePort', clusterIP: '10.96.0.50' }).withPorts({ port: 80, nodePort: 30100 }).obj(), admin)
    const err = await clash.then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    const status = (err as ApiError).status
    expect(status.code).toBe(422)
    expect(status.details?.causes?.map((c) => c.field)).toEqual(['spec.clusterIPs[0]', 'spec.ports[0].nodePort'])
    expect(status.message).toContain('provided IP is already allocated')
  })

  it('keeps the allocations over updates that leave them out, and frees them on delete', async () => {
    const { api } = await newTestServer()
    const created = (await api.create(SERVICES, makeService('a').withSpec({ type: 'NodePort' }).withPorts({ port: 80 }).obj(), admin)).object as Service
    const replacement = makeService('a').withSpec({ type: 'NodePort' }).withPorts({ port: 80 }).obj()
    replacement.metadata.resourceVersion = created.metadata.resourceVersion
    const updated = (await api.update(resourceRef(RESOURCES.services, 'default', 'a'), replacement, admin)).object as Service
    expect(updated.spec?.clusterIP).toBe(created.spec?.clusterIP)
    expect(updated.spec?.ports?.[0]?.nodePort).toBe(created.spec?.ports?.[0]?.nodePort)
    await api.delete(resourceRef(RESOURCES.services, 'default', 'a'), {}, admin)
    const again = (await api.create(SERVICES, makeService('b').withSpec({ clusterIP: created.spec?.clusterIP }).obj(), admin)).object as Service
    expect(again.spec?.clusterIP).toBe(created.spec?.clusterIP)
  })

  it('allocates on a dry run without holding anything', async () => {
    const { api } = await newTestServer()
    const dry = (await api.create(SERVICES, makeService('a').obj(), dryRun)).object as Service
    const real = (await api.create(SERVICES, makeService('a').obj(), admin)).object as Service
    expect(dry.spec?.clusterIP).toBe(real.spec?.clusterIP)
  })
})
