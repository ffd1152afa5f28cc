// Container streams end to end: real kubectl 1.33 (and 1.27's SPDY attempt) against an in-process
// control plane whose REST door reaches lab node-1's Docker engine over SSH. The pods are API
// objects bound to node-1; their containers are made here with the pod builders (as the pod syncer
// would), so these tests need nothing but the streams code. Everything made on the node carries a
// per-run label and is removed afterwards, also when a test fails.

import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { readLabFile, type LabFile, type LabNode } from '../../scripts/lab/lab-file.ts'
import { waitFor } from '../../scripts/lab/run.ts'
import { CHANNEL_ERROR, CHANNEL_STDERR, CHANNEL_STDIN, CHANNEL_STDOUT, PROTOCOL_V5, encodeCloseSignal, encodeFrame } from '../../src-main/api/remotecommand.ts'
import { container as containerSpec, makePod } from '../../src-main/api/testing/builders.ts'
import type { Pod } from '../../src-main/api/types/pod.ts'
import type { RequestContext } from '../../src-main/apiserver/types.ts'
import { dockerOverSsh, type NodeDocker } from '../../src-main/nodeagent/docker/client.ts'
import { buildContainerCreate, type ContainerCreateOptions, type PodContext } from '../../src-main/nodeagent/pods/container-spec.ts'
import { MANAGED_LABEL } from '../../src-main/nodeagent/pods/names.ts'
import { NodeConnection } from '../../src-main/nodeagent/ssh/connection.ts'
import { PinnedHostKeys } from '../../src-main/nodeagent/ssh/pinned-host-keys.ts'
import { createLogger } from '../../src-main/util/log.ts'
import { shellQuote } from '../../src-main/util/shell.ts'
import { Kubectl, kubectlAvailable, kubectlBinary, type Running } from '../kubectl/support/kubectl.ts'
import { startTestServer, type TestServer } from '../kubectl/support/server.ts'
import { labConnectionOptions } from '../support/lab-connection.ts'

const RUN = randomBytes(3).toString('hex')
const RUN_LABEL = 'io.coxswain.test-run'
const RUN_FILTER = { label: [`${RUN_LABEL}=${RUN}`] }
const NAMESPACE = 'default'
const admin: RequestContext = { user: { name: 'test', readOnly: false } }
const quiet = createLogger({}, () => {}, 'error')

let lab: LabFile
let node: LabNode
let dir: string
let connection: NodeConnection
let nodeDocker: NodeDocker
let docker: Docker
let srv: TestServer
let kubectl: Kubectl
let kubectl127: Kubectl

const context = (): PodContext => ({ network: 'none', hostIP: node.address, dns: { servers: ['10.96.0.10'], domain: 'cluster.local' } })

/** A pod bound to the lab node, stored through the API server. */
async function createPod(name: string, restartPolicy: 'Always' | 'OnFailure' = 'Always'): Promise<Pod> {
  const pod = makePod(`${name}-${RUN}`, NAMESPACE)
    .withContainer(containerSpec('main', lab.image))
    .withSpec({ restartPolicy, terminationGracePeriodSeconds: 1, dnsPolicy: 'Default', hostNetwork: true, nodeName: node.name })
    .obj()
  return (await srv.api.create({ group: '', version: 'v1', resource: 'pods', namespace: NAMESPACE }, pod, admin)).object as Pod
}

/** What the pod syncer would do: the container of attempt `attempt`, running `script`, started. */
async function runContainer(pod: Pod, attempt: number, script: string, extra: Partial<ContainerCreateOptions> = {}): Promise<Docker.Container> {
  const spec = pod.spec?.containers[0]
  if (!spec) throw new Error('pod without a container')
  const opts = buildContainerCreate(pod, spec, { ...context(), attempt })
  // Without Coxswain's "managed" label: another control plane using the lab (a `serve --lab`, the
  // pod sync suite) would remove a managed container whose pod it does not know. Streams find
  // containers by pod UID and container name only.
  const { [MANAGED_LABEL]: _managed, ...labels } = opts.Labels ?? {}
  const created = await docker.createContainer({
    ...opts,
    ...extra,
    Entrypoint: ['sh', '-c', script],
    Labels: { ...labels, [RUN_LABEL]: RUN },
    HostConfig: { ...opts.HostConfig, ...extra.HostConfig },
  })
  await created.start()
  return created
}

