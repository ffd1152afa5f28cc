// The Add-node view's pure parts, tested on their own: the form -> a coxswain.dev/v1alpha1 Machine,
// a 422's field causes -> the form's fields, and a Machine's status -> what the view says.

import type { NodeConnection, NodeConnectionState } from '../../src-main/api/cluster-info.ts'
import type { Node } from '../../src-main/api/types/core.ts'
import type { InstallKeyRequest } from '../../src-main/api/install-key.ts'
import type { Machine, MachineAuthType } from '../../src-main/api/types/coxswain.ts'
import type { Tone } from './connection.ts'
import type { ApiError, ResourceRef } from './transport/index.ts'

export const MACHINES: ResourceRef = { group: 'coxswain.dev', version: 'v1alpha1', resource: 'machines' }
export const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' }

export interface AddNodeForm {
  address: string
  port: string
  user: string
  /** Empty: derived from the address. */
  name: string
  auth: Extract<MachineAuthType, 'ClusterKey' | 'KeyFile'>
  keyPath: string
  hostKeyFingerprint: string
  trustOnFirstUse: boolean
}

export function emptyForm(): AddNodeForm {
  return { address: '', port: '22', user: 'root', name: '', auth: 'ClusterKey', keyPath: '', hostKeyFingerprint: '', trustOnFirstUse: false }
}

/**
 * A Machine name (a DNS label, at most 63 characters) from an address: a host name's first label
 * (`pi.lan` -> `pi`), an IP address with its dots and colons as dashes (`192.168.1.21` -> `192-168-1-21`).
 */
export function nameFromAddress(address: string): string {
  const host = address.trim().toLowerCase().replace(/^\[|\]$/g, '')
  const isIp = /^[\d.]+$/.test(host) || host.includes(':')
  const base = isIp ? host : (host.split('.')[0] ?? '')
  return base
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '')
}

/** The Machine the form describes; fields left empty are left out, for the API server to judge. */
export function machineFromForm(form: AddNodeForm): Machine {
  const address = form.address.trim()
  const name = form.name.trim() || nameFromAddress(address)
  const spec: NonNullable<Machine['spec']> = { address, user: form.user.trim() }
  const port = form.port.trim()
  if (port !== '') spec.port = /^\d+$/.test(port) ? Number(port) : (port as unknown as number)
  spec.auth = form.auth === 'KeyFile' ? { type: 'KeyFile', path: form.keyPath.trim() } : { type: 'ClusterKey' }
  if (form.trustOnFirstUse) spec.trustOnFirstUse = true
  else if (form.hostKeyFingerprint.trim() !== '') spec.hostKeyFingerprint = form.hostKeyFingerprint.trim()
  return { apiVersion: 'coxswain.dev/v1alpha1', kind: 'Machine', metadata: { name }, spec }
}

/** Which form field a Status cause's `field` belongs to. */
const FIELD_OF: Record<string, keyof AddNodeForm> = {
  'metadata.name': 'name',
  'spec.address': 'address',
  'spec.port': 'port',
  'spec.user': 'user',
  'spec.auth': 'auth',
  'spec.auth.type': 'auth',
  'spec.auth.path': 'keyPath',
  'spec.hostKeyFingerprint': 'hostKeyFingerprint',
  'spec.trustOnFirstUse': 'trustOnFirstUse',
}

/** Which form field an install-key refusal's `field` belongs to (the password is kept outside the form). */
export const INSTALL_KEY_FIELD_OF: Record<string, FormField> = {
  host: 'address',
  port: 'port',
  user: 'user',
  password: 'password',
  hostKeyFingerprint: 'hostKeyFingerprint',
  trustOnFirstUse: 'trustOnFirstUse',
}

/** The form's fields and the password typed for the one-time login. */
export type FormField = keyof AddNodeForm | 'password'
export type FieldErrors = Partial<Record<FormField, string>>

/**
 * The one-time password login the form describes. `confirmedFingerprint` is the key the user just
 * confirmed; otherwise the form's fingerprint or trust on first use, or neither (the answer is then
 * the machine's fingerprint, for the user to confirm). Fields are passed as typed, for the server
 * to judge and name.
 */
export function installKeyRequest(form: AddNodeForm, password: string, confirmedFingerprint?: string): InstallKeyRequest {
  const request: InstallKeyRequest = { host: form.address.trim(), user: form.user.trim(), password }
  const port = form.port.trim()
  if (port !== '') request.port = /^\d+$/.test(port) ? Number(port) : (port as unknown as number)
  if (confirmedFingerprint) request.hostKeyFingerprint = confirmedFingerprint
  else if (form.trustOnFirstUse) request.trustOnFirstUse = true
  else if (form.hostKeyFingerprint.trim() !== '') request.hostKeyFingerprint = form.hostKeyFingerprint.trim()
  return request
}

/**
 * A 422's causes by form field, and what belongs to no field (shown above the form). The cause's
 * message is kept whole, as the API server words it.
 */
export function fieldErrors(error: ApiError, fieldOf: Record<string, FormField> = FIELD_OF): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {}
  const other: string[] = []
  for (const cause of error.causes) {
    const field = cause.field && Object.hasOwn(fieldOf, cause.field) ? fieldOf[cause.field] : undefined
    const message = cause.message ?? cause.reason ?? 'invalid'
    if (field) fields[field] = fields[field] ? `${fields[field]}; ${message}` : message
    else other.push(cause.field ? `${cause.field}: ${message}` : message)
  }
  if (error.causes.length === 0) other.push(error.message)
  return { fields, other }
}

