// discovery.k8s.io/v1 EndpointSlice.

import type { KubeObject } from './meta.ts'
import type { ObjectReference } from './core.ts'
import type { Protocol } from './pod.ts'

export type AddressType = 'IPv4' | 'IPv6' | 'FQDN'

export interface EndpointConditions {
  ready?: boolean
  serving?: boolean
  terminating?: boolean
}

export interface EndpointHints {
  forZones?: { name: string }[]
  forNodes?: { name: string }[]
}

export interface Endpoint {
  addresses: string[]
  conditions?: EndpointConditions
  hostname?: string
  targetRef?: ObjectReference
  deprecatedTopology?: Record<string, string>
  nodeName?: string
  zone?: string
  hints?: EndpointHints
}

export interface EndpointSlicePort {
  name?: string
  protocol?: Protocol
  port?: number
  appProtocol?: string
}

export interface EndpointSlice extends KubeObject {
  addressType: AddressType
  endpoints: Endpoint[]
  ports?: EndpointSlicePort[]
}
