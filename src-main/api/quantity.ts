// Resource quantities ("500m", "1.5Gi", "2", "1e3") as Kubernetes parses, rounds and prints them.
// Exact arithmetic on BigInt: a quantity is mantissa × 10^scale (decimal) kept with the format
// its suffix chose, so "1024Mi" canonicalises to "1Gi" and "0.5" to "500m" exactly as the API
// server stores them.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent'

export interface ParsedQuantity {
  /** value = mantissa × 10^scale, exact. */
  mantissa: bigint
  scale: number
  format: QuantityFormat
}

export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${QUANTITY_PATTERN}'`

export class QuantityError extends Error {
  override name = 'QuantityError'
}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 }
const SUFFIX_BY_DECIMAL_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]))
const SUFFIX_BY_BINARY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]))
/** Kubernetes keeps nano precision and rounds anything finer up (away from zero). */
const MIN_SCALE = -9

const pow10 = (n: number): bigint => 10n ** BigInt(n)

function splitQuantity(str: string): { negative: boolean; whole: string; fraction: string; suffix: string } {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(str)
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new QuantityError(QUANTITY_FORMAT_ERROR)
  return { negative: m[1] === '-', whole: m[2] ?? '', fraction: m[3] ?? '', suffix: m[4] ?? '' }
}

function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: QuantityFormat } {
  const dec = DECIMAL_SUFFIXES[suffix]
  if (dec !== undefined && Object.hasOwn(DECIMAL_SUFFIXES, suffix)) return { base: 10, exponent: dec, format: 'DecimalSI' }
  const bin = BINARY_SUFFIXES[suffix]
  if (bin !== undefined && Object.hasOwn(BINARY_SUFFIXES, suffix)) return { base: 2, exponent: bin, format: 'BinarySI' }
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[-+]?[0-9]+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' }
  }
  throw new QuantityError("unable to parse quantity's suffix")
}

/** Rounds mantissa×10^scale up (away from zero) to at most nano precision. */
function roundToNano(mantissa: bigint, scale: number): [bigint, number] {
  if (scale >= MIN_SCALE) return [mantissa, scale]
  const divisor = pow10(MIN_SCALE - scale)
  const negative = mantissa < 0n
  const abs = negative ? -mantissa : mantissa
  let q = abs / divisor
  if (abs % divisor !== 0n) q += 1n
  return [negative ? -q : q, MIN_SCALE]
}

/** Parses a quantity string (or a JSON number, as manifests sometimes carry) exactly. */
export function parseQuantity(input: string | number): ParsedQuantity {
  const str = typeof input === 'number' ? numberToQuantityString(input) : input
  if (str.length === 0) throw new QuantityError(QUANTITY_FORMAT_ERROR)
  const { negative, whole, fraction, suffix } = splitQuantity(str)
  const { base, exponent, format: suffixFormat } = interpretSuffix(suffix)
  let format = suffixFormat
  let mantissa = BigInt((whole || '0') + fraction)
  let scale = -fraction.length
  if (base === 10) {
    scale += exponent
  } else {
    mantissa *= 1n << BigInt(exponent)
  }
  if (negative) mantissa = -mantissa
  ;[mantissa, scale] = roundToNano(mantissa, scale)
  // A binary quantity below one is printed in decimal, as Kubernetes does.
  const abs = mantissa < 0n ? -mantissa : mantissa
  if (format === 'BinarySI' && abs > 0n && compare(abs, scale, 1n, 0) < 0) format = 'DecimalSI'
  return { mantissa, scale, format }
}

function numberToQuantityString(n: number): string {
  if (!Number.isFinite(n)) throw new QuantityError(QUANTITY_FORMAT_ERROR)
  // JSON numbers such as 1e-7 print in exponent form in JavaScript; the quantity grammar accepts it.
  return String(n).replace('e+', 'e')
}

function compare(m1: bigint, s1: number, m2: bigint, s2: number): number {
  const s = Math.min(s1, s2)
  const a = m1 * pow10(s1 - s)
  const b = m2 * pow10(s2 - s)
  return a < b ? -1 : a > b ? 1 : 0
}

