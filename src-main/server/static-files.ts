// Serves the built dashboard (out/renderer). Paths are confined to that folder; hashed assets are
// cached forever, index.html is revalidated every time. The router uses hash URLs, so there is
// no history-mode fallback to index.html.

import { createReadStream, statSync, type Stats } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { sendText } from './respond.ts'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * Maps a URL path to a file under `root`, or null when it would escape `root` or is malformed.
 * `/` maps to index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || !decoded.startsWith('/')) return null
  const relative = normalize(decoded === '/' ? '/index.html' : decoded)
  const full = join(root, relative)
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null
}

function fileStats(path: string): Stats | null {
  try {
    const stats = statSync(path)
    return stats.isFile() ? stats : null
  } catch {
    return null
  }
}

export function createStaticHandler(root: string): (req: IncomingMessage, res: ServerResponse, urlPath: string) => void {
  const indexPath = join(root, 'index.html')
  return (req, res, urlPath) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' })
      return
    }
    const resolved = resolveStaticPath(root, urlPath)
    if (resolved === null) {
      sendText(res, 400, 'Bad path\n')
      return
    }
    const path = resolved
    const stats = fileStats(path)
    if (!stats) {
      if (path === indexPath) sendText(res, 503, 'The dashboard is not built: run `npx electron-vite build` (scripts/run.sh does it for you).\n')
      else sendText(res, 404, 'Not found\n')
      return
    }
    const immutable = urlPath.startsWith('/assets/')
    res.writeHead(200, {
      'Content-Type': contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': stats.size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    createReadStream(path)
      .on('error', (err) => res.destroy(err))
      .pipe(res)
  }
}
