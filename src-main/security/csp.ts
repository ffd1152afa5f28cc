// The dashboard's Content-Security-Policy, one definition for both doors: the HTTP server sends it
// as a header and the Electron session adds it to every response it loads.

export interface CspOptions {
  /**
   * Origin of the Vite dev server (electron-vite dev), whose hot reload injects <style> elements
   * and talks over a WebSocket. Omit in builds: the built renderer needs neither.
   */
  devServerOrigin?: string
  /**
   * For a `<meta http-equiv>` tag (Electron's file:// pages, where response headers may not
   * apply): browsers ignore frame-ancestors there and log an error, so it is left out.
   */
  forMetaTag?: boolean
}

/** Directive name -> sources. Ordered for readable headers and stable tests. */
export function cspDirectives(options: CspOptions = {}): [string, string[]][] {
  const dev = options.devServerOrigin
  const wsOrigin = dev?.replace(/^http/, 'ws')
  return [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', dev && wsOrigin ? ["'self'", wsOrigin] : ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'self'"]],
    ['frame-ancestors', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['worker-src', ["'self'"]],
  ]
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  return cspDirectives(options)
    .filter(([name]) => !(options.forMetaTag && name === 'frame-ancestors'))
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ')
}
