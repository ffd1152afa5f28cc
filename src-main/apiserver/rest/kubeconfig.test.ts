import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { buildKubeconfig, writeKubeconfig } from './kubeconfig.ts'

describe('kubeconfig', () => {
  const options = { clusterName: 'coxswain', server: 'https://127.0.0.1:7443', token: 'T'.repeat(43), certificateAuthorityPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }

  it('names one cluster, one admin user and one current context', () => {
    const config = parse(buildKubeconfig(options)) as Record<string, unknown>
    expect(config).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'coxswain', cluster: { server: 'https://127.0.0.1:7443', 'certificate-authority-data': Buffer.from(options.certificateAuthorityPem).toString('base64') } }],
      users: [{ name: 'coxswain-admin', user: { token: options.token } }],
      contexts: [{ name: 'coxswain', context: { cluster: 'coxswain', user: 'coxswain-admin', namespace: 'default' } }],
      'current-context': 'coxswain',
      preferences: {},
    })
  })

  it('is written only the owner can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coxswain-kubeconfig-'))
    try {
      const path = writeKubeconfig(dir, options)
      expect(statSync(path).mode & 0o777).toBe(0o600)
      expect(readFileSync(path, 'utf8')).toContain(options.token)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
