// What GET /version answers. Clients choose behaviour from it: the kubectl wrapper on many
// machines (Google Cloud SDK's) picks the kubectl binary whose minor matches the server's, and
// kubectl warns about version skew. So we claim the Kubernetes API level we follow and put
// Coxswain's own version in the semver pre-release part: v1.33.0-coxswain.0.1.0.

import { arch, platform } from 'node:process'

/** The Kubernetes release whose API Coxswain follows. */
export const KUBERNETES_MAJOR = 1
export const KUBERNETES_MINOR = 33

export interface VersionInfo {
  major: string
  minor: string
  gitVersion: string
  gitCommit: string
  gitTreeState: string
  buildDate: string
  goVersion: string
  compiler: string
  platform: string
}

/** `v1.33.0`, as the OpenAPI documents' info.version. */
export function kubernetesApiVersion(): string {
  return `v${KUBERNETES_MAJOR}.${KUBERNETES_MINOR}.0`
}

/** Go's names for Node's architectures, so `platform` reads like kube-apiserver's. */
const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' }

export function versionInfo(coxswainVersion: string): VersionInfo {
  // Semver pre-release identifiers are [0-9A-Za-z-] separated by dots.
  const suffix = coxswainVersion.replace(/[^0-9A-Za-z.-]/g, '-')
  return {
    major: String(KUBERNETES_MAJOR),
    minor: String(KUBERNETES_MINOR),
    gitVersion: `${kubernetesApiVersion()}-coxswain.${suffix}`,
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    goVersion: '',
    compiler: 'coxswain',
    platform: `${platform}/${goArch[arch] ?? arch}`,
  }
}
