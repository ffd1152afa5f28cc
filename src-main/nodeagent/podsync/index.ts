// Pod sync: the node agent's loop that keeps a node's Docker containers matching the pods bound
// to it. See README.md.

export { startPodSync, startPodSyncWith, type PodSyncDeps, type PodSyncHandle, type PodSyncOptions, type PodSyncParts } from './pod-sync.ts'
export { dockerRuntime, type ContainerRuntime } from './runtime.ts'
export { localDialer, localShell, sshDialer, sshShell, type NodeDialer, type NodeShell } from './node-access.ts'
