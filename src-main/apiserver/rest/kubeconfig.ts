// The kubeconfig that points kubectl at this server: one cluster (https, its CA pinned), one user
// (the admin token), one context, current. Written to DATA_DIR/kubeconfig (mode 0600: it holds the token) each time the
// server starts, since the port may change; offered to the dashboard as a download.

import { join } from 'node:path'
import { stringify } from 'yaml'
import { writePrivateFileAtomic } from '../../util/private-fs.ts'

export const KUBECONFIG_FILE = 'kubeconfig'

export interface KubeconfigOptions {
  /** The cluster's name (also the context's): "coxswain". */
  clusterName: string
  /** https://127.0.0.1:7443 */
  server: string
  token: string
  /** The CA the server's certificate chains to (PEM), pinned in the kubeconfig. */
  certificateAuthorityPem?: string
}

export function buildKubeconfig({ clusterName, server, token, certificateAuthorityPem }: KubeconfigOptions): string {
  const user = `${clusterName}-admin`
  const cluster: Record<string, string> = { server }
  if (certificateAuthorityPem) cluster['certificate-authority-data'] = Buffer.from(certificateAuthorityPem, 'utf8').toString('base64')
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user, namespace: 'default' } }],
    'current-context': clusterName,
    preferences: {},
  }
  return `# Coxswain cluster "${clusterName}": KUBECONFIG=<this file> kubectl get nodes\n` + stringify(config)
}

/** Writes DATA_DIR/kubeconfig atomically with mode 0600; returns its path. */
export function writeKubeconfig(dataDir: string, options: KubeconfigOptions): string {
  const path = join(dataDir, KUBECONFIG_FILE)
  writePrivateFileAtomic(path, buildKubeconfig(options))
  return path
}
