// Name and value syntax checks with Kubernetes' exact messages. Each returns the list of
// problems (empty when valid), so callers wrap them into field errors for their own path.

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?'
const LABEL_KEY_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'
const LABEL_VALUE = `(${LABEL_KEY_NAME})?`
const CONFIG_MAP_KEY = '[-._a-zA-Z0-9]+'
const PERCENT = '[0-9]+%'
const HTTP_HEADER_NAME = '[-A-Za-z0-9]+'
const C_IDENTIFIER = '[A-Za-z_][A-Za-z0-9_]*'

const anchored = (re: string): RegExp => new RegExp(`^(?:${re})$`)
const dns1123LabelRe = anchored(DNS1123_LABEL)
const dns1123SubdomainRe = anchored(DNS1123_SUBDOMAIN)
const dns1035LabelRe = anchored(DNS1035_LABEL)
const labelKeyNameRe = anchored(LABEL_KEY_NAME)
const labelValueRe = anchored(LABEL_VALUE)
const configMapKeyRe = anchored(CONFIG_MAP_KEY)
const percentRe = anchored(PERCENT)
const httpHeaderNameRe = anchored(HTTP_HEADER_NAME)
const cIdentifierRe = anchored(C_IDENTIFIER)

const utf8Length = (s: string): number => new TextEncoder().encode(s).length

export function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${re}')`
}

export const maxLenError = (n: number): string => `must be no more than ${n} characters`
const maxBytesError = (n: number): string => `must be no more than ${n} bytes`
export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`
export const EMPTY_ERROR = 'must be non-empty'

export const DNS1123_LABEL_MAX = 63
export const DNS1123_SUBDOMAIN_MAX = 253

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = []
  if (value.length > DNS1123_LABEL_MAX) errs.push(maxLenError(DNS1123_LABEL_MAX))
  if (!dns1123LabelRe.test(value)) {
    if (dns1123SubdomainRe.test(value)) errs.push('must not contain dots')
    else
      errs.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          DNS1123_LABEL,
          'my-name',
          '123-abc',
        ),
      )
  }
  return errs
}

const SUBDOMAIN_REGEX_ERROR = regexError(
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  DNS1123_SUBDOMAIN,
  'example.com',
)

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = []
  if (value.length > DNS1123_SUBDOMAIN_MAX) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX))
  if (!dns1123SubdomainRe.test(value)) errs.push(SUBDOMAIN_REGEX_ERROR)
  return errs
}

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = []
  if (value.length > 63) errs.push(maxLenError(63))
  if (!dns1035LabelRe.test(value)) {
    errs.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        DNS1035_LABEL,
        'my-name',
        'abc-123',
      ),
    )
  }
  return errs
}

const LABEL_KEY_ERR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

/** A label or annotation key: an optional DNS subdomain prefix and '/', then a name ≤ 63 bytes. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = []
  const parts = value.split('/')
  let name: string
  if (parts.length === 1) {
    name = parts[0] ?? ''
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? ''
    name = parts[1] ?? ''
    if (prefix.length === 0) errs.push(`prefix part ${EMPTY_ERROR}`)
    else {
      if (prefix.length > DNS1123_SUBDOMAIN_MAX) errs.push(`prefix part ${maxBytesError(DNS1123_SUBDOMAIN_MAX)}`)
      if (!dns1123SubdomainRe.test(prefix)) errs.push(`prefix part ${SUBDOMAIN_REGEX_ERROR}`)
    }
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_ERR, LABEL_KEY_NAME, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]
  }
  if (name.length === 0) errs.push(`name part ${EMPTY_ERROR}`)
  else if (utf8Length(name) > 63) errs.push(`name part ${maxBytesError(63)}`)
  if (!labelKeyNameRe.test(name)) errs.push(`name part ${regexError(LABEL_KEY_ERR, LABEL_KEY_NAME, 'MyName', 'my.name', '123-abc')}`)
  return errs
}

export function isLabelValue(value: string): string[] {
  const errs: string[] = []
  if (utf8Length(value) > 63) errs.push(maxBytesError(63))
  if (!labelValueRe.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE,
        'MyValue',
        'my_value',
        '12345',
      ),
    )
  }
  return errs
}

/** An IANA service name, as container and service port names must be. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = []
  if (port.length > 15) errs.push(maxLenError(15))
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)')
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)')
  if (port.includes('--')) errs.push('must not contain consecutive hyphens')
  if (port.startsWith('-') || port.endsWith('-')) errs.push('must not begin or end with a hyphen')
  return errs
}

export function isValidPortNum(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)]
}

export function isInRange(value: number, lo: number, hi: number): string[] {
  return value >= lo && value <= hi ? [] : [inclusiveRangeError(lo, hi)]
}

export function isValidPercent(value: string): string[] {
  return percentRe.test(value)
    ? []
    : [regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT, '1%', '93%')]
}

export function isHTTPHeaderName(value: string): string[] {
  return httpHeaderNameRe.test(value)
    ? []
    : [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", HTTP_HEADER_NAME, 'X-Header-Name')]
}

export function isCIdentifier(value: string): string[] {
  return cIdentifierRe.test(value)
    ? []
    : [
        regexError(
          "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'",
          C_IDENTIFIER,
          'my_name',
          'MY_NAME',
          'MyName',
        ),
      ]
}

/** Environment variable names as Kubernetes ≥ 1.32 accepts them (RelaxedEnvironmentVariableValidation). */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = []
  if (value.length === 0) errs.push(`environment variable name ${EMPTY_ERROR}`)
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0
    if (c < 0x20 || c > 0x7e || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='")
      break
    }
  }
  return errs
}

function chDirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"]
  if (value === '..') return ["must not be '..'"]
  if (value.startsWith('..')) return ["must not start with '..'"]
  return []
}

export function isConfigMapKey(value: string): string[] {
  const errs: string[] = []
  if (value.length > DNS1123_SUBDOMAIN_MAX) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX))
  if (!configMapKeyRe.test(value)) {
    errs.push(
      regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_MAP_KEY, 'key.name', 'KEY_NAME', 'key-name'),
    )
  }
  return errs.concat(chDirPrefix(value))
}

// --- IP addresses and CIDRs --------------------------------------------------------------------

const IPV4_OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
const ipv4Re = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`)

