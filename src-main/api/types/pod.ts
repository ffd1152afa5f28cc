// core/v1 Pod and everything a pod template holds. Only the fields Coxswain honours are typed;
// the schema (schema/pod.ts) names the ones Kubernetes has that Coxswain rejects, and why.

import type { ConditionStatus, IntOrString, KubeObject, LabelSelector, ObjectMeta, Quantity, Time } from './meta.ts'

export type ResourceList = Record<string, Quantity>

export interface ResourceRequirements {
  limits?: ResourceList
  requests?: ResourceList
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP'

export interface ContainerPort {
  name?: string
  containerPort: number
  /** Publishes the port on the node (Docker port binding); 0 or absent: not published. */
  hostPort?: number
  hostIP?: string
  protocol?: Protocol
}

export interface ObjectFieldSelector {
  apiVersion?: string
  fieldPath: string
}

export interface ResourceFieldSelector {
  containerName?: string
  resource: string
  divisor?: Quantity
}

export interface ConfigMapKeySelector {
  name?: string
  key: string
  optional?: boolean
}

export interface SecretKeySelector {
  name?: string
  key: string
  optional?: boolean
}

export interface EnvVarSource {
  fieldRef?: ObjectFieldSelector
  resourceFieldRef?: ResourceFieldSelector
  configMapKeyRef?: ConfigMapKeySelector
  secretKeyRef?: SecretKeySelector
}

export interface EnvVar {
  name: string
  value?: string
  valueFrom?: EnvVarSource
}

export interface ConfigMapEnvSource {
  name?: string
  optional?: boolean
}

export interface SecretEnvSource {
  name?: string
  optional?: boolean
}

export interface EnvFromSource {
  prefix?: string
  configMapRef?: ConfigMapEnvSource
  secretRef?: SecretEnvSource
}

export type MountPropagationMode = 'None' | 'HostToContainer' | 'Bidirectional'

export interface VolumeMount {
  name: string
  mountPath: string
  readOnly?: boolean
  subPath?: string
  mountPropagation?: MountPropagationMode
}

export interface ExecAction {
  command?: string[]
}

export interface HTTPHeader {
  name: string
  value: string
}

export interface HTTPGetAction {
  path?: string
  port: IntOrString
  host?: string
  scheme?: 'HTTP' | 'HTTPS'
  httpHeaders?: HTTPHeader[]
}

export interface TCPSocketAction {
  port: IntOrString
  host?: string
}

export interface Probe {
  exec?: ExecAction
  httpGet?: HTTPGetAction
  tcpSocket?: TCPSocketAction
  initialDelaySeconds?: number
  timeoutSeconds?: number
  periodSeconds?: number
  successThreshold?: number
  failureThreshold?: number
  terminationGracePeriodSeconds?: number
}

export interface SleepAction {
  seconds: number
}

export interface LifecycleHandler {
  exec?: ExecAction
  httpGet?: HTTPGetAction
  sleep?: SleepAction
}

export interface Lifecycle {
  postStart?: LifecycleHandler
  preStop?: LifecycleHandler
}

export interface Capabilities {
  add?: string[]
  drop?: string[]
}

export interface SeccompProfile {
  type: 'RuntimeDefault' | 'Unconfined'
}

export interface AppArmorProfile {
  type: 'RuntimeDefault' | 'Unconfined'
}

/** Windows-only options; Linux nodes ignore them, as the kubelet does. */
export interface WindowsSecurityContextOptions {
  gmsaCredentialSpecName?: string
  gmsaCredentialSpec?: string
  runAsUserName?: string
  hostProcess?: boolean
}

export interface SecurityContext {
  capabilities?: Capabilities
  privileged?: boolean
  windowsOptions?: WindowsSecurityContextOptions
  runAsUser?: number
  runAsGroup?: number
  runAsNonRoot?: boolean
  readOnlyRootFilesystem?: boolean
  allowPrivilegeEscalation?: boolean
  procMount?: 'Default'
  seccompProfile?: SeccompProfile
  appArmorProfile?: AppArmorProfile
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never'
export type TerminationMessagePolicy = 'File' | 'FallbackToLogsOnError'

export interface Container {
  name: string
  image?: string
  command?: string[]
  args?: string[]
  workingDir?: string
  ports?: ContainerPort[]
  envFrom?: EnvFromSource[]
  env?: EnvVar[]
  resources?: ResourceRequirements
  volumeMounts?: VolumeMount[]
  livenessProbe?: Probe
  readinessProbe?: Probe
  startupProbe?: Probe
  lifecycle?: Lifecycle
  terminationMessagePath?: string
  terminationMessagePolicy?: TerminationMessagePolicy
  imagePullPolicy?: PullPolicy
  securityContext?: SecurityContext
  stdin?: boolean
  stdinOnce?: boolean
  tty?: boolean
}

export interface KeyToPath {
  key: string
  path: string
  mode?: number
}

export interface EmptyDirVolumeSource {
  medium?: '' | 'Memory'
  sizeLimit?: Quantity
}

export type HostPathType =
  | ''
  | 'DirectoryOrCreate'
  | 'Directory'
  | 'FileOrCreate'
  | 'File'
  | 'Socket'
  | 'CharDevice'
  | 'BlockDevice'

export interface HostPathVolumeSource {
  path: string
  type?: HostPathType
}

export interface ConfigMapVolumeSource {
  name?: string
  items?: KeyToPath[]
  defaultMode?: number
  optional?: boolean
}

export interface SecretVolumeSource {
  secretName?: string
  items?: KeyToPath[]
  defaultMode?: number
  optional?: boolean
}

export interface Volume {
  name: string
  emptyDir?: EmptyDirVolumeSource
  hostPath?: HostPathVolumeSource
  configMap?: ConfigMapVolumeSource
  secret?: SecretVolumeSource
}

export type NodeSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt'

export interface NodeSelectorRequirement {
  key: string
  operator: NodeSelectorOperator
  values?: string[]
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[]
  matchFields?: NodeSelectorRequirement[]
}

export interface NodeSelector {
  nodeSelectorTerms: NodeSelectorTerm[]
}

export interface PreferredSchedulingTerm {
  weight: number
  preference: NodeSelectorTerm
}

export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[]
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector
  namespaces?: string[]
  topologyKey: string
  namespaceSelector?: LabelSelector
  matchLabelKeys?: string[]
  mismatchLabelKeys?: string[]
}

export interface WeightedPodAffinityTerm {
  weight: number
  podAffinityTerm: PodAffinityTerm
}

export interface PodAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[]
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[]
}

