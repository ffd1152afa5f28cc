// Schemas for apps/v1: Deployment, ReplicaSet, DaemonSet.

import type {
  DaemonSet,
  DaemonSetSpec,
  DaemonSetStatus,
  DaemonSetUpdateStrategy,
  Deployment,
  DeploymentSpec,
  DeploymentStatus,
  DeploymentStrategy,
  ReplicaSet,
  ReplicaSetSpec,
  ReplicaSetStatus,
  RollingUpdateDaemonSet,
  RollingUpdateDeployment,
  WorkloadCondition,
} from '../types/apps.ts'
import { array, bool, describe, enumOf, int32, int64, intOrString, mergeList, object, required, string, time } from './dsl.ts'
import { apiVersionField, kindField, labelSelectorSchema, objectMetaSchema } from './meta.ts'
import { podTemplateSpecSchema } from './pod.ts'

const APPS = 'io.k8s.api.apps.v1'
const gvk = (kind: string) => ({ gvk: [{ group: 'apps', version: 'v1', kind }] })
const metadata = describe(objectMetaSchema, "Standard object's metadata.")

const conditionsOf = (kind: string) =>
  array(
    object<WorkloadCondition>(`${APPS}.${kind}Condition`, `${kind}Condition describes the state of a ${kind.toLowerCase()} at a certain point.`, {
      type: required(string(`Type of ${kind.toLowerCase()} condition.`)),
      status: required(enumOf(['True', 'False', 'Unknown'], 'Status of the condition, one of True, False, Unknown.')),
      lastUpdateTime: time('The last time this condition was updated.'),
      lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
      reason: string("The reason for the condition's last transition."),
      message: string('A human readable message indicating details about the transition.'),
    }),
    `Represents the latest available observations of a ${kind.toLowerCase()}'s current state.`,
    mergeList('type'),
  )

const selector = (kind: string) =>
  required(
    describe(
      labelSelectorSchema,
      `Label selector for pods. Existing ReplicaSets or pods whose labels match are affected by this ${kind}. It must match the pod template's labels. Immutable.`,
    ),
  )

// --- ReplicaSet ------------------------------------------------------------------------------------

export const replicaSetSchema = object<ReplicaSet>(
  `${APPS}.ReplicaSet`,
  'ReplicaSet ensures that a specified number of pod replicas are running at any given time.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata,
    spec: object<ReplicaSetSpec>(`${APPS}.ReplicaSetSpec`, 'ReplicaSetSpec is the specification of a ReplicaSet.', {
      replicas: int32('Replicas is the number of desired pods. Defaults to 1.'),
      minReadySeconds: int32('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.'),
      selector: selector('ReplicaSet'),
      template: describe(podTemplateSpecSchema, 'Template is the object that describes the pod that will be created if insufficient replicas are detected.'),
    }),
    status: object<ReplicaSetStatus>(`${APPS}.ReplicaSetStatus`, 'ReplicaSetStatus represents the current status of a ReplicaSet.', {
      replicas: required(int32('The most recently observed number of non-terminating pods.')),
      fullyLabeledReplicas: int32('The number of non-terminating pods that have labels matching the labels of the pod template.'),
      readyReplicas: int32('The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'),
      availableReplicas: int32('The number of available non-terminating pods (ready for at least minReadySeconds).'),
      terminatingReplicas: int32('The number of terminating pods for this replica set.'),
      observedGeneration: int64('ObservedGeneration reflects the generation of the most recently observed ReplicaSet.'),
      conditions: conditionsOf('ReplicaSet'),
    }),
  },
  {},
  gvk('ReplicaSet'),
)

// --- Deployment ------------------------------------------------------------------------------------

