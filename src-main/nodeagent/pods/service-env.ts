// The service links the kubelet puts in every container's environment (enableServiceLinks, on by
// default): for each Service with a cluster IP in the pod's namespace — and the API's own
// `kubernetes` Service from `default` — `NAME_SERVICE_HOST`/`_PORT`, a `_SERVICE_PORT_<PORTNAME>`
// per named port, and the Docker-link style `NAME_PORT…` variables old programs read. Pure.

import type { Service } from '../../api/types/core.ts'

/** Services with no routable cluster IP (headless, ExternalName, not yet allocated) get no variables. */
function hasClusterIP(service: Service): boolean {
  const ip = service.spec?.clusterIP
  return !!ip && ip !== 'None'
}

const envName = (name: string): string => name.toUpperCase().replaceAll('-', '_')

/**
 * The variables for `services` as a pod in `namespace` sees them. A Service of the pod's own
 * namespace wins over the `kubernetes` Service of `default` with the same variable names.
 */
export function serviceLinkEnv(services: readonly Service[], namespace: string, enableServiceLinks: boolean): Record<string, string> {
  const chosen = new Map<string, Service>()
  for (const s of services) {
    if (!hasClusterIP(s)) continue
    const ns = s.metadata.namespace ?? 'default'
    const name = s.metadata.name ?? ''
    const own = ns === namespace && enableServiceLinks
    const master = ns === 'default' && name === 'kubernetes'
    if (!own && !master) continue
    if (master && !own && chosen.has(name)) continue
    chosen.set(name, s)
  }
  const env: Record<string, string> = {}
  for (const [name, service] of [...chosen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) Object.assign(env, variablesOf(name, service))
  return env
}

function variablesOf(name: string, service: Service): Record<string, string> {
  const prefix = envName(name)
  const ip = service.spec?.clusterIP ?? ''
  const host = ip.includes(':') ? `[${ip}]` : ip
  const ports = service.spec?.ports ?? []
  const env: Record<string, string> = { [`${prefix}_SERVICE_HOST`]: ip }
  const first = ports[0]
  if (first) env[`${prefix}_SERVICE_PORT`] = String(first.port)
  for (const p of ports) if (p.name) env[`${prefix}_SERVICE_PORT_${envName(p.name)}`] = String(p.port)
  ports.forEach((p, i) => {
    const protocol = (p.protocol ?? 'TCP').toLowerCase()
    const url = `${protocol}://${host}:${p.port}`
    if (i === 0) env[`${prefix}_PORT`] = url
    const base = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`
    env[base] = url
    env[`${base}_PROTO`] = protocol
    env[`${base}_PORT`] = String(p.port)
    env[`${base}_ADDR`] = ip
  })
  return env
}
