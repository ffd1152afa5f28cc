import { text } from 'node:stream/consumers'
import { describe, expect, it } from 'vitest'
import { container, makePod } from '../../api/testing/builders.ts'
import type { Pod } from '../../api/types/pod.ts'
import type { PodExecOptions } from '../../api/types/streams.ts'
import { ApiError } from '../../apiserver/errors.ts'
import { admin, newTestServer, quietLog, ref, viewer } from '../../apiserver/testing.ts'
import type { DockerStreamName } from '../docker/demux.ts'
import { ATTEMPT_LABEL, CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../pods/names.ts'
import { PodStreams, dockerTimestampFromMs, nodeError, requestedSince } from './pod-streams.ts'
import { FakeDocker, muxFrame, type FakeContainer } from './testing.ts'
import type { NodeRuntimeResolver } from './types.ts'
import { DeadlineExceededError } from '../../util/deadline.ts'

const NOW = Date.parse('2026-01-02T03:04:05Z')
const STARTED = '2026-01-02T03:00:00.5Z'

async function setup(options: { pod?: (pod: ReturnType<typeof makePod>) => void; runtimes?: NodeRuntimeResolver | null; callTimeoutMs?: number; exitWaitMs?: number } = {}) {
  const { api } = await newTestServer()
  const builder = makePod('shop').withContainer(container('web')).withSpec({ nodeName: 'node-1' })
  options.pod?.(builder)
  const pod = (await api.create(ref.pods('default'), builder.obj(), admin)).object as Pod
  const docker = new FakeDocker()
  const runtimes = options.runtimes === null ? undefined : (options.runtimes ?? { dockerFor: (name: string) => (name === 'node-1' ? docker.asDocker() : undefined) })
  const streams = new PodStreams({
    api: () => api,
    runtimes: () => runtimes,
    log: quietLog,
    now: () => NOW,
    callTimeoutMs: options.callTimeoutMs ?? 1000,
    ...(options.exitWaitMs !== undefined ? { exitWaitMs: options.exitWaitMs } : {}),
  })
  const add = (id: string, overrides: Partial<FakeContainer> = {}, attempt = 0): FakeContainer => {
    const c: FakeContainer = {
      id,
      labels: { [POD_UID_LABEL]: pod.metadata.uid ?? '', [CONTAINER_NAME_LABEL]: 'web', [ATTEMPT_LABEL]: String(attempt) },
      state: 'running',
      startedAt: STARTED,
      ...overrides,
    }
    docker.containers.push(c)
    return c
  }
  return { api, pod, docker, streams, add }
}

async function failure(promise: Promise<unknown>): Promise<ApiError['status']> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(ApiError)
  return (err as ApiError).status
}

const shop = { namespace: 'default', name: 'shop' }

describe('requestedSince', () => {
  it('turns sinceSeconds and sinceTime into Docker timestamps', () => {
    expect(requestedSince({ sinceSeconds: 5 }, NOW)).toBe(dockerTimestampFromMs(NOW - 5000))
    expect(requestedSince({ sinceTime: '2026-01-02T03:04:00.25Z' }, NOW)).toBe('1767323040.250000000')
    expect(requestedSince({}, NOW)).toBeUndefined()
  })
})

describe('nodeError', () => {
  it('reads a silent node as 503, Docker’s own failure as 500, a broken link as 503', () => {
    expect(nodeError('node-1', new DeadlineExceededError('list containers', 10)).status).toMatchObject({ code: 503, message: 'node "node-1" did not answer: list containers: no answer within 10 ms' })
    expect(nodeError('node-1', Object.assign(new Error('(HTTP code 500) server error - boom'), { statusCode: 500 })).status).toMatchObject({ code: 500, reason: 'InternalError' })
    expect(nodeError('node-1', new Error('node-1 is not connected')).status).toMatchObject({ code: 503, message: 'node "node-1" is unreachable: node-1 is not connected' })
  })
})

