// configMap and secret volumes as files on the node: which files a volume holds (pure, as the
// kubelet projects them: every key, or the listed items, with per-item or default modes), and the
// script that writes them atomically — Kubernetes' AtomicWriter layout, so a running container
// sees an update all at once:
//
//   <dir>/..2026_01_02_03_04_05.123/<files>   the data, in a fresh directory per update
//   <dir>/..data -> ..2026_…                  switched with one rename
//   <dir>/<key>  -> ..data/<key>              what the container reads
//
// The script goes to `sh -s` on the node through stdin; every path in it is quoted by the one
// shell-quoting helper, and contents travel as base64.

import { createHash } from 'node:crypto'
import type { ConfigMap, Secret } from '../../api/types/core.ts'
import type { KeyToPath, Pod, Volume } from '../../api/types/pod.ts'
import { DEFAULT_VOLUME_FILE_MODE } from '../../api/defaults/pod.ts'
import { quoteArg } from '../../util/shell.ts'

export interface VolumeFile {
  /** Relative to the volume's directory; may hold `/`. */
  path: string
  mode: number
  content: Buffer
}

/** A volume that cannot be set up yet (missing ConfigMap, Secret or key): event `FailedMount`, retried. */
export class VolumeMountError extends Error {
  override readonly name = 'VolumeMountError'
}

/** The per-pod directory on the node holding its configMap and secret volumes. */
export function podDir(podsDir: string, uid: string): string {
  return `${podsDir.replace(/\/+$/, '')}/${uid}`
}

export function volumeDir(podsDir: string, uid: string, volume: string): string {
  return `${podDir(podsDir, uid)}/volumes/${volume}`
}

/** The volumes whose files the agent writes. */
export function fileVolumes(pod: Pod): Volume[] {
  return (pod.spec?.volumes ?? []).filter((v) => v.configMap || v.secret)
}

function project(
  data: Map<string, Buffer>,
  items: KeyToPath[] | undefined,
  defaultMode: number | undefined,
  optional: boolean,
  what: string,
): VolumeFile[] {
  const mode = defaultMode ?? DEFAULT_VOLUME_FILE_MODE
  if (!items?.length) return [...data.keys()].sort().map((key) => ({ path: key, mode, content: data.get(key) ?? Buffer.alloc(0) }))
  const files: VolumeFile[] = []
  for (const item of items) {
    const content = data.get(item.key)
    if (content === undefined) {
      if (optional) continue
      throw new VolumeMountError(`${what} references non-existent config key: ${item.key}`)
    }
    files.push({ path: item.path, mode: item.mode ?? mode, content })
  }
  return files
}

/** The files of a configMap volume; `configMap` undefined when it does not exist. */
export function configMapFiles(volume: Volume, configMap: ConfigMap | undefined): VolumeFile[] {
  const source = volume.configMap
  if (!source) throw new Error(`volume ${volume.name} is not a configMap volume`)
  const optional = source.optional === true
  if (!configMap) {
    if (optional) return []
    throw new VolumeMountError(`MountVolume.SetUp failed for volume "${volume.name}" : configmap "${source.name ?? ''}" not found`)
  }
  const data = new Map<string, Buffer>()
  for (const [k, v] of Object.entries(configMap.data ?? {})) data.set(k, Buffer.from(v, 'utf8'))
  for (const [k, v] of Object.entries(configMap.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'))
  return project(data, source.items, source.defaultMode, optional, `MountVolume.SetUp failed for volume "${volume.name}" : configmap "${source.name ?? ''}"`)
}

/** The files of a secret volume; `secret` undefined when it does not exist. */
export function secretFiles(volume: Volume, secret: Secret | undefined): VolumeFile[] {
  const source = volume.secret
  if (!source) throw new Error(`volume ${volume.name} is not a secret volume`)
  const optional = source.optional === true
  if (!secret) {
    if (optional) return []
    throw new VolumeMountError(`MountVolume.SetUp failed for volume "${volume.name}" : secret "${source.secretName ?? ''}" not found`)
  }
  const data = new Map<string, Buffer>()
  for (const [k, v] of Object.entries(secret.data ?? {})) data.set(k, Buffer.from(v, 'base64'))
  return project(data, source.items, source.defaultMode, optional, `MountVolume.SetUp failed for volume "${volume.name}" : secret "${source.secretName ?? ''}"`)
}

/** A fingerprint of a volume's files (paths, modes, contents), to skip rewriting what is there. */
export function filesHash(files: readonly VolumeFile[]): string {
  const h = createHash('sha256')
  for (const f of files) h.update(`${f.path}\0${f.mode}\0${f.content.length}\0`).update(f.content)
  return h.digest('hex').slice(0, 16)
}

/** `..2026_01_02_03_04_05.123` — the data directory of one update (the kubelet's format). */
export function dataDirName(now: Date): string {
  const iso = now.toISOString() // 2026-01-02T03:04:05.123Z
  return `..${iso.slice(0, 19).replace(/[-T:]/g, '_')}.${iso.slice(20, 23)}`
}

const octal = (mode: number): string => `0${(mode & 0o7777).toString(8)}`

/**
 * A POSIX sh script that replaces the files under `dir` with `files` atomically (see the top of
 * this file). Top-level names no longer in `files` are removed, and so are older data directories.
 */
export function writeFilesScript(dir: string, files: readonly VolumeFile[], stamp: string): string {
  for (const f of files) {
    if (!f.path || f.path.startsWith('/') || f.path.split('/').some((p) => p === '..' || p === '' || p.startsWith('..'))) {
      throw new Error(`volume file path ${JSON.stringify(f.path)} is not a plain relative path`)
    }
  }
  const q = quoteArg
  const data = `${dir}/${stamp}`
  const lines = ['set -e', 'umask 022', `mkdir -p ${q(dir)}`, `rm -rf ${q(data)}`, `mkdir -p ${q(data)}`]
  const subdirs = new Set(files.map((f) => f.path.split('/').slice(0, -1).join('/')).filter(Boolean))
  for (const sub of [...subdirs].sort()) lines.push(`mkdir -p ${q(`${data}/${sub}`)}`)
  for (const f of files) {
    const target = q(`${data}/${f.path}`)
    lines.push(f.content.length ? `printf '%s' ${q(f.content.toString('base64'))} | base64 -d > ${target}` : `: > ${target}`)
    lines.push(`chmod ${octal(f.mode)} ${target}`)
  }
  lines.push(`ln -sfn ${q(stamp)} ${q(`${dir}/..data_tmp`)}`, `mv -Tf ${q(`${dir}/..data_tmp`)} ${q(`${dir}/..data`)}`)
  const top = [...new Set(files.map((f) => f.path.split('/')[0] ?? ''))].sort()
  for (const name of top) lines.push(`ln -sfn ${q(`..data/${name}`)} ${q(`${dir}/${name}`)}`)
  const keep = top.map(q).join('|')
  lines.push(`for f in ${q(dir)}/*; do [ -e "$f" ] || [ -L "$f" ] || continue; case "\${f##*/}" in ${keep ? `${keep}) ;; ` : ''}*) rm -rf "$f" ;; esac; done`)
  lines.push(`for f in ${q(dir)}/..?*; do case "\${f##*/}" in ..data|${q(stamp)}) ;; *) rm -rf "$f" ;; esac; done`)
  return lines.join('\n') + '\n'
}
