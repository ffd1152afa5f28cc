// The service proxy on the lab, against the direct path measured in the same run:
//
//   (1) requests/s from a pod on node-1 to a busybox httpd pod on node-2, through the Service's
//       cluster IP (iptables DNAT on node-1) and straight to the pod IP, 4 wget loops at once;
//       after one warm-up each, each path runs 9 times, alternating which goes first (this machine
//       is shared: runs vary, the medians of interleaved runs are what compare); the ratio of medians should be ≈ 1.0
//       (the kernel carries both; only the first packet of a connection meets the NAT rules);
//   (2) endpoint change → rules applied on all 3 nodes: a pod's label toggles its membership of a
//       second Service, 10 times; timed from the label write and from the Endpoints write (seen on
//       a watch) to the last node's network component reporting its iptables-restore done;
//   (3) a new Service's name: from its create to the DNS table written on all 3 nodes, and to a pod
//       on node-1 resolving it (an nslookup loop inside the pod, started before the create), 5 times.
//
// The control plane runs in this process (temporary data dir) and joins the lab's nodes through
// Machines, exactly as `serve --lab` does. About a minute.
//
//   npm run bench:proxy            (brings the lab up if needed)

import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { readLabFile, type LabFile } from '../scripts/lab/lab-file.ts'
import type { Endpoints, Node, Service } from '../src-main/api/types/core.ts'
import type { Pod } from '../src-main/api/types/pod.ts'
import { makePod, makeService } from '../src-main/api/testing/builders.ts'
import { systemContext } from '../src-main/apiserver/api-server.ts'
import { RESOURCES, resourceRef } from '../src-main/apiserver/resources.ts'
import { ControlPlane } from '../src-main/controlplane.ts'
import { labNetworkOptions } from '../src-main/network/lab.ts'
import { applyMachines, labMachines } from '../src-main/nodeagent/machines/lab-machines.ts'
import { createLogger } from '../src-main/util/log.ts'

const settings = { runs: 9, loops: 4, requestsPerLoop: 100, toggles: 10, timeoutMs: 60_000 }
const NS = 'default'
const ctx = systemContext('bench')
const quiet = createLogger({}, () => {}, 'error')
const run = promisify(execFile)

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')
  console.log(`\n${title}`)
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of rows) console.log(line(row))
}

