// Field selectors (`metadata.name=web,status.phase!=Running`): parsed with Kubernetes' escaping
// rules (`\,` `\=` `\\`), checked against the fields a kind supports, and matched against the
// field set each kind publishes (registry: `fieldSet`).

import { SelectorError } from './labels.ts'

export interface FieldRequirement {
  readonly field: string
  readonly operator: '=' | '!='
  readonly value: string
}

/** Requirements ANDed together, sorted as Kubernetes sorts the terms. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[]
}

function splitTerms(s: string): string[] {
  if (s.length === 0) return []
  const terms: string[] = []
  let start = 0
  let escaped = false
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (escaped) escaped = false
    else if (c === '\\') escaped = true
    else if (c === ',') {
      terms.push(s.slice(start, i))
      start = i + 1
    }
  }
  terms.push(s.slice(start))
  return terms
}

function splitTerm(term: string): [string, '=' | '!=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    const rest = term.slice(i)
    if (rest.startsWith('!=')) return [term.slice(0, i), '!=', term.slice(i + 2)]
    if (rest.startsWith('==')) return [term.slice(0, i), '=', term.slice(i + 2)]
    if (rest.startsWith('=')) return [term.slice(0, i), '=', term.slice(i + 1)]
  }
  return undefined
}

function unescape(value: string): string {
  if (!/[\\,=]/.test(value)) return value
  let out = ''
  let escaped = false
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new SelectorError(`invalid field selector: invalid escape sequence: \\${c}`)
      out += c
      escaped = false
    } else if (c === '\\') {
      escaped = true
    } else if (c === ',' || c === '=') {
      throw new SelectorError(`invalid field selector: unescaped character in value: ${JSON.stringify(c)}`)
    } else {
      out += c
    }
  }
  if (escaped) throw new SelectorError('invalid field selector: invalid escape sequence: \\')
  return out
}

/** Escapes `\`, `,` and `=` in a value for use in a field selector. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`)
}

/** Parses `kubectl get --field-selector` syntax. The empty string selects everything. Throws SelectorError. */
export function parseFieldSelector(input: string): FieldSelector {
  const terms = splitTerms(input).sort()
  const requirements: FieldRequirement[] = []
  for (const term of terms) {
    if (term === '') continue
    const parts = splitTerm(term)
    if (!parts) throw new SelectorError(`invalid selector: '${input}'; can't understand '${term}'`)
    const [field, operator, raw] = parts
    requirements.push({ field, operator, value: unescape(raw) })
  }
  return { requirements }
}

/**
 * Checks every field a selector names against those the kind supports, in Kubernetes' words:
 * `field label not supported: spec.foo`. Throws SelectorError.
 */
export function checkFieldSelector(selector: FieldSelector, supported: readonly string[]): void {
  for (const r of selector.requirements) {
    if (!supported.includes(r.field)) throw new SelectorError(`field label not supported: ${r.field}`)
  }
}

/** True when the object's field set satisfies every requirement. A missing field reads as "". */
export function matchesFields(selector: FieldSelector, fields: Readonly<Record<string, string>>): boolean {
  return selector.requirements.every((r) => {
    const actual = Object.hasOwn(fields, r.field) ? (fields[r.field] ?? '') : ''
    return r.operator === '=' ? actual === r.value : actual !== r.value
  })
}

export function fieldSelectorToString(selector: FieldSelector): string {
  return selector.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',')
}
