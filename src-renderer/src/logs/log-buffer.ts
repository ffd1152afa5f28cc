// A container log as lines: bytes arrive in chunks that split lines (and UTF-8 characters)
// anywhere; only whole lines are shown, the newest `maxLines` kept so a chatty container cannot
// exhaust the page. Search matches lines case-insensitively.

export interface LogLine {
  /** Position in the whole stream, stable as old lines are dropped (a key for rendering). */
  n: number
  text: string
}

export class LogBuffer {
  private readonly decoder = new TextDecoder('utf-8')
  private partial = ''
  private next = 0
  private kept: LogLine[] = []
  /** Lines dropped from the front to stay within maxLines. */
  dropped = 0

  constructor(private readonly maxLines = 5_000) {}

  /** Adds a chunk; returns true when whole lines were added. */
  push(chunk: Uint8Array): boolean {
    const text = this.partial + this.decoder.decode(chunk, { stream: true })
    const parts = text.split('\n')
    this.partial = parts.pop() ?? ''
    if (parts.length === 0) return false
    for (const part of parts) this.kept.push({ n: this.next++, text: part.replace(/\r$/, '') })
    const excess = this.kept.length - this.maxLines
    if (excess > 0) {
      this.kept = this.kept.slice(excess)
      this.dropped += excess
    }
    return true
  }

  /** The stream ended: a last line without a newline counts too. */
  end(): void {
    const rest = this.partial + this.decoder.decode()
    this.partial = ''
    if (rest !== '') this.kept.push({ n: this.next++, text: rest })
  }

  lines(): readonly LogLine[] {
    return this.kept
  }

  /** Everything kept, as a file's text. */
  text(): string {
    return this.kept.map((l) => l.text + '\n').join('')
  }

  clear(): void {
    this.kept = []
    this.partial = ''
    this.dropped = 0
  }

}

export function matchLines(lines: readonly LogLine[], search: string): readonly LogLine[] {
  const needle = search.trim().toLowerCase()
  if (!needle) return lines
  return lines.filter((l) => l.text.toLowerCase().includes(needle))
}

/** A download's file name: pod, container and time, safe on every file system. */
export function logFileName(pod: string, container: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  return `${pod}_${container}_${stamp}.log`.replace(/[^A-Za-z0-9._-]/g, '_')
}

/**
 * Several pods' logs (fetched with timestamps) as one, in time order, each line prefixed with its
 * pod's name — a deployment's log. Lines without a timestamp keep their place after the previous
 * one of the same pod. The newest `maxLines` are kept.
 */
export function mergeByTime(logs: Readonly<Record<string, string>>, maxLines = 5_000): LogLine[] {
  const all: { time: string; source: string; seq: number; text: string }[] = []
  let seq = 0
  for (const [source, text] of Object.entries(logs)) {
    let last = ''
    for (const line of text.split('\n')) {
      if (line === '') continue
      const match = /^(\d{4}-\d{2}-\d{2}T\S+Z) (.*)$/.exec(line.replace(/\r$/, ''))
      if (match?.[1]) last = match[1]
      all.push({ time: last, source, seq: seq++, text: match ? (match[2] ?? '') : line })
    }
  }
  // RFC 3339 times in UTC with the same precision sort as strings; ties keep arrival order.
  all.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.seq - b.seq))
  return all.slice(-maxLines).map((l, n) => ({ n, text: `[${l.source}] ${l.text}` }))
}