describe('PodStreams.openLogs', () => {
  it('streams the container’s log, stdout and stderr merged, with the options Docker needs', async () => {
    const { docker, streams, add } = await setup()
    add('c1', { log: Buffer.concat([muxFrame(1, 'out\n'), muxFrame(2, 'err\n')]) })
    const log = await streams.openLogs(shop, { tailLines: 2, timestamps: true, sinceSeconds: 60 }, admin)
    expect(await text(log.output)).toBe('out\nerr\n')
    expect(docker.logDials).toEqual([
      {
        path: '/containers/c1/logs?',
        options: { stdout: true, stderr: true, follow: false, timestamps: true, tail: 2, since: dockerTimestampFromMs(NOW - 60_000) },
      },
    ])
  })

  it('reads the previous attempt’s container for previous=true', async () => {
    const { streams, add } = await setup()
    add('new', { created: 2, log: muxFrame(1, 'after\n') }, 1)
    add('old', { created: 1, state: 'exited', log: muxFrame(1, 'before\n') }, 0)
    const log = await streams.openLogs(shop, { previous: true }, admin)
    expect(await text(log.output)).toBe('before\n')
  })

  it('lets read-only users read logs', async () => {
    const { streams, add } = await setup()
    add('c1', { log: muxFrame(1, 'hello\n') })
    expect(await text((await streams.openLogs(shop, {}, viewer)).output)).toBe('hello\n')
  })

  it('answers 404 for a pod that does not exist', async () => {
    const { streams } = await setup()
    expect(await failure(streams.openLogs({ namespace: 'default', name: 'nope' }, {}, admin))).toMatchObject({ code: 404, message: 'pods "nope" not found' })
  })

  it('refuses invalid options with 422, as kube-apiserver', async () => {
    const { streams } = await setup()
    expect(await failure(streams.openLogs(shop, { tailLines: -1 }, admin))).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'PodLogOptions "shop" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    })
  })

  it('needs a container name when the pod has several', async () => {
    const { streams } = await setup({ pod: (p) => p.withContainer(container('sidecar')) })
    expect(await failure(streams.openLogs(shop, {}, admin))).toMatchObject({ code: 400, message: 'a container name must be specified for pod shop, choose one of: [web sidecar]' })
  })

  it('says a pod not yet on a node is waiting to start', async () => {
    const { streams } = await setup({ pod: (p) => p.withSpec({ nodeName: '' }) })
    expect(await failure(streams.openLogs(shop, {}, admin))).toMatchObject({ code: 400, message: 'container "web" in pod "shop" is waiting to start: ContainerCreating' })
  })

  it('answers 503 while nodes cannot be reached', async () => {
    expect(await failure((await setup({ runtimes: null })).streams.openLogs(shop, {}, admin))).toMatchObject({
      code: 503,
      message: 'cannot reach node "node-1" for pod default/shop: this control plane has no node connections yet',
    })
    expect(await failure((await setup({ runtimes: { dockerFor: () => undefined } })).streams.openLogs(shop, {}, admin))).toMatchObject({
      code: 503,
      message: 'cannot reach node "node-1" for pod default/shop: the node is not connected',
    })
  })

  it('answers 503 when the node does not answer in time', async () => {
    const { docker, streams } = await setup({ callTimeoutMs: 20 })
    docker.hang = true
    const status = await failure(streams.openLogs(shop, {}, admin))
    expect(status).toMatchObject({ code: 503, reason: 'ServiceUnavailable' })
    expect(status.message).toMatch(/^node "node-1" did not answer: list containers of container web of pod default\/shop on node-1: no answer within 20 ms$/)
  })
})

describe('PodStreams.openLogs deadline', () => {
  it('answers 503 when the node finds the container but never starts the log', async () => {
    const { docker, streams, add } = await setup({ callTimeoutMs: 20 })
    add('c1')
    docker.hangLogs = true
    expect(await failure(streams.openLogs(shop, { follow: true }, admin))).toMatchObject({
      code: 503,
      message: 'node "node-1" did not answer: open the log of container web of pod default/shop on node-1: no answer within 20 ms',
    })
  })
})