const podName = (pod: Pod): string => pod.metadata.name ?? ''

/** Stops a long-running kubectl (`logs -f`) and gives back what it printed. */
async function stopped(running: Running): Promise<string> {
  await running.stop()
  return running.stdout
}

/** Runs `kubectl exec -it POD -- sh` inside a pseudo-terminal (util-linux `script`), types `input`, returns the terminal's output and exit code. */
function interactiveExec(pod: Pod, input: string): Promise<{ code: number | null; output: string }> {
  const argv = [kubectlBinary('1.33'), '--kubeconfig', srv.kubeconfig, '--cache-dir', join(dir, 'tty-cache'), 'exec', '-it', podName(pod), '--', 'sh']
  const child = spawn('script', ['-qec', shellQuote(argv), '/dev/null'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TERM: 'xterm', LANG: 'C.UTF-8' },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  let typed = false
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`interactive exec did not finish; terminal so far:\n${output}`))
    }, 30_000)
    const onOutput = (chunk: Buffer): void => {
      output += chunk.toString('utf8')
      // Type once the remote shell shows its prompt (busybox may follow it with a cursor query):
      // the session is up and the terminal is raw.
      if (!typed && output.split('\n').at(-1)?.startsWith('/ # ')) {
        typed = true
        child.stdin.write(input)
      }
    }
    child.stdout.on('data', onOutput)
    child.stderr.on('data', onOutput)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      child.stdin.destroy()
      resolve({ code, output })
    })
  })
}

async function cleanUp(): Promise<void> {
  if (!docker) return
  for (const c of await docker.listContainers({ all: true, filters: RUN_FILTER })) await docker.getContainer(c.Id).remove({ force: true })
}

beforeAll(async () => {
  lab = readLabFile()
  const first = lab.nodes[0]
  if (!first) throw new Error('the lab has no nodes')
  node = first
  dir = mkdtempSync(join(tmpdir(), 'coxswain-lab-streams-'))
  connection = new NodeConnection(labConnectionOptions(lab, node, new PinnedHostKeys(join(dir, 'known-hosts.json')), quiet))
  connection.start()
  await connection.waitFor((s) => s.state === 'connected', 10_000, 'connected')
  nodeDocker = dockerOverSsh(connection, { socketPath: node.dockerSocket })
  docker = nodeDocker.docker
  srv = await startTestServer()
  srv.controlPlane.runtimes = { dockerFor: (name) => (name === node.name ? docker : undefined) }
  kubectl = new Kubectl('1.33', srv.kubeconfig, join(dir, 'home-1.33'))
  kubectl127 = new Kubectl('1.27', srv.kubeconfig, join(dir, 'home-1.27'))
})

