import { describe, expect, it } from 'vitest'
import { container, makePod } from '../testing/builders.ts'
import { formatFieldError } from './errors.ts'
import { normalizePodExecOptions, resolvePodContainer, validatePodLogOptions } from './streams.ts'

const messages = (options: Parameters<typeof validatePodLogOptions>[0]): string[] => validatePodLogOptions(options).map(formatFieldError)

describe('validatePodLogOptions', () => {
  it('accepts what kubectl logs sends', () => {
    expect(messages({ container: 'web', follow: true, tailLines: 0, limitBytes: 1, sinceSeconds: 5, timestamps: true, previous: true })).toEqual([])
  })

  it('refuses negative line counts and empty byte limits, in kube-apiserver’s words', () => {
    expect(messages({ tailLines: -1, limitBytes: 0 })).toEqual([
      'tailLines: Invalid value: -1: must be greater than or equal to 0',
      'limitBytes: Invalid value: 0: must be greater than 0',
    ])
  })

  it('takes at most one of sinceSeconds and sinceTime, and sinceSeconds of at least 1', () => {
    expect(messages({ sinceSeconds: 5, sinceTime: '2026-01-02T03:04:05Z' })).toEqual([': Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified'])
    expect(messages({ sinceSeconds: 0 })).toEqual(['sinceSeconds: Invalid value: 0: must be greater than 0'])
  })
})

describe('normalizePodExecOptions', () => {
  it('drops stderr with a TTY, as the kubelet does', () => {
    expect(normalizePodExecOptions({ command: ['sh'], stdin: true, stdout: true, stderr: true, tty: true })).toEqual({
      options: { command: ['sh'], stdin: true, stdout: true, stderr: false, tty: true },
    })
  })

  it('treats absent streams as off, as the API does', () => {
    expect(normalizePodExecOptions({ command: ['ls'], stdout: true, container: 'web' })).toEqual({
      options: { command: ['ls'], container: 'web', stdin: false, stdout: true, stderr: false, tty: false },
    })
  })

  it('needs a command and at least one stream', () => {
    expect(normalizePodExecOptions({ command: [], stdout: true })).toEqual({ error: 'you must specify at least 1 command' })
    expect(normalizePodExecOptions({ command: ['true'] })).toEqual({ error: 'you must specify at least 1 of stdin, stdout, stderr' })
    expect(normalizePodExecOptions({ command: ['true'], stderr: true, tty: true })).toEqual({ error: 'you must specify at least 1 of stdin, stdout, stderr' })
  })
})

describe('resolvePodContainer', () => {
  const single = makePod('web').withContainer(container('app')).obj()
  const several = makePod('shop').withContainer(container('app')).withContainer(container('sidecar')).withSpec({ initContainers: [container('setup')] }).obj()

  it('defaults to the only container', () => {
    expect(resolvePodContainer(single, undefined)).toEqual({ name: 'app' })
    expect(resolvePodContainer(single, '')).toEqual({ name: 'app' })
  })

  it('needs a name when there are several, listing them as kube-apiserver does (init containers first)', () => {
    expect(resolvePodContainer(several, undefined)).toEqual({ error: 'a container name must be specified for pod shop, choose one of: [setup app sidecar]' })
  })

  it('accepts any container of the pod, init containers included, and refuses others', () => {
    expect(resolvePodContainer(several, 'setup')).toEqual({ name: 'setup' })
    expect(resolvePodContainer(several, 'db')).toEqual({ error: 'container db is not valid for pod shop' })
  })

  it('says so when a pod has no container', () => {
    expect(resolvePodContainer(makePod('empty').obj(), undefined)).toEqual({ error: 'pod empty does not have a container' })
  })
})
