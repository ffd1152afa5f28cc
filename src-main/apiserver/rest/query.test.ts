import { describe, expect, it } from 'vitest'
import { parseBool, parseQuery } from './query.ts'

const q = (query: string) => parseQuery(new URLSearchParams(query))

function statusOfThrow(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return (err as { status?: unknown }).status
  }
  throw new Error('expected a throw')
}

describe('parseQuery', () => {
  it('reads list options as kubectl sends them', () => {
    const parsed = q('labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dweb&limit=500&continue=abc&resourceVersion=12&resourceVersionMatch=NotOlderThan')
    expect(parsed.list).toEqual({ labelSelector: 'app=web', fieldSelector: 'metadata.name=web', limit: 500, continue: 'abc', resourceVersion: '12', resourceVersionMatch: 'NotOlderThan' })
    expect(parsed.watch).toBe(false)
  })

  it('reads watch options on top of the list options', () => {
    const parsed = q('watch=true&resourceVersion=7&timeoutSeconds=300&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan')
    expect(parsed.watch).toBe(true)
    expect(parsed.watchOptions).toEqual({ resourceVersion: '7', resourceVersionMatch: 'NotOlderThan', timeoutSeconds: 300, allowWatchBookmarks: true, sendInitialEvents: true })
  })

  it('reads booleans leniently, as kube-apiserver does', () => {
    expect(q('watch=1').watch).toBe(true)
    expect(q('watch').watch).toBe(true)
    expect(q('watch=0').watch).toBe(false)
    expect(q('watch=False').watch).toBe(false)
    expect(parseBool(undefined)).toBeUndefined()
  })

  it('reads write options; fieldValidation stays unset (the core defaults to Warn)', () => {
    expect(q('fieldManager=kubectl-client-side-apply&fieldValidation=Strict&dryRun=All').write).toEqual({ dryRun: true, fieldValidation: 'Strict', fieldManager: 'kubectl-client-side-apply' })
    expect(q('').write).toEqual({ dryRun: false })
  })

  it('reads delete options from the query', () => {
    expect(q('gracePeriodSeconds=0&propagationPolicy=Foreground&orphanDependents=false&dryRun=All').delete).toEqual({
      gracePeriodSeconds: 0,
      propagationPolicy: 'Foreground',
      orphanDependents: false,
      dryRun: ['All'],
    })
  })

  it('reads includeObject for Table answers', () => {
    expect(q('includeObject=Object').includeObject).toBe('Object')
    expect(q('').includeObject).toBeUndefined()
  })

  it.each([
    ['limit=abc', 'limit'],
    ['limit=-1', 'limit'],
    ['timeoutSeconds=1.5', 'timeoutSeconds'],
    ['dryRun=Yes', 'dryRun'],
    ['fieldValidation=strict', 'fieldValidation'],
    ['propagationPolicy=Sometimes', 'propagationPolicy'],
    ['resourceVersionMatch=Latest', 'resourceVersionMatch'],
    ['includeObject=All', 'includeObject'],
  ])('refuses %s with a 400 naming %s', (query, name) => {
    expect(statusOfThrow(() => q(query))).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest', message: expect.stringContaining(`"${name}"`) })
  })
})
