// Real kubectl against Coxswain: the oldest and the newest kubectl on this machine, each with its
// own cache dir and namespace, through the kubeconfig the server writes at start. The steps of one
// version build on each other like a user's session: apply, look, change, watch, delete.

import { mkdirSync, writeFileSync, chmodSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { container, makePod } from '../../src-main/api/testing/builders.ts'
import type { KubeObject } from '../../src-main/api/types/meta.ts'
import type { RequestContext, ResourceRef } from '../../src-main/apiserver/types.ts'
import { eventually } from '../../src-main/apiserver/testing.ts'
import { Kubectl, KUBECTL_VERSIONS, kubectlAvailable } from './support/kubectl.ts'
import { appManifest, misspeltDeployment, negativeReplicas, tableRows } from './support/manifests.ts'
import { startTestServer, type TestServer } from './support/server.ts'

const admin: RequestContext = { user: { name: 'test', readOnly: false } }
const deployment = (namespace: string, name = 'web'): ResourceRef => ({ group: 'apps', version: 'v1', resource: 'deployments', namespace, name })
const configMap = (namespace: string, name: string): ResourceRef => ({ group: '', version: 'v1', resource: 'configmaps', namespace, name })
const spec = (obj: KubeObject): { replicas?: number } => (obj as unknown as { spec: { replicas?: number } }).spec

let srv: TestServer

beforeAll(async () => {
  srv = await startTestServer()
})

afterAll(async () => {
  await srv?.close()
})

describe.each(KUBECTL_VERSIONS)('kubectl %s', (version) => {
  const ns = `shop-${version.replace('.', '-')}`
  let kubectl: Kubectl
  let dir: string
  const file = (name: string, content: string): string => {
    const path = join(dir, name)
    writeFileSync(path, content)
    return path
  }

  beforeAll(() => {
    if (!kubectlAvailable(version)) throw new Error(`kubectl ${version} is not installed at /usr/lib/google-cloud-sdk/bin`)
    dir = join(srv.root, `kubectl-${version}`)
    mkdirSync(dir, { recursive: true })
    kubectl = new Kubectl(version, srv.kubeconfig, dir)
  })

  it('reaches the server through the kubeconfig the server wrote: https, token, pinned CA', async () => {
    const out = JSON.parse(await kubectl.ok(['version', '-o', 'json'])) as { serverVersion: { gitVersion: string; minor: string } }
    expect(out.serverVersion).toMatchObject({ gitVersion: 'v1.33.0-coxswain.0.1.0', minor: '33' })
  })

  it('lists the API resources from discovery', async () => {
    const out = await kubectl.ok(['api-resources'])
    expect(out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m)
    expect(out).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m)
    expect(out).toMatch(/^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m)
  })

  it('applies a multi-document manifest, validated through our OpenAPI (no --validate=false)', async () => {
    const out = await kubectl.ok(['apply', '-f', file('app.yaml', appManifest({ namespace: ns, replicas: 2, greeting: 'hello' }))])
    expect(out.trim().split('\n')).toEqual([`namespace/${ns} created`, 'deployment.apps/web created', 'service/web created', 'configmap/web-config created'])
    expect(spec(await srv.api.get(deployment(ns), admin)).replicas).toBe(2)
  })

  it('prints get tables with the columns Kubernetes prints', async () => {
    // The Deployment controller creates 2 pods (UP-TO-DATE); no node runs them here (READY 0/2).
    let rows: string[][] = []
    await eventually(async () => {
      rows = tableRows(await kubectl.ok(['get', 'deployments', '-n', ns]))
      return rows[1]?.[2] === '2'
    }, 'the deployment’s pods created')
    const [header, row, ...rest] = rows
    expect(header).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'])
    expect(row?.slice(0, 4)).toEqual(['web', '0/2', '2', '0'])
    expect(row?.[4]).toMatch(/^\d+s$/)
    expect(rest).toEqual([])

    const [svcHeader, svcRow] = tableRows(await kubectl.ok(['get', 'svc', 'web', '-n', ns]))
    expect(svcHeader).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'])
    expect(svcRow?.slice(0, 2)).toEqual(['web', 'ClusterIP'])
    expect(svcRow?.[4]).toBe('80/TCP')

    const [cmHeader, cmRow] = tableRows(await kubectl.ok(['get', 'configmap', 'web-config', '-n', ns]))
    expect(cmHeader).toEqual(['NAME', 'DATA', 'AGE'])
    expect(cmRow?.slice(0, 2)).toEqual(['web-config', '1'])
  })

  it('prints the wide columns with -o wide', async () => {
    const [header, row] = tableRows(await kubectl.ok(['get', 'deploy', 'web', '-n', ns, '-o', 'wide']))
    expect(header).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR'])
    expect(row?.slice(5)).toEqual(['web', 'nginx:1.27', 'app=web'])
  })

  it('prints the object with -o yaml, last-applied annotation included', async () => {
    const obj = parse(await kubectl.ok(['get', 'deploy', 'web', '-n', ns, '-o', 'yaml'])) as KubeObject & { spec: { replicas: number } }
    expect(obj).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { replicas: 2 } })
    expect(obj.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"replicas":2')
  })

  it('selects by label', async () => {
    const out = await kubectl.ok(['get', 'deploy,svc,cm', '-n', ns, '-l', 'app=web', '-o', 'name'])
    expect(out.trim().split('\n').sort()).toEqual(['configmap/web-config', 'deployment.apps/web', 'service/web'])
    const none = await kubectl.run(['get', 'deploy', '-n', ns, '-l', 'app=other'])
    expect(none.stderr).toContain(`No resources found in ${ns} namespace.`)
  })

  it('re-applies a changed file as strategic merge patches', async () => {
    const out = await kubectl.ok(['apply', '-f', file('app.yaml', appManifest({ namespace: ns, replicas: 4, greeting: 'bonjour' }))])
    expect(out.trim().split('\n')).toEqual([`namespace/${ns} unchanged`, 'deployment.apps/web configured', 'service/web unchanged', 'configmap/web-config configured'])
    expect(spec(await srv.api.get(deployment(ns), admin)).replicas).toBe(4)
    expect((await srv.api.get(configMap(ns, 'web-config'), admin)) as unknown).toMatchObject({ data: { greeting: 'bonjour' } })
  })

  it('watches with get -w and prints a row when the object changes', async () => {
    // The collection, not `get deploy web -w`: for one object kubectl watches from resourceVersion 0
    // and skips the first event, so a change made before its watch is up would be missed (as with
    // kube-apiserver). A list's resourceVersion replays every later change.
    const watch = kubectl.start(['get', 'deploy', '-n', ns, '-w'])
    try {
      await watch.waitFor((out) => /^web\s+0\/4/m.test(out))
      await srv.api.patch(deployment(ns), 'application/merge-patch+json', { spec: { replicas: 6 } }, admin)
      await watch.waitFor((out) => /^web\s+0\/6/m.test(out))
      const rows = tableRows(watch.stdout)
      expect(rows[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'])
      expect(rows.filter((r) => r[0] === 'NAME')).toHaveLength(1)
    } finally {
      await watch.stop()
    }
  })

  it('describes the deployment', async () => {
    const out = await kubectl.ok(['describe', 'deployment', 'web', '-n', ns])
    expect(out).toMatch(/^Name:\s+web$/m)
    expect(out).toMatch(/^Namespace:\s+shop-/m)
    expect(out).toMatch(/^Replicas:\s+6 desired/m)
    expect(out).toMatch(/^StrategyType:\s+RollingUpdate$/m)
    expect(out).toMatch(/^Events:/m)
  })

  it('scales through the scale subresource', async () => {
    expect((await kubectl.ok(['scale', 'deployment', 'web', '--replicas=3', '-n', ns])).trim()).toBe('deployment.apps/web scaled')
    expect(spec(await srv.api.get(deployment(ns), admin)).replicas).toBe(3)
  })

  it('labels and annotates', async () => {
    expect(await kubectl.ok(['label', 'deployment', 'web', 'tier=front', '-n', ns])).toContain('deployment.apps/web labeled')
    expect(await kubectl.ok(['annotate', 'deployment', 'web', 'owner=team-a', '-n', ns])).toMatch(/deployment.apps\/web annotated?/)
    const obj = await srv.api.get(deployment(ns), admin)
    expect(obj.metadata.labels).toMatchObject({ app: 'web', tier: 'front' })
    expect(obj.metadata.annotations).toMatchObject({ owner: 'team-a' })
  })

  it('edits through KUBE_EDITOR', async () => {
    const editor = file('editor.sh', `#!/bin/sh\nsed -i 's/^  replicas: .*/  replicas: 5/' "$1"\n`)
    chmodSync(editor, 0o755)
    const out = await kubectl.ok(['edit', 'deployment', 'web', '-n', ns], { env: { KUBE_EDITOR: editor } })
    expect(out.trim()).toBe('deployment.apps/web edited')
    expect(spec(await srv.api.get(deployment(ns), admin)).replicas).toBe(5)
  })

  it('creates a namespace (kubectl ≥ 1.31 sends it as protobuf)', async () => {
    const name = `extra-${version.replace('.', '-')}`
    expect((await kubectl.ok(['create', 'namespace', name])).trim()).toBe(`namespace/${name} created`)
    const [header, row] = tableRows(await kubectl.ok(['get', 'namespace', name]))
    expect(header).toEqual(['NAME', 'STATUS', 'AGE'])
    expect(row?.slice(0, 2)).toEqual([name, 'Active'])
  })

  it('reports a misspelt field by name', async () => {
    const result = await kubectl.run(['apply', '-f', file('misspelt.yaml', misspeltDeployment(ns))])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('unknown field "spec.template.spec.containers[0].imagePullPolice"')
  })

  it('reports an invalid value with its field', async () => {
    const result = await kubectl.run(['apply', '-f', file('negative.yaml', negativeReplicas(ns))])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('The Deployment "negative" is invalid')
    expect(result.stderr).toContain('spec.replicas: Invalid value: -1')
  })

  it('explains a field from the OpenAPI documents', async () => {
    const out = await kubectl.ok(['explain', 'deployment.spec.replicas'])
    expect(out).toMatch(/KIND:\s+Deployment/)
    expect(out).toMatch(/FIELD:\s+replicas <integer>/)
  })

  it('lists pods across namespaces', async () => {
    await srv.api.create({ group: '', version: 'v1', resource: 'pods', namespace: ns }, makePod('solo', ns).withContainer(container()).obj(), admin)
    const rows = tableRows(await kubectl.ok(['get', 'pods', '-A']))
    expect(rows[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'])
    expect(rows.find((r) => r[0] === ns)?.slice(0, 5)).toEqual([ns, 'solo', '0/1', 'Pending', '0'])
  })

  it('deletes the deployment, cascading (kubectl waits until it is gone)', async () => {
    expect((await kubectl.ok(['delete', 'deployment', 'web', '-n', ns])).trim()).toBe('deployment.apps "web" deleted')
    await expect(srv.api.get(deployment(ns), admin)).rejects.toMatchObject({ code: 404 })
  })

  it('lets the read-only token read but not write', async () => {
    expect(await kubectl.ok(['get', 'namespaces', '--token', srv.readOnlyToken])).toContain(ns)
    const write = await kubectl.run(['create', 'namespace', 'not-allowed', '--token', srv.readOnlyToken])
    expect(write.code).not.toBe(0)
    expect(write.stderr).toMatch(/Error from server \(Forbidden\)/)
  })

  it('refuses a wrong token', async () => {
    const result = await kubectl.run(['get', 'namespaces', '--token', 'x'.repeat(43)])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('You must be logged in to the server')
  })
})
