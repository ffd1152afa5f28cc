// The test image: a busybox-static root imported into each node's Docker engine. There is no
// registry here, so nothing is pulled: `docker import` of a tar we build ourselves.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TEST_IMAGE } from './config.ts'
import { run } from './run.ts'

const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox']

function findBusybox(): string {
  const path = BUSYBOX_CANDIDATES.find((p) => existsSync(p))
  if (!path) throw new Error('busybox not found: install Debian package busybox-static')
  return path
}

/** Builds the image's root as a tar at `tarPath`: busybox, one symlink per applet, a minimal /etc. */
export async function buildImageTar(tarPath: string): Promise<void> {
  const busybox = findBusybox()
  const root = mkdtempSync(join(tmpdir(), 'cxlab-image-'))
  try {
    for (const dir of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'var/www', 'var/run']) {
      mkdirSync(join(root, dir), { recursive: true })
    }
    copyFileSync(busybox, join(root, 'bin', 'busybox'))
    const { stdout } = await run([busybox, '--list'])
    for (const applet of stdout.split('\n').filter(Boolean)) {
      if (applet !== 'busybox') symlinkSync('busybox', join(root, 'bin', applet))
    }
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n')
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n')
    writeFileSync(join(root, 'var', 'www', 'index.html'), 'coxswain test image\n')
    await run(['chmod', '1777', join(root, 'tmp')])
    await run(['tar', '--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarPath, '.'])
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

/** Imports the tar as TEST_IMAGE into the Docker engine behind `socketPath`. */
export function importImage(socketPath: string, tarPath: string): Promise<void> {
  const [repo, tag] = TEST_IMAGE.split(':') as [string, string]
  const query = new URLSearchParams({ fromSrc: '-', repo, tag })
  query.append('changes', 'CMD ["sh"]')
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method: 'POST', path: `/images/create?${query}`, headers: { 'Content-Type': 'application/x-tar' } },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => {
          const failure = res.statusCode !== 200 ? body : /"error"\s*:\s*"([^"]*)"/.exec(body)?.[1]
          if (failure) reject(new Error(`import ${TEST_IMAGE} via ${socketPath}: ${failure}`))
          else resolve()
        })
      },
    )
    req.on('error', (cause) => reject(new Error(`import ${TEST_IMAGE} via ${socketPath}: ${cause.message}`, { cause })))
    req.end(readFileSync(tarPath))
  })
}
