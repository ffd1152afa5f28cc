// The OpenAPI documents for every kind in the registry (see schema/openapi.ts for their shape).
// Computed once per process and version: they only change when the code does.

import { groupVersions, RESOURCES } from './registry.ts'
import { buildOpenApiV2, buildOpenApiV3, buildOpenApiV3Index, groupVersionPath, type OpenApiInfo } from './schema/openapi.ts'

type Json = Record<string, unknown>

const cache = new Map<string, Json>()

function cached(key: string, build: () => Json): Json {
  let doc = cache.get(key)
  if (!doc) {
    doc = build()
    cache.set(key, doc)
  }
  return doc
}

/** GET /openapi/v2 (swagger 2.0). Treat the result as read-only: it is shared. */
export function openApiV2(info: OpenApiInfo): Json {
  return cached(`v2 ${info.version}`, () => buildOpenApiV2(RESOURCES, info))
}

/** GET /openapi/v3/api/v1, /openapi/v3/apis/apps/v1, …; undefined for a group-version not served. */
export function openApiV3(group: string, version: string, info: OpenApiInfo): Json | undefined {
  if (!groupVersions().some((gv) => gv.group === group && gv.version === version)) return undefined
  return cached(`v3 ${groupVersionPath(group, version)} ${info.version}`, () => buildOpenApiV3(RESOURCES, group, version, info))
}

/** GET /openapi/v3: each group-version's document path with a content hash. */
export function openApiV3Index(info: OpenApiInfo): Json {
  return cached(`v3 index ${info.version}`, () => buildOpenApiV3Index(RESOURCES, info))
}

export type { OpenApiInfo }
