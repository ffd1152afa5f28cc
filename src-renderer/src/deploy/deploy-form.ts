// The Deploy form's pure parts: the form -> a Deployment (and a Service when exposed), the YAML
// they make, and a refused write's field causes -> the form's fields.

import { stringify } from 'yaml'
import type { Service } from '../../../src-main/api/types/core.ts'
import type { Deployment } from '../../../src-main/api/types/apps.ts'
import type { Container, ContainerPort, EnvVar } from '../../../src-main/api/types/pod.ts'

export interface KeyValue {
  key: string
  value: string
}

export interface DeployForm {
  name: string
  namespace: string
  image: string
  /** Optional: the command to run instead of the image's, shell-like words ('sh -c "echo hi"'). */
  command: string
  /** '' leaves Kubernetes' default (Always for :latest, else IfNotPresent); IfNotPresent or Never for images sent to the nodes. */
  pullPolicy: '' | 'IfNotPresent' | 'Always' | 'Never'
  /** Text, so a half-typed or wrong value reaches the API server and is named there. */
  replicas: string
  /** Container ports, comma-separated: "80, 443". */
  ports: string
  env: KeyValue[]
  cpuRequest: string
  memoryRequest: string
  cpuLimit: string
  memoryLimit: string
  nodeSelector: KeyValue[]
  expose: 'none' | 'ClusterIP' | 'NodePort'
}

export function emptyDeployForm(namespace = 'default'): DeployForm {
  return { name: '', namespace, image: '', command: '', pullPolicy: '', replicas: '1', ports: '', env: [], cpuRequest: '', memoryRequest: '', cpuLimit: '', memoryLimit: '', nodeSelector: [], expose: 'none' }
}

/** "web" from "nginx", "registry.lan:5000/team/web:1.2" -> "web": a name suggestion from the image. */
export function nameFromImage(image: string): string {
  const last = image.trim().split('/').at(-1) ?? ''
  return last
    .replace(/[@:].*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
}

/**
 * Splits a command line into words as a shell would for simple cases: spaces separate, single and
 * double quotes group (no expansion), a backslash escapes the next character outside single quotes.
 * Throws on an unterminated quote.
 */
export function splitCommand(text: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: '"' | "'" | null = null
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? ''
    if (quote) {
      if (ch === quote) quote = null
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i]
      else word += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
      inWord = true
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i]
      inWord = true
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += ch
      inWord = true
    }
  }
  if (quote) throw new Error(`unterminated ${quote === '"' ? 'double' : 'single'} quote`)
  if (inWord) words.push(word)
  return words
}

const toNumberIfInteger = (text: string): number | string => (/^\s*\d+\s*$/.test(text) ? Number(text) : text.trim())

/** Ports as typed; a non-number goes through as it is, for the API server to name. */
export function parsePorts(text: string): ContainerPort[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((p) => ({ containerPort: toNumberIfInteger(p) as number, protocol: 'TCP' as const }))
}

const pairs = (rows: readonly KeyValue[]): Record<string, string> => Object.fromEntries(rows.filter((r) => r.key.trim() !== '').map((r) => [r.key.trim(), r.value]))

function resources(form: DeployForm): Container['resources'] | undefined {
  const requests: Record<string, string> = {}
  const limits: Record<string, string> = {}
  if (form.cpuRequest.trim()) requests.cpu = form.cpuRequest.trim()
  if (form.memoryRequest.trim()) requests.memory = form.memoryRequest.trim()
  if (form.cpuLimit.trim()) limits.cpu = form.cpuLimit.trim()
  if (form.memoryLimit.trim()) limits.memory = form.memoryLimit.trim()
  const out: NonNullable<Container['resources']> = {}
  if (Object.keys(requests).length) out.requests = requests
  if (Object.keys(limits).length) out.limits = limits
  return Object.keys(out).length ? out : undefined
}

/**
 * The Deployment (and Service) the form describes. Empty optional fields are left out. Throws
 * (naming the field) only for what cannot be written at all: an unterminated quote in the command.
 */
export function objectsFromForm(form: DeployForm): { deployment: Deployment; service: Service | null } {
  const name = form.name.trim() || nameFromImage(form.image)
  const namespace = form.namespace.trim() || 'default'
  const labels = { app: name }
  const ports = parsePorts(form.ports)
  const container: Container = { name, image: form.image.trim() }
  if (form.pullPolicy) container.imagePullPolicy = form.pullPolicy
  const command = splitCommand(form.command)
  if (command.length) container.command = command
  if (ports.length) container.ports = ports
  const env: EnvVar[] = form.env.filter((e) => e.key.trim() !== '').map((e) => ({ name: e.key.trim(), value: e.value }))
  if (env.length) container.env = env
  const res = resources(form)
  if (res) container.resources = res
  const podSpec: NonNullable<Deployment['spec']>['template']['spec'] = { containers: [container] }
  const nodeSelector = pairs(form.nodeSelector)
  if (Object.keys(nodeSelector).length) podSpec.nodeSelector = nodeSelector
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: toNumberIfInteger(form.replicas) as number,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: podSpec },
    },
  }
  if (form.expose === 'none') return { deployment, service: null }
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels },
    spec: {
      type: form.expose,
      selector: labels,
      ports: ports.map((p) => ({ name: `port-${String(p.containerPort)}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 15), port: p.containerPort, targetPort: p.containerPort, protocol: 'TCP' })),
    },
  }
  return { deployment, service }
}

/** The YAML the form will apply: one document per object. */
export function formYaml(form: DeployForm): string {
  const { deployment, service } = objectsFromForm(form)
  return [deployment, service]
    .filter((o) => o !== null)
    // The labels object appears three times: written out each time, not as a YAML anchor and aliases.
    .map((o) => stringify(o, { aliasDuplicateObjects: false }))
    .join('---\n')
}

export type DeployField = 'name' | 'namespace' | 'image' | 'command' | 'replicas' | 'ports' | 'env' | 'resources' | 'nodeSelector' | 'expose'

/** Which form field a Status cause's field path belongs to; null when none fits (shown at the top). */
export function formFieldOf(path: string | undefined, kind: 'Deployment' | 'Service'): DeployField | null {
  if (!path) return null
  const rules: [RegExp, DeployField][] = [
    [/^metadata\.name$/, 'name'],
    [/^metadata\.namespace$/, 'namespace'],
    [/^spec\.replicas$/, 'replicas'],
    [/containers\[\d+\]\.image$/, 'image'],
    [/containers\[\d+\]\.(command|args)/, 'command'],
    [/containers\[\d+\]\.ports/, 'ports'],
    [/containers\[\d+\]\.env/, 'env'],
    [/containers\[\d+\]\.resources/, 'resources'],
    [/\.nodeSelector/, 'nodeSelector'],
    [/containers\[\d+\]\.name$/, 'name'],
    [/^metadata\.labels|selector/, 'name'],
  ]
  if (kind === 'Service') {
    if (/^spec\.ports/.test(path)) return 'ports'
    if (/^spec\.type/.test(path)) return 'expose'
  }
  return rules.find(([re]) => re.test(path))?.[1] ?? null
}
