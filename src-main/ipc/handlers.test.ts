import { describe, expect, it } from 'vitest'
import { invalid, notFound } from '../apiserver/errors.ts'
import { eventually, makeConfigMap, newTestServer, settle } from '../apiserver/testing.ts'
import type { ApiServerVerbs } from '../apiserver/types.ts'
import type { ClusterInfo } from '../api/cluster-info.ts'
import { HostKeyChangedError, HostKeyUnknownError } from '../nodeagent/ssh/host-key-policy.ts'
import { MachineUnreachableError, PasswordRefusedError } from '../nodeagent/ssh/install-key.ts'
import { createLogger } from '../util/log.ts'
import { IPC_CHANNELS, type IpcChannel, type IpcError } from './contract.ts'
import { DESKTOP_USER, createIpcHandlers, dispatch, type IpcControlPlane } from './handlers.ts'
import { FakeSender, configMap, recordingApi } from './testing.ts'
import { WatchRegistry } from './watch-registry.ts'

const quiet = createLogger({}, () => {}, 'error')
const info: ClusterInfo = { clusterName: 'coxswain', version: '0.1.0', startedAt: null, nodes: [] }
const cms = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' }
const settings = { ...cms, name: 'settings' }
const desktop = { user: { ...DESKTOP_USER } }

function setup(api: ApiServerVerbs = recordingApi().api, infoFn: () => ClusterInfo = () => info) {
  const controlPlane: IpcControlPlane = { info: infoFn, api }
  const watches = new WatchRegistry({ log: quiet })
  const handlers = createIpcHandlers({ controlPlane, watches })
  const sender = new FakeSender()
  // What crosses IPC is a structured clone, both ways.
  const call = async (channel: IpcChannel, request?: unknown) => structuredClone(await dispatch(handlers, channel, structuredClone(request), { sender }))
  return { handlers, watches, sender, call }
}

async function failure(reply: Promise<unknown>): Promise<IpcError> {
  const result = (await reply) as { ok: boolean; error?: IpcError }
  expect(result.ok).toBe(false)
  return result.error as IpcError
}

