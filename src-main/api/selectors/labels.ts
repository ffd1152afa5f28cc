// Label selectors: the string form (`app=web,tier!=db,env in (a,b),!legacy,has`) parsed with
// Kubernetes' grammar and error messages, LabelSelector objects (matchLabels/matchExpressions)
// converted to the same structure, and matching against an object's labels.

import type { LabelSelector } from '../types/meta.ts'
import { isLabelValue, isQualifiedName } from '../validation/names.ts'

export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt'

export interface Requirement {
  readonly key: string
  readonly operator: SelectorOperator
  /** Sorted and unique for in/notin; one value for =, ==, !=, gt, lt; none for exists and !. */
  readonly values: readonly string[]
}

/** Requirements ANDed together, sorted by key. `nothing` marks the selector that matches no object. */
export interface Selector {
  readonly requirements: readonly Requirement[]
  readonly nothing?: boolean
}

export const EVERYTHING: Selector = Object.freeze({ requirements: Object.freeze([]) })
export const NOTHING: Selector = Object.freeze({ requirements: Object.freeze([]), nothing: true })

export class SelectorError extends Error {
  override name = 'SelectorError'
}

// --- Requirements ------------------------------------------------------------------------------------

function invalidMessage(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`
}

/** Builds a requirement, checking it as apimachinery's NewRequirement does. Throws SelectorError. */
export function requirement(key: string, operator: SelectorOperator, values: readonly string[]): Requirement {
  const problems: string[] = []
  const keyErrs = isQualifiedName(key)
  if (keyErrs.length) problems.push(invalidMessage('key', key, keyErrs.join('; ')))
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) problems.push("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty")
      break
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) problems.push(`values: Invalid value: ${JSON.stringify(values)}: exact-match compatibility requires one single value`)
      break
    case 'exists':
    case '!':
      if (values.length !== 0) problems.push(`values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`)
      break
    case 'gt':
    case 'lt':
      if (values.length !== 1) problems.push(`values: Invalid value: ${JSON.stringify(values)}: for 'Gt', 'Lt' operators, exactly one value is required`)
      values.forEach((v, i) => {
        if (!/^[-+]?[0-9]+$/.test(v)) problems.push(invalidMessage(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"))
      })
      break
  }
  values.forEach((v, i) => {
    const errs = isLabelValue(v)
    if (errs.length) problems.push(invalidMessage(`values[${i}][${key}]`, v, errs.join('; ')))
  })
  if (problems.length) throw new SelectorError(problems.length === 1 ? (problems[0] ?? '') : `[${problems.join(', ')}]`)
  const sorted = operator === 'in' || operator === 'notin' ? [...new Set(values)].sort() : [...values]
  return { key, operator, values: sorted }
}

function sortByKey(reqs: Requirement[]): Requirement[] {
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

// --- Parsing the string form -----------------------------------------------------------------------

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '('

const TOKENS: Record<string, Token> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': '>',
  in: 'in',
  '<': '<',
  '!=': '!=',
  notin: 'notin',
  '(': '(',
}

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n'
const isSpecial = (c: string): boolean => '=!(),><'.includes(c)

interface Item {
  tok: Token
  lit: string
}

function lex(s: string): Item[] {
  const items: Item[] = []
  let pos = 0
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos] ?? '')) pos++
    if (pos >= s.length) {
      items.push({ tok: 'end', lit: '' })
      return items
    }
    const c = s[pos] ?? ''
    if (isSpecial(c)) {
      // The longest run of special characters that still forms a token.
      let buffer = ''
      let last: Item | undefined
      while (pos < s.length && isSpecial(s[pos] ?? '')) {
        const next = buffer + (s[pos] ?? '')
        const tok = Object.hasOwn(TOKENS, next) ? TOKENS[next] : undefined
        if (tok) {
          last = { tok, lit: next }
          buffer = next
          pos++
        } else if (last) {
          break
        } else {
          buffer = next
          pos++
        }
      }
      if (!last) {
        items.push({ tok: 'error', lit: `error expected: keyword found '${buffer}'` })
        items.push({ tok: 'end', lit: '' })
        return items
      }
      items.push(last)
    } else {
      let word = ''
      while (pos < s.length && !isSpecial(s[pos] ?? '') && !isWhitespace(s[pos] ?? '')) word += s[pos++]
      const tok = Object.hasOwn(TOKENS, word) ? TOKENS[word] : undefined
      items.push({ tok: tok ?? 'id', lit: word })
    }
  }
}

class Parser {
  private readonly items: Item[]
  private position = 0

  constructor(input: string) {
    this.items = lex(input)
  }

  /** In a values context, the keywords `in` and `notin` are plain identifiers. */
  private peek(values: boolean): Item {
    const item = this.items[this.position] ?? { tok: 'end', lit: '' }
    return values && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'id', lit: item.lit } : item
  }

  private next(values: boolean): Item {
    const item = this.peek(values)
    this.position++
    return item
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = []
    for (;;) {
      const { tok, lit } = this.peek(true)
      if (tok === 'end') return reqs
      if (tok !== 'id' && tok !== '!') throw new SelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`)
      try {
        reqs.push(this.requirement())
      } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`)
        throw e
      }
      const after = this.next(true)
      if (after.tok === 'end') return reqs
      if (after.tok !== ',') throw new SelectorError(`found '${after.lit}', expected: ',' or 'end of string'`)
      const t2 = this.peek(true)
      if (t2.tok !== 'id' && t2.tok !== '!') throw new SelectorError(`found '${t2.lit}', expected: identifier after ','`)
    }
  }

  private requirement(): Requirement {
    let first = this.next(true)
    const negated = first.tok === '!'
    if (negated) first = this.next(true)
    if (first.tok !== 'id') throw new SelectorError(`found '${first.lit}', expected: identifier`)
    const key = first.lit
    const keyErrs = isQualifiedName(key)
    if (keyErrs.length) throw new SelectorError(invalidMessage('key', key, keyErrs.join('; ')))
    // `!key` stands alone; whatever follows it is the caller's to reject.
    if (negated) return requirement(key, '!', [])
    const following = this.peek(true).tok
    if (following === 'end' || following === ',') return requirement(key, 'exists', [])
    const op = this.next(false)
    switch (op.tok) {
      case 'in':
      case 'notin':
        return requirement(key, op.tok, this.setValues())
      case '=':
      case '==':
      case '!=':
        return requirement(key, op.tok, [this.exactValue()])
      case '>':
        return requirement(key, 'gt', [this.exactValue()])
      case '<':
        return requirement(key, 'lt', [this.exactValue()])
      default:
        throw new SelectorError(`found '${op.lit}', expected: in, notin, =, ==, !=, gt, lt`)
    }
  }

  private setValues(): string[] {
    const open = this.next(true)
    if (open.tok !== '(') throw new SelectorError(`found '${open.lit}' expected: '('`)
    const first = this.peek(true)
    if (first.tok === ')') {
      this.next(true)
      return ['']
    }
    if (first.tok !== 'id' && first.tok !== ',') throw new SelectorError(`found '${first.lit}', expected: ',', ')' or identifier`)
    const values = new Set<string>()
    for (;;) {
      const item = this.next(true)
      if (item.tok === 'id') {
        values.add(item.lit)
        const after = this.peek(true)
        if (after.tok === ',') continue
        if (after.tok === ')') break
        throw new SelectorError(`found '${after.lit}', expected: ',' or ')'`)
      } else if (item.tok === ',') {
        if (values.size === 0) values.add('')
        const after = this.peek(true)
        if (after.tok === ')') {
          values.add('')
          break
        }
        if (after.tok === ',') values.add('')
      } else {
        throw new SelectorError(`found '${item.lit}', expected: ',', or identifier`)
      }
    }
    this.next(true)
    return [...values]
  }

  private exactValue(): string {
    const t = this.peek(true)
    if (t.tok === 'end' || t.tok === ',') return ''
    const v = this.next(true)
    if (v.tok === 'id') return v.lit
    throw new SelectorError(`found '${v.lit}', expected: identifier`)
  }
}

/** Parses `kubectl get -l` syntax. The empty string selects everything. Throws SelectorError. */
export function parseLabelSelector(input: string): Selector {
  return { requirements: sortByKey(new Parser(input).parse()) }
}

/** The selector `k1=v1,k2=v2` for a set of labels (a Service's selector, say). */
export function selectorFromSet(set: Readonly<Record<string, string>> | undefined): Selector {
  if (!set) return EVERYTHING
  return { requirements: sortByKey(Object.entries(set).map(([k, v]) => ({ key: k, operator: '=', values: [v] }))) }
}

const EXPRESSION_OPERATORS: Record<string, SelectorOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' }

/**
 * Converts a LabelSelector object: absent selects nothing, empty selects everything, as in
 * Kubernetes. Throws SelectorError for invalid operators, keys or values.
 */
export function labelSelectorAsSelector(ls: LabelSelector | null | undefined): Selector {
  if (!ls) return NOTHING
  const reqs: Requirement[] = []
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push(requirement(k, '=', [v]))
  for (const expr of ls.matchExpressions ?? []) {
    const op = Object.hasOwn(EXPRESSION_OPERATORS, expr.operator) ? EXPRESSION_OPERATORS[expr.operator] : undefined
    if (!op) throw new SelectorError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`)
    reqs.push(requirement(expr.key, op, expr.values ?? []))
  }
  return { requirements: sortByKey(reqs) }
}

