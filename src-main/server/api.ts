// Coxswain's own HTTP API under /api/coxswain/v1/ (the Kubernetes API will get its own paths).
// Callers reaching this are already authenticated.

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ClusterKeyInfo } from '../api/cluster-info.ts'
import type { ControlPlane } from '../controlplane.ts'
import { sendJson, sendStatus } from './respond.ts'
import { failureStatus } from './status.ts'

export const API_PREFIX = '/api/coxswain/v1/'

type Route = (cp: ControlPlane) => unknown

/** Resource -> method -> handler. */
const routes: Record<string, Record<string, Route>> = {
  info: { GET: (cp) => cp.info() },
  // Every cluster DNS name with its target (src-main/network/dns), for the dashboard and scripts.
  dns: { GET: (cp) => ({ items: cp.dnsEntries() }) },
  // The cluster key's public half and its install command, for the dashboard's Add-node view.
  'cluster-key': {
    GET: (cp) => {
      const { publicKeyLine, fingerprint, installCommand } = cp.clusterPublicKey
      return { publicKeyLine, fingerprint, installCommand } satisfies ClusterKeyInfo
    },
  },
}

export function createApiHandler(cp: ControlPlane): (req: IncomingMessage, res: ServerResponse, resource: string) => void {
  return (req, res, resource) => {
    const methods = Object.hasOwn(routes, resource) ? routes[resource] : undefined
    if (!methods) {
      sendStatus(res, failureStatus('NotFound', `the server could not find the requested resource "${resource}"`))
      return
    }
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET')
    const handler = Object.hasOwn(methods, method) ? methods[method] : undefined
    if (!handler) {
      const allowed = Object.keys(methods).join(', ')
      sendStatus(res, failureStatus('MethodNotAllowed', `${req.method} is not supported on "${resource}"; use ${allowed}`), {
        Allow: allowed,
      })
      return
    }
    sendJson(res, 200, handler(cp))
  }
}
