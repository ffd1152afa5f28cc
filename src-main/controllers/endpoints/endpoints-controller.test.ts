import { afterEach, describe, expect, it } from 'vitest'
import type { Endpoints, Service } from '../../api/types/core.ts'
import type { EndpointSlice } from '../../api/types/discovery.ts'
import type { Pod } from '../../api/types/pod.ts'
import { makePod, makeService } from '../../api/testing/builders.ts'
import { RESOURCES, resourceRef } from '../../apiserver/resources.ts'
import { admin, eventually, newTestServer, quietLog, type TestServer } from '../../apiserver/testing.ts'
import { ControllerManager } from '../manager.ts'
import { endpointsController } from './endpoints-controller.ts'

let server: TestServer
let manager: ControllerManager | undefined

afterEach(async () => {
  await manager?.stop()
  manager = undefined
})

async function start(): Promise<void> {
  server = await newTestServer()
  manager = new ControllerManager({ api: server.api, log: quietLog, now: server.clock.now, controllers: { endpoints: endpointsController } })
  await manager.start()
}

const endpointsOf = (name: string) => server.api.get(resourceRef(RESOURCES.endpoints, 'default', name), admin).then((o) => o as Endpoints, () => undefined)
const sliceOf = (name: string) => server.api.get(resourceRef(RESOURCES.endpointslices, 'default', name), admin).then((o) => o as EndpointSlice, () => undefined)
const readyIPs = (e: Endpoints | undefined) => (e?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip))

async function createPod(name: string, ip: string, ready: boolean): Promise<void> {
  const p = makePod(name).withLabels({ app: 'web' }).withContainer({ name: 'main', image: 'busybox' }).withSpec({ nodeName: 'node-1' }).obj()
  await server.api.create(resourceRef(RESOURCES.pods, 'default'), p, admin)
  await setReady(name, ip, ready)
}

async function setReady(name: string, ip: string, ready: boolean): Promise<void> {
  const current = (await server.api.get(resourceRef(RESOURCES.pods, 'default', name), admin)) as Pod
  current.status = { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] }
  await server.api.update(resourceRef(RESOURCES.pods, 'default', name, 'status'), current, admin)
}

describe('EndpointsController', () => {
  it('follows ready pods into Endpoints and the EndpointSlice, and removes Endpoints with the Service', async () => {
    await start()
    await server.api.create(resourceRef(RESOURCES.services, 'default'), makeService('web').withPorts({ port: 80, targetPort: 8080 }).obj(), admin)
    await createPod('a', '10.244.0.5', true)
    await createPod('b', '10.244.0.6', false)
    await eventually(async () => readyIPs(await endpointsOf('web')).join() === '10.244.0.5', 'Endpoints with the ready pod')
    expect((await endpointsOf('web'))?.subsets?.[0]?.notReadyAddresses?.map((a) => a.ip)).toEqual(['10.244.0.6'])
    await eventually(async () => (await sliceOf('web'))?.endpoints.length === 2, 'a slice with both pods')

    await setReady('b', '10.244.0.6', true)
    await eventually(async () => readyIPs(await endpointsOf('web')).join() === '10.244.0.5,10.244.0.6', 'both ready')
    await server.api.delete(resourceRef(RESOURCES.pods, 'default', 'a'), { gracePeriodSeconds: 0 }, admin)
    await eventually(async () => readyIPs(await endpointsOf('web')).join() === '10.244.0.6', 'the deleted pod gone')

    await server.api.delete(resourceRef(RESOURCES.services, 'default', 'web'), {}, admin)
    await eventually(async () => (await endpointsOf('web')) === undefined, 'Endpoints gone with the Service')
  })

  it('writes nothing when nothing changed', async () => {
    await start()
    await createPod('a', '10.244.0.5', true)
    const created = await server.api.create(resourceRef(RESOURCES.services, 'default'), makeService('web').withPorts({ port: 80 }).obj(), admin)
    await eventually(async () => readyIPs(await endpointsOf('web')).length === 1, 'Endpoints')
    const before = (await endpointsOf('web'))?.metadata.resourceVersion
    // A change to the Service that moves no endpoint.
    const svc = created.object as Service
    svc.metadata.annotations = { touched: 'yes' }
    await server.api.update(resourceRef(RESOURCES.services, 'default', 'web'), svc, admin)
    await setReady('a', '10.244.0.5', true)
    // One worker in FIFO order: once a Service made after these changes has Endpoints, they were handled.
    await server.api.create(resourceRef(RESOURCES.services, 'default'), makeService('later').withSpec({ selector: { app: 'web' } }).withPorts({ port: 80 }).obj(), admin)
    await eventually(async () => readyIPs(await endpointsOf('later')).length === 1, 'Endpoints of the later Service')
    expect((await endpointsOf('web'))?.metadata.resourceVersion).toBe(before)
  })

  it('leaves the Endpoints of a Service without a selector to its user', async () => {
    await start()
    await server.api.create(resourceRef(RESOURCES.services, 'default'), makeService('ext').withSpec({ selector: undefined }).withPorts({ port: 80 }).obj(), admin)
    const manual: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.168.1.9' }], ports: [{ port: 80 }] }] }
    await server.api.create(resourceRef(RESOURCES.endpoints, 'default'), manual, admin)
    await createPod('a', '10.244.0.5', true)
    expect(readyIPs(await endpointsOf('ext'))).toEqual(['192.168.1.9'])
  })
})
