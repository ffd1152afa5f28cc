// Which frames may talk to the main process: only our own renderer's top frame — the built
// index.html over file://, or the Vite dev server during development. Anything else (an iframe,
// a page we were somehow navigated to) gets no answer.

export interface SenderFrame {
  url: string
  /** False for iframes. */
  isMainFrame: boolean
}

export interface TrustedRenderer {
  /** file:// URL of the built renderer's index.html. */
  indexFileUrl: string
  /** Origin of the dev server (electron-vite dev), when one is in use. */
  devServerUrl?: string
}

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

export function isTrustedSender(frame: SenderFrame | null | undefined, trusted: TrustedRenderer): boolean {
  if (!frame?.isMainFrame) return false
  const url = parse(frame.url)
  if (!url) return false
  if (url.protocol === 'file:') {
    const index = parse(trusted.indexFileUrl)
    // Hash and query are the router's business; the document itself must be ours.
    return index !== null && index.protocol === 'file:' && url.host === index.host && url.pathname === index.pathname
  }
  if (trusted.devServerUrl === undefined) return false
  const dev = parse(trusted.devServerUrl)
  return dev !== null && (dev.protocol === 'http:' || dev.protocol === 'https:') && url.origin === dev.origin
}
