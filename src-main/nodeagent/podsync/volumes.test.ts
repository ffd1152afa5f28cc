import { execFileSync } from 'node:child_process'
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ConfigMap, Secret } from '../../api/types/core.ts'
import type { Volume } from '../../api/types/pod.ts'
import { configMapFiles, dataDirName, secretFiles, VolumeMountError, writeFilesScript, type VolumeFile } from './volumes.ts'

const cm = (data: Record<string, string>, binaryData?: Record<string, string>): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'default' },
  data,
  ...(binaryData ? { binaryData } : {}),
})
const secret = (data: Record<string, string>): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'creds', namespace: 'default' },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
})
const text = (files: VolumeFile[]) => files.map((f) => [f.path, f.mode.toString(8), f.content.toString('utf8')])

describe('configMap and secret volume files', () => {
  it('projects every key with the default mode, binaryData decoded', () => {
    const v: Volume = { name: 'c', configMap: { name: 'cfg', defaultMode: 0o644 } }
    expect(text(configMapFiles(v, cm({ b: 'two', a: 'one' }, { bin: Buffer.from('raw').toString('base64') })))).toEqual([
      ['a', '644', 'one'],
      ['b', '644', 'two'],
      ['bin', '644', 'raw'],
    ])
  })

  it('projects only the listed items, at their paths and modes', () => {
    const v: Volume = { name: 's', secret: { secretName: 'creds', defaultMode: 0o600, items: [{ key: 'token', path: 'auth/token' }, { key: 'ca', path: 'ca.crt', mode: 0o444 }] } }
    expect(text(secretFiles(v, secret({ token: 't0k', ca: 'CA', unused: 'x' })))).toEqual([
      ['auth/token', '600', 't0k'],
      ['ca.crt', '444', 'CA'],
    ])
  })

  it('fails a missing ConfigMap, Secret or listed key unless optional', () => {
    expect(() => configMapFiles({ name: 'c', configMap: { name: 'cfg' } }, undefined)).toThrow(VolumeMountError)
    expect(() => configMapFiles({ name: 'c', configMap: { name: 'cfg' } }, undefined)).toThrow('configmap "cfg" not found')
    expect(() => secretFiles({ name: 's', secret: { secretName: 'creds', items: [{ key: 'nope', path: 'x' }] } }, secret({}))).toThrow('non-existent config key: nope')
    expect(configMapFiles({ name: 'c', configMap: { name: 'cfg', optional: true } }, undefined)).toEqual([])
    expect(secretFiles({ name: 's', secret: { secretName: 'creds', optional: true, items: [{ key: 'nope', path: 'x' }] } }, secret({}))).toEqual([])
  })

  it('names data directories as the kubelet does', () => {
    expect(dataDirName(new Date('2026-01-02T03:04:05.123Z'))).toBe('..2026_01_02_03_04_05.123')
  })

  it('refuses paths that could leave the volume directory', () => {
    expect(() => writeFilesScript('/d', [{ path: '../x', mode: 0o644, content: Buffer.from('') }], '..s')).toThrow(/plain relative path/)
    expect(() => writeFilesScript('/d', [{ path: '/etc/x', mode: 0o644, content: Buffer.from('') }], '..s')).toThrow(/plain relative path/)
  })
})

describe('writeFilesScript, run by sh', () => {
  let dir = ''
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  const run = (target: string, files: VolumeFile[], stamp: string) => execFileSync('sh', ['-s'], { input: writeFilesScript(target, files, stamp) })
  const file = (path: string, content: string, mode = 0o644): VolumeFile => ({ path, mode, content: Buffer.from(content) })

  it('writes the files behind ..data links with their modes, odd names and contents intact', () => {
    dir = mkdtempSync(join(tmpdir(), 'podsync-volume-'))
    const target = join(dir, "vol with 'quotes'")
    run(target, [file('app.conf', "it's $HOME `x` \\n\n"), file('nested/key', 'deep', 0o600), file('empty', '')], '..2026_01_01_00_00_00.000')
    expect(readFileSync(join(target, 'app.conf'), 'utf8')).toBe("it's $HOME `x` \\n\n")
    expect(readFileSync(join(target, 'nested/key'), 'utf8')).toBe('deep')
    expect(readFileSync(join(target, 'empty'), 'utf8')).toBe('')
    expect(readlinkSync(join(target, 'app.conf'))).toBe('..data/app.conf')
    expect(readlinkSync(join(target, '..data'))).toBe('..2026_01_01_00_00_00.000')
    expect(statSync(join(target, 'nested/key')).mode & 0o777).toBe(0o600)
    expect(statSync(join(target, 'app.conf')).mode & 0o777).toBe(0o644)
  })

  it('switches to an update at once and cleans up what the update dropped', () => {
    dir = mkdtempSync(join(tmpdir(), 'podsync-volume-'))
    run(dir, [file('a', 'one'), file('b', 'two')], '..2026_01_01_00_00_00.000')
    run(dir, [file('a', 'uno')], '..2026_01_01_00_00_01.000')
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('uno')
    expect(readdirSync(dir).sort()).toEqual(['..2026_01_01_00_00_01.000', '..data', 'a'])
    expect(lstatSync(join(dir, 'a')).isSymbolicLink()).toBe(true)
  })
})
