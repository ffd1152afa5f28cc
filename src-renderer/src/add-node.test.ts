import { describe, expect, it } from 'vitest'
import type { Machine } from '../../src-main/api/types/coxswain.ts'
import { INSTALL_KEY_FIELD_OF, describeMachine, emptyForm, fieldErrors, installKeyRequest, machineFromForm, nameFromAddress, nodeRows } from './add-node.ts'
import { ApiError } from './transport/api-error.ts'

const presented = 'SHA256:V5XqX/YJR246rKydSvRbU4gAUv+gUKkFDW5DtynjZps'
const expected = 'SHA256:L6FvF91WYwvlvTsNnxoomxVv6g/N2zKnl7G+E0GRIvY'

describe('add node', () => {
  it('derives a name from the address', () => {
    expect(nameFromAddress('192.168.1.21')).toBe('192-168-1-21')
    expect(nameFromAddress('Pi.LAN')).toBe('pi')
    expect(nameFromAddress('[fe80::1]')).toBe('fe80-1')
    expect(nameFromAddress('')).toBe('')
  })

  it('builds the Machine from the form', () => {
    const form = { ...emptyForm(), address: ' 10.0.0.5 ', auth: 'KeyFile' as const, keyPath: '/k', hostKeyFingerprint: presented }
    expect(machineFromForm(form)).toEqual({
      apiVersion: 'coxswain.dev/v1alpha1',
      kind: 'Machine',
      metadata: { name: '10-0-0-5' },
      spec: { address: '10.0.0.5', port: 22, user: 'root', auth: { type: 'KeyFile', path: '/k' }, hostKeyFingerprint: presented },
    })
    const tofu = machineFromForm({ ...emptyForm(), address: 'pi.lan', name: 'pi-1', trustOnFirstUse: true, hostKeyFingerprint: 'ignored' })
    expect(tofu.metadata.name).toBe('pi-1')
    expect(tofu.spec).toEqual({ address: 'pi.lan', port: 22, user: 'root', auth: { type: 'ClusterKey' }, trustOnFirstUse: true })
  })

  it('maps a 422\'s causes to the form fields', () => {
    const error = new ApiError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message: 'Machine "x" is invalid',
      details: { causes: [{ field: 'spec.hostKeyFingerprint', message: 'Required value' }, { field: 'spec.auth.path', message: 'must be an absolute path' }, { field: 'spec.other', message: 'odd' }] },
    })
    expect(fieldErrors(error)).toEqual({ fields: { hostKeyFingerprint: 'Required value', keyPath: 'must be an absolute path' }, other: ['spec.other: odd'] })
  })

  it.each([
    ['nothing vouched: the answer will be the presented key', {}, undefined, { host: '10.0.0.5', port: 22, user: 'root', password: 'pw' }],
    ['the form\'s fingerprint', { hostKeyFingerprint: ` ${expected} ` }, undefined, { host: '10.0.0.5', port: 22, user: 'root', password: 'pw', hostKeyFingerprint: expected }],
    ['trust on first use', { trustOnFirstUse: true, hostKeyFingerprint: expected }, undefined, { host: '10.0.0.5', port: 22, user: 'root', password: 'pw', trustOnFirstUse: true }],
    ['a just-confirmed key over the form\'s choice', { trustOnFirstUse: true }, presented, { host: '10.0.0.5', port: 22, user: 'root', password: 'pw', hostKeyFingerprint: presented }],
    ['no port: the server\'s default', { port: ' ' }, undefined, { host: '10.0.0.5', user: 'root', password: 'pw' }],
    ['a non-numeric port, passed on for the server to name', { port: 'ssh' }, undefined, { host: '10.0.0.5', port: 'ssh', user: 'root', password: 'pw' }],
  ])('builds the install-key request: %s', (_, overrides, confirmed, request) => {
    expect(installKeyRequest({ ...emptyForm(), address: ' 10.0.0.5 ', ...overrides }, 'pw', confirmed)).toEqual(request)
  })

  it('maps an install-key refusal\'s field onto the form, the password included', () => {
    const error = new ApiError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      code: 400,
      reason: 'BadRequest',
      message: 'install-key: invalid request: host: must be a host name',
      details: { causes: [{ field: 'host', message: 'must be a host name' }, { field: 'password', message: 'Required value' }, { field: 'spec.address', message: 'not ours' }] },
    })
    expect(fieldErrors(error, INSTALL_KEY_FIELD_OF)).toEqual({ fields: { address: 'must be a host name', password: 'Required value' }, other: ['spec.address: not ours'] })
  })

  it('describes the Machine as it connects, is refused or connects', () => {
    const base: Machine = { metadata: { name: 'n', generation: 1 }, spec: { address: 'a', user: 'root', hostKeyFingerprint: expected } }
    expect(describeMachine(base).state).toBe('Connecting')
    const refused = describeMachine({ ...base, status: { phase: 'Refused', reason: 'HostKeyMismatch', message: 'does not match', hostKeyFingerprint: presented, observedGeneration: 1 } })
    expect(refused).toMatchObject({ state: 'Refused', hostKey: { presented, expected }, detail: 'does not match' })
    // After "Trust this key", the old refusal is not the answer.
    expect(describeMachine({ ...base, metadata: { name: 'n', generation: 2 }, status: { phase: 'Refused', observedGeneration: 1 } }).state).toBe('Connecting')
    const connected = describeMachine({ ...base, status: { phase: 'Connected', privilege: 'root', dockerVersion: '20.10', observedGeneration: 1 } })
    expect(connected).toMatchObject({ state: 'Connected', privilege: 'root', dockerVersion: '20.10' })
    expect(describeMachine({ ...base, status: { phase: 'Unreachable', message: 'connect EHOSTUNREACH' } })).toMatchObject({ state: 'Unreachable', detail: 'connect EHOSTUNREACH' })
  })

  it('lists connections, machines being added and registered nodes together', () => {
    const rows = nodeRows(
      [{ name: 'b', state: 'connected', since: 't' }],
      [{ metadata: { name: 'a' }, status: { phase: 'Refused', message: 'no' } }, { metadata: { name: 'b' } }],
      [{ metadata: { name: 'b' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }],
    )
    expect(rows).toEqual([
      { name: 'a', state: 'unreachable', since: '', detail: 'Refused: no' },
      { name: 'b', state: 'connected', since: 't', ready: 'True' },
    ])
  })
})
