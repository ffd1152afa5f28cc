// core/v1 kinds other than Pod: Namespace, Node, Service, Endpoints, Event, ConfigMap, Secret,
// and the pods/binding body. Only the fields Coxswain honours are typed.

import type { Condition, ConditionStatus, DeleteOptions, KubeObject, MicroTime, Quantity, Time } from './meta.ts'
import type { Protocol, TaintEffect } from './pod.ts'

export interface ObjectReference {
  kind?: string
  namespace?: string
  name?: string
  uid?: string
  apiVersion?: string
  resourceVersion?: string
  /** Points into the object, e.g. "spec.containers{web}". */
  fieldPath?: string
}

// --- Namespace ---------------------------------------------------------------------------------

export type NamespacePhase = 'Active' | 'Terminating'

export interface NamespaceCondition {
  type: string
  status: ConditionStatus
  lastTransitionTime?: Time
  reason?: string
  message?: string
}

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] }
  status?: { phase?: NamespacePhase; conditions?: NamespaceCondition[] }
}

// --- Node --------------------------------------------------------------------------------------

export interface Taint {
  key: string
  value?: string
  effect: TaintEffect
  timeAdded?: Time
}

export interface NodeSpec {
  podCIDR?: string
  podCIDRs?: string[]
  providerID?: string
  unschedulable?: boolean
  taints?: Taint[]
}

export type NodeConditionType = 'Ready' | 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'NetworkUnavailable'

export interface NodeCondition {
  /** One of NodeConditionType or a condition of Coxswain's own. */
  type: string
  status: ConditionStatus
  lastHeartbeatTime?: Time
  lastTransitionTime?: Time
  reason?: string
  message?: string
}

export type NodeAddressType = 'Hostname' | 'InternalIP' | 'ExternalIP' | 'InternalDNS' | 'ExternalDNS'

export interface NodeAddress {
  type: NodeAddressType
  address: string
}

export interface NodeSystemInfo {
  machineID: string
  systemUUID: string
  bootID: string
  kernelVersion: string
  osImage: string
  containerRuntimeVersion: string
  kubeletVersion: string
  kubeProxyVersion: string
  operatingSystem: string
  architecture: string
}

export interface ContainerImage {
  names?: string[]
  sizeBytes?: number
}

export interface NodeStatus {
  capacity?: Record<string, Quantity>
  allocatable?: Record<string, Quantity>
  phase?: 'Pending' | 'Running' | 'Terminated'
  conditions?: NodeCondition[]
  addresses?: NodeAddress[]
  daemonEndpoints?: { kubeletEndpoint?: { Port: number } }
  nodeInfo?: NodeSystemInfo
  images?: ContainerImage[]
}

export interface Node extends KubeObject {
  spec?: NodeSpec
  status?: NodeStatus
}

// --- Service -----------------------------------------------------------------------------------

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName'
export type IPFamily = 'IPv4' | 'IPv6'
export type IPFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack'
export type TrafficPolicy = 'Cluster' | 'Local'

export interface ServicePort {
  name?: string
  protocol?: Protocol
  appProtocol?: string
  port: number
  /** A container port number or name; defaults to `port`. */
  targetPort?: number | string
  nodePort?: number
}

export interface SessionAffinityConfig {
  clientIP?: { timeoutSeconds?: number }
}

export interface ServiceSpec {
  ports?: ServicePort[]
  selector?: Record<string, string>
  clusterIP?: string
  clusterIPs?: string[]
  type?: ServiceType
  externalIPs?: string[]
  sessionAffinity?: 'ClientIP' | 'None'
  /** Recorded only: Coxswain has no cloud load balancer; LoadBalancer services act as NodePort. */
  loadBalancerIP?: string
  loadBalancerSourceRanges?: string[]
  externalName?: string
  externalTrafficPolicy?: TrafficPolicy
  healthCheckNodePort?: number
  publishNotReadyAddresses?: boolean
  sessionAffinityConfig?: SessionAffinityConfig
  ipFamilies?: IPFamily[]
  ipFamilyPolicy?: IPFamilyPolicy
  allocateLoadBalancerNodePorts?: boolean
  loadBalancerClass?: string
  internalTrafficPolicy?: TrafficPolicy
  /** A hint, as in Kubernetes. */
  trafficDistribution?: string
}

export interface PortStatus {
  port: number
  protocol: Protocol
  error?: string
}

export interface LoadBalancerIngress {
  ip?: string
  hostname?: string
  ipMode?: 'VIP' | 'Proxy'
  ports?: PortStatus[]
}

export interface ServiceStatus {
  loadBalancer?: { ingress?: LoadBalancerIngress[] }
  conditions?: Condition[]
}

export interface Service extends KubeObject {
  spec?: ServiceSpec
  status?: ServiceStatus
}

// --- Endpoints ---------------------------------------------------------------------------------

export interface EndpointAddress {
  ip: string
  hostname?: string
  nodeName?: string
  targetRef?: ObjectReference
}

export interface EndpointPort {
  name?: string
  port: number
  protocol?: Protocol
  appProtocol?: string
}

export interface EndpointSubset {
  addresses?: EndpointAddress[]
  notReadyAddresses?: EndpointAddress[]
  ports?: EndpointPort[]
}

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[]
}

// --- Event -------------------------------------------------------------------------------------

export interface EventSource {
  component?: string
  host?: string
}

export interface EventSeries {
  count?: number
  lastObservedTime?: MicroTime
}

export interface Event extends KubeObject {
  involvedObject: ObjectReference
  reason?: string
  message?: string
  source?: EventSource
  firstTimestamp?: Time
  lastTimestamp?: Time
  count?: number
  /** "Normal" or "Warning". */
  type?: string
  eventTime?: MicroTime
  series?: EventSeries
  action?: string
  related?: ObjectReference
  reportingComponent?: string
  reportingInstance?: string
}

// --- ConfigMap and Secret ----------------------------------------------------------------------

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>
  /** Base64 in JSON. */
  binaryData?: Record<string, string>
  immutable?: boolean
}

export type SecretType =
  | 'Opaque'
  | 'kubernetes.io/service-account-token'
  | 'kubernetes.io/dockercfg'
  | 'kubernetes.io/dockerconfigjson'
  | 'kubernetes.io/basic-auth'
  | 'kubernetes.io/ssh-auth'
  | 'kubernetes.io/tls'
  | 'bootstrap.kubernetes.io/token'

export interface Secret extends KubeObject {
  /** Base64 in JSON. */
  data?: Record<string, string>
  /** Write-only convenience: merged into `data` on write and never stored. */
  stringData?: Record<string, string>
  /** One of SecretType or any other non-empty string. */
  type?: string
  immutable?: boolean
}

// --- Binding (pods/binding) --------------------------------------------------------------------

export interface Binding extends KubeObject {
  target: ObjectReference
}

// --- Eviction (pods/eviction, policy/v1) -------------------------------------------------------

export interface Eviction extends KubeObject {
  deleteOptions?: DeleteOptions
}
