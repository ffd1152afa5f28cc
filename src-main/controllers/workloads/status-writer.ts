// Writing a controller's status subresource from a cached object: one PUT with the cached
// resourceVersion; on a conflict (someone wrote the object meanwhile) one fresh read and retry,
// as client-go's status updaters do. NotFound means the object is gone: nothing to write.

import type { KubeObject } from '../../api/index.ts'
import { ApiError } from '../../apiserver/errors.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from '../../apiserver/types.ts'

export const isApiCode = (err: unknown, code: number): boolean => err instanceof ApiError && err.code === code

export async function writeStatus<T extends KubeObject & { status?: unknown }>(api: ApiServerVerbs, ctx: RequestContext, ref: ResourceRef, cached: T, status: T['status']): Promise<T | undefined> {
  const body = { ...structuredClone(cached), status }
  try {
    return (await api.update({ ...ref, subresource: 'status' }, body, ctx)).object as T
  } catch (err) {
    if (isApiCode(err, 404)) return undefined
    if (!isApiCode(err, 409)) throw err
  }
  try {
    const fresh = (await api.get(ref, ctx)) as T
    if (fresh.metadata.uid !== cached.metadata.uid) return undefined
    return (await api.update({ ...ref, subresource: 'status' }, { ...fresh, status }, ctx)).object as T
  } catch (err) {
    if (isApiCode(err, 404)) return undefined
    throw err
  }
}