async function main(): Promise<void> {
  const lab: LabFile = readLabFile()
  const dataDir = mkdtempSync(join(tmpdir(), 'coxswain-bench-proxy-'))
  /** When each node last finished a pass that replaced its rules. */
  const appliedAt = new Map<string, number>()
  /** When each node last wrote a new DNS table. */
  const dnsAt = new Map<string, number>()
  const cp = new ControlPlane({
    dataDir,
    log: quiet,
    podSync: { infraImage: lab.image, infraCommand: ['sleep', '2147483647'] },
    metrics: false,
    network: {
      ...labNetworkOptions(lab),
      onSynced: (node, changed) => {
        if (changed.rules) appliedAt.set(node, performance.now())
        if (changed.dns) dnsAt.set(node, performance.now())
      },
    },
  })
  const socketOf = (node: string) => lab.nodes.find((n) => n.name === node)?.localDockerSocket ?? ''
  const inPod = async (node: string, pod: string, script: string): Promise<string> => {
    const docker = ['-H', `unix://${socketOf(node)}`]
    const { stdout: id } = await run('docker', [...docker, 'ps', '-q', '--filter', `label=io.kubernetes.pod.name=${pod}`, '--filter', 'label=io.kubernetes.container.name=main'])
    const { stdout } = await run('docker', [...docker, 'exec', id.trim().split('\n')[0] ?? '', 'sh', '-c', script], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 })
    return stdout
  }
  const getPod = (name: string) => cp.api.get(resourceRef(RESOURCES.pods, NS, name), ctx) as Promise<Pod>
  const ready = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
  const runPod = async (name: string, node: string, script: string, labels: Record<string, string>) => {
    const pod = makePod(name, NS)
      .withLabels(labels)
      .withContainer({ name: 'main', image: lab.image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script] })
      .withSpec({ nodeName: node, terminationGracePeriodSeconds: 0 })
      .obj()
    await cp.api.create(resourceRef(RESOURCES.pods, NS), pod, ctx)
    await until(async () => ready(await getPod(name)), settings.timeoutMs, `${name} Ready`)
    return getPod(name)
  }
  try {
    await cp.start()
    await applyMachines(cp.api, labMachines(lab), ctx)
    await until(
      async () => {
        const nodes = (await cp.api.list(RESOURCES.nodes, {}, ctx)).items as Node[]
        return nodes.length === lab.nodes.length && nodes.every((n) => n.spec?.podCIDR && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      },
      settings.timeoutMs,
      'lab nodes Ready',
    )
    const server = await runPod('bench-server', 'node-2', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www', { app: 'bench-server' })
    await runPod('bench-client', 'node-1', 'exec sleep 3600', { app: 'bench-client' })
    const svc = (await cp.api.create(resourceRef(RESOURCES.services, NS), makeService('bench-server').withPorts({ port: 80, targetPort: 8080 }).obj(), ctx)).object as Service
    const viaService = `http://${svc.spec?.clusterIP}:80/index.html`
    const direct = `http://${server.status?.podIP}:8080/index.html`
    await until(async () => (await inPod('node-1', 'bench-client', `timeout 3 wget -q -O - ${viaService} || true`)).includes('ok'), settings.timeoutMs, 'the cluster IP answering')

    // (1) requests/s
    const loop = (url: string) => `for i in $(seq ${settings.requestsPerLoop}); do wget -q -O /dev/null ${url} || echo FAIL; done`
    const measure = async (url: string): Promise<number> => {
      const script = `${Array.from({ length: settings.loops }, () => `( ${loop(url)} ) &`).join(' ')} wait`
      const began = performance.now()
      const out = await inPod('node-1', 'bench-client', script)
      const ms = performance.now() - began
      const failures = out.split('\n').filter((l) => l.includes('FAIL')).length
      if (failures) throw new Error(`${failures} failed requests to ${url}`)
      return (settings.loops * settings.requestsPerLoop) / (ms / 1000)
    }
    // Warm both paths (ARP, conntrack, page cache) before anything counts.
    await measure(viaService)
    await measure(direct)
    const rates = { service: [] as number[], direct: [] as number[] }
    for (let r = 0; r < settings.runs; r++) {
      const order: ('service' | 'direct')[] = r % 2 === 0 ? ['service', 'direct'] : ['direct', 'service']
      for (const which of order) rates[which].push(await measure(which === 'service' ? viaService : direct))
    }
    const cell = (v: number) => v.toFixed(0)
    printTable(
      `requests/s from a pod on node-1 to httpd on node-2 (${settings.loops} wget loops × ${settings.requestsPerLoop}, busybox wget: one connection per request)`,
      ['path', ...rates.service.map((_, i) => `run ${i + 1}`), 'median'],
      [
        ['cluster IP (iptables DNAT)', ...rates.service.map(cell), cell(median(rates.service))],
        ['pod IP (direct)', ...rates.direct.map(cell), cell(median(rates.direct))],
      ],
    )
    console.log(`ratio cluster IP / direct: ${(median(rates.service) / median(rates.direct)).toFixed(2)} (target ≥ 0.90)`)

    // (2) endpoint change → rules on every node
    await cp.api.create(resourceRef(RESOURCES.services, NS), makeService('bench-toggle').withSpec({ selector: { toggle: 'on' } }).withPorts({ port: 80, targetPort: 8080 }).obj(), ctx)
    const endpointsWritten: number[] = []
    const watch = await cp.api.watch(resourceRef(RESOURCES.endpoints, NS), { fieldSelector: 'metadata.name=bench-toggle' }, ctx)
    void (async () => {
      for await (const e of watch) if (e.type === 'MODIFIED' || e.type === 'ADDED') endpointsWritten.push(performance.now())
    })()
    const fromLabel: number[] = []
    const fromEndpoints: number[] = []
    for (let i = 0; i < settings.toggles; i++) {
      const on = i % 2 === 0
      const seenBefore = endpointsWritten.length
      const began = performance.now()
      await cp.api.patch(resourceRef(RESOURCES.pods, NS, 'bench-server'), 'application/merge-patch+json', { metadata: { labels: { toggle: on ? 'on' : null } } }, ctx)
      await until(() => endpointsWritten.length > seenBefore, 10_000, 'the Endpoints write')
      const endpointsAt = endpointsWritten[endpointsWritten.length - 1] ?? began
      await until(() => lab.nodes.every((n) => (appliedAt.get(n.name) ?? 0) > endpointsAt), 10_000, 'rules applied on every node')
      const done = Math.max(...lab.nodes.map((n) => appliedAt.get(n.name) ?? 0))
      fromLabel.push(done - began)
      fromEndpoints.push(done - endpointsAt)
      const ep = (await cp.api.get(resourceRef(RESOURCES.endpoints, NS, 'bench-toggle'), ctx)) as Endpoints
      if ((ep.subsets?.length ?? 0) !== (on ? 1 : 0)) throw new Error('the Endpoints did not follow the label')
    }
    watch.stop()
    const ms = (v: number) => `${v.toFixed(0)} ms`
    printTable(
      `endpoint change → iptables-restore done on all ${lab.nodes.length} nodes (${settings.toggles} toggles)`,
      ['from', 'min', 'median', 'max'],
      [
        ['pod label write (incl. endpoints controller)', ms(Math.min(...fromLabel)), ms(median(fromLabel)), ms(Math.max(...fromLabel))],
        ['Endpoints write (watch)', ms(Math.min(...fromEndpoints)), ms(median(fromEndpoints)), ms(Math.max(...fromEndpoints))],
      ],
    )

    // (3) a new name → resolvable
    await until(async () => (await inPod('node-1', 'bench-client', 'nslookup bench-server >/dev/null 2>&1; nslookup bench-server.default.svc.cluster.local')).includes('Name:'), settings.timeoutMs, 'the cluster DNS answering')
    const toTables: number[] = []
    const toPod: number[] = []
    for (let i = 0; i < 5; i++) {
      const name = `bench-dns-${i}`
      const watcher = inPod('node-1', 'bench-client', `touch /tmp/${name}; end=$(($(date +%s) + 20)); until nslookup ${name}.default.svc.cluster.local 2>/dev/null | grep -q '^Name:'; do [ $(date +%s) -lt $end ] || exit 1; done`)
      // Let the loop get going before the name exists.
      await until(async () => (await inPod('node-1', 'bench-client', `test -f /tmp/${name} && echo yes || true`)).includes('yes'), 5000, 'the lookup loop running')
      const began = performance.now()
      await cp.api.create(resourceRef(RESOURCES.services, NS), makeService(name).withSpec({ selector: { app: 'bench-server' } }).withPorts({ port: 80, targetPort: 8080 }).obj(), ctx)
      await until(() => lab.nodes.every((n) => (dnsAt.get(n.name) ?? 0) > began), 10_000, 'the DNS table on every node')
      toTables.push(Math.max(...lab.nodes.map((n) => dnsAt.get(n.name) ?? 0)) - began)
      await watcher
      toPod.push(performance.now() - began)
      await cp.api.delete(resourceRef(RESOURCES.services, NS, name), {}, ctx)
    }
    printTable(
      'new Service → its name (5 Services)',
      ['until', 'min', 'median', 'max'],
      [
        [`DNS table written on all ${lab.nodes.length} nodes`, ms(Math.min(...toTables)), ms(median(toTables)), ms(Math.max(...toTables))],
        ['resolved in a pod on node-1 (incl. docker exec return)', ms(Math.min(...toPod)), ms(median(toPod)), ms(Math.max(...toPod))],
      ],
    )
  } finally {
    for (const s of ['bench-server', 'bench-toggle']) await cp.api.delete(resourceRef(RESOURCES.services, NS, s), {}, ctx).catch(() => {})
    for (const p of ['bench-server', 'bench-client']) await cp.api.delete(resourceRef(RESOURCES.pods, NS, p), { gracePeriodSeconds: 0 }, ctx).catch(() => {})
    await until(async () => (await cp.api.list(RESOURCES.pods, {}, ctx)).items.length === 0, 20_000, 'bench pods gone').catch(() => {})
    await cp.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