afterAll(async () => {
  await cleanUp()
  await srv?.close()
  nodeDocker?.agent.destroy()
  await connection?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('kubectl logs and exec against a pod on a lab node', () => {
  let ticker: Pod

  beforeAll(async () => {
    ticker = await createPod('ticker')
    // A line on stdout, then one on stderr, every 0.2 s. Docker reads the two pipes separately and
    // orders lines by when it read them, so they are 0.1 s apart to make that order the written one.
    await runContainer(ticker, 0, 'i=0; while true; do i=$((i+1)); echo "out $i"; sleep 0.1; echo "err $i" >&2; sleep 0.1; done')
    await waitFor('four lines in the log', async () => (await kubectl.run(['logs', podName(ticker)])).stdout.includes('err 2\n'), 15_000)
  })

  it('prints the log, stdout and stderr merged in order', async () => {
    const out = await kubectl.ok(['logs', podName(ticker)])
    const lines = out.trim().split('\n')
    expect(lines.slice(0, 4)).toEqual(['out 1', 'err 1', 'out 2', 'err 2'])
  })

  it('prints the last lines with --tail', async () => {
    const out = await kubectl.ok(['logs', '--tail=2', podName(ticker)])
    const lines = out.trim().split('\n')
    expect(lines).toHaveLength(2)
    // Two neighbours in the sequence out 1, err 1, out 2, err 2, …
    const position = (line = ''): number => {
      const [, stream, n] = /^(out|err) (\d+)$/.exec(line) ?? []
      return 2 * Number(n) - (stream === 'out' ? 2 : 1)
    }
    expect(position(lines[1]) - position(lines[0])).toBe(1)
  })

  it('prints timestamps and cuts at --limit-bytes', async () => {
    const stamped = await kubectl.ok(['logs', '--timestamps', '--tail=1', podName(ticker)])
    expect(stamped).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z (out|err) \d+\n$/)
    expect(await kubectl.ok(['logs', '--limit-bytes=7', podName(ticker)])).toBe('out 1\ne')
  })

  it('follows the log with -f until stopped', async () => {
    const follow = kubectl.start(['logs', '-f', '--tail=1', podName(ticker)])
    const first = await (async () => {
      await follow.waitFor((out) => /err (\d+)\n/.test(out))
      return Number(/err (\d+)\n/.exec(follow.stdout)?.[1])
    })()
    // New lines arrive while it runs: three more after the first.
    await follow.waitFor((out) => out.includes(`err ${first + 3}\n`))
    const printed = await stopped(follow)
    expect(printed).toContain(`out ${first + 1}\nerr ${first + 1}\n`)
  })

  it('refuses --previous for a container that never restarted, in the kubelet\'s words', async () => {
    const result = await kubectl.run(['logs', '--previous', podName(ticker)])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Error from server (BadRequest): previous terminated container "main" in pod "${podName(ticker)}" not found`)
  })

  it('runs a command with exec and exits 0', async () => {
    const result = await kubectl.run(['exec', podName(ticker), '--', 'echo', 'hi'])
    expect(result).toMatchObject({ code: 0, stdout: 'hi\n' })
  })

  it('passes a non-zero exit code on as its own', async () => {
    const result = await kubectl.run(['exec', podName(ticker), '--', 'sh', '-c', 'echo oops >&2; exit 3'])
    expect(result.code).toBe(3)
    expect(result.stderr).toContain('oops')
    expect(result.stderr).toContain('command terminated with exit code 3')
  })

  it('feeds piped stdin with exec -i, and ends it', async () => {
    const result = await kubectl.run(['exec', '-i', podName(ticker), '--', 'cat'], { input: 'hello\nworld\n' })
    expect(result).toMatchObject({ code: 0, stdout: 'hello\nworld\n' })
  })

  it('runs an interactive shell with exec -it in a terminal', async () => {
    const { code, output } = await interactiveExec(ticker, 'echo $((6*7)); exit\r')
    expect(output).toMatch(/\r?\n42\r?\n/)
    expect(code).toBe(0)
  })

  it.each(['1.30', '1.31', '1.32'].filter(kubectlAvailable))('runs exec with kubectl %s too (WebSocket by default since 1.30)', async (version) => {
    const other = new Kubectl(version, srv.kubeconfig, join(dir, `home-${version}`))
    expect(await other.run(['exec', podName(ticker), '--', 'echo', 'hi'])).toMatchObject({ code: 0, stdout: 'hi\n' })
  })

  it('answers an exec into a pod that does not exist with NotFound', async () => {
    const result = await kubectl.run(['exec', `missing-${RUN}`, '--', 'true'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`pods "missing-${RUN}" not found`)
  })

  it.skipIf(!kubectlAvailable('1.27'))('tells kubectl 1.27, which speaks SPDY only, that exec needs kubectl 1.30 or newer', async () => {
    const result = await kubectl127.run(['exec', podName(ticker), '--', 'echo', 'hi'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Error from server (BadRequest): exec over SPDY is not supported')
    expect(result.stderr).toContain('use kubectl 1.30 or newer')
    // Logs need no upgrade and work with any kubectl.
    expect(await kubectl127.ok(['logs', '--tail=1', podName(ticker)])).toMatch(/^(out|err) \d+\n$/)
  })
})

describe('the streams over plain HTTP, as the dashboard uses them', () => {
  let quiet: Pod

  beforeAll(async () => {
    quiet = await createPod('quiet')
    await runContainer(quiet, 0, 'exec sleep 3600')
  })

  const url = (path: string): string => `${srv.baseUrl}/api/v1/namespaces/${NAMESPACE}/pods/${podName(quiet)}/${path}`

  it('answers a follow of a silent container at once, before any line', async () => {
    const controller = new AbortController()
    const res = await fetch(url('log?follow=true'), { headers: { Authorization: `Bearer ${srv.token}` }, signal: controller.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    controller.abort()
  })

  it('speaks v5.channel.k8s.io: stdin, its close signal, output channels and the exit status', async () => {
    const query = new URLSearchParams([['command', 'sh'], ['command', '-c'], ['command', 'cat; echo bye >&2; exit 5'], ['stdin', 'true'], ['stdout', 'true'], ['stderr', 'true']])
    const ws = new WebSocket(url(`exec?${query}`).replace(/^http/, 'ws'), [PROTOCOL_V5], { headers: { Authorization: `Bearer ${srv.token}` } })
    const received: Record<number, string> = {}
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
    ws.on('message', (data: Buffer) => {
      const channel = data[0] ?? -1
      received[channel] = (received[channel] ?? '') + data.subarray(1).toString('utf8')
    })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    expect(ws.protocol).toBe(PROTOCOL_V5)
    ws.send(encodeFrame(CHANNEL_STDIN, 'ping\n'))
    ws.send(encodeCloseSignal(CHANNEL_STDIN))
    expect(await closed).toBe(1000)
    expect(received[CHANNEL_STDOUT]).toBe('ping\n')
    expect(received[CHANNEL_STDERR]).toBe('bye\n')
    expect(JSON.parse(received[CHANNEL_ERROR] ?? '')).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '5' }] } })
  })

  it('refuses a read-only user before the handshake', async () => {
    const ws = new WebSocket(url('exec?command=true&stdout=true').replace(/^http/, 'ws'), [PROTOCOL_V5], { headers: { Authorization: `Bearer ${srv.readOnlyToken}` } })
    const status = await new Promise<number | undefined>((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode)))
    expect(status).toBe(403)
  })
})

describe('previous logs', () => {
  it('reads the container of the attempt before, as the pod syncer leaves it', async () => {
    const pod = await createPod('replaced', 'OnFailure')
    const first = await runContainer(pod, 0, 'echo first run')
    await waitFor('attempt 0 exited', async () => (await first.inspect()).State.Status === 'exited', 15_000)
    await runContainer(pod, 1, 'echo second run; exec sleep 3600')
    await waitFor('attempt 1 logged', async () => (await kubectl.run(['logs', podName(pod)])).stdout === 'second run\n', 15_000)
    expect(await kubectl.ok(['logs', '--previous', podName(pod)])).toBe('first run\n')
  })

  it('splits the runs of a container Docker restarted in place', async () => {
    const pod = await createPod('restarted', 'OnFailure')
    // Fails once (Docker restarts it in place, keeping its file system and its one log), then stays up.
    const created = await runContainer(pod, 0, 'if [ -f /tmp/again ]; then echo second run; exec sleep 3600; fi; touch /tmp/again; echo first run; exit 1')
    await waitFor('a restart in place', async () => {
      const info = await created.inspect()
      return info.RestartCount >= 1 && info.State.Running
    }, 15_000)
    await waitFor('the second run logged', async () => (await kubectl.run(['logs', podName(pod)])).stdout === 'second run\n', 15_000)
    expect(await kubectl.ok(['logs', '--previous', podName(pod)])).toBe('first run\n')
  })

  it('says so when the pod\'s node cannot be reached', async () => {
    const pod = makePod(`elsewhere-${RUN}`, NAMESPACE).withContainer(containerSpec('main', lab.image)).withSpec({ nodeName: 'node-9' }).obj()
    await srv.api.create({ group: '', version: 'v1', resource: 'pods', namespace: NAMESPACE }, pod, admin)
    const result = await kubectl.run(['logs', podName(pod)])
    expect(result.stderr).toContain(`Error from server (ServiceUnavailable): cannot reach node "node-9" for pod ${NAMESPACE}/${podName(pod)}: the node is not connected`)
  })

  it('says a container that has not started is waiting, as the kubelet does', async () => {
    const pod = await createPod('waiting')
    const result = await kubectl.run(['logs', podName(pod)])
    expect(result.stderr).toContain(`Error from server (BadRequest): container "main" in pod "${podName(pod)}" is waiting to start: ContainerCreating`)
  })
})