// --- Matching and printing ---------------------------------------------------------------------------

function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key)
  const value = has ? labels[r.key] : undefined
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(value ?? '')
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value ?? '')
    case 'exists':
      return has
    case '!':
      return !has
    case 'gt':
    case 'lt': {
      if (!has || !/^[-+]?[0-9]+$/.test(value ?? '') || r.values.length !== 1) return false
      const actual = BigInt(value ?? '0')
      const bound = BigInt(r.values[0] ?? '0')
      return r.operator === 'gt' ? actual > bound : actual < bound
    }
  }
}

/** True when `labels` satisfy every requirement (and the selector is not NOTHING). */
export function matchesLabels(selector: Selector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (selector.nothing) return false
  const l = labels ?? {}
  return selector.requirements.every((r) => requirementMatches(r, l))
}

export function isEverything(selector: Selector): boolean {
  return !selector.nothing && selector.requirements.length === 0
}

function requirementToString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key
    case '!':
      return `!${r.key}`
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`
    case 'gt':
      return `${r.key}>${r.values[0] ?? ''}`
    case 'lt':
      return `${r.key}<${r.values[0] ?? ''}`
    default:
      return `${r.key}${r.operator}${r.values[0] ?? ''}`
  }
}

/** The canonical string form, as Kubernetes prints a selector (`app=web,tier in (a,b)`). */
export function selectorToString(selector: Selector): string {
  return selector.requirements.map(requirementToString).join(',')
}

/** A LabelSelector as `kubectl get -o wide` prints it: "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  try {
    return selectorToString(labelSelectorAsSelector(ls)) || '<none>'
  } catch {
    return '<error>'
  }
}

/** Labels as `k=v` pairs sorted by key, or "<none>". */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const s = selectorToString(selectorFromSet(labels ?? {}))
  return s || '<none>'
}