export interface Affinity {
  nodeAffinity?: NodeAffinity
  podAffinity?: PodAffinity
  podAntiAffinity?: PodAffinity
}

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute'

export interface Toleration {
  key?: string
  /** Absent or "" means Equal. */
  operator?: 'Exists' | 'Equal' | ''
  value?: string
  /** Absent or "" matches every effect. */
  effect?: TaintEffect | ''
  tolerationSeconds?: number
}

export interface TopologySpreadConstraint {
  maxSkew: number
  topologyKey: string
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway'
  labelSelector?: LabelSelector
  minDomains?: number
  nodeAffinityPolicy?: 'Honor' | 'Ignore'
  nodeTaintsPolicy?: 'Honor' | 'Ignore'
  matchLabelKeys?: string[]
}

export interface HostAlias {
  ip: string
  hostnames?: string[]
}

export interface PodDNSConfigOption {
  name?: string
  value?: string
}

export interface PodDNSConfig {
  nameservers?: string[]
  searches?: string[]
  options?: PodDNSConfigOption[]
}

export interface Sysctl {
  name: string
  value: string
}

export interface PodSecurityContext {
  windowsOptions?: WindowsSecurityContextOptions
  runAsUser?: number
  runAsGroup?: number
  runAsNonRoot?: boolean
  supplementalGroups?: number[]
  fsGroup?: number
  fsGroupChangePolicy?: 'OnRootMismatch' | 'Always'
  sysctls?: Sysctl[]
  seccompProfile?: SeccompProfile
  appArmorProfile?: AppArmorProfile
}