describe('IPC handlers', () => {
  it('has a handler for every channel of the contract', () => {
    expect(Object.keys(setup().handlers).sort()).toEqual([...IPC_CHANNELS].sort())
  })

  it('answers cluster:public-key with the key, and 503 before the control plane has one', async () => {
    const key = { publicKeyLine: 'ssh-ed25519 AAAA coxswain@c', fingerprint: 'SHA256:x', installCommand: "echo 'k' >> ~/.ssh/authorized_keys" }
    const watches = new WatchRegistry({ log: quiet })
    const withKey = createIpcHandlers({ controlPlane: { info: () => info, api: recordingApi().api, clusterPublicKey: key }, watches })
    await expect(dispatch(withKey, 'cluster:public-key', undefined, { sender: new FakeSender() })).resolves.toEqual({ ok: true, result: key })
    const error = await failure(setup().call('cluster:public-key'))
    expect(error).toMatchObject({ reason: 'ServiceUnavailable', status: { code: 503 } })
  })

  describe('cluster:install-key', () => {
    const PASSWORD = 'never-in-an-answer-1'
    const request = { host: '10.0.0.5', user: 'root', password: PASSWORD, trustOnFirstUse: true }
    const withInstaller = (install: NonNullable<IpcControlPlane['installClusterKey']>) => {
      const calls: unknown[] = []
      const handlers = createIpcHandlers({
        controlPlane: { info: () => info, api: recordingApi().api, installClusterKey: async (options) => (calls.push(options), install(options)) },
        watches: new WatchRegistry({ log: quiet }),
      })
      const call = async (raw: unknown) => structuredClone(await dispatch(handlers, 'cluster:install-key', structuredClone(raw), { sender: new FakeSender() }))
      return { calls, call }
    }

    it('hands the checked request to the control plane and answers what it installed', async () => {
      const { calls, call } = withInstaller(async () => ({ hostKeyFingerprint: 'SHA256:abc' }))
      await expect(call({ ...request, host: ' 10.0.0.5 ' })).resolves.toEqual({ ok: true, result: { installed: true, hostPort: '10.0.0.5:22', hostKeyFingerprint: 'SHA256:abc' } })
      expect(calls).toEqual([{ host: '10.0.0.5', port: 22, user: 'root', password: PASSWORD, trustOnFirstUse: true }])
    })

    it('answers an unknown host key with the fingerprint it presented, for the user to confirm', async () => {
      const { call } = withInstaller(async () => {
        throw new HostKeyUnknownError('10.0.0.5:22', 'SHA256:presented')
      })
      await expect(call({ host: '10.0.0.5', user: 'root', password: PASSWORD })).resolves.toMatchObject({
        ok: true,
        result: { installed: false, hostPort: '10.0.0.5:22', presentedFingerprint: 'SHA256:presented' },
      })
    })

    it.each([
      ['a refused password', new PasswordRefusedError('log in as root@10.0.0.5:22 with the password failed: wrong password'), 'Forbidden', 403],
      ['a changed host key', new HostKeyChangedError('10.0.0.5:22', 'SHA256:old', 'SHA256:new', '/data/known_hosts'), 'Conflict', 409],
      ['an unreachable machine', new MachineUnreachableError('cannot reach root@10.0.0.5:22: no route to the host'), 'InternalError', 500],
    ])('says %s in plain words, without the password', async (_, thrown, reason, code) => {
      const { call } = withInstaller(async () => {
        throw thrown
      })
      const error = await failure(call(request))
      expect(error).toMatchObject({ message: thrown.message, reason, status: { code } })
      expect(JSON.stringify(error)).not.toContain(PASSWORD)
    })

    it('refuses a wrong field with a 400 naming it, before calling the control plane', async () => {
      const { calls, call } = withInstaller(async () => ({ hostKeyFingerprint: 'SHA256:abc' }))
      const error = await failure(call({ ...request, port: 'ssh' }))
      expect(error).toMatchObject({ reason: 'BadRequest', status: { code: 400, details: { causes: [{ field: 'port' }] } } })
      expect(error.message).toMatch(/^cluster:install-key: invalid request: port: must be a whole number/)
      expect(calls).toEqual([])
    })

    it('answers 503 when the control plane cannot install keys', async () => {
      const error = await failure(setup().call('cluster:install-key', request))
      expect(error).toMatchObject({ reason: 'ServiceUnavailable', status: { code: 503 } })
    })
  })

  it('answers cluster:info with ok and the control plane info', async () => {
    await expect(setup().call('cluster:info')).resolves.toEqual({ ok: true, result: info })
  })

  it('turns a plain failure into a 500 Status with the message', async () => {
    const { call } = setup(undefined, () => {
      throw new Error('control plane not started: cluster name unknown until start()')
    })
    const error = await failure(call('cluster:info'))
    expect(error).toMatchObject({ reason: 'InternalError', status: { kind: 'Status', code: 500, reason: 'InternalError' } })
    expect(error.message).toMatch(/not started/)
  })

  it('rejects a request a channel does not take, with a 400 Status', async () => {
    const error = await failure(setup().call('cluster:info', { evil: true }))
    expect(error).toMatchObject({ message: 'cluster:info: invalid request: this channel takes no request', reason: 'BadRequest', status: { code: 400 } })
  })

  describe('api verbs', () => {
    const body = configMap('settings')
    const written = { object: configMap('settings', { uid: 'u1', resourceVersion: '5' }), warnings: [], created: true }
    const cases: [IpcChannel, unknown, keyof ApiServerVerbs, unknown[]][] = [
      ['api:create', { ref: cms, body }, 'create', [cms, body, desktop]],
      ['api:get', { ref: settings }, 'get', [settings, desktop]],
      ['api:list', { ref: cms, options: { labelSelector: 'app=web' } }, 'list', [cms, { labelSelector: 'app=web' }, desktop]],
      ['api:list', { ref: cms }, 'list', [cms, {}, desktop]],
      ['api:update', { ref: settings, body }, 'update', [settings, body, desktop]],
      [
        'api:patch',
        { ref: settings, patchType: 'application/strategic-merge-patch+json', patch: { data: { a: '1' } } },
        'patch',
        [settings, 'application/strategic-merge-patch+json', { data: { a: '1' } }, desktop],
      ],
      ['api:delete', { ref: settings, options: { propagationPolicy: 'Background' } }, 'delete', [settings, { propagationPolicy: 'Background' }, desktop]],
      ['api:deleteCollection', { ref: cms, listOptions: { labelSelector: 'a=b' } }, 'deleteCollection', [cms, { labelSelector: 'a=b' }, {}, desktop]],
    ]

    it.each(cases)('%s calls %s for the desktop user and answers with its result', async (channel, request, verb, args) => {
      const { api, calls } = recordingApi({ [verb]: written })
      const reply = await setup(api).call(channel, request)
      expect(reply).toEqual({ ok: true, result: written })
      expect(calls).toEqual([{ verb, args }])
    })

    it('passes write options on in the request context, never a user from the renderer', async () => {
      const { api, calls } = recordingApi({ create: written })
      await setup(api).call('api:create', { ref: cms, body, options: { dryRun: true, fieldValidation: 'Strict', fieldManager: 'dashboard' } })
      expect(calls[0]?.args[2]).toEqual({ user: { name: 'coxswain:desktop', readOnly: false }, dryRun: true, fieldValidation: 'Strict', fieldManager: 'dashboard' })
    })

    it("makes a delete a dry run when its options say dryRun: ['All']", async () => {
      const { api, calls } = recordingApi({ delete: { code: 200 } })
      await setup(api).call('api:delete', { ref: settings, options: { dryRun: ['All'] } })
      expect(calls[0]?.args).toEqual([settings, { dryRun: ['All'] }, { ...desktop, dryRun: true }])
    })

    it('answers with the Status of an ApiError, causes and all', async () => {
      const refusal = invalid({ group: '', kind: 'ConfigMap' }, 'Bad_Name', [
        { type: 'FieldValueInvalid', field: 'metadata.name', message: 'Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters', badValue: 'Bad_Name' },
      ])
      const { api } = recordingApi({
        create: () => {
          throw refusal
        },
      })
      const error = await failure(setup(api).call('api:create', { ref: cms, body }))
      expect(error.status).toEqual(refusal.status)
      expect(error).toMatchObject({ reason: 'Invalid', message: refusal.status.message })
      expect(error.status?.details?.causes?.[0]).toMatchObject({ field: 'metadata.name' })
    })

    it('answers NotFound as 404', async () => {
      const { api } = recordingApi({
        get: () => {
          throw notFound({ group: '', resource: 'configmaps' }, 'settings')
        },
      })
      const error = await failure(setup(api).call('api:get', { ref: settings }))
      expect(error).toMatchObject({ message: 'configmaps "settings" not found', reason: 'NotFound', status: { code: 404 } })
    })

    it.each([
      ['api:get', { ref: { ...settings, name: 'a/b' } }, 'ref.name'],
      ['api:list', { ref: { ...cms, namespace: 'Not A Label' } }, 'ref.namespace'],
      ['api:create', { ref: cms, body: { metadata: new Map() } }, 'body.metadata'],
      ['api:patch', { ref: settings, patchType: 'text/plain', patch: {} }, 'patchType'],
      ['api:watch', { ref: cms, options: { timeoutSeconds: 'soon' } }, 'options.timeoutSeconds'],
      ['api:delete', undefined, ''],
    ] as [IpcChannel, unknown, string][])('%s refuses a bad request with a 400 naming the field, without calling the API', async (channel, request, field) => {
      const { api, calls } = recordingApi()
      const error = await failure(setup(api).call(channel, request))
      expect(error).toMatchObject({ reason: 'BadRequest', status: { code: 400, reason: 'BadRequest' } })
      expect(error.message).toMatch(new RegExp(`^${channel}: invalid request: `))
      if (field) expect(error.status?.details?.causes?.[0]?.field).toBe(field)
      expect(calls).toEqual([])
    })
  })

  describe('api:watch and api:unwatch', () => {
    it('opens a watch for the desktop user, pushes its events to the caller, and stops it on unwatch', async () => {
      const rec = recordingApi()
      const { call, sender, watches } = setup(rec.api)
      const reply = (await call('api:watch', { ref: cms, options: { resourceVersion: '10' } })) as { ok: true; result: { id: string } }
      expect(reply.ok).toBe(true)
      const { id } = reply.result
      expect(rec.calls).toEqual([{ verb: 'watch', args: [cms, { resourceVersion: '10' }, desktop] }])

      rec.watches[0]?.emit({ type: 'ADDED', object: configMap('a') })
      await eventually(() => sender.pushes().length === 1, 'the event push')
      expect(sender.pushes()).toEqual([{ id, kind: 'event', event: { type: 'ADDED', object: configMap('a') } }])

      await expect(call('api:unwatch', { id })).resolves.toEqual({ ok: true, result: undefined })
      expect(rec.watches[0]?.stopped).toBe(true)
      expect(watches.count()).toBe(0)
      // Idempotent.
      await expect(call('api:unwatch', { id })).resolves.toEqual({ ok: true, result: undefined })
    })

    it('answers a watch the API refuses with its Status', async () => {
      const { api } = recordingApi({
        watch: () => {
          throw notFound({ group: '', resource: 'widgets' }, '')
        },
      })
      const error = await failure(setup(api).call('api:watch', { ref: { ...cms, resource: 'widgets' } }))
      expect(error.status).toMatchObject({ code: 404, reason: 'NotFound' })
    })
  })

  describe('against the real API server', () => {
    async function real() {
      const { api } = await newTestServer()
      return setup(api)
    }

    it('creates a ConfigMap, gets it back, and sees it through a watch', async () => {
      const { call, sender } = await real()
      const list = (await call('api:list', { ref: cms })) as { ok: true; result: { metadata: { resourceVersion: string } } }
      const started = (await call('api:watch', { ref: cms, options: { resourceVersion: list.result.metadata.resourceVersion } })) as { ok: true; result: { id: string } }

      const created = await call('api:create', { ref: cms, body: makeConfigMap('settings').withData({ mode: 'fast' }).obj() })
      expect(created).toMatchObject({ ok: true, result: { created: true, object: { kind: 'ConfigMap', metadata: { name: 'settings', uid: expect.any(String) }, data: { mode: 'fast' } } } })
      await expect(call('api:get', { ref: settings })).resolves.toMatchObject({ ok: true, result: { data: { mode: 'fast' } } })

      await eventually(() => sender.pushes().length >= 1, 'the ADDED push')
      expect(sender.pushes()[0]).toMatchObject({ id: started.result.id, kind: 'event', event: { type: 'ADDED', object: { metadata: { name: 'settings' } } } })
    })

    it('answers an invalid ConfigMap with 422 and a field cause, as the REST door would', async () => {
      const { call } = await real()
      const error = await failure(call('api:create', { ref: cms, body: makeConfigMap('Bad_Name').obj() }))
      expect(error.status).toMatchObject({ kind: 'Status', code: 422, reason: 'Invalid' })
      expect(error.message).toMatch(/ConfigMap "Bad_Name" is invalid: metadata\.name/)
      expect(error.status?.details?.causes).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'metadata.name' })]))
      await settle()
    })
  })
})
