import { describe, expect, it } from 'vitest'
import { kubernetesApiVersion, versionInfo } from './version.ts'

describe('versionInfo', () => {
  it('claims the Kubernetes minor so version-matching kubectl wrappers pick a modern kubectl', () => {
    const info = versionInfo('0.1.0')
    expect(info).toMatchObject({ major: '1', minor: '33', gitVersion: 'v1.33.0-coxswain.0.1.0' })
    expect(info.gitVersion).toMatch(/^v\d+\.\d+\.\d+(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/)
    expect(kubernetesApiVersion()).toBe('v1.33.0')
  })

  it('keeps the semver pre-release valid whatever Coxswain’s version holds', () => {
    expect(versionInfo('1.2.3+build_7').gitVersion).toBe('v1.33.0-coxswain.1.2.3-build-7')
  })
})
