// `kubectl rollout` and `kubectl scale` against Coxswain's workload controllers, with the oldest
// and newest kubectl on this machine. No nodes run here: a stand-in for the node agents marks every
// pod Running and Ready through the status subresource (as an agent would), so Deployments make
// real progress. Each version works in its own namespace; the steps build on each other as a
// user's session does: roll out, record a cause, change, look at history, undo, pause, resume,
// restart, scale.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Deployment, Pod, ReplicaSet } from '../../src-main/api/index.ts'
import { systemContext } from '../../src-main/apiserver/api-server.ts'
import { RESOURCES, resourceRef } from '../../src-main/apiserver/resources.ts'
import { eventually } from '../../src-main/apiserver/testing.ts'
import { Kubectl, KUBECTL_VERSIONS, kubectlAvailable } from './support/kubectl.ts'
import { startTestServer, type TestServer } from './support/server.ts'

const ctx = systemContext('kubectl-test-node')
let srv: TestServer
let kubelet: { stop(): Promise<void> } | undefined

/** Marks every pod that is not yet Running as Running and Ready, until stopped. */
function fakeKubelet(server: TestServer): { stop(): Promise<void> } {
  let running = true
  const loop = (async () => {
    while (running) {
      for (const pod of (await server.api.list(RESOURCES.pods, {}, ctx)).items as Pod[]) {
        if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Running') continue
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
        const conditions = ['Ready', 'ContainersReady', 'Initialized', 'PodScheduled'].map((type) => ({ type, status: 'True' as const, lastTransitionTime: now }))
        await server.api.update(resourceRef(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name, 'status'), { ...pod, status: { ...pod.status, phase: 'Running', conditions } }, ctx).catch(() => undefined)
      }
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
    },
  }
}

beforeAll(async () => {
  srv = await startTestServer()
  kubelet = fakeKubelet(srv)
})

afterAll(async () => {
  await kubelet?.stop()
  await srv?.close()
})

function manifest(namespace: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.26
`
}

describe.each(KUBECTL_VERSIONS)('kubectl %s rollout', (version) => {
  const ns = `rollout-${version.replace('.', '-')}`
  let kubectl: Kubectl
  const deployment = async (): Promise<Deployment> => (await srv.api.get(resourceRef(RESOURCES.deployments, ns, 'web'), ctx)) as Deployment
  const replicaSets = async (): Promise<ReplicaSet[]> => (await srv.api.list(resourceRef(RESOURCES.replicasets, ns), {}, ctx)).items as ReplicaSet[]
  const images = async (): Promise<string[]> =>
    [...new Set(((await srv.api.list(resourceRef(RESOURCES.pods, ns), {}, ctx)).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec?.containers[0]?.image ?? ''))]
  const status = (): Promise<string> => kubectl.ok(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=30s'])

  beforeAll(() => {
    if (!kubectlAvailable(version)) throw new Error(`kubectl ${version} is not installed at /usr/lib/google-cloud-sdk/bin`)
    const dir = join(srv.root, `rollout-${version}`)
    mkdirSync(dir, { recursive: true })
    kubectl = new Kubectl(version, srv.kubeconfig, dir)
    writeFileSync(join(dir, 'app.yaml'), manifest(ns))
  })

  it('rollout status waits until the Deployment is rolled out', async () => {
    await kubectl.ok(['apply', '-f', join(srv.root, `rollout-${version}`, 'app.yaml')])
    expect(await status()).toContain('deployment "web" successfully rolled out')
    const d = await deployment()
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1')
    expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 })
    // describe finds the new ReplicaSet by template, as the controller does, and lists its events.
    const [rs] = await replicaSets()
    const described = await kubectl.ok(['describe', 'deployment/web', '-n', ns])
    expect(described).toMatch(new RegExp(`NewReplicaSet:\\s+${rs?.metadata.name ?? '?'} \\(3/3 replicas created\\)`))
    expect(described).toMatch(/Progressing\s+True\s+NewReplicaSetAvailable/)
    expect(described).toContain(`Scaled up replica set ${rs?.metadata.name ?? '?'} from 0 to 3`)
  })

  it('rollout history lists revisions with their change causes; --revision shows one template', async () => {
    // As Kubernetes' docs do it: change, then annotate. The Deployment's annotations are copied to
    // its current ReplicaSet, so annotating first would label the old revision too (as in Kubernetes).
    await kubectl.ok(['set', 'image', 'deployment/web', '-n', ns, 'web=nginx:1.27'])
    await kubectl.ok(['annotate', 'deployment/web', '-n', ns, 'kubernetes.io/change-cause=move to 1.27'])
    expect(await status()).toContain('successfully rolled out')
    expect(await images()).toEqual(['nginx:1.27'])
    // The controller copies the cause onto the new ReplicaSet, which is where history reads it.
    let history = ''
    await eventually(async () => {
      history = await kubectl.ok(['rollout', 'history', 'deployment/web', '-n', ns])
      return /^2\s+move to 1\.27$/m.test(history)
    }, 'the change cause on revision 2', 10_000)
    expect(history).toMatch(/^REVISION\s+CHANGE-CAUSE$/m)
    expect(history).toMatch(/^1\s+<none>$/m)
    const one = await kubectl.ok(['rollout', 'history', 'deployment/web', '-n', ns, '--revision=1'])
    expect(one).toContain('Image:\tnginx:1.26')
  })

  it('rollout undo goes back to the previous revision, and --to-revision to a chosen one', async () => {
    await kubectl.ok(['set', 'image', 'deployment/web', '-n', ns, 'web=nginx:1.28'])
    await kubectl.ok(['annotate', 'deployment/web', '-n', ns, '--overwrite', 'kubernetes.io/change-cause=move to 1.28'])
    expect(await status()).toContain('successfully rolled out')
    expect(await kubectl.ok(['rollout', 'undo', 'deployment/web', '-n', ns])).toContain('deployment.apps/web rolled back')
    expect(await status()).toContain('successfully rolled out')
    expect(await images()).toEqual(['nginx:1.27'])
    // Revision 2 became 4; 1 and 3 remain.
    const history = await kubectl.ok(['rollout', 'history', 'deployment/web', '-n', ns])
    expect(history.match(/^\d+/gm)).toEqual(['1', '3', '4'])

    await kubectl.ok(['rollout', 'undo', 'deployment/web', '-n', ns, '--to-revision=1'])
    expect(await status()).toContain('successfully rolled out')
    expect(await images()).toEqual(['nginx:1.26'])
    expect((await deployment()).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('5')
    const missing = await kubectl.run(['rollout', 'undo', 'deployment/web', '-n', ns, '--to-revision=42'])
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('unable to find specified revision 42 in history')
  })

  it('pause holds template changes back; resume rolls them out', async () => {
    await kubectl.ok(['rollout', 'pause', 'deployment/web', '-n', ns])
    await kubectl.ok(['set', 'image', 'deployment/web', '-n', ns, 'web=nginx:1.29'])
    const before = (await replicaSets()).length
    const paused = await kubectl.run(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=2s'])
    expect(paused.code).not.toBe(0)
    expect((await replicaSets()).length).toBe(before)
    expect(await images()).toEqual(['nginx:1.26'])
    const undo = await kubectl.run(['rollout', 'undo', 'deployment/web', '-n', ns])
    expect(undo.stderr).toContain('you cannot rollback a paused deployment; resume it first')
    await kubectl.ok(['rollout', 'resume', 'deployment/web', '-n', ns])
    expect(await status()).toContain('successfully rolled out')
    expect(await images()).toEqual(['nginx:1.29'])
  })

  it('rollout restart replaces every pod with the same image', async () => {
    const uids = new Set(((await srv.api.list(resourceRef(RESOURCES.pods, ns), {}, ctx)).items as Pod[]).map((p) => p.metadata.uid))
    await kubectl.ok(['rollout', 'restart', 'deployment/web', '-n', ns])
    expect(await status()).toContain('successfully rolled out')
    const pods = ((await srv.api.list(resourceRef(RESOURCES.pods, ns), {}, ctx)).items as Pod[]).filter((p) => !p.metadata.deletionTimestamp)
    expect(pods).toHaveLength(3)
    expect(pods.some((p) => uids.has(p.metadata.uid))).toBe(false)
    expect(pods[0]?.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeDefined()
  })

  it('scale resizes through the scale subresource; the ReplicaSet follows', async () => {
    await kubectl.ok(['scale', 'deployment/web', '-n', ns, '--replicas=5'])
    expect(await status()).toContain('successfully rolled out')
    const out = await kubectl.ok(['get', 'deployment/web', '-n', ns])
    expect(out).toMatch(/^web\s+5\/5\s+5\s+5\s/m)
    await kubectl.ok(['scale', 'deployment/web', '-n', ns, '--replicas=1'])
    expect(await status()).toContain('successfully rolled out')
    const active = (await replicaSets()).filter((rs) => (rs.spec?.replicas ?? 0) > 0)
    expect(active.map((rs) => rs.spec?.replicas)).toEqual([1])
  })
})