export function isIPv4(value: string): boolean {
  return ipv4Re.test(value)
}

export function isIPv6(value: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(value) || !value.includes(':')) return false
  let groups = value.split(':')
  const last = groups.at(-1) ?? ''
  let extra = 0
  if (last.includes('.')) {
    if (!isIPv4(last)) return false
    groups = groups.slice(0, -1)
    extra = 2
  }
  const doubleColons = value.split('::').length - 1
  if (doubleColons > 1) return false
  const filled = groups.filter((g) => g !== '')
  if (!filled.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false
  const count = filled.length + extra
  return doubleColons === 1 ? count < 8 : count === 8 && !groups.includes('')
}

export function isIP(value: string): boolean {
  return isIPv4(value) || isIPv6(value)
}

export const IP_ERROR = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'

export function isValidIP(value: string): string[] {
  return isIP(value) ? [] : [IP_ERROR]
}

export function isValidCIDR(value: string): string[] {
  const [ip, bits, ...rest] = value.split('/')
  const n = Number(bits)
  const ok =
    rest.length === 0 &&
    ip !== undefined &&
    bits !== undefined &&
    /^[0-9]+$/.test(bits) &&
    ((isIPv4(ip) && n <= 32) || (isIPv6(ip) && n <= 128))
  return ok ? [] : ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']
}

// --- Object name rules ---------------------------------------------------------------------------

/** Validates a name, or a generateName prefix (whose trailing '-' is masked as Kubernetes does). */
export type NameValidator = (name: string, prefix: boolean) => string[]

function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name
}

const nameRule =
  (check: (s: string) => string[]): NameValidator =>
  (name, prefix) =>
    check(prefix ? maskTrailingDash(name) : name)

export const nameIsDNSSubdomain = nameRule(isDNS1123Subdomain)
export const nameIsDNSLabel = nameRule(isDNS1123Label)
export const nameIsDNS1035Label = nameRule(isDNS1035Label)

/** Names that become URL path segments (events, for one) may be anything without '/' or '%'. */
export const nameIsPathSegment: NameValidator = (name, prefix) => {
  if (prefix) return name.includes('/') || name.includes('%') ? [`may not contain '/'`] : []
  if (name === '.' || name === '..') return [`may not be '${name}'`]
  const errs: string[] = []
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`)
  return errs
}
