import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Pod } from '../api/index.ts'
import { admin, eventually, ref } from '../apiserver/testing.ts'
import { ControlPlane } from '../controlplane.ts'
import { createNode, makeNode, podRequesting } from '../scheduler/testing.ts'
import { createLogger } from '../util/log.ts'
import { startHttpServer, type RunningHttpServer } from './http-server.ts'
import { generateToken } from './token.ts'

const quiet = createLogger({}, () => {}, 'error')

describe('GET /api/coxswain/v1/schedulingexplanations/NS/POD', () => {
  let root: string
  let cp: ControlPlane
  let server: RunningHttpServer
  const token = generateToken()
  const get = (path: string, init: RequestInit = {}) => fetch(`${server.baseUrl}/api/coxswain/v1/schedulingexplanations/${path}`, { ...init, headers: { Authorization: `Bearer ${token}` } })

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'coxswain-explain-'))
    mkdirSync(join(root, 'renderer'))
    cp = new ControlPlane({ dataDir: join(root, 'data'), log: quiet })
    await cp.start()
    server = await startHttpServer({ controlPlane: cp, token, rendererDir: join(root, 'renderer'), log: quiet, listen: '127.0.0.1', port: 0 })
  })

  afterAll(async () => {
    await server.close()
    await cp.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('explains why a pod the control plane’s scheduler left pending fits nowhere', async () => {
    await createNode(cp.api, makeNode('tiny').withAllocatable({ memory: '128Mi' }).obj(), admin)
    await cp.api.create(ref.pods('default'), podRequesting('hungry', { memory: '1Gi' }), admin)
    const message = '0/1 nodes are available: 1 Insufficient memory.'
    await eventually(async () => ((await cp.api.get(ref.pods('default', 'hungry'), admin)) as Pod).status?.conditions?.some((c) => c.message === message) === true, 'the scheduler to mark the pod', 5000)
    const res = await get('default/hungry')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      kind: 'SchedulingExplanation',
      wouldSchedule: null,
      message,
      nodes: [{ node: 'tiny', feasible: false, filters: [{ plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient memory'] }] }],
    })
  })

  it('answers 404 Status for an unknown pod or a malformed path, 405 for writes', async () => {
    expect((await get('default/nobody')).status).toBe(404)
    expect((await get('default')).status).toBe(404)
    expect((await get('default/hungry', { method: 'POST' })).status).toBe(405)
  })
})
