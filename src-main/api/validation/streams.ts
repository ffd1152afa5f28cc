// Checks on PodLogOptions and PodExecOptions, with kube-apiserver's and the kubelet's words, and
// the container a stream is for. Pure; the REST and IPC doors both call these before any node is
// asked anything.

import type { Pod } from '../types/pod.ts'
import type { PodExecOptions, PodLogOptions } from '../types/streams.ts'
import { forbidden, invalid, type FieldError } from './errors.ts'

/** kube-apiserver's ValidatePodLogOptions. */
export function validatePodLogOptions(options: PodLogOptions): FieldError[] {
  const errs: FieldError[] = []
  if (options.tailLines !== undefined && options.tailLines < 0) errs.push(invalid('tailLines', options.tailLines, 'must be greater than or equal to 0'))
  if (options.limitBytes !== undefined && options.limitBytes < 1) errs.push(invalid('limitBytes', options.limitBytes, 'must be greater than 0'))
  if (options.sinceSeconds !== undefined && options.sinceTime !== undefined) {
    errs.push(forbidden('', 'at most one of `sinceTime` or `sinceSeconds` may be specified'))
  } else if (options.sinceSeconds !== undefined && options.sinceSeconds < 1) {
    errs.push(invalid('sinceSeconds', options.sinceSeconds, 'must be greater than 0'))
  }
  return errs
}

/** Exec options with every stream decided. */
export interface NormalizedExecOptions {
  command: string[]
  container?: string
  stdin: boolean
  stdout: boolean
  stderr: boolean
  tty: boolean
}

/**
 * Exec options as the kubelet takes them: stderr is dropped with a TTY (a terminal has one output),
 * and a request must name a command and at least one stream. Returns the options to run, or the
 * reason they cannot be.
 */
export function normalizePodExecOptions(options: PodExecOptions): { options: NormalizedExecOptions } | { error: string } {
  const tty = options.tty === true
  const stdin = options.stdin === true
  const stdout = options.stdout === true
  const stderr = options.stderr === true && !tty
  if (options.command.length === 0) return { error: 'you must specify at least 1 command' }
  if (!stdin && !stdout && !stderr) return { error: 'you must specify at least 1 of stdin, stdout, stderr' }
  const normalized: NormalizedExecOptions = { command: [...options.command], stdin, stdout, stderr, tty }
  if (options.container !== undefined) normalized.container = options.container
  return { options: normalized }
}

/** Every container name of the pod in kube-apiserver's order: init containers, then containers. */
export function podContainerNames(pod: Pod): string[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name)
}

/**
 * The container a log or exec request means (kube-apiserver's validateContainer): the one named,
 * or the pod's only container. Returns the name, or the BadRequest message.
 */
export function resolvePodContainer(pod: Pod, container: string | undefined): { name: string } | { error: string } {
  const podName = pod.metadata.name ?? ''
  if (container === undefined || container === '') {
    const containers = pod.spec?.containers ?? []
    if (containers.length === 1 && containers[0]) return { name: containers[0].name }
    if (containers.length === 0) return { error: `pod ${podName} does not have a container` }
    return { error: `a container name must be specified for pod ${podName}, choose one of: [${podContainerNames(pod).join(' ')}]` }
  }
  if (!podContainerNames(pod).includes(container)) return { error: `container ${container} is not valid for pod ${podName}` }
  return { name: container }
}
