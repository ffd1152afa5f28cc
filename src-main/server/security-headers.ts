// Headers every response carries, API or page alike.

import { contentSecurityPolicy } from '../security/csp.ts'

export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    // For browsers that predate CSP frame-ancestors.
    'X-Frame-Options': 'DENY',
    // The login URL carries the token in its query; never let it leak through Referer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=()',
  }
}
