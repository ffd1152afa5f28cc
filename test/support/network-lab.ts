// Helpers for the networking lab suites: run a shell in a pod through its node's Docker socket,
// HTTP from this test runner, and the small CGI server whose answer names the pod and its peer.

import { execFile } from 'node:child_process'
import { request } from 'node:http'
import { promisify } from 'node:util'
import type { LabFile } from '../../scripts/lab/lab-file.ts'

export const run = promisify(execFile)

/** busybox httpd on :8080 with a CGI answering `HOSTNAME REMOTE_ADDR`. */
export const WHO_SERVER = [
  'mkdir -p /www/cgi-bin',
  `printf '#!/bin/sh\\necho "Content-Type: text/plain"\\necho\\necho "$(hostname) $REMOTE_ADDR"\\n' > /www/cgi-bin/who`,
  'chmod +x /www/cgi-bin/who',
  'exec httpd -f -p 8080 -h /www',
].join(' && ')

/** busybox wget, bounded (its own -T crashes on this busybox). */
export const wget = (url: string): string => `timeout 3 wget -q -O - ${url}`

/** Runs `script` in the container `container` (default `main`) of pod `pod` on `node`, through the node's Docker socket. */
export async function inPod(lab: LabFile, node: string, pod: string, script: string, container = 'main'): Promise<{ ok: boolean; out: string }> {
  const socket = lab.nodes.find((n) => n.name === node)?.localDockerSocket
  if (!socket) throw new Error(`the lab has no ${node}`)
  const docker = ['-H', `unix://${socket}`]
  const { stdout: id } = await run('docker', [...docker, 'ps', '-q', '--filter', `label=io.kubernetes.pod.name=${pod}`, '--filter', `label=io.kubernetes.container.name=${container}`])
  const found = id.trim().split('\n')[0]
  if (!found) throw new Error(`no running container of pod ${pod} on ${node}`)
  try {
    const { stdout } = await run('docker', [...docker, 'exec', found, 'sh', '-c', script], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 })
    return { ok: true, out: stdout }
  } catch (err) {
    return { ok: false, out: String((err as { stdout?: string }).stdout ?? '') + String((err as Error).message) }
  }
}

/** GET http://host:port/path from this process (busybox CGI headers end in bare LF). */
export function httpGet(host: string, port: number, path: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, insecureHTTPParser: true, timeout: timeoutMs, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve(body))
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${host}:${port}${path}: no answer in ${timeoutMs} ms`)))
    req.on('error', reject)
    req.end()
  })
}

/** Polls `check` until it holds, failing after `timeoutMs` with `what`. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Waits until no container of the named pods is left on any lab node (deleting a pod object does not wait for them). */
export async function waitContainersGone(lab: LabFile, pods: readonly string[], timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => {
      for (const node of lab.nodes) {
        const filters = pods.flatMap((p) => ['--filter', `label=io.kubernetes.pod.name=${p}`])
        for (let i = 0; i < filters.length; i += 2) {
          const { stdout } = await run('docker', ['-H', `unix://${node.localDockerSocket}`, 'ps', '-aq', ...filters.slice(i, i + 2)])
          if (stdout.trim()) return false
        }
      }
      return true
    },
    timeoutMs,
    `the containers of ${pods.join(', ')} removed from every node`,
  )
}

/**
 * Leaves the lab's nodes as a fresh lab has them: no Coxswain chains or jumps, no pod or service
 * routes, no cluster DNS container (suites that follow expect a bare node).
 */
export async function resetNodeNetworks(lab: LabFile, netnsOf: (node: string) => string): Promise<void> {
  const script = [
    'iptables-save | grep -v -e COXSWAIN -e CXSW | iptables-restore',
    'ip -4 route show | grep " via " | grep "^10\\.244\\." | while read -r r; do ip route del $r; done',
    'ip route del 10.96.0.0/12 2>/dev/null',
    'true',
  ].join('; ')
  for (const node of lab.nodes) {
    await run('nsenter', [`--net=/run/netns/${netnsOf(node.name)}`, 'sh', '-c', script])
    await run('docker', ['-H', `unix://${node.localDockerSocket}`, 'rm', '-f', 'coxswain-cluster-dns']).catch(() => undefined)
  }
}
