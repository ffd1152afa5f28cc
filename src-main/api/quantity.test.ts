import { describe, expect, it } from 'vitest'
import { canonicalQuantity, compareQuantities, parseQuantity, QuantityError, quantityMilliValue, quantityToNumber, quantityValue } from './quantity.ts'

describe('canonicalQuantity', () => {
  it.each([
    ['100m', '100m'],
    ['0.5', '500m'],
    [0.5, '500m'],
    [1, '1'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['1.5', '1500m'],
    ['2000', '2k'],
    ['1500', '1500'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1.5Ki', '1536'],
    ['512', '512'],
    ['128Mi', '128Mi'],
    ['1e3', '1e3'],
    ['1E3', '1E3'],
    ['1M', '1M'],
    ['0', '0'],
    ['0.0001', '100u'],
    ['0.0000000001', '1n'],
    ['-1', '-1'],
    ['1k', '1k'],
    ['10G', '10G'],
    ['8Gi', '8Gi'],
  ])('%j → %s', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected)
  })

  it.each(['', 'abc', '1.2.3', '1Qi', '--1', '1 Gi', 'Gi'])('rejects %j', (input) => {
    expect(() => canonicalQuantity(input)).toThrow(QuantityError)
  })

  it('explains the grammar on malformed input', () => {
    expect(() => parseQuantity('abc')).toThrow(/quantities must match the regular expression/)
    expect(() => parseQuantity('1iK')).toThrow("unable to parse quantity's suffix")
  })
})

describe('quantity values', () => {
  it.each([
    ['250m', 250],
    ['1', 1000],
    ['1.5', 1500],
    ['0.0001', 1],
    [2, 2000],
  ])('CPU %j is %d millicores', (q, milli) => {
    expect(quantityMilliValue(q)).toBe(milli)
  })

  it.each([
    ['128Mi', 134217728],
    ['1Gi', 1073741824],
    ['1G', 1000000000],
    ['1.5k', 1500],
    ['100m', 1],
  ])('%j is %d bytes (rounded up)', (q, bytes) => {
    expect(quantityValue(q)).toBe(bytes)
  })

  it('compares exactly across formats', () => {
    expect(compareQuantities('1Gi', '1024Mi')).toBe(0)
    expect(compareQuantities('500m', '1')).toBeLessThan(0)
    expect(compareQuantities('1G', '1Gi')).toBeLessThan(0)
    expect(quantityToNumber('1.5')).toBeCloseTo(1.5)
  })
})