describe('PodStreams exec', () => {
  const echo: PodExecOptions = { command: ['sh', '-c', 'echo hi'], stdout: true, stderr: true }

  it('refuses read-only users with the RBAC wording', async () => {
    const { streams, add } = await setup()
    add('c1')
    expect(await failure(streams.prepareExec(shop, echo, viewer))).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'pods "shop" is forbidden: User "viewer" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    })
  })

  it('needs a command, a node and a running container', async () => {
    const { streams, add } = await setup()
    expect(await failure(streams.prepareExec(shop, { command: [], stdout: true }, admin))).toMatchObject({ code: 400, message: 'you must specify at least 1 command' })
    add('c1', { state: 'exited' })
    expect(await failure(streams.prepareExec(shop, echo, admin))).toMatchObject({ code: 400, message: 'container "web" in pod "shop" is not running (its container is exited)' })
    const unbound = await setup({ pod: (p) => p.withSpec({ nodeName: '' }) })
    expect(await failure(unbound.streams.prepareExec(shop, echo, admin))).toMatchObject({ code: 400, message: 'pod shop does not have a host assigned' })
  })

  it('runs the command in the container: output demultiplexed in order, the exit code once Docker stops saying running', async () => {
    const { docker, streams, add } = await setup()
    add('c1')
    const output: [DockerStreamName, string][] = []
    const session = await streams.exec(shop, { ...echo, stdin: true }, admin, (stream, data) => output.push([stream, data.toString('utf8')]))
    const exec = docker.exec(0)
    expect(exec.options).toMatchObject({ Cmd: ['sh', '-c', 'echo hi'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false })
    expect(exec.startOptions).toMatchObject({ hijack: true, stdin: true, Tty: false })
    exec.inspectAnswers = [
      { Running: true, ExitCode: null },
      { Running: false, ExitCode: 7 },
    ]
    const process = exec.io
    const stdin: Buffer[] = []
    process.on('data', (chunk: Buffer) => stdin.push(chunk))
    session.write(Buffer.from('input'))
    session.endInput()
    await new Promise((resolve) => process.once('end', resolve))
    expect(Buffer.concat(stdin).toString()).toBe('input')
    process.end(Buffer.concat([muxFrame(1, 'hi\n'), muxFrame(2, 'bye\n')]))
    expect(await session.done).toEqual({ kind: 'exited', exitCode: 7 })
    expect(output).toEqual([
      ['stdout', 'hi\n'],
      ['stderr', 'bye\n'],
    ])
    expect(exec.inspections).toBe(2)
  })

  it('passes a TTY’s raw output and applies the latest size', async () => {
    const { docker, streams, add } = await setup()
    add('c1')
    const output: string[] = []
    const session = await streams.exec(shop, { command: ['sh'], stdin: true, stdout: true, stderr: true, tty: true }, admin, (_s, data) => output.push(data.toString()))
    const exec = docker.exec(0)
    expect(exec.options).toMatchObject({ AttachStderr: false, Tty: true })
    session.resize({ width: 80, height: 24 })
    session.resize({ width: 100, height: 30 })
    session.resize({ width: 120, height: 40 })
    exec.io.end('$ \x1b[0m')
    await session.done
    expect(output.join('')).toBe('$ \x1b[0m')
    expect(exec.resizes[0]).toEqual({ w: 80, h: 24 })
    expect(exec.resizes.at(-1)).toEqual({ w: 120, h: 40 })
  })

  it('settles as closed when the caller leaves', async () => {
    const { streams, add } = await setup()
    add('c1')
    const session = await streams.exec(shop, echo, admin, () => {})
    session.close()
    expect(await session.done).toEqual({ kind: 'closed' })
  })

  it('fails when the stream ends but the process keeps running', async () => {
    const { docker, streams, add } = await setup({ exitWaitMs: 50 })
    add('c1')
    const session = await streams.exec(shop, echo, admin, () => {})
    docker.exec(0).inspectAnswers = [{ Running: true, ExitCode: null }]
    docker.exec(0).io.destroy()
    await expect(session.done).rejects.toThrow(/the connection to the command ended while it is still running/)
  })
})
