// GET /api/coxswain/v1/schedulingexplanations/NAMESPACE/POD: the scheduler's debug view for one
// pod (src-main/scheduler/explain.ts, described in src-main/scheduler/README.md). Read-only, so
// read-only users may ask too.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { toApiError } from '../apiserver/errors.ts'
import { failure } from '../apiserver/rest/errors.ts'
import { sendStatus } from '../apiserver/rest/respond.ts'
import type { ApiServerVerbs, UserInfo } from '../apiserver/types.ts'
import { explainPod } from '../scheduler/explain.ts'
import { sendJson } from './respond.ts'

export const SCHEDULING_EXPLANATIONS_PATH = '/api/coxswain/v1/schedulingexplanations/'

export async function handleSchedulingExplanation(req: IncomingMessage, res: ServerResponse, api: ApiServerVerbs | undefined, path: string, user: UserInfo): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendStatus(res, failure('MethodNotAllowed', `${req.method ?? ''} is not supported on schedulingexplanations; use GET`), { Allow: 'GET' })
    return
  }
  const parts = path.slice(SCHEDULING_EXPLANATIONS_PATH.length).split('/').map(decodeURIComponent)
  const [namespace, name] = parts
  if (parts.length !== 2 || !namespace || !name) {
    sendStatus(res, failure('NotFound', `expected ${SCHEDULING_EXPLANATIONS_PATH}NAMESPACE/POD, got "${path}"`))
    return
  }
  if (!api) {
    sendStatus(res, failure('ServiceUnavailable', 'the control plane is not running'))
    return
  }
  try {
    sendJson(res, 200, await explainPod(api, namespace, name, { user }))
  } catch (err) {
    sendStatus(res, toApiError(err).status)
  }
}
