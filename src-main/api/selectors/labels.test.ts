import { describe, expect, it } from 'vitest'
import {
  EVERYTHING,
  formatLabels,
  formatLabelSelector,
  isEverything,
  labelSelectorAsSelector,
  matchesLabels,
  NOTHING,
  parseLabelSelector,
  SelectorError,
  selectorFromSet,
  selectorToString,
} from './labels.ts'

describe('parseLabelSelector', () => {
  it.each([
    ['', []],
    ['app=web', [{ key: 'app', operator: '=', values: ['web'] }]],
    ['app==web', [{ key: 'app', operator: '==', values: ['web'] }]],
    ['tier!=db', [{ key: 'tier', operator: '!=', values: ['db'] }]],
    ['env in (b,a,a)', [{ key: 'env', operator: 'in', values: ['a', 'b'] }]],
    ['env notin (prod)', [{ key: 'env', operator: 'notin', values: ['prod'] }]],
    ['!legacy', [{ key: 'legacy', operator: '!', values: [] }]],
    ['has', [{ key: 'has', operator: 'exists', values: [] }]],
    ['x>5', [{ key: 'x', operator: 'gt', values: ['5'] }]],
    ['x<5', [{ key: 'x', operator: 'lt', values: ['5'] }]],
    ['app=', [{ key: 'app', operator: '=', values: [''] }]],
    ['env in ()', [{ key: 'env', operator: 'in', values: [''] }]],
    ['env in (,a)', [{ key: 'env', operator: 'in', values: ['', 'a'] }]],
    ['in in (in)', [{ key: 'in', operator: 'in', values: ['in'] }]],
    ['example.com/team = a , tier', [{ key: 'example.com/team', operator: '=', values: ['a'] }, { key: 'tier', operator: 'exists', values: [] }]],
  ])('%j', (input, requirements) => {
    expect(parseLabelSelector(input).requirements).toEqual(requirements)
  })

  it('sorts requirements by key and prints the canonical form', () => {
    const sel = parseLabelSelector('tier!=db, app=web, env in (b,a), !legacy, has')
    expect(selectorToString(sel)).toBe('app=web,env in (a,b),has,!legacy,tier!=db')
  })

  it.each([
    ['app=web,', "found '', expected: identifier after ','"],
    ['app web', "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt"],
    ['=web', "found '=', expected: !, identifier, or 'end of string'"],
    ['env in a', "unable to parse requirement: found 'a' expected: '('"],
    ['env in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x>a', "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"],
    ['app=a b', "found 'b', expected: ',' or 'end of string'"],
    ['Bad Key=x', "unable to parse requirement: found 'Key', expected: in, notin, =, ==, !=, gt, lt"],
    ['a/b/c=x', 'unable to parse requirement: key: Invalid value: "a/b/c": a valid label key must consist of'],
    ['app=a$b', 'unable to parse requirement: values[0][app]: Invalid value: "a$b": a valid label must be an empty string'],
    ['!app=web', "found '=', expected: ',' or 'end of string'"],
  ])('rejects %j clearly', (input, message) => {
    expect(() => parseLabelSelector(input)).toThrow(SelectorError)
    expect(() => parseLabelSelector(input)).toThrow(message)
  })
})

describe('matching', () => {
  const labels = { app: 'web', tier: 'front', version: '12' }

  it.each([
    ['', true],
    ['app=web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['version>9', true],
    ['version<9', false],
    ['tier>1', false],
    ['app=web,tier=back', false],
  ])('%j matches: %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected)
  })

  it('an object without labels matches only negative requirements', () => {
    expect(matchesLabels(parseLabelSelector('!a,b!=c'), undefined)).toBe(true)
    expect(matchesLabels(parseLabelSelector('a'), undefined)).toBe(false)
  })
})

describe('LabelSelector objects', () => {
  it('absent selects nothing, empty selects everything', () => {
    expect(labelSelectorAsSelector(undefined)).toBe(NOTHING)
    expect(matchesLabels(labelSelectorAsSelector(undefined), {})).toBe(false)
    expect(isEverything(labelSelectorAsSelector({}))).toBe(true)
    expect(matchesLabels(EVERYTHING, { a: 'b' })).toBe(true)
  })

  it('converts matchLabels and matchExpressions into one sorted selector', () => {
    const sel = labelSelectorAsSelector({
      matchLabels: { tier: 'front', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    })
    expect(selectorToString(sel)).toBe('app=web,env in (dev,prod),!legacy,tier=front')
    expect(matchesLabels(sel, { app: 'web', tier: 'front', env: 'dev' })).toBe(true)
    expect(matchesLabels(sel, { app: 'web', tier: 'front', env: 'dev', legacy: '' })).toBe(false)
  })

  it('rejects invalid operators and values', () => {
    expect(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Gt' as never, values: ['1'] }] })).toThrow('"Gt" is not a valid label selector operator')
    expect(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow("values set can't be empty")
  })

  it('formats as kubectl prints it', () => {
    expect(formatLabelSelector({ matchLabels: { app: 'web' } })).toBe('app=web')
    expect(formatLabelSelector({})).toBe('<none>')
    expect(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' as never }] })).toBe('<error>')
    expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2')
    expect(formatLabels(undefined)).toBe('<none>')
    expect(selectorToString(selectorFromSet({ app: 'web' }))).toBe('app=web')
  })
})
