// `$(VAR)` references in env values, command and args, expanded exactly as the kubelet does
// (third_party/forked/golang/expansion): `$$` is a literal `$`, an unknown `$(NAME)` stays as written,
// an unterminated `$(` stays as written, and `$` before anything else is kept.

export type Mapping = (name: string) => string

/** Looks a name up in each map in turn; an unknown name comes back as the reference `$(name)`. */
export function mappingFor(...maps: ReadonlyMap<string, string>[]): Mapping {
  return (name) => {
    for (const vars of maps) {
      const value = vars.get(name)
      if (value !== undefined) return value
    }
    return `$(${name})`
  }
}

export function expand(input: string, mapping: Mapping): string {
  let out = ''
  let checkpoint = 0
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue
    out += input.slice(checkpoint, cursor)
    const { text, isVariable, advance } = readVariableName(input.slice(cursor + 1))
    out += isVariable ? mapping(text) : text
    cursor += advance
    checkpoint = cursor + 1
  }
  return out + input.slice(checkpoint)
}

function readVariableName(rest: string): { text: string; isVariable: boolean; advance: number } {
  const first = rest[0]
  if (first === '$') return { text: '$', isVariable: false, advance: 1 }
  if (first === '(') {
    const close = rest.indexOf(')', 1)
    if (close >= 0) return { text: rest.slice(1, close), isVariable: true, advance: close + 1 }
    return { text: '$(', isVariable: false, advance: 1 }
  }
  return { text: `$${first ?? ''}`, isVariable: false, advance: 1 }
}
