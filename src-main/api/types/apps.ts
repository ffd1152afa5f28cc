// apps/v1: Deployment, ReplicaSet, DaemonSet.

import type { ConditionStatus, IntOrString, KubeObject, LabelSelector, Time } from './meta.ts'
import type { PodTemplateSpec } from './pod.ts'

export interface WorkloadCondition {
  type: string
  status: ConditionStatus
  lastUpdateTime?: Time
  lastTransitionTime?: Time
  reason?: string
  message?: string
}

// --- ReplicaSet --------------------------------------------------------------------------------

export interface ReplicaSetSpec {
  replicas?: number
  minReadySeconds?: number
  selector: LabelSelector
  template?: PodTemplateSpec
}

export interface ReplicaSetStatus {
  replicas: number
  fullyLabeledReplicas?: number
  readyReplicas?: number
  availableReplicas?: number
  terminatingReplicas?: number
  observedGeneration?: number
  conditions?: WorkloadCondition[]
}

export interface ReplicaSet extends KubeObject {
  spec?: ReplicaSetSpec
  status?: ReplicaSetStatus
}

// --- Deployment --------------------------------------------------------------------------------

export interface RollingUpdateDeployment {
  maxUnavailable?: IntOrString
  maxSurge?: IntOrString
}

export interface DeploymentStrategy {
  type?: 'Recreate' | 'RollingUpdate'
  rollingUpdate?: RollingUpdateDeployment
}

export interface DeploymentSpec {
  replicas?: number
  selector: LabelSelector
  template: PodTemplateSpec
  strategy?: DeploymentStrategy
  minReadySeconds?: number
  revisionHistoryLimit?: number
  paused?: boolean
  progressDeadlineSeconds?: number
}

export interface DeploymentStatus {
  observedGeneration?: number
  replicas?: number
  updatedReplicas?: number
  readyReplicas?: number
  availableReplicas?: number
  unavailableReplicas?: number
  terminatingReplicas?: number
  conditions?: WorkloadCondition[]
  collisionCount?: number
}

export interface Deployment extends KubeObject {
  spec?: DeploymentSpec
  status?: DeploymentStatus
}

// --- DaemonSet ---------------------------------------------------------------------------------

export interface RollingUpdateDaemonSet {
  maxUnavailable?: IntOrString
  maxSurge?: IntOrString
}

export interface DaemonSetUpdateStrategy {
  type?: 'RollingUpdate' | 'OnDelete'
  rollingUpdate?: RollingUpdateDaemonSet
}

export interface DaemonSetSpec {
  selector: LabelSelector
  template: PodTemplateSpec
  updateStrategy?: DaemonSetUpdateStrategy
  minReadySeconds?: number
  revisionHistoryLimit?: number
}

export interface DaemonSetStatus {
  currentNumberScheduled: number
  numberMisscheduled: number
  desiredNumberScheduled: number
  numberReady: number
  observedGeneration?: number
  updatedNumberScheduled?: number
  numberAvailable?: number
  numberUnavailable?: number
  collisionCount?: number
  conditions?: WorkloadCondition[]
}

export interface DaemonSet extends KubeObject {
  spec?: DaemonSetSpec
  status?: DaemonSetStatus
}

/** autoscaling/v1 Scale: the body of the deployments/scale and replicasets/scale subresources. */
export interface Scale extends KubeObject {
  spec?: { replicas?: number }
  status?: { replicas: number; selector?: string }
}
