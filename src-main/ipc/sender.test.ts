import { describe, expect, it } from 'vitest'
import { isTrustedSender, type TrustedRenderer } from './sender.ts'

const built: TrustedRenderer = { indexFileUrl: 'file:///opt/coxswain/out/renderer/index.html' }
const dev: TrustedRenderer = { ...built, devServerUrl: 'http://localhost:5173/' }
const top = (url: string) => ({ url, isMainFrame: true })

describe('isTrustedSender', () => {
  it('trusts our built index.html, whatever its route', () => {
    expect(isTrustedSender(top('file:///opt/coxswain/out/renderer/index.html'), built)).toBe(true)
    expect(isTrustedSender(top('file:///opt/coxswain/out/renderer/index.html#/nodes?x=1'), built)).toBe(true)
  })

  it('refuses other local files', () => {
    expect(isTrustedSender(top('file:///tmp/evil.html'), built)).toBe(false)
    expect(isTrustedSender(top('file:///opt/coxswain/out/renderer/other.html'), built)).toBe(false)
    expect(isTrustedSender(top('file:///opt/coxswain/out/renderer/index.html/../../x.html'), built)).toBe(false)
  })

  it('refuses iframes, even our own document', () => {
    expect(isTrustedSender({ url: 'file:///opt/coxswain/out/renderer/index.html', isMainFrame: false }, built)).toBe(false)
  })

  it('refuses a missing frame (destroyed or navigated away)', () => {
    expect(isTrustedSender(null, built)).toBe(false)
    expect(isTrustedSender(undefined, built)).toBe(false)
  })

  it('trusts the dev server origin only when one is configured', () => {
    expect(isTrustedSender(top('http://localhost:5173/#/'), dev)).toBe(true)
    expect(isTrustedSender(top('http://localhost:5173/#/'), built)).toBe(false)
  })

  it('refuses lookalike origins of the dev server', () => {
    expect(isTrustedSender(top('http://localhost:5174/'), dev)).toBe(false)
    expect(isTrustedSender(top('http://localhost.evil.com:5173/'), dev)).toBe(false)
    expect(isTrustedSender(top('https://localhost:5173/'), dev)).toBe(false)
  })

  it('refuses remote pages and garbage', () => {
    expect(isTrustedSender(top('https://example.com/'), dev)).toBe(false)
    expect(isTrustedSender(top('about:blank'), dev)).toBe(false)
    expect(isTrustedSender(top('not a url'), dev)).toBe(false)
  })
})