const deploymentStrategySchema = object<DeploymentStrategy>(
  `${APPS}.DeploymentStrategy`,
  'DeploymentStrategy describes how to replace existing pods with new ones.',
  {
    type: enumOf(['Recreate', 'RollingUpdate'], 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.'),
    rollingUpdate: object<RollingUpdateDeployment>(`${APPS}.RollingUpdateDeployment`, 'Spec to control the desired behavior of rolling update.', {
      maxUnavailable: intOrString('The maximum number of pods that can be unavailable during the update: a number or a percentage of desired pods. Defaults to 25%.'),
      maxSurge: intOrString('The maximum number of pods that can be scheduled above the desired number of pods: a number or a percentage. Defaults to 25%.'),
    }),
  },
  {},
  { patchStrategy: 'retainKeys' },
)

export const deploymentSchema = object<Deployment>(
  `${APPS}.Deployment`,
  'Deployment enables declarative updates for Pods and ReplicaSets.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata,
    spec: object<DeploymentSpec>(`${APPS}.DeploymentSpec`, 'DeploymentSpec is the specification of the desired behavior of the Deployment.', {
      replicas: int32('Number of desired pods. Defaults to 1.'),
      selector: selector('Deployment'),
      template: required(describe(podTemplateSpecSchema, 'Template describes the pods that will be created. The only allowed restartPolicy is "Always".')),
      strategy: describe(deploymentStrategySchema, 'The deployment strategy to use to replace existing pods with new ones.'),
      minReadySeconds: int32('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0.'),
      revisionHistoryLimit: int32('The number of old ReplicaSets to retain to allow rollback. Defaults to 10.'),
      paused: bool('Indicates that the deployment is paused.'),
      progressDeadlineSeconds: int32('The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.'),
    }),
    status: object<DeploymentStatus>(`${APPS}.DeploymentStatus`, 'DeploymentStatus is the most recently observed status of the Deployment.', {
      observedGeneration: int64('The generation observed by the deployment controller.'),
      replicas: int32('Total number of non-terminating pods targeted by this deployment (their labels match the selector).'),
      updatedReplicas: int32('Total number of non-terminating pods targeted by this deployment that have the desired template spec.'),
      readyReplicas: int32('Total number of non-terminating pods targeted by this Deployment with a Ready Condition.'),
      availableReplicas: int32('Total number of available non-terminating pods (ready for at least minReadySeconds).'),
      unavailableReplicas: int32('Total number of unavailable pods targeted by this deployment.'),
      terminatingReplicas: int32('Total number of terminating pods targeted by this deployment.'),
      conditions: conditionsOf('Deployment'),
      collisionCount: int32('Count of hash collisions for the Deployment, used to name the newest ReplicaSet.'),
    }),
  },
  {},
  gvk('Deployment'),
)

// --- DaemonSet -------------------------------------------------------------------------------------

export const daemonSetSchema = object<DaemonSet>(
  `${APPS}.DaemonSet`,
  'DaemonSet represents the configuration of a daemon set: one pod on every eligible node.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata,
    spec: object<DaemonSetSpec>(`${APPS}.DaemonSetSpec`, 'DaemonSetSpec is the specification of a daemon set.', {
      selector: selector('DaemonSet'),
      template: required(describe(podTemplateSpecSchema, 'An object that describes the pod that will be created on every eligible node.')),
      updateStrategy: object<DaemonSetUpdateStrategy>(
        `${APPS}.DaemonSetUpdateStrategy`,
        'DaemonSetUpdateStrategy is a struct used to control the update strategy for a DaemonSet.',
        {
          type: enumOf(['RollingUpdate', 'OnDelete'], 'Type of daemon set update. Can be "RollingUpdate" or "OnDelete". Default is RollingUpdate.'),
          rollingUpdate: object<RollingUpdateDaemonSet>(`${APPS}.RollingUpdateDaemonSet`, 'Spec to control the desired behavior of daemon set rolling update.', {
            maxUnavailable: intOrString('The maximum number of DaemonSet pods that can be unavailable during the update. Defaults to 1.'),
            maxSurge: intOrString('The maximum number of nodes with an existing available DaemonSet pod that can have an updated pod during an update. Defaults to 0.'),
          }),
        },
      ),
      minReadySeconds: int32('The minimum number of seconds for which a newly created DaemonSet pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0.'),
      revisionHistoryLimit: int32('The number of old history to retain to allow rollback. Defaults to 10.'),
    }),
    status: object<DaemonSetStatus>(`${APPS}.DaemonSetStatus`, 'DaemonSetStatus represents the current status of a daemon set.', {
      currentNumberScheduled: required(int32('The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.')),
      numberMisscheduled: required(int32('The number of nodes that are running the daemon pod, but are not supposed to run the daemon pod.')),
      desiredNumberScheduled: required(int32('The total number of nodes that should be running the daemon pod.')),
      numberReady: required(int32('The number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.')),
      observedGeneration: int64('The most recent generation observed by the daemon set controller.'),
      updatedNumberScheduled: int32('The total number of nodes that are running updated daemon pod.'),
      numberAvailable: int32('The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
      numberUnavailable: int32('The number of nodes that should be running the daemon pod and have none of the daemon pod running and available.'),
      collisionCount: int32('Count of hash collisions for the DaemonSet.'),
      conditions: conditionsOf('DaemonSet'),
    }),
  },
  {},
  gvk('DaemonSet'),
)
