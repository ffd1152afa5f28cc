// The few Docker Engine API answers the node agent reads (`GET /info`, `GET /images/json`), typed
// to the fields it uses, and the narrow Docker client it needs: the real one is dockerode over the
// node's SSH connection; tests hand in a fake.

import type { ContainerImage } from '../../api/index.ts'

/** `GET /info`, the fields used. */
export interface DockerInfo {
  ID?: string
  Name?: string
  NCPU: number
  /** Bytes. */
  MemTotal: number
  OperatingSystem: string
  /** "linux". */
  OSType: string
  KernelVersion: string
  /** As `uname -m`: x86_64, aarch64, … */
  Architecture: string
  ServerVersion: string
  DockerRootDir: string
  Images?: number
}

/** `GET /images/json`, the fields used. */
export interface DockerImageSummary {
  Id: string
  RepoTags?: string[] | null
  RepoDigests?: string[] | null
  Size: number
}

/** What the agent needs from a node's Docker engine; every call takes an abort signal. */
export interface NodeDockerApi {
  info(options: { abortSignal?: AbortSignal }): Promise<DockerInfo>
  listImages(options: { abortSignal?: AbortSignal }): Promise<DockerImageSummary[]>
}

/** `uname -m` → Go's GOARCH, which Kubernetes uses in nodeInfo.architecture and kubernetes.io/arch. */
const GO_ARCH: Readonly<Record<string, string>> = {
  x86_64: 'amd64',
  amd64: 'amd64',
  aarch64: 'arm64',
  arm64: 'arm64',
  armv7l: 'arm',
  armv6l: 'arm',
  i386: '386',
  i686: '386',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loongarch64: 'loong64',
}

export function goArchitecture(unameMachine: string): string {
  return GO_ARCH[unameMachine] ?? unameMachine
}

/** Kubernetes' node status keeps at most this many images (nodeStatusMaxImages). */
export const MAX_NODE_IMAGES = 50

/** Node.status.images as kubelet reports them: digests then tags, largest first, at most 50, unnamed images left out. */
export function nodeImages(images: readonly DockerImageSummary[]): ContainerImage[] {
  return images
    .map((image) => ({
      names: [...(image.RepoDigests ?? []).filter((d) => !d.startsWith('<none>')), ...(image.RepoTags ?? []).filter((t) => t !== '<none>:<none>')],
      sizeBytes: image.Size,
    }))
    .filter((image) => image.names.length > 0)
    .sort((a, b) => b.sizeBytes - a.sizeBytes || (a.names[0] ?? '').localeCompare(b.names[0] ?? ''))
    .slice(0, MAX_NODE_IMAGES)
}
