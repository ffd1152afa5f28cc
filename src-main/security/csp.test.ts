import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, cspDirectives } from './csp.ts'

function directive(policy: string, name: string): string | undefined {
  return policy
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(name + ' '))
}

describe('contentSecurityPolicy', () => {
  const built = contentSecurityPolicy()

  it('allows only our own origin by default', () => {
    expect(directive(built, 'default-src')).toBe("default-src 'self'")
  })

  it('allows no inline or eval script', () => {
    expect(directive(built, 'script-src')).toBe("script-src 'self'")
    expect(built).not.toContain('unsafe-inline')
    expect(built).not.toContain('unsafe-eval')
  })

  it('forbids framing, plugins and base-tag tricks', () => {
    expect(directive(built, 'frame-ancestors')).toBe("frame-ancestors 'none'")
    expect(directive(built, 'object-src')).toBe("object-src 'none'")
    expect(directive(built, 'base-uri')).toBe("base-uri 'none'")
  })

  it('relaxes only styles and the hot-reload socket for the dev server', () => {
    const dev = contentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' })
    expect(directive(dev, 'style-src')).toBe("style-src 'self' 'unsafe-inline'")
    expect(directive(dev, 'connect-src')).toBe("connect-src 'self' ws://localhost:5173")
    expect(directive(dev, 'script-src')).toBe("script-src 'self'")
  })

  it('leaves out frame-ancestors for a meta tag, where browsers ignore it, and keeps the rest', () => {
    const meta = contentSecurityPolicy({ forMetaTag: true })
    expect(directive(meta, 'frame-ancestors')).toBeUndefined()
    expect(meta).toBe(built.replace("; frame-ancestors 'none'", ''))
  })

  it('names every directive once', () => {
    const names = cspDirectives().map(([name]) => name)
    expect(new Set(names).size).toBe(names.length)
  })
})
