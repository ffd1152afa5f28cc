// The Kubernetes REST door's public surface, for the HTTP server that mounts it.

export { createKubernetesHandler, type KubernetesHandler, type KubernetesHandlerOptions } from './handler.ts'
export { isKubernetesPath } from './paths.ts'
export { buildKubeconfig, writeKubeconfig, KUBECONFIG_FILE, type KubeconfigOptions } from './kubeconfig.ts'
export { versionInfo, kubernetesApiVersion } from './version.ts'
export { createExecUpgradeHandler, execTarget, isWebSocketUpgrade, refuseUpgrade, type ExecUpgradeHandler, type UpgradeHandler } from './exec-websocket.ts'
