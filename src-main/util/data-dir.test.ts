import { describe, expect, it } from 'vitest'
import { defaultDataDir } from './data-dir.ts'

describe('defaultDataDir', () => {
  it('follows XDG_DATA_HOME', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/x' }, '/home/u')).toBe('/x/coxswain')
  })

  it('falls back to ~/.local/share when unset, empty or relative', () => {
    expect(defaultDataDir({}, '/home/u')).toBe('/home/u/.local/share/coxswain')
    expect(defaultDataDir({ XDG_DATA_HOME: '' }, '/home/u')).toBe('/home/u/.local/share/coxswain')
    expect(defaultDataDir({ XDG_DATA_HOME: 'rel' }, '/home/u')).toBe('/home/u/.local/share/coxswain')
  })
})
