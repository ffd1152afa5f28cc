// The one place that turns an argv into a POSIX shell command line. SSH `exec` hands the remote
// login shell a single string, so every command we run on a node passes through here; nothing
// else in the code may escape shell by hand.

/** Characters that mean nothing to a POSIX shell anywhere in a word (no `=`, `~`, `#`, globs). */
const SAFE_WORD = /^[A-Za-z0-9_./:@%+,-]+$/

/** Quotes one argument: bare if it is plainly safe, else in single quotes with `'` as `'\''`. */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new Error(`shell argument contains a NUL byte: ${JSON.stringify(arg)}`)
  if (SAFE_WORD.test(arg)) return arg
  return `'${arg.replaceAll("'", `'\\''`)}'`
}

/**
 * Joins `argv` into a command line that a POSIX shell splits back into exactly `argv`, with no
 * expansion of any kind (variables, globs, tildes, command substitution, assignments).
 */
export function shellQuote(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('shellQuote: empty argv')
  return argv.map(quoteArg).join(' ')
}
