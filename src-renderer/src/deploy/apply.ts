// Applies a multi-document YAML text: every document is checked first (syntax, kind, then a
// server-side dry run of each write), and only when all pass are they written, in order — so a
// typo in the third document never leaves the first two applied. An object that exists is
// updated (the latest resourceVersion carried over), one that does not is created.

import type { KubeObject } from '../../../src-main/api/types/meta.ts'
import { ApiError } from '../transport/api-error.ts'
import type { ApiClient, ApiWriteOptions } from '../transport/index.ts'
import { lineOfField, parseManifests, refForObject, supportedKinds, type ParsedDoc, type ParsedText } from './yaml-apply.ts'

export interface DocDiagnostic {
  line: number
  message: string
  severity: 'error'
}

export interface DocResult {
  index: number
  line: number
  /** "Deployment shop/web", or "document 2" when it names nothing. */
  title: string
  outcome: 'created' | 'configured' | 'failed' | 'not applied'
  diagnostics: DocDiagnostic[]
}

type Client = Pick<ApiClient, 'create' | 'get' | 'update'>

const titleOf = (doc: ParsedDoc): string => {
  const o = doc.object
  if (!o) return `document ${doc.index}`
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name ?? ''}`
}

/** One write: create, or when it exists, update over its current resourceVersion. */
async function write(client: Client, obj: KubeObject, options: ApiWriteOptions, defaultNamespace: string): Promise<'created' | 'configured'> {
  const refs = refForObject(obj, defaultNamespace)
  if (!refs) throw new Error('unreachable: kind checked before')
  try {
    await client.create(refs.collection, obj, options)
    return 'created'
  } catch (err) {
    if (!(err instanceof ApiError) || err.reason !== 'AlreadyExists') throw err
  }
  const current = await client.get(refs.object)
  await client.update(refs.object, { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } }, options)
  return 'configured'
}

function diagnosticsOf(err: unknown, parsed: ParsedText, doc: ParsedDoc): DocDiagnostic[] {
  if (!(err instanceof ApiError)) return [{ line: doc.line, message: err instanceof Error ? err.message : String(err), severity: 'error' }]
  if (err.causes.length === 0) return [{ line: doc.line, message: err.message, severity: 'error' }]
  return err.causes.map((c) => ({
    line: lineOfField(parsed, doc, c.field),
    message: c.field ? `${c.field}: ${c.message ?? c.reason ?? ''}` : (c.message ?? err.message),
    severity: 'error' as const,
  }))
}

export async function applyManifests(client: Client, text: string, defaultNamespace = 'default'): Promise<DocResult[]> {
  const parsed = parseManifests(text)
  const results: DocResult[] = parsed.docs.map((doc) => ({
    index: doc.index,
    line: doc.line,
    title: titleOf(doc),
    outcome: 'not applied',
    diagnostics: doc.problems.map((p) => ({ ...p, severity: 'error' as const })),
  }))
  parsed.docs.forEach((doc, i) => {
    const result = results[i]
    if (!result || !doc.object || refForObject(doc.object, defaultNamespace)) return
    result.diagnostics.push({ line: doc.line, message: `kind: Unsupported value: "${doc.object.apiVersion} ${doc.object.kind}": supported: ${supportedKinds().join(', ')}`, severity: 'error' })
  })
  const failed = (): boolean => results.some((r) => r.diagnostics.length > 0)
  if (failed()) {
    for (const r of results) if (r.diagnostics.length) r.outcome = 'failed'
    return results
  }
  // Dry run every write, then (all passed) write for real.
  for (const dryRun of [true, false]) {
    for (const [i, doc] of parsed.docs.entries()) {
      const result = results[i]
      if (!result || !doc.object) continue
      try {
        const outcome = await write(client, doc.object, dryRun ? { dryRun: true } : {}, defaultNamespace)
        if (!dryRun) result.outcome = outcome
      } catch (err) {
        result.outcome = 'failed'
        result.diagnostics = diagnosticsOf(err, parsed, doc)
        if (dryRun) continue
        return results
      }
    }
    if (failed()) return results
  }
  return results
}
