// The Kubernetes REST door's public surface, for the HTTP server that mounts it.

export { createKubernetesHandler, type KubernetesHandler, type KubernetesHandlerOptions } from './handler.ts'
export { isKubernetesPath } from './paths.ts'
export { buildKubeconfig, writeKubeconfig, KUBECONFIG_FILE, type KubeconfigOptions } from './kubeconfig.ts'
export { versionInfo, kubernetesApiVersion } from './version.ts'
