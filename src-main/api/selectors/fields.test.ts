import { describe, expect, it } from 'vitest'
import { pods } from '../registry.ts'
import { makePod } from '../testing/builders.ts'
import { checkFieldSelector, escapeFieldValue, fieldSelectorToString, matchesFields, parseFieldSelector } from './fields.ts'
import { SelectorError } from './labels.ts'

describe('parseFieldSelector', () => {
  it.each([
    ['', []],
    ['metadata.name=web', [{ field: 'metadata.name', operator: '=', value: 'web' }]],
    ['metadata.name==web', [{ field: 'metadata.name', operator: '=', value: 'web' }]],
    ['status.phase!=Running', [{ field: 'status.phase', operator: '!=', value: 'Running' }]],
    [
      'spec.nodeName=node-1,metadata.namespace=shop',
      [
        { field: 'metadata.namespace', operator: '=', value: 'shop' },
        { field: 'spec.nodeName', operator: '=', value: 'node-1' },
      ],
    ],
    ['metadata.name=a\\,b\\=c\\\\d', [{ field: 'metadata.name', operator: '=', value: 'a,b=c\\d' }]],
    ['spec.nodeName=', [{ field: 'spec.nodeName', operator: '=', value: '' }]],
  ])('%j', (input, requirements) => {
    expect(parseFieldSelector(input).requirements).toEqual(requirements)
  })

  it.each([
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['metadata.name=a=b', 'invalid field selector: unescaped character in value: "="'],
    ['metadata.name=a\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['metadata.name=a\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('rejects %j', (input, message) => {
    expect(() => parseFieldSelector(input)).toThrow(SelectorError)
    expect(() => parseFieldSelector(input)).toThrow(message)
  })

  it('round-trips escaped values', () => {
    const sel = parseFieldSelector(`metadata.name=${escapeFieldValue('a,b=c\\')}`)
    expect(sel.requirements[0]?.value).toBe('a,b=c\\')
    expect(fieldSelectorToString(sel)).toBe('metadata.name=a\\,b\\=c\\\\')
  })
})

describe('field selectors against a kind', () => {
  const pod = makePod('web', 'shop').withContainer().onNode('node-1').withStatus({ phase: 'Running', podIPs: [{ ip: '10.244.1.5' }] }).obj()

  it.each([
    ['spec.nodeName=node-1', true],
    ['spec.nodeName=node-2', false],
    ['status.phase!=Running', false],
    ['metadata.namespace=shop,metadata.name=web', true],
    ['status.podIP=10.244.1.5', true],
    ['spec.hostNetwork=false', true],
    ['spec.restartPolicy=', true],
  ])('%j matches: %s', (selector, expected) => {
    const sel = parseFieldSelector(selector)
    checkFieldSelector(sel, Object.keys(pods.fieldSet(pod)))
    expect(matchesFields(sel, pods.fieldSet(pod))).toBe(expected)
  })

  it('refuses fields the kind does not support, in Kubernetes words', () => {
    expect(() => checkFieldSelector(parseFieldSelector('spec.containers=x'), Object.keys(pods.fieldSet(pod)))).toThrow('field label not supported: spec.containers')
  })
})
