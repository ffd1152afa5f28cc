// Machine validation. A machine's name becomes its Node's name and the node's
// kubernetes.io/hostname label, so it must be a DNS subdomain of at most 63 characters.

import type { Machine, MachineSpec } from '../types/coxswain.ts'
import { child, forbidden, invalid, notSupported, required, type FieldError } from './errors.ts'
import { validateImmutable, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts'
import { DNS1123_LABEL_MAX, isDNS1123Subdomain, isIP, isValidPortNum, maxLenError, nameIsDNSSubdomain, type NameValidator } from './names.ts'

const AUTH_TYPES = ['ClusterKey', 'Agent', 'KeyFile'] as const
/** `SHA256:` and 43 characters of unpadded base64, as OpenSSH prints fingerprints. */
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/
/** POSIX portable user names, plus the '$' Samba machine accounts end with. */
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/
const MAX_USER_LENGTH = 256
const LOCAL_ONLY = 'must not be set for a local machine (local: true uses this machine\'s Docker socket, without SSH)'

const machineName: NameValidator = (name, prefix) => {
  const errs = nameIsDNSSubdomain(name, prefix)
  if (!prefix && name.length > DNS1123_LABEL_MAX) errs.push(maxLenError(DNS1123_LABEL_MAX))
  return errs
}

function validateSsh(spec: MachineSpec, path: string): FieldError[] {
  const errs: FieldError[] = []
  const address = spec.address ?? ''
  if (!address) errs.push(required(child(path, 'address'), 'the host name or IP address of the machine'))
  else if (!isIP(address) && isDNS1123Subdomain(address.toLowerCase()).length) {
    errs.push(invalid(child(path, 'address'), address, 'must be an IP address or a host name'))
  }
  if (spec.port !== undefined) errs.push(...isValidPortNum(spec.port).map((m) => invalid(child(path, 'port'), spec.port, m)))
  const user = spec.user ?? ''
  if (!user) errs.push(required(child(path, 'user')))
  else if (user.length > MAX_USER_LENGTH || !USER_NAME.test(user)) {
    errs.push(invalid(child(path, 'user'), user, "must be a user name: letters, digits, '_', '.' and '-', not starting with '.' or '-'"))
  }
  const auth = spec.auth
  if (auth) {
    const authPath = child(path, 'auth')
    if (!AUTH_TYPES.includes(auth.type)) errs.push(notSupported(child(authPath, 'type'), auth.type, AUTH_TYPES))
    if (auth.type === 'KeyFile') {
      if (!auth.path) errs.push(required(child(authPath, 'path'), 'the private key file for KeyFile authentication'))
      else if (!auth.path.startsWith('/')) errs.push(invalid(child(authPath, 'path'), auth.path, 'must be an absolute path'))
    } else if (auth.path !== undefined) {
      errs.push(forbidden(child(authPath, 'path'), 'may only be set when type is KeyFile'))
    }
  }
  const fingerprint = spec.hostKeyFingerprint
  if (fingerprint === undefined || fingerprint === '') {
    if (!spec.trustOnFirstUse) {
      errs.push(required(child(path, 'hostKeyFingerprint'), 'the fingerprint of the machine\'s host key (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the machine), unless trustOnFirstUse is true'))
    }
  } else if (!FINGERPRINT.test(fingerprint)) {
    errs.push(invalid(child(path, 'hostKeyFingerprint'), fingerprint, 'must be an OpenSSH SHA256 fingerprint: "SHA256:" followed by 43 base64 characters'))
  }
  return errs
}

function validateLocal(spec: MachineSpec, path: string): FieldError[] {
  const errs: FieldError[] = []
  for (const field of ['address', 'port', 'user', 'auth', 'hostKeyFingerprint', 'trustOnFirstUse'] as const) {
    if (spec[field] !== undefined) errs.push(forbidden(child(path, field), LOCAL_ONLY))
  }
  return errs
}

export function validateMachine(machine: Machine): FieldError[] {
  const errs = validateObjectMeta(machine.metadata, { namespaced: false, name: machineName })
  const spec = machine.spec ?? {}
  errs.push(...(spec.local ? validateLocal(spec, 'spec') : validateSsh(spec, 'spec')))
  const socket = spec.dockerSocket
  if (socket !== undefined && !socket.startsWith('/')) errs.push(invalid('spec.dockerSocket', socket, 'must be an absolute path'))
  return errs
}

export function validateMachineUpdate(next: Machine, old: Machine): FieldError[] {
  return [
    ...validateObjectMetaUpdate(next.metadata, old.metadata),
    ...validateImmutable(next.spec?.local ?? false, old.spec?.local ?? false, 'spec.local'),
    ...validateMachine(next).filter((e) => !e.field.startsWith('metadata')),
  ]
}
