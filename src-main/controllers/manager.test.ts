import { describe, expect, it } from 'vitest'
import { selectControllers, type ControllerFactory } from './manager.ts'

const noop: ControllerFactory = () => ({ start: async () => {}, stop: async () => {} })
const known = { scheduler: noop, replicaset: noop, deployment: noop }

describe('selectControllers (kube-controller-manager --controllers syntax)', () => {
  it.each([
    [['*'], ['scheduler', 'replicaset', 'deployment']],
    [['-*'], []],
    [['*', '-scheduler'], ['replicaset', 'deployment']],
    [['scheduler'], ['scheduler']],
    [['-*', 'deployment', 'scheduler'], ['scheduler', 'deployment']],
    [['scheduler', '-scheduler'], []],
    [[], []],
  ])('%j → %j', (spec, expected) => {
    expect(Object.keys(selectControllers(spec, known))).toEqual(expected)
  })

  it('refuses an unknown name, listing the known ones', () => {
    expect(() => selectControllers(['*', '-schedular'], known)).toThrow('--controllers: unknown controller "schedular"; known: scheduler, replicaset, deployment')
  })
})
