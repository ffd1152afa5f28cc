// core/v1 PodLogOptions and PodExecOptions: what a caller may ask of a container's log and of a
// command run inside a container. The REST door reads them from the query string (`?follow=true`,
// `?command=sh&command=-c&…`), the IPC door from its requests; the renderer sends them through
// either. Field names are Kubernetes'.

export interface PodLogOptions {
  /** Which container; may be left out only when the pod has exactly one. */
  container?: string
  /** Keep streaming until the container ends or the client goes away. */
  follow?: boolean
  /** The log of the container's previous run (`kubectl logs --previous`). */
  previous?: boolean
  /** Only lines newer than this many seconds; at most one of sinceSeconds and sinceTime. */
  sinceSeconds?: number
  /** Only lines at or after this RFC 3339 time. */
  sinceTime?: string
  /** Prefix every line with its RFC 3339 timestamp. */
  timestamps?: boolean
  /** Only the last this many lines (stdout and stderr together). */
  tailLines?: number
  /** Stop after this many bytes (the last line may be cut). */
  limitBytes?: number
}

export interface PodExecOptions {
  /** argv of the command; no shell unless it names one. */
  command: string[]
  /** Which container; may be left out only when the pod has exactly one. */
  container?: string
  stdin?: boolean
  stdout?: boolean
  /** Ignored with a TTY, whose output is all on stdout. */
  stderr?: boolean
  tty?: boolean
}

/** A terminal's size in character cells. */
export interface TerminalSize {
  width: number
  height: number
}

/** The pod a stream is about. */
export interface PodRef {
  namespace: string
  name: string
}
