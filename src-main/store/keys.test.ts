import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it } from 'vitest'
import { decodeContinue, encodeContinue } from './continue-token.ts'
import { qualifiedResource } from './errors.ts'
import { compareCodePoints, keyOf } from './keys.ts'
import { makeNode, makePod } from './testing.ts'

describe('compareCodePoints', () => {
  it('orders strings exactly as SQLite orders the same UTF-8 text', () => {
    const words = ['a', 'b', 'a-b', 'a.b', 'aa', '', 'Z', 'z0', '\u00e9', '\uffff', '\ue000', '\u{10000}', '\u{1f600}', 'x\u{10000}', 'x\uffff']
    const db = new DatabaseSync(':memory:')
    db.exec('CREATE TABLE t (w TEXT)')
    const insert = db.prepare('INSERT INTO t VALUES (?)')
    for (const w of words) insert.run(w)
    const sqlite = (db.prepare('SELECT w FROM t ORDER BY w').all() as { w: string }[]).map((r) => r.w)
    db.close()
    expect([...words].sort(compareCodePoints)).toEqual(sqlite)
    expect(['\u{10000}', '\uffff'].sort()).toEqual(['\u{10000}', '\uffff']) // what plain sort would get wrong
  })
})

describe('keyOf', () => {
  it('takes the key from metadata, with "" for cluster-scoped objects', () => {
    expect(keyOf('pods', makePod('web').inNamespace('prod').obj())).toEqual({ resource: 'pods', namespace: 'prod', name: 'web' })
    expect(keyOf('nodes', makeNode('n1').obj())).toEqual({ resource: 'nodes', namespace: '', name: 'n1' })
  })

  it('refuses an object without a name', () => {
    expect(() => keyOf('pods', makePod('').obj())).toThrow('store: pods object has no metadata.name')
  })
})

describe('continue tokens', () => {
  it('round-trip the revision and the key to continue after', () => {
    const point = { revision: 42, after: { namespace: 'default', name: 'web-1' } }
    expect(decodeContinue(encodeContinue(point))).toEqual(point)
    expect(encodeContinue(point)).toMatch(/^[A-Za-z0-9_-]+$/)
  })

  it('refuse what they did not encode', () => {
    expect(() => decodeContinue('!!!')).toThrow('not a token this server issued')
    expect(() => decodeContinue(Buffer.from('{"v":2}').toString('base64url'))).toThrow('unknown token version 2')
    expect(() => decodeContinue(Buffer.from('{"v":1,"rev":-1,"ns":"","name":""}').toString('base64url'))).toThrow('bad revision')
  })
})

describe('qualifiedResource', () => {
  it('names a resource as Kubernetes messages do', () => {
    expect(qualifiedResource('pods')).toBe('pods')
    expect(qualifiedResource('apps/deployments')).toBe('deployments.apps')
  })
})
