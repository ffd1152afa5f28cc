// ConfigMaps and Secrets a pod refers to, read through the API server when the pod's containers
// are made: the values of env valueFrom / envFrom, and the objects behind configMap and secret
// volumes. One lookup per object per sync (a memo), missing objects as undefined.

import type { ConfigMap, Secret } from '../../api/types/core.ts'
import type { Container } from '../../api/types/pod.ts'
import { ApiError } from '../../apiserver/errors.ts'
import type { ApiServerVerbs, RequestContext } from '../../apiserver/types.ts'
import type { EnvSources } from '../pods/env.ts'

export class ConfigLookup {
  readonly #api: ApiServerVerbs
  readonly #ctx: RequestContext
  readonly #namespace: string
  readonly #memo = new Map<string, Promise<ConfigMap | Secret | undefined>>()

  constructor(api: ApiServerVerbs, ctx: RequestContext, namespace: string) {
    this.#api = api
    this.#ctx = ctx
    this.#namespace = namespace
  }

  configMap(name: string | undefined): Promise<ConfigMap | undefined> {
    return this.#get('configmaps', name) as Promise<ConfigMap | undefined>
  }

  secret(name: string | undefined): Promise<Secret | undefined> {
    return this.#get('secrets', name) as Promise<Secret | undefined>
  }

  #get(resource: 'configmaps' | 'secrets', name: string | undefined): Promise<ConfigMap | Secret | undefined> {
    if (!name) return Promise.resolve(undefined)
    const key = `${resource}/${name}`
    let found = this.#memo.get(key)
    if (!found) {
      found = this.#api.get({ group: '', version: 'v1', resource, namespace: this.#namespace, name }, this.#ctx).then(
        (obj) => obj as ConfigMap | Secret,
        (err: unknown) => {
          if (err instanceof ApiError && err.code === 404) return undefined
          throw err
        },
      )
      this.#memo.set(key, found)
    }
    return found
  }
}

const decodeSecret = (data: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))

/** The ConfigMap and Secret values `container`'s env and envFrom need (missing ones left out). */
export async function envSources(lookup: ConfigLookup, container: Container): Promise<EnvSources> {
  const keyRefs: Record<string, string> = {}
  for (const env of container.env ?? []) {
    const cmRef = env.valueFrom?.configMapKeyRef
    const secretRef = env.valueFrom?.secretKeyRef
    if (cmRef) {
      const value = (await lookup.configMap(cmRef.name))?.data?.[cmRef.key]
      if (value !== undefined) keyRefs[env.name] = value
    } else if (secretRef) {
      const secret = await lookup.secret(secretRef.name)
      const raw = secret?.data?.[secretRef.key]
      if (raw !== undefined) keyRefs[env.name] = Buffer.from(raw, 'base64').toString('utf8')
    }
  }
  const envFrom: (Record<string, string> | null)[] = []
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) envFrom.push((await lookup.configMap(source.configMapRef.name))?.data ?? null)
    else if (source.secretRef) {
      const secret = await lookup.secret(source.secretRef.name)
      envFrom.push(secret ? decodeSecret(secret.data) : null)
    } else envFrom.push(null)
  }
  return { keyRefs, envFrom }
}
