import { describe, expect, it } from 'vitest'
import { createHttpTransport } from './http.ts'
import { TransportError } from './types.ts'

const info = { clusterName: 'coxswain', version: '0.1.0', startedAt: null, nodes: [] }

function fakeFetch(respond: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init?: RequestInit }[] = []
  const fn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init })
    return respond(String(input), init)
  }) as typeof fetch
  return { fn, calls }
}

async function failure(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof TransportError) return err
    throw err
  }
  throw new Error('expected a TransportError')
}

describe('createHttpTransport', () => {
  it('GETs the route of a channel with the cookie and returns the JSON', async () => {
    const { fn, calls } = fakeFetch(() => Response.json(info))
    await expect(createHttpTransport({ fetch: fn }).invoke('cluster:info')).resolves.toEqual(info)
    expect(calls[0]?.url).toBe('/api/coxswain/v1/info')
    expect(calls[0]?.init).toMatchObject({ method: 'GET', credentials: 'same-origin' })
  })

  it('reports 401 as unauthorized', async () => {
    const { fn } = fakeFetch(() => Response.json({ kind: 'Status', message: 'Unauthorized' }, { status: 401 }))
    expect((await failure(createHttpTransport({ fetch: fn }).invoke('cluster:info'))).kind).toBe('unauthorized')
  })

  it('reports no answer as unreachable', async () => {
    const { fn } = fakeFetch(() => {
      throw new TypeError('Failed to fetch')
    })
    const err = await failure(createHttpTransport({ fetch: fn }).invoke('cluster:info'))
    expect(err.kind).toBe('unreachable')
    expect(err.message).toMatch(/Failed to fetch/)
  })

  it('reports a gateway error as unreachable', async () => {
    const { fn } = fakeFetch(() => new Response('', { status: 503 }))
    expect((await failure(createHttpTransport({ fetch: fn }).invoke('cluster:info'))).kind).toBe('unreachable')
  })

  it('reports other errors as failed with the Status message', async () => {
    const { fn } = fakeFetch(() => Response.json({ kind: 'Status', message: 'boom' }, { status: 500 }))
    const err = await failure(createHttpTransport({ fetch: fn }).invoke('cluster:info'))
    expect(err.kind).toBe('failed')
    expect(err.message).toBe('cluster:info: boom')
  })
})
