// One structured logger for the main process: a message plus fields, one JSON line each,
// so lab runs and user bug reports can be filtered by node, pod or component.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFields = Record<string, unknown>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  /** A logger whose every line carries `fields` too, e.g. `log.child({ node: 'node-1' })`. */
  child(fields: LogFields): Logger
}

export type LogSink = (line: string) => void

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

function levelFromEnv(): LogLevel {
  const wanted = process.env.COXSWAIN_LOG_LEVEL
  return wanted === 'debug' || wanted === 'info' || wanted === 'warn' || wanted === 'error' ? wanted : 'info'
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { message: value.message, ...(value.cause ? { cause: serialise(value.cause) } : {}) }
  return value
}

export function createLogger(
  base: LogFields = {},
  sink: LogSink = (line) => process.stderr.write(line + '\n'),
  minLevel: LogLevel = levelFromEnv(),
): Logger {
  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (order[level] < order[minLevel]) return
    const record: LogFields = { time: new Date().toISOString(), level, msg, ...base }
    for (const [key, value] of Object.entries(fields ?? {})) record[key] = serialise(value)
    sink(JSON.stringify(record))
  }
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger({ ...base, ...fields }, sink, minLevel),
  }
}

export const log = createLogger()