export interface LocalObjectReference {
  name?: string
}

export interface PodReadinessGate {
  conditionType: string
}

export interface PodOS {
  name: 'linux'
}

export type RestartPolicy = 'Always' | 'OnFailure' | 'Never'
export type DNSPolicy = 'ClusterFirstWithHostNet' | 'ClusterFirst' | 'Default' | 'None'

export interface PodSpec {
  volumes?: Volume[]
  initContainers?: Container[]
  containers: Container[]
  restartPolicy?: RestartPolicy
  terminationGracePeriodSeconds?: number
  dnsPolicy?: DNSPolicy
  nodeSelector?: Record<string, string>
  /** Recorded as given: Coxswain has no ServiceAccount objects and mounts no API tokens. */
  serviceAccountName?: string
  /** Deprecated alias of serviceAccountName. */
  serviceAccount?: string
  automountServiceAccountToken?: boolean
  nodeName?: string
  hostNetwork?: boolean
  hostPID?: boolean
  hostIPC?: boolean
  shareProcessNamespace?: boolean
  securityContext?: PodSecurityContext
  imagePullSecrets?: LocalObjectReference[]
  hostname?: string
  subdomain?: string
  setHostnameAsFQDN?: boolean
  affinity?: Affinity
  schedulerName?: string
  tolerations?: Toleration[]
  hostAliases?: HostAlias[]
  dnsConfig?: PodDNSConfig
  readinessGates?: PodReadinessGate[]
  enableServiceLinks?: boolean
  topologySpreadConstraints?: TopologySpreadConstraint[]
  os?: PodOS
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown'

export type PodConditionType =
  | 'PodScheduled'
  | 'PodReadyToStartContainers'
  | 'Initialized'
  | 'ContainersReady'
  | 'Ready'
  | 'DisruptionTarget'

export interface PodCondition {
  /** One of PodConditionType, or a readiness gate's condition type. */
  type: string
  status: ConditionStatus
  observedGeneration?: number
  lastProbeTime?: Time
  lastTransitionTime?: Time
  reason?: string
  message?: string
}

export interface ContainerStateWaiting {
  reason?: string
  message?: string
}

export interface ContainerStateRunning {
  startedAt?: Time
}

export interface ContainerStateTerminated {
  exitCode: number
  signal?: number
  reason?: string
  message?: string
  startedAt?: Time
  finishedAt?: Time
  containerID?: string
}

/** At most one of the three is set; none means waiting. */
export interface ContainerState {
  waiting?: ContainerStateWaiting
  running?: ContainerStateRunning
  terminated?: ContainerStateTerminated
}

export interface ContainerStatus {
  name: string
  state?: ContainerState
  lastState?: ContainerState
  ready: boolean
  restartCount: number
  image: string
  imageID: string
  containerID?: string
  started?: boolean
}

export interface PodIP {
  ip: string
}

export interface HostIP {
  ip: string
}

export type PodQOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort'

export interface PodStatus {
  observedGeneration?: number
  phase?: PodPhase
  conditions?: PodCondition[]
  message?: string
  reason?: string
  nominatedNodeName?: string
  hostIP?: string
  hostIPs?: HostIP[]
  podIP?: string
  podIPs?: PodIP[]
  startTime?: Time
  initContainerStatuses?: ContainerStatus[]
  containerStatuses?: ContainerStatus[]
  qosClass?: PodQOSClass
}

export interface Pod extends KubeObject {
  spec?: PodSpec
  status?: PodStatus
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta
  spec?: PodSpec
}
