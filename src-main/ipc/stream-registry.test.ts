import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { TerminalSize } from '../api/types/streams.ts'
import { ApiError } from '../apiserver/errors.ts'
import type { DockerStreamName } from '../nodeagent/docker/demux.ts'
import type { ExecOutcome, ExecSession, LogStream } from '../nodeagent/streams/pod-streams.ts'
import { createLogger } from '../util/log.ts'
import type { PodStreamPush } from './contract.ts'
import { StreamRegistry } from './stream-registry.ts'
import { FakeSender } from './testing.ts'

const quiet = createLogger({}, () => {}, 'error')
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

function fakeLog(): LogStream & { output: PassThrough; closed: number } {
  const output = new PassThrough()
  const log = {
    output,
    closed: 0,
    close: () => {
      log.closed++
      output.destroy()
    },
  }
  return log
}

class FakeSession implements ExecSession {
  readonly tty = true
  readonly input: string[] = []
  readonly sizes: TerminalSize[] = []
  inputEnded = false
  closed = false
  readonly done: Promise<ExecOutcome>
  settle!: (outcome: ExecOutcome | Error) => void
  constructor() {
    this.done = new Promise((resolve, reject) => (this.settle = (o) => (o instanceof Error ? reject(o) : resolve(o))))
  }
  write(data: Uint8Array): void {
    this.input.push(Buffer.from(data).toString())
  }
  endInput(): void {
    this.inputEnded = true
  }
  resize(size: TerminalSize): void {
    this.sizes.push(size)
  }
  close(): void {
    this.closed = true
    this.settle({ kind: 'closed' })
  }
}

const pushes = (sender: FakeSender): PodStreamPush[] => sender.pushes('pods:stream') as PodStreamPush[]
const summary = (sender: FakeSender): string[] =>
  pushes(sender).map((p) => (p.kind === 'data' ? `${p.id} ${p.stream} ${Buffer.from(p.data).toString()}` : p.kind === 'exit' ? `${p.id} exit ${p.exitCode}` : `${p.id} ${p.kind}`))

describe('StreamRegistry logs', () => {
  it('pushes a log’s bytes, then its end, after answering with the id', async () => {
    const registry = new StreamRegistry({ log: quiet })
    const sender = new FakeSender()
    const log = fakeLog()
    log.output.write('early\n')
    const id = await registry.startLogs(sender, async () => log)
    expect(pushes(sender)).toEqual([])
    await tick()
    log.output.end('late\n')
    await tick()
    expect(summary(sender)).toEqual([`${id} stdout early\n`, `${id} stdout late\n`, `${id} end`])
    expect(pushes(sender)[0]).toMatchObject({ data: expect.any(Uint8Array) })
    expect(registry.count()).toBe(0)
  })

  it('reports a broken log as an error push with a Status', async () => {
    const registry = new StreamRegistry({ log: quiet })
    const sender = new FakeSender()
    const log = fakeLog()
    const id = await registry.startLogs(sender, async () => log)
    await tick()
    log.output.destroy(new Error('node-1 went away'))
    await tick()
    expect(pushes(sender)).toEqual([{ id, kind: 'error', status: expect.objectContaining({ code: 500, message: 'Internal error occurred: node-1 went away' }) }])
  })

  it('stops a log on request and pushes nothing more', async () => {
    const registry = new StreamRegistry({ log: quiet })
    const sender = new FakeSender()
    const log = fakeLog()
    const id = await registry.startLogs(sender, async () => log)
    expect(registry.stop(sender.id, id, 'exec')).toBe(false)
    expect(registry.stop(sender.id, id, 'logs')).toBe(true)
    expect(registry.stop(sender.id, id, 'logs')).toBe(false)
    await tick()
    expect(log.closed).toBe(1)
    expect(pushes(sender)).toEqual([])
  })

  it('refuses more streams than a window may hold', async () => {
    const registry = new StreamRegistry({ log: quiet, maxPerSender: 1 })
    const sender = new FakeSender()
    await registry.startLogs(sender, async () => fakeLog())
    const err = await registry.startLogs(sender, async () => fakeLog()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).status).toMatchObject({ code: 429, reason: 'TooManyRequests' })
  })

  it('undoes a start whose window navigated meanwhile', async () => {
    const registry = new StreamRegistry({ log: quiet })
    const sender = new FakeSender()
    const log = fakeLog()
    const err = await registry
      .startLogs(sender, async () => {
        registry.stopAllFor(sender.id)
        return log
      })
      .catch((e: unknown) => e)
    expect((err as ApiError).status).toMatchObject({ code: 503 })
    expect(log.closed).toBe(1)
    expect(registry.count()).toBe(0)
  })
})

describe('StreamRegistry exec', () => {
  async function started(registry: StreamRegistry, sender: FakeSender, early: [DockerStreamName, string][] = []): Promise<{ id: string; session: FakeSession; sink: (s: DockerStreamName, d: Buffer) => void }> {
    const session = new FakeSession()
    let sink!: (s: DockerStreamName, d: Buffer) => void
    const id = await registry.startExec(sender, async (given) => {
      sink = given
      for (const [stream, text] of early) given(stream, Buffer.from(text))
      return session
    })
    return { id, session, sink }
  }

  it('pushes output that came before the answer first, then later output, then the exit code', async () => {
    const registry = new StreamRegistry({ log: quiet })
    const sender = new FakeSender()
    const { id, session, sink } = await started(registry, sender, [['stdout', '$ ']])
    await tick()
    sink('stderr', Buffer.from('warn'))
    session.settle({ kind: 'exited', exitCode: 2 })
    await tick()
    expect(summary(sender)).toEqual([`${id} stdout $ `, `${id} stderr warn`, `${id} exit 2`])
    expect(registry.count()).toBe(0)
  })

  it('forwards input, its end and the terminal size of this window’s exec only', async () => {
    const registry = new StreamRegistry({ log: quiet })
    const sender = new FakeSender()
    const other = new FakeSender()
    const { id, session } = await started(registry, sender)
    registry.input(sender.id, id, 'ls\r', false)
    registry.input(sender.id, id, Uint8Array.of(0x03), true)
    registry.input(other.id, id, 'rm -rf /\r', false)
    registry.resize(sender.id, id, { width: 80, height: 24 })
    expect(session.input).toEqual(['ls\r', '\x03'])
    expect(session.inputEnded).toBe(true)
    expect(session.sizes).toEqual([{ width: 80, height: 24 }])
  })

  it('closes a window’s shells when it goes, and pushes nothing to a destroyed window', async () => {
    const registry = new StreamRegistry({ log: quiet })
    const sender = new FakeSender()
    const { session } = await started(registry, sender)
    const second = await started(registry, sender)
    expect(registry.forgetSender(sender.id)).toBe(2)
    expect(session.closed).toBe(true)
    expect(second.session.closed).toBe(true)
    await tick()
    expect(pushes(sender)).toEqual([])
  })

  it('reports an exec that broke as an error push', async () => {
    const registry = new StreamRegistry({ log: quiet })
    const sender = new FakeSender()
    const { id, session } = await started(registry, sender)
    await tick()
    session.settle(new Error('exec in container web: the stream broke: reset'))
    await tick()
    expect(pushes(sender)).toEqual([{ id, kind: 'error', status: expect.objectContaining({ code: 500, reason: 'InternalError' }) }])
  })
})
