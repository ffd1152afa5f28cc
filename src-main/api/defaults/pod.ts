// Pod defaulting, as pkg/apis/core/v1/defaults.go does it. Every function returns a new object
// and never modifies its argument.
//
// Decision: serviceAccountName is NOT defaulted to "default". Kubernetes' ServiceAccount
// admission plugin does that because a ServiceAccount object and a mounted token back it;
// Coxswain has neither, and writing "default" would claim an identity the pod does not have.

import type { Container, HTTPGetAction, LifecycleHandler, Pod, PodSpec, PodTemplateSpec, Probe, Volume } from '../types/pod.ts'
import { UNSUPPORTED_VOLUME_SOURCES } from '../schema/pod.ts'

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler'
export const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log'
/** 0644: the mode of files in configMap and secret volumes. */
export const DEFAULT_VOLUME_FILE_MODE = 0o644

/** The tag an image reference names: "latest" when it names none (and has no digest). */
export function imageTag(image: string): string {
  const at = image.indexOf('@')
  const name = at >= 0 ? image.slice(0, at) : image
  const slash = name.lastIndexOf('/')
  const colon = name.lastIndexOf(':')
  if (colon > slash) return name.slice(colon + 1)
  return at >= 0 ? '' : 'latest'
}

/** Always for ":latest" or an untagged image, else IfNotPresent (SetDefaults_Container). */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  return image && imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent'
}

function defaultHTTPGet(h: HTTPGetAction): void {
  h.path ||= '/'
  h.scheme ||= 'HTTP'
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return
  p.timeoutSeconds ||= 1
  p.periodSeconds ||= 10
  p.successThreshold ||= 1
  p.failureThreshold ||= 3
  if (p.httpGet) defaultHTTPGet(p.httpGet)
}

function defaultHandler(h: LifecycleHandler | undefined): void {
  if (h?.httpGet) defaultHTTPGet(h.httpGet)
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ||= defaultPullPolicy(c.image)
  c.terminationMessagePath ||= DEFAULT_TERMINATION_MESSAGE_PATH
  c.terminationMessagePolicy ||= 'File'
  for (const port of c.ports ?? []) port.protocol ||= 'TCP'
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ||= 'v1'
  }
  defaultProbe(c.livenessProbe)
  defaultProbe(c.readinessProbe)
  defaultProbe(c.startupProbe)
  defaultHandler(c.lifecycle?.postStart)
  defaultHandler(c.lifecycle?.preStop)
}

const SUPPORTED_SOURCES = ['emptyDir', 'hostPath', 'configMap', 'secret'] as const

/** A volume naming no source at all becomes an emptyDir, as in Kubernetes. */
function defaultVolume(v: Volume): void {
  const raw = v as unknown as Record<string, unknown>
  const hasSource = SUPPORTED_SOURCES.some((s) => v[s] !== undefined) || Object.keys(UNSUPPORTED_VOLUME_SOURCES).some((s) => raw[s] != null)
  if (!hasSource) v.emptyDir = {}
  if (v.configMap) v.configMap.defaultMode ??= DEFAULT_VOLUME_FILE_MODE
  if (v.secret) v.secret.defaultMode ??= DEFAULT_VOLUME_FILE_MODE
  if (v.hostPath) v.hostPath.type ??= ''
}

/** SetDefaults_PodSpec and the container, volume and probe defaults beneath it, in place. */
function defaultSpecInPlace(spec: PodSpec): void {
  spec.dnsPolicy ||= 'ClusterFirst'
  spec.restartPolicy ||= 'Always'
  spec.securityContext ??= {}
  spec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
  spec.schedulerName ||= DEFAULT_SCHEDULER_NAME
  if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName
  for (const v of spec.volumes ?? []) defaultVolume(v)
  for (const c of spec.initContainers ?? []) defaultContainer(c)
  for (const c of spec.containers ?? []) defaultContainer(c)
}

/** Defaults for a pod spec, including one inside a template. */
export function defaultPodSpec(spec: PodSpec): PodSpec {
  const out = structuredClone(spec)
  defaultSpecInPlace(out)
  return out
}

export function defaultPodTemplateSpec(template: PodTemplateSpec): PodTemplateSpec {
  const out = structuredClone(template)
  if (out.spec) defaultSpecInPlace(out.spec)
  return out
}

/**
 * SetDefaults_Pod: the spec defaults plus what only pods (not templates) get — requests default
 * to limits, enableServiceLinks to true, and with hostNetwork each hostPort to its containerPort.
 */
export function defaultPod(pod: Pod): Pod {
  const out = structuredClone(pod)
  if (!out.spec) return out
  defaultSpecInPlace(out.spec)
  for (const c of [...(out.spec.initContainers ?? []), ...out.spec.containers]) {
    const limits = c.resources?.limits
    if (limits && c.resources) {
      const requests = (c.resources.requests ??= {})
      for (const [name, q] of Object.entries(limits)) requests[name] ??= q
    }
  }
  out.spec.enableServiceLinks ??= true
  if (out.spec.hostNetwork) {
    for (const c of [...(out.spec.initContainers ?? []), ...out.spec.containers]) {
      for (const p of c.ports ?? []) {
        if (!p.hostPort) p.hostPort = p.containerPort
      }
    }
  }
  return out
}
