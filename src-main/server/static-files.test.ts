import { describe, expect, it } from 'vitest'
import { resolveStaticPath } from './static-files.ts'

describe('resolveStaticPath', () => {
  const root = '/srv/renderer'

  it('maps / to index.html', () => {
    expect(resolveStaticPath(root, '/')).toBe('/srv/renderer/index.html')
  })

  it('maps asset paths under the root', () => {
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toBe('/srv/renderer/assets/index-abc.js')
  })

  it.each([['/../secret'], ['/assets/../../etc/passwd'], ['/%2e%2e/%2e%2e/etc/passwd'], ['/..%2fsecret']])(
    'keeps %s inside the root',
    (path) => {
      const resolved = resolveStaticPath(root, path)
      expect(resolved === null || resolved.startsWith(root + '/')).toBe(true)
    },
  )

  it('rejects malformed escapes and NUL bytes', () => {
    expect(resolveStaticPath(root, '/%E0%A4%A')).toBeNull()
    expect(resolveStaticPath(root, '/a%00b')).toBeNull()
  })
})
