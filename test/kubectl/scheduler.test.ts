// What a user sees of the scheduler through kubectl: a pod that fits nowhere is Pending, and
// `kubectl describe` shows the PodScheduled=False condition and the FailedScheduling event in
// Kubernetes' words; once a node that fits joins, the pod is bound and describe says where.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemContext } from '../../src-main/apiserver/api-server.ts'
import { createNode, makeNode } from '../../src-main/scheduler/testing.ts'
import { Kubectl, KUBECTL_VERSIONS, kubectlAvailable } from './support/kubectl.ts'
import { startTestServer, type TestServer } from './support/server.ts'

const pod = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: app
      image: busybox
      resources:
        requests:
          memory: 2Gi
`

describe.each(KUBECTL_VERSIONS)('kubectl %s and the scheduler', (version) => {
  let srv: TestServer
  let dir: string
  let kubectl: Kubectl
  const ctx = systemContext('kubectl-test')

  beforeAll(async () => {
    if (!kubectlAvailable(version)) throw new Error(`kubectl ${version} is not installed at /usr/lib/google-cloud-sdk/bin`)
    srv = await startTestServer()
    dir = mkdtempSync(join(tmpdir(), 'coxswain-kubectl-home-'))
    kubectl = new Kubectl(version, srv.kubeconfig, dir)
    await createNode(srv.api, makeNode('small-1').withAllocatable({ memory: '1Gi' }).obj(), ctx)
    await createNode(srv.api, makeNode('gpu-1').withTaint('gpu', 'true', 'NoSchedule').obj(), ctx)
  })

  afterAll(async () => {
    await srv?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('describes a pending pod with the FailedScheduling words, then where it went', async () => {
    await kubectl.ok(['apply', '-f', '-'], { input: pod('big') })
    const message = '0/2 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {gpu: true}.'
    let described = ''
    const deadline = Date.now() + 10_000
    while (!described.includes(message) || !described.includes('FailedScheduling')) {
      if (Date.now() > deadline) throw new Error(`describe never showed the message:\n${described}`)
      described = await kubectl.ok(['describe', 'pod', 'big'])
    }
    expect(described).toMatch(/Status:\s+Pending/)
    expect(described).toMatch(/PodScheduled\s+False/)
    expect(described).toMatch(/Warning\s+FailedScheduling/)
    expect(await kubectl.ok(['get', 'pod', 'big', '-o', 'jsonpath={.status.conditions[0].reason}'])).toBe('Unschedulable')

    await createNode(srv.api, makeNode('big-1').withAllocatable({ memory: '8Gi' }).obj(), ctx)
    await kubectl.ok(['wait', '--for=condition=PodScheduled', 'pod/big', '--timeout=20s'])
    expect(await kubectl.ok(['get', 'pod', 'big', '-o', 'jsonpath={.spec.nodeName}'])).toBe('big-1')
    expect(await kubectl.ok(['describe', 'pod', 'big'])).toMatch(/Normal\s+Scheduled\s+.*Successfully assigned default\/big to big-1/)
  })
})