/** What the view says about the Machine it created. */
export interface MachineView {
  state: 'Connecting' | 'Connected' | 'Refused' | 'Unreachable'
  tone: Tone
  /** One sentence, plain words. */
  headline: string
  /** The controller's message (what happened and what to do), if any. */
  detail?: string
  privilege?: string
  dockerVersion?: string
  /** A host key refusal: the key the machine presented and the one expected (pinned or in the spec). */
  hostKey?: { presented: string; expected?: string }
}

const PRIVILEGE_WORDS: Record<string, string> = {
  root: 'root',
  sudo: 'passwordless sudo',
  none: 'no root access (pod networking across nodes is unavailable)',
}

export function privilegeWords(privilege: string | undefined): string | undefined {
  return privilege ? (PRIVILEGE_WORDS[privilege] ?? privilege) : undefined
}

/** The fingerprints a host key refusal names, from the status or, failing that, its message. */
function refusedHostKey(machine: Machine): MachineView['hostKey'] {
  const status = machine.status ?? {}
  if (!status.reason?.startsWith('HostKey')) return undefined
  const message = status.message ?? ''
  const presented = status.hostKeyFingerprint ?? /presented (SHA256:[A-Za-z0-9+/=]+)/.exec(message)?.[1]
  if (!presented) return undefined
  const expected = machine.spec?.hostKeyFingerprint ?? /(?:expected|but) (SHA256:[A-Za-z0-9+/=]+)/.exec(message)?.[1]
  return expected && expected !== presented ? { presented, expected } : { presented }
}

export function describeMachine(machine: Machine): MachineView {
  const status = machine.status ?? {}
  // Status written for an older spec (before "Trust this key", say) is not the answer yet.
  const stale = status.observedGeneration !== undefined && machine.metadata.generation !== undefined && status.observedGeneration < machine.metadata.generation
  const phase = stale ? undefined : status.phase
  const detail = status.message || undefined
  switch (phase) {
    case 'Connected': {
      const view: MachineView = { state: 'Connected', tone: 'ok', headline: `Connected to ${machine.spec?.user ?? ''}@${machine.spec?.address ?? ''}`.replace(/^Connected to @$/, 'Connected') }
      const privilege = privilegeWords(status.privilege)
      if (privilege) view.privilege = privilege
      if (status.dockerVersion) view.dockerVersion = status.dockerVersion
      return view
    }
    case 'Refused': {
      const hostKey = refusedHostKey(machine)
      const headline =
        status.reason === 'AuthenticationFailed'
          ? 'The machine refused the login: install the cluster key for this user (the command above), then it is tried again within 30 s.'
          : hostKey
            ? 'The machine presented a host key that was not expected. Compare it with the machine\'s own before trusting it.'
            : 'The machine refused the connection.'
      const view: MachineView = { state: 'Refused', tone: 'error', headline }
      if (detail) view.detail = detail
      if (hostKey) view.hostKey = hostKey
      return view
    }
    case 'Unreachable': {
      const view: MachineView = { state: 'Unreachable', tone: 'error', headline: 'The machine cannot be reached; Coxswain keeps trying.' }
      if (detail) view.detail = detail
      return view
    }
    default:
      return { state: 'Connecting', tone: 'pending', headline: 'Connecting…' }
  }
}

/** One row of the Overview's node list. */
export interface NodeRow extends NodeConnection {
  /** The Node's Ready condition, once the node has registered. */
  ready?: 'True' | 'False' | 'Unknown'
}

const STATE_OF_PHASE: Record<string, NodeConnectionState> = { Connected: 'connected', Connecting: 'connecting', Unreachable: 'unreachable', Refused: 'unreachable' }

/**
 * The node list: the control plane's connections, every Machine (a node being added shows up at
 * once, with its phase) and every registered Node with its Ready condition; sorted by name.
 */
export function nodeRows(connections: readonly NodeConnection[], machines: readonly Machine[], nodes: readonly Node[]): NodeRow[] {
  const rows = new Map<string, NodeRow>()
  for (const c of connections) rows.set(c.name, { ...c })
  for (const m of machines) {
    const name = m.metadata.name ?? ''
    if (!name || rows.has(name)) continue
    const row: NodeRow = { name, state: STATE_OF_PHASE[m.status?.phase ?? 'Connecting'] ?? 'connecting', since: m.status?.conditions?.[0]?.lastTransitionTime ?? m.metadata.creationTimestamp ?? '' }
    const detail = m.status?.phase === 'Refused' ? `Refused: ${m.status.message ?? m.status.reason ?? ''}` : m.status?.message
    if (detail) row.detail = detail
    rows.set(name, row)
  }
  for (const n of nodes) {
    const name = n.metadata.name ?? ''
    if (!name) continue
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status
    const row = rows.get(name) ?? { name, state: 'connected', since: n.metadata.creationTimestamp ?? '' }
    if (ready === 'True' || ready === 'False' || ready === 'Unknown') row.ready = ready
    rows.set(name, row)
  }
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name))
}
