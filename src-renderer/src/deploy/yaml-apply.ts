// The YAML editor's pure parts: a multi-document text -> objects with where each starts, the API
// resource each object's apiVersion/kind names, and an error's field path -> the line it is on,
// so a refused field is marked where it was written.

import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml'
import { RESOURCES } from '../../../src-main/apiserver/resources.ts'
import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import type { ResourceRef } from '../transport/index.ts'

export interface ParsedDoc {
  /** 1-based position among the documents. */
  index: number
  /** 1-based line of the document's first content. */
  line: number
  object: KubeObject | null
  /** Syntax errors, or a document that is not an object with apiVersion, kind and metadata.name. */
  problems: { line: number; message: string }[]
  /** The parsed document, to find fields' lines in. */
  doc: Document.Parsed
}

export interface ParsedText {
  docs: ParsedDoc[]
  lineCounter: LineCounter
}

export function parseManifests(text: string): ParsedText {
  const lineCounter = new LineCounter()
  const all = parseAllDocuments(text, { lineCounter, prettyErrors: false })
  const parsed = Array.isArray(all) ? all : [all]
  const docs: ParsedDoc[] = []
  for (const doc of parsed) {
    const start = doc.contents?.range?.[0] ?? doc.range[0]
    const line = lineCounter.linePos(start).line
    const problems = doc.errors.map((e) => ({ line: lineCounter.linePos(e.pos[0]).line, message: e.message.split('\n')[0] ?? e.message }))
    const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)
    if (empty && problems.length === 0) continue // an empty document ("---" at the end)
    let object: KubeObject | null = null
    if (problems.length === 0) {
      const value: unknown = doc.toJS()
      const obj = value as Partial<KubeObject> | null
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) problems.push({ line, message: 'a document must be a mapping (an object), not a list or a scalar' })
      else if (typeof obj.apiVersion !== 'string' || !obj.apiVersion) problems.push({ line, message: 'apiVersion: Required value' })
      else if (typeof obj.kind !== 'string' || !obj.kind) problems.push({ line, message: 'kind: Required value' })
      else if (!obj.metadata || typeof obj.metadata.name !== 'string' || !obj.metadata.name) problems.push({ line, message: 'metadata.name: Required value' })
      else object = obj as KubeObject
    }
    docs.push({ index: docs.length + 1, line, object, problems, doc })
  }
  return { docs, lineCounter }
}

const CLUSTER_SCOPED = new Set(['nodes', 'namespaces'])
const KINDS: Record<string, ResourceRef> = {
  'v1/Pod': RESOURCES.pods,
  'v1/Service': RESOURCES.services,
  'v1/Endpoints': RESOURCES.endpoints,
  'v1/Event': RESOURCES.events,
  'v1/ConfigMap': RESOURCES.configmaps,
  'v1/Secret': RESOURCES.secrets,
  'v1/Namespace': RESOURCES.namespaces,
  'v1/Node': RESOURCES.nodes,
  'apps/v1/Deployment': RESOURCES.deployments,
  'apps/v1/ReplicaSet': RESOURCES.replicasets,
  'apps/v1/DaemonSet': RESOURCES.daemonsets,
}

/** Where an object is written: its resource, namespace (default "default") and name; null for an unknown kind. */
export function refForObject(obj: KubeObject, defaultNamespace = 'default'): { collection: ResourceRef; object: ResourceRef } | null {
  const base = KINDS[`${obj.apiVersion}/${obj.kind}`]
  if (!base) return null
  const namespaced = !CLUSTER_SCOPED.has(base.resource)
  const collection: ResourceRef = namespaced ? { ...base, namespace: obj.metadata.namespace || defaultNamespace } : { ...base }
  return { collection, object: { ...collection, name: obj.metadata.name ?? '' } }
}

export const supportedKinds = (): string[] => Object.keys(KINDS).map((k) => k.replace(/\/(\w+)$/, ' $1'))

/** "spec.template.spec.containers[0].image" -> ['spec','template','spec','containers',0,'image']; map keys in brackets stay strings. */
export function fieldPathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = []
  for (const match of path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (match[1] !== undefined) out.push(match[1])
    else if (match[2] !== undefined) out.push(/^\d+$/.test(match[2]) ? Number(match[2]) : match[2])
  }
  return out
}

/**
 * The 1-based line where a field (or its nearest written parent) is, in a parsed document; the
 * document's first line when nothing of the path is there.
 */
export function lineOfField(parsed: ParsedText, doc: ParsedDoc, path: string | undefined): number {
  if (!path) return doc.line
  const segments = fieldPathSegments(path)
  for (let n = segments.length; n > 0; n--) {
    const node = doc.doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined
    const parent = n > 1 ? doc.doc.getIn(segments.slice(0, n - 1), true) : doc.doc.contents
    // Point at the key of a map entry rather than its value: "replicas: x" is marked at "replicas".
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === segments[n - 1])
      const keyRange = (pair?.key as { range?: [number, number, number] } | null)?.range
      if (keyRange) return parsed.lineCounter.linePos(keyRange[0]).line
    }
    if (isSeq(parent) && node?.range) return parsed.lineCounter.linePos(node.range[0]).line
    if (node?.range) return parsed.lineCounter.linePos(node.range[0]).line
  }
  return doc.line
}
