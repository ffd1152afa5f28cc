import { describe, expect, it } from 'vitest'
import { statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dnsImageTag, dnsImageTarball, dnsSourceDir, parseLdd } from './image.ts'
import { dnsContainerSpec, readTableScript, writeTableScript } from './runtime.ts'

describe('the DNS image', () => {
  it('takes every shared object ldd names, the loader included', () => {
    const ldd = [
      '\tlinux-vdso.so.1 (0x00007ffd5b3f1000)',
      '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f2d1c6f1000)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f2d1c400000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f2d1c70a000)',
    ].join('\n')
    expect(parseLdd(ldd)).toEqual(['/lib/x86_64-linux-gnu/libdl.so.2', '/lib/x86_64-linux-gnu/libstdc++.so.6', '/lib64/ld-linux-x86-64.so.2'])
  })

  it.runIf(process.platform === 'linux')('keeps one tarball per image tag in the temp dir, shared by every process of this version', async () => {
    const tarball = await dnsImageTarball()
    expect(tarball).toBe(join(tmpdir(), `coxswain-dns-image-${dnsImageTag()}.tar`))
    expect(statSync(tarball).size).toBeGreaterThan(1_000_000)
    expect(await dnsImageTarball()).toBe(tarball)
  }, 60_000)

  it('tags the image by its content', () => {
    expect(dnsImageTag()).toMatch(/^[0-9a-f]{12}$/)
    expect(dnsImageTag()).toBe(dnsImageTag())
  })
})

describe('the DNS server on a node', () => {
  it('writes the table atomically where the container reads it', () => {
    expect(writeTableScript('/var/lib/coxswain/dns')).toBe('mkdir -p /var/lib/coxswain/dns && cat > /var/lib/coxswain/dns/.records.json.$$ && mv -f /var/lib/coxswain/dns/.records.json.$$ /var/lib/coxswain/dns/records.json')
    expect(writeTableScript("/tmp/it's here")).toBe("mkdir -p '/tmp/it'\\''s here' && cat > '/tmp/it'\\''s here/.records.json.'$$ && mv -f '/tmp/it'\\''s here/.records.json.'$$ '/tmp/it'\\''s here/records.json'")
    expect(readTableScript('/var/lib/coxswain/dns')).toBe('{ cat /var/lib/coxswain/dns/records.json 2>/dev/null || true; }')
  })

  it('runs on the host network, restarting always, with the table directory read-only', () => {
    expect(dnsContainerSpec('coxswain/cluster-dns:abc', '/var/lib/coxswain/dns')).toEqual({
      name: 'coxswain-cluster-dns',
      Image: 'coxswain/cluster-dns:abc',
      Cmd: ['/data/records.json', '10053'],
      Labels: { 'io.coxswain.component': 'cluster-dns' },
      HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'always' }, Binds: ['/var/lib/coxswain/dns:/data:ro'], Memory: 134217728 },
    })
  })
})

describe('dnsSourceDir', () => {
  const has = (...present: string[]) => (path: string) => present.some((dir) => path.startsWith(`${dir}/`))
  it.each([
    ['beside the module (run from the sources)', '/src/network/dns', has('/src/network/dns'), '/src/network/dns'],
    ['the bundle copy next to an entry in out/main', '/app/out/main', has('/app/out/main/dns-server'), '/app/out/main/dns-server'],
    ['the bundle copy next to a chunk in out/main/chunks', '/app/out/main/chunks', has('/app/out/main/dns-server'), '/app/out/main/dns-server'],
  ])('finds the server sources %s', (_what, moduleDir, exists, expected) => {
    expect(dnsSourceDir(moduleDir, exists)).toBe(expected)
  })

  it('says where it looked when the sources are missing', () => {
    expect(() => dnsSourceDir('/app/out/main/chunks', () => false)).toThrow(/server\.ts, wire\.ts\) are missing; looked in \/app\/out\/main\/chunks, /)
  })
})