/** True when a quantity's own spelling is already canonical, so Kubernetes keeps it verbatim. */
function keepsOriginalSpelling(str: string): boolean {
  const { whole, fraction, suffix } = splitQuantity(str)
  const { base, exponent } = interpretSuffix(suffix)
  const digits = (whole.replace(/^0+/, '') || '0') + fraction
  if (digits.length > 18) return false
  if (base === 2) {
    return fraction === '' && (BigInt(digits) & 7n) !== 0n
  }
  const scale = exponent - fraction.length
  return scale >= MIN_SCALE && scale % 3 === 0 && !digits.endsWith('000') && digits[0] !== '0'
}

/** The canonical spelling Kubernetes stores and prints: "0.5" → "500m", "1024Mi" → "1Gi". */
export function formatQuantity(q: ParsedQuantity): string {
  if (q.mantissa === 0n) return '0'
  const negative = q.mantissa < 0n
  const abs = negative ? -q.mantissa : q.mantissa
  const sign = negative ? '-' : ''
  if (q.format === 'BinarySI' && compare(abs, q.scale, 1024n, 0) >= 0) {
    const bytes = wholeValue(abs, q.scale)
    if (bytes !== undefined) {
      let amount = bytes
      let exp = 0
      while (exp < 60 && amount % 1024n === 0n) {
        amount /= 1024n
        exp += 10
      }
      return sign + amount.toString() + (SUFFIX_BY_BINARY_EXPONENT.get(exp) ?? '')
    }
  }
  let amount = abs
  let exp = q.scale
  while (amount % 10n === 0n) {
    amount /= 10n
    exp += 1
  }
  while (((exp % 3) + 3) % 3 !== 0) {
    amount *= 10n
    exp -= 1
  }
  if (q.format === 'DecimalExponent') return sign + amount.toString() + (exp === 0 ? '' : `e${exp}`)
  while (exp > 18) {
    amount *= 1000n
    exp -= 3
  }
  return sign + amount.toString() + (SUFFIX_BY_DECIMAL_EXPONENT.get(exp) ?? '')
}

function wholeValue(mantissa: bigint, scale: number): bigint | undefined {
  if (scale >= 0) return mantissa * pow10(scale)
  const d = pow10(-scale)
  return mantissa % d === 0n ? mantissa / d : undefined
}

/**
 * What the API server stores for a quantity the user wrote: its own spelling when that is
 * already canonical ("100m", "1Gi"), else the canonical form. Throws QuantityError.
 */
export function canonicalQuantity(input: string | number): string {
  const parsed = parseQuantity(input)
  if (typeof input === 'string' && input !== '0' && keepsOriginalSpelling(input)) return input
  return formatQuantity(parsed)
}

/** The value rounded up to an integer: bytes for memory, whole units for counts. */
export function quantityValue(input: string | number | ParsedQuantity): number {
  return ceilScaled(asParsed(input), 0)
}

/** The value in thousandths, rounded up: CPU millicores ("250m" → 250, "1" → 1000). */
export function quantityMilliValue(input: string | number | ParsedQuantity): number {
  return ceilScaled(asParsed(input), -3)
}

/** The approximate value as a float, for display and ratios. */
export function quantityToNumber(input: string | number | ParsedQuantity): number {
  const q = asParsed(input)
  return Number(q.mantissa) * 10 ** q.scale
}

/** Compares two quantities exactly: negative, zero or positive. */
export function compareQuantities(a: string | number | ParsedQuantity, b: string | number | ParsedQuantity): number {
  const x = asParsed(a)
  const y = asParsed(b)
  return compare(x.mantissa, x.scale, y.mantissa, y.scale)
}

function asParsed(input: string | number | ParsedQuantity): ParsedQuantity {
  return typeof input === 'object' ? input : parseQuantity(input)
}

function ceilScaled(q: ParsedQuantity, targetScale: number): number {
  if (q.scale >= targetScale) return Number(q.mantissa * pow10(q.scale - targetScale))
  const d = pow10(targetScale - q.scale)
  let v = q.mantissa / d
  if (q.mantissa % d !== 0n && q.mantissa > 0n) v += 1n
  return Number(v)
}
