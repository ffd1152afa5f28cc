import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { container } from '../../api/testing/builders.ts'
import { ActionRunner, resolvePort } from './handlers.ts'
import { localDialer } from './node-access.ts'
import { FakeRuntime } from './testing.ts'

describe('probe and hook actions', () => {
  const servers: { close(cb?: () => void): unknown }[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))))
  })
  const runner = new ActionRunner(new FakeRuntime(), localDialer())
  const listen = async (server: Server | ReturnType<typeof createTcpServer>): Promise<number> => {
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    return (server.address() as AddressInfo).port
  }
  const target = (port: number) => ({ containerId: 'c', podIP: '127.0.0.1', container: container('web', 'x', { ports: [{ containerPort: port, name: 'http' }] }) })

  it('resolves ports by number or by the container port’s name', () => {
    const c = container('web', 'x', { ports: [{ containerPort: 8080, name: 'http' }] })
    expect(resolvePort(80, c)).toBe(80)
    expect(resolvePort('http', c)).toBe(8080)
    expect(() => resolvePort('admin', c)).toThrow(/couldn't find port "admin"/)
  })

  it('passes an HTTP GET answered 2xx or 3xx with the path and headers asked for, fails others with the status code', async () => {
    const seen: string[] = []
    const port = await listen(
      createHttpServer((req, res) => {
        seen.push(`${req.url} ${req.headers['x-probe']} ${req.headers['user-agent']}`)
        res.statusCode = req.url === '/healthz' ? 200 : req.url === '/moved' ? 302 : 500
        res.end('ok')
      }),
    )
    expect(await runner.httpGet({ path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] }, target(port), 1000)).toEqual({ ok: true, output: 'ok' })
    expect((await runner.httpGet({ path: '/moved', port }, target(port), 1000)).ok).toBe(true)
    expect(await runner.httpGet({ path: '/broken', port }, target(port), 1000)).toEqual({ ok: false, output: 'HTTP probe failed with statuscode: 500' })
    expect(seen[0]).toBe('/healthz yes kube-probe/1.33')
  })

  it('fails an HTTP GET that gets no answer in time, or no connection', async () => {
    const port = await listen(createHttpServer(() => {}))
    const slow = await runner.httpGet({ path: '/', port }, target(port), 100)
    expect(slow).toEqual({ ok: false, output: expect.stringContaining('context deadline exceeded') })
    const closed = await listen(createTcpServer())
    servers.pop()?.close()
    const refused = await runner.httpGet({ path: '/', port: closed }, target(closed), 500)
    expect(refused.output).toBe(`Get "http://127.0.0.1:${closed}/": dial tcp 127.0.0.1:${closed}: connect: connection refused`)
  })

  it('passes a TCP socket probe that connects', async () => {
    const port = await listen(createTcpServer((s) => s.end()))
    expect(await runner.tcpSocket({ port }, target(port), 500)).toEqual({ ok: true, output: '' })
  })

  it('sleeps for a sleep hook, cut short by its time limit', async () => {
    const started = Date.now()
    expect(await runner.hook({ sleep: { seconds: 5 } }, target(1), 50)).toEqual({ ok: true, output: '' })
    expect(Date.now() - started).toBeLessThan(1000)
  })
})
