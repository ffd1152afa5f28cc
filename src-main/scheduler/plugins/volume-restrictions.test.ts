import { describe, expect, it } from 'vitest'
import type { Pod } from '../../api/index.ts'
import { makePod } from '../../api/testing/builders.ts'
import { EXCLUSIVE_HOST_PATHS_ANNOTATION } from '../framework/pod-info.ts'
import { cycleStateFor, makeNode, nodeInfo } from '../testing.ts'
import { REASON, volumeRestrictions } from './volume-restrictions.ts'

function mounting(name: string, path: string, options: { readOnly?: boolean; exclusive?: boolean } = {}): Pod {
  const pod = makePod(name)
    .withVolume({ name: 'data', hostPath: { path } })
    .withContainer({ name: 'c', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: options.readOnly ?? false }] })
    .obj()
  if (options.exclusive) pod.metadata.annotations = { [EXCLUSIVE_HOST_PATHS_ANNOTATION]: path }
  return pod
}

describe('VolumeRestrictions (NoDiskConflict for hostPath)', () => {
  it.each<[string, Pod, Pod, boolean]>([
    ['shared hostPaths are fine when nobody claims them', mounting('a', '/srv/db'), mounting('b', '/srv/db'), true],
    ['an exclusive read-write claim keeps a writer out', mounting('a', '/srv/db', { exclusive: true }), mounting('b', '/srv/db'), false],
    ['the newcomer may claim it too', mounting('a', '/srv/db'), mounting('b', '/srv/db', { exclusive: true }), false],
    ['read-only on both sides is always fine', mounting('a', '/srv/db', { readOnly: true, exclusive: true }), mounting('b', '/srv/db', { readOnly: true }), true],
    ['one writer is enough to conflict', mounting('a', '/srv/db', { readOnly: true, exclusive: true }), mounting('b', '/srv/db'), false],
    ['nested paths overlap', mounting('a', '/srv', { exclusive: true }), mounting('b', '/srv/db/'), false],
    ['sibling paths do not', mounting('a', '/srv/db', { exclusive: true }), mounting('b', '/srv/dbx'), true],
    ['paths are compared normalized', mounting('a', '/srv/./db/', { exclusive: true }), mounting('b', '/srv/x/../db'), false],
  ])('%s', (_what, existing, pod, fits) => {
    const status = volumeRestrictions.filter(cycleStateFor(pod), pod, nodeInfo(makeNode('n').obj(), [existing]))
    expect(status === null ? true : status.reasons).toEqual(fits ? true : [REASON])
  })
})
