// The Pod schema and everything a pod template holds: what Coxswain honours, and — by name, with
// the reason — what Kubernetes has that plain Docker nodes reached over SSH cannot honour.

import type {
  Affinity,
  AppArmorProfile,
  Capabilities,
  ConfigMapEnvSource,
  ConfigMapKeySelector,
  ConfigMapVolumeSource,
  Container,
  ContainerPort,
  ContainerState,
  ContainerStateRunning,
  ContainerStateTerminated,
  ContainerStateWaiting,
  ContainerStatus,
  EmptyDirVolumeSource,
  EnvFromSource,
  EnvVar,
  EnvVarSource,
  ExecAction,
  HostAlias,
  HostIP,
  HostPathVolumeSource,
  HTTPGetAction,
  HTTPHeader,
  KeyToPath,
  Lifecycle,
  LifecycleHandler,
  LocalObjectReference,
  NodeAffinity,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  ObjectFieldSelector,
  Pod,
  PodAffinity,
  PodAffinityTerm,
  PodCondition,
  PodDNSConfig,
  PodDNSConfigOption,
  PodIP,
  PodOS,
  PodReadinessGate,
  PodSecurityContext,
  PodSpec,
  PodStatus,
  PodTemplateSpec,
  PreferredSchedulingTerm,
  Probe,
  ResourceFieldSelector,
  ResourceRequirements,
  SeccompProfile,
  SecretEnvSource,
  SecretKeySelector,
  SecretVolumeSource,
  SecurityContext,
  SleepAction,
  Sysctl,
  TCPSocketAction,
  Toleration,
  TopologySpreadConstraint,
  Volume,
  VolumeMount,
  WeightedPodAffinityTerm,
  WindowsSecurityContextOptions,
} from '../types/pod.ts'
import {
  array,
  ATOMIC,
  bool,
  describe,
  enumOf,
  int32,
  int64,
  intOrString,
  map,
  mergeList,
  object,
  quantity,
  required,
  string,
  time,
  unsupported,
  type Unsupported,
} from './dsl.ts'
import { apiVersionField, kindField, labelSelectorSchema, objectMetaSchema } from './meta.ts'

const CORE = 'io.k8s.api.core.v1'

/** Why each family of volume sources is refused. */
const NO_PERSISTENT_VOLUMES = 'Coxswain has no persistent volumes; use a hostPath volume for data that must outlive the pod'
const NO_STORAGE_DRIVERS = 'storage drivers cannot be attached to plain Docker nodes; mount the storage on the node and use a hostPath volume'

const protocolSchema = enumOf(['TCP', 'UDP', 'SCTP'], 'The protocol: "TCP", "UDP" or "SCTP". Defaults to "TCP".')

// --- Container parts -----------------------------------------------------------------------------

const containerPortSchema = object<ContainerPort>(`${CORE}.ContainerPort`, 'ContainerPort represents a network port in a single container.', {
  name: string('An IANA_SVC_NAME unique within the pod, for services to refer to the port by name.'),
  containerPort: required(int32("Number of port to expose on the pod's IP address, 0 < x < 65536.")),
  hostPort: int32(
    'Number of port to expose on the node, 0 < x < 65536; Coxswain publishes it with a Docker port binding. With hostNetwork it must match containerPort.',
  ),
  hostIP: string('The node IP to bind the host port to.'),
  protocol: protocolSchema,
})

const objectFieldSelectorSchema = object<ObjectFieldSelector>(`${CORE}.ObjectFieldSelector`, 'Selects a field of the pod.', {
  apiVersion: string('Version of the schema the FieldPath is written in terms of, defaults to "v1".'),
  fieldPath: required(
    string(
      'Path of the field to select: metadata.name, metadata.namespace, metadata.uid, metadata.labels[<KEY>], metadata.annotations[<KEY>], spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP or status.podIPs.',
    ),
  ),
})

const resourceFieldSelectorSchema = object<ResourceFieldSelector>(
  `${CORE}.ResourceFieldSelector`,
  "Selects a container's resource: limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory or requests.ephemeral-storage.",
  {
    containerName: string('Container name: required for volumes, optional for env vars.'),
    resource: required(string('Required: resource to select.')),
    divisor: quantity('Specifies the output format of the exposed resources, defaults to "1".'),
  },
)

const configMapKeySelectorSchema = object<ConfigMapKeySelector>(`${CORE}.ConfigMapKeySelector`, 'Selects a key from a ConfigMap.', {
  name: string('Name of the ConfigMap.'),
  key: required(string('The key to select.')),
  optional: bool('Specify whether the ConfigMap or its key must be defined.'),
})

const secretKeySelectorSchema = object<SecretKeySelector>(`${CORE}.SecretKeySelector`, 'SecretKeySelector selects a key of a Secret.', {
  name: string('Name of the Secret.'),
  key: required(string('The key of the secret to select from. Must be a valid secret key.')),
  optional: bool('Specify whether the Secret or its key must be defined.'),
})

const envVarSourceSchema = object<EnvVarSource>(
  `${CORE}.EnvVarSource`,
  "EnvVarSource represents a source for the value of an EnvVar.",
  {
    fieldRef: describe(objectFieldSelectorSchema, 'Selects a field of the pod.'),
    resourceFieldRef: describe(resourceFieldSelectorSchema, 'Selects a resource of the container.'),
    configMapKeyRef: describe(configMapKeySelectorSchema, 'Selects a key of a ConfigMap.'),
    secretKeyRef: describe(secretKeySelectorSchema, "Selects a key of a secret in the pod's namespace."),
  },
  { fileKeyRef: unsupported('environment variables from files in volumes are not supported; read the file in the container') },
)

const envVarSchema = object<EnvVar>(`${CORE}.EnvVar`, 'EnvVar represents an environment variable present in a Container.', {
  name: required(string('Name of the environment variable.')),
  value: string('Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables. Defaults to "".'),
  valueFrom: describe(envVarSourceSchema, "Source for the environment variable's value. Cannot be used if value is not empty."),
})

const envFromSourceSchema = object<EnvFromSource>(
  `${CORE}.EnvFromSource`,
  'EnvFromSource represents the source of a set of ConfigMaps or Secrets.',
  {
    prefix: string('An optional identifier to prepend to each key in the ConfigMap or Secret.'),
    configMapRef: object<ConfigMapEnvSource>(`${CORE}.ConfigMapEnvSource`, 'The ConfigMap to select from.', {
      name: string('Name of the ConfigMap.'),
      optional: bool('Specify whether the ConfigMap must be defined.'),
    }),
    secretRef: object<SecretEnvSource>(`${CORE}.SecretEnvSource`, 'The Secret to select from.', {
      name: string('Name of the Secret.'),
      optional: bool('Specify whether the Secret must be defined.'),
    }),
  },
)

const resourceRequirementsSchema = object<ResourceRequirements>(
  `${CORE}.ResourceRequirements`,
  'ResourceRequirements describes the compute resource requirements. Limits become Docker cgroup limits; requests are used for scheduling.',
  {
    limits: map(quantity(), 'Limits describes the maximum amount of compute resources allowed.'),
    requests: map(
      quantity(),
      'Requests describes the minimum amount of compute resources required. If omitted, they default to the limits.',
    ),
  },
  { claims: unsupported('dynamic resource allocation is not supported') },
)

const volumeMountSchema = object<VolumeMount>(
  `${CORE}.VolumeMount`,
  'VolumeMount describes a mounting of a Volume within a container.',
  {
    name: required(string('This must match the Name of a Volume.')),
    mountPath: required(string("Path within the container at which the volume should be mounted. Must not contain ':'.")),
    readOnly: bool('Mounted read-only if true, read-write otherwise (false or unspecified).'),
    subPath: string("Path within the volume from which the container's volume should be mounted. Defaults to \"\" (volume's root)."),
    mountPropagation: enumOf(
      ['None', 'HostToContainer', 'Bidirectional'],
      'How mounts are propagated from the host to container and the other way around (Docker bind propagation rprivate, rslave, rshared).',
    ),
  },
  {
    subPathExpr: unsupported('expanded sub-paths are not supported; use subPath'),
    recursiveReadOnly: unsupported('recursive read-only mounts are not supported', 'Disabled'),
  },
)

const execActionSchema = object<ExecAction>(`${CORE}.ExecAction`, 'ExecAction describes a "run in container" action.', {
  command: array(
    string(),
    'Command line to execute inside the container; not run in a shell. Exit status 0 is healthy, non-zero unhealthy.',
    ATOMIC,
  ),
})

const httpHeaderSchema = object<HTTPHeader>(`${CORE}.HTTPHeader`, 'HTTPHeader describes a custom header to be used in HTTP probes.', {
  name: required(string('The header field name.')),
  value: required(string('The header field value.')),
})

const httpGetActionSchema = object<HTTPGetAction>(`${CORE}.HTTPGetAction`, 'HTTPGetAction describes an action based on HTTP Get requests.', {
  path: string('Path to access on the HTTP server. Defaults to "/".'),
  port: required(intOrString('Name or number of the port to access on the container, 1-65535 or an IANA_SVC_NAME.')),
  host: string('Host name to connect to, defaults to the pod IP.'),
  scheme: enumOf(['HTTP', 'HTTPS'], 'Scheme to use for connecting to the host. Defaults to HTTP.'),
  httpHeaders: array(httpHeaderSchema, 'Custom headers to set in the request. HTTP allows repeated headers.', ATOMIC),
})

const tcpSocketActionSchema = object<TCPSocketAction>(`${CORE}.TCPSocketAction`, 'TCPSocketAction describes an action based on opening a socket.', {
  port: required(intOrString('Number or name of the port to access on the container, 1-65535 or an IANA_SVC_NAME.')),
  host: string('Optional: host name to connect to, defaults to the pod IP.'),
})

const GRPC_PROBES = unsupported('gRPC health checks are not implemented; use an exec, httpGet or tcpSocket probe')

const probeSchema = object<Probe>(
  `${CORE}.Probe`,
  'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.',
  {
    exec: describe(execActionSchema, 'Exec specifies a command to execute in the container (through Docker exec).'),
    httpGet: describe(httpGetActionSchema, 'HTTPGet specifies an HTTP GET request to perform against the pod IP.'),
    tcpSocket: describe(tcpSocketActionSchema, 'TCPSocket specifies a connection to a TCP port.'),
    initialDelaySeconds: int32('Number of seconds after the container has started before probes are initiated.'),
    timeoutSeconds: int32('Number of seconds after which the probe times out. Defaults to 1 second. Minimum value is 1.'),
    periodSeconds: int32('How often (in seconds) to perform the probe. Default to 10 seconds. Minimum value is 1.'),
    successThreshold: int32(
      'Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1. Must be 1 for liveness and startup.',
    ),
    failureThreshold: int32('Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3.'),
    terminationGracePeriodSeconds: int64('Optional duration in seconds the pod needs to terminate gracefully upon probe failure.'),
  },
  { grpc: GRPC_PROBES },
)

const lifecycleHandlerSchema = object<LifecycleHandler>(
  `${CORE}.LifecycleHandler`,
  'LifecycleHandler defines a specific action that should be taken in a lifecycle hook.',
  {
    exec: describe(execActionSchema, 'Exec specifies a command to execute in the container.'),
    httpGet: describe(httpGetActionSchema, 'HTTPGet specifies an HTTP GET request to perform.'),
    sleep: object<SleepAction>(`${CORE}.SleepAction`, 'Sleep represents a duration that the container should sleep.', {
      seconds: required(int64('Seconds is the number of seconds to sleep.')),
    }),
  },
  { tcpSocket: unsupported('Kubernetes does not run tcpSocket lifecycle hooks either (kept only for compatibility); use exec or httpGet') },
)

const lifecycleSchema = object<Lifecycle>(`${CORE}.Lifecycle`, 'Lifecycle describes actions taken in response to container lifecycle events.', {
  postStart: describe(lifecycleHandlerSchema, 'Called immediately after a container is created.'),
  preStop: describe(lifecycleHandlerSchema, 'Called immediately before a container is terminated; the grace period countdown includes it.'),
})

const LOCALHOST_PROFILES = 'Coxswain cannot install profiles on nodes; use RuntimeDefault or Unconfined'

const seccompProfileSchema = object<SeccompProfile>(
  `${CORE}.SeccompProfile`,
  "SeccompProfile defines a pod/container's seccomp profile settings.",
  {
    type: required(enumOf(['RuntimeDefault', 'Unconfined'], 'RuntimeDefault: the container runtime default profile. Unconfined: no profile.', {
      Localhost: LOCALHOST_PROFILES,
    })),
  },
  { localhostProfile: unsupported(LOCALHOST_PROFILES, '') },
)

const appArmorProfileSchema = object<AppArmorProfile>(
  `${CORE}.AppArmorProfile`,
  "AppArmorProfile defines a pod or container's AppArmor settings.",
  {
    type: required(enumOf(['RuntimeDefault', 'Unconfined'], 'RuntimeDefault: the container runtime default profile. Unconfined: no profile.', {
      Localhost: LOCALHOST_PROFILES,
    })),
  },
  { localhostProfile: unsupported(LOCALHOST_PROFILES, '') },
)

const windowsOptionsSchema = object<WindowsSecurityContextOptions>(
  `${CORE}.WindowsSecurityContextOptions`,
  'Windows-specific options. Coxswain nodes run Linux, which ignores these, as the kubelet does.',
  {
    gmsaCredentialSpecName: string('The name of the GMSA credential spec to use.'),
    gmsaCredentialSpec: string('Where the GMSA admission webhook inlines the credential spec.'),
    runAsUserName: string('The UserName in Windows to run the entrypoint of the container process.'),
    hostProcess: bool('Whether a container should be run as a Windows HostProcess container.'),
  },
)

const SELINUX = unsupported('SELinux labels are not applied by Coxswain', {})

const securityContextSchema = object<SecurityContext>(
  `${CORE}.SecurityContext`,
  'SecurityContext holds security configuration that will be applied to a container.',
  {
    capabilities: object<Capabilities>(`${CORE}.Capabilities`, 'Adds and removes POSIX capabilities from running containers.', {
      add: array(string(), 'Added capabilities.', ATOMIC),
      drop: array(string(), 'Removed capabilities.', ATOMIC),
    }),
    privileged: bool('Run container in privileged mode. Defaults to false.'),
    windowsOptions: describe(windowsOptionsSchema, 'Windows-specific settings; ignored on Linux nodes.'),
    runAsUser: int64('The UID to run the entrypoint of the container process.'),
    runAsGroup: int64('The GID to run the entrypoint of the container process.'),
    runAsNonRoot: bool('Indicates that the container must run as a non-root user.'),
    readOnlyRootFilesystem: bool('Whether this container has a read-only root filesystem. Default is false.'),
    allowPrivilegeEscalation: bool('Whether a process can gain more privileges than its parent process (no_new_privs).'),
    procMount: enumOf(['Default'], 'The type of proc mount to use for the container.', {
      Unmasked: 'Docker always masks /proc paths for unprivileged containers',
    }),
    seccompProfile: describe(seccompProfileSchema, 'The seccomp options to use by this container.'),
    appArmorProfile: describe(appArmorProfileSchema, 'The AppArmor options to use by this container.'),
  },
  { seLinuxOptions: SELINUX },
)

const containerFields = {
  name: required(string('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name. Cannot be updated.')),
  image: string('Container image name, pulled by the node from its registry (with imagePullSecrets when given).'),
  command: array(string(), "Entrypoint array. Not executed within a shell. The image's ENTRYPOINT is used if this is not provided.", ATOMIC),
  args: array(string(), "Arguments to the entrypoint. The image's CMD is used if this is not provided.", ATOMIC),
  workingDir: string("Container's working directory. Defaults to the image's."),
  ports: array(
    containerPortSchema,
    'List of ports to expose from the container. Informational, except hostPort, which publishes the port on the node.',
    mergeList('containerPort', 'containerPort', 'protocol'),
  ),
  envFrom: array(envFromSourceSchema, 'List of sources to populate environment variables in the container.', ATOMIC),
  env: array(envVarSchema, 'List of environment variables to set in the container. Cannot be updated.', mergeList('name')),
  resources: describe(resourceRequirementsSchema, 'Compute Resources required by this container. Cannot be updated.'),
  volumeMounts: array(volumeMountSchema, "Pod volumes to mount into the container's filesystem. Cannot be updated.", mergeList('mountPath')),
  livenessProbe: describe(probeSchema, 'Periodic probe of container liveness. Container will be restarted if the probe fails.'),
  readinessProbe: describe(probeSchema, 'Periodic probe of container service readiness. The pod is removed from service endpoints while it fails.'),
  startupProbe: describe(probeSchema, 'Indicates that the Pod has successfully initialized; other probes wait for it to succeed.'),
  lifecycle: describe(lifecycleSchema, 'Actions that the management system should take in response to container lifecycle events.'),
  terminationMessagePath: string("Path at which the file to which the container's termination message will be written. Defaults to /dev/termination-log."),
  terminationMessagePolicy: enumOf(['File', 'FallbackToLogsOnError'], 'How the termination message should be populated. Defaults to File.'),
  imagePullPolicy: enumOf(
    ['Always', 'IfNotPresent', 'Never'],
    'Image pull policy. Defaults to Always if :latest tag is specified (or no tag), or IfNotPresent otherwise.',
  ),
  securityContext: describe(securityContextSchema, 'SecurityContext defines the security options the container should be run with.'),
  stdin: bool('Whether this container should allocate a buffer for stdin in the container runtime.'),
  stdinOnce: bool('Whether the container runtime should close the stdin channel after it has been opened by a single attach.'),
  tty: bool('Whether this container should allocate a TTY for itself; also requires stdin to be true.'),
}

const containerUnsupported: Record<string, Unsupported> = {
  volumeDevices: unsupported('raw block devices need persistent volumes, which Coxswain does not have'),
  resizePolicy: unsupported('containers are not resized in place; change the pod template to roll out new resources'),
  restartPolicy: unsupported('restartable init containers (sidecars) are not supported; run the sidecar as a regular container'),
  stopSignal: unsupported('custom stop signals are not supported'),
}

export const containerSchema = object<Container>(
  `${CORE}.Container`,
  'A single application container that you want to run within a pod.',
  containerFields,
  containerUnsupported,
)

// --- Volumes ---------------------------------------------------------------------------------------

const keyToPathSchema = object<KeyToPath>(`${CORE}.KeyToPath`, 'Maps a string key to a path within a volume.', {
  key: required(string('The key to project.')),
  path: required(string("The relative path of the file to map the key to. May not be absolute, contain '..' or start with '..'.")),
  mode: int32('Mode bits used to set permissions on this file: 0000 to 0777 (JSON: 0 to 511). Defaults to the volume default mode.'),
})

const volumeSourceFields = {
  emptyDir: object<EmptyDirVolumeSource>(
    `${CORE}.EmptyDirVolumeSource`,
    "Represents an empty directory for a pod: a Docker volume that shares the pod's lifetime, or a tmpfs for medium Memory.",
    {
      medium: enumOf(['', 'Memory'], 'What type of storage medium should back this directory: "" (node disk) or "Memory" (tmpfs).', {
        HugePages: 'huge pages are not configured on Coxswain nodes',
      }),
      sizeLimit: quantity('Total amount of local storage required; the tmpfs size for medium Memory.'),
    },
  ),
  hostPath: object<HostPathVolumeSource>(`${CORE}.HostPathVolumeSource`, "A pre-existing file or directory on the node's filesystem.", {
    path: required(string('Path of the directory on the host. If the path is a symlink, it will follow the link to the real path.')),
    type: enumOf(
      ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'],
      'Type for HostPath Volume. Defaults to "" (no checks).',
    ),
  }),
  configMap: object<ConfigMapVolumeSource>(`${CORE}.ConfigMapVolumeSource`, "Populates a volume with a ConfigMap's keys as files.", {
    name: string('Name of the ConfigMap.'),
    items: array(keyToPathSchema, 'Which keys to project, and where; all keys when empty.', ATOMIC),
    defaultMode: int32('Mode bits used to set permissions on created files by default: 0000 to 0777. Defaults to 0644.'),
    optional: bool('Specify whether the ConfigMap or its keys must be defined.'),
  }),
  secret: object<SecretVolumeSource>(`${CORE}.SecretVolumeSource`, "Populates a volume with a Secret's keys as files.", {
    secretName: string("Name of the secret in the pod's namespace to use."),
    items: array(keyToPathSchema, 'Which keys to project, and where; all keys when empty.', ATOMIC),
    defaultMode: int32('Mode bits used to set permissions on created files by default: 0000 to 0777. Defaults to 0644.'),
    optional: bool('Specify whether the Secret or its keys must be defined.'),
  }),
}

/** Every volume source Kubernetes knows and Coxswain refuses. */
export const UNSUPPORTED_VOLUME_SOURCES: Record<string, Unsupported> = {
  persistentVolumeClaim: unsupported(NO_PERSISTENT_VOLUMES),
  ephemeral: unsupported(NO_PERSISTENT_VOLUMES),
  projected: unsupported('projected volumes are not supported; mount configMap and secret volumes separately'),
  downwardAPI: unsupported('downward API volumes are not supported; use env valueFrom.fieldRef'),
  image: unsupported('image volumes are not supported'),
  gitRepo: unsupported('gitRepo volumes are deprecated and not supported; clone in an init container into an emptyDir'),
  csi: unsupported(NO_STORAGE_DRIVERS),
  nfs: unsupported(NO_STORAGE_DRIVERS),
  iscsi: unsupported(NO_STORAGE_DRIVERS),
  glusterfs: unsupported(NO_STORAGE_DRIVERS),
  rbd: unsupported(NO_STORAGE_DRIVERS),
  cephfs: unsupported(NO_STORAGE_DRIVERS),
  fc: unsupported(NO_STORAGE_DRIVERS),
  flexVolume: unsupported(NO_STORAGE_DRIVERS),
  flocker: unsupported(NO_STORAGE_DRIVERS),
  quobyte: unsupported(NO_STORAGE_DRIVERS),
  scaleIO: unsupported(NO_STORAGE_DRIVERS),
  storageos: unsupported(NO_STORAGE_DRIVERS),
  portworxVolume: unsupported(NO_STORAGE_DRIVERS),
  awsElasticBlockStore: unsupported(NO_STORAGE_DRIVERS),
  gcePersistentDisk: unsupported(NO_STORAGE_DRIVERS),
  azureDisk: unsupported(NO_STORAGE_DRIVERS),
  azureFile: unsupported(NO_STORAGE_DRIVERS),
  cinder: unsupported(NO_STORAGE_DRIVERS),
  vsphereVolume: unsupported(NO_STORAGE_DRIVERS),
  photonPersistentDisk: unsupported(NO_STORAGE_DRIVERS),
}

const volumeSchema = object<Volume>(
  `${CORE}.Volume`,
  'Volume represents a named volume in a pod that may be accessed by any container in the pod. Coxswain supports emptyDir, hostPath, configMap and secret.',
  {
    name: required(string('Name of the volume. Must be a DNS_LABEL and unique within the pod.')),
    ...volumeSourceFields,
  },
  UNSUPPORTED_VOLUME_SOURCES,
)

// --- Scheduling --------------------------------------------------------------------------------------

const nodeSelectorRequirementSchema = object<NodeSelectorRequirement>(
  `${CORE}.NodeSelectorRequirement`,
  'A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.',
  {
    key: required(string('The label key that the selector applies to.')),
    operator: required(enumOf(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'], "Represents a key's relationship to a set of values.")),
    values: array(string(), 'An array of string values: one integer for Gt and Lt, none for Exists and DoesNotExist.', ATOMIC),
  },
)

const nodeSelectorTermSchema = object<NodeSelectorTerm>(
  `${CORE}.NodeSelectorTerm`,
  'A null or empty node selector term matches no objects. The requirements of them are ANDed.',
  {
    matchExpressions: array(nodeSelectorRequirementSchema, "A list of node selector requirements by node's labels.", ATOMIC),
    matchFields: array(nodeSelectorRequirementSchema, "A list of node selector requirements by node's fields.", ATOMIC),
  },
)

const nodeAffinitySchema = object<NodeAffinity>(`${CORE}.NodeAffinity`, 'Node affinity is a group of node affinity scheduling rules.', {
  requiredDuringSchedulingIgnoredDuringExecution: object<NodeSelector>(
    `${CORE}.NodeSelector`,
    'A node selector represents the union of the results of one or more label queries over a set of nodes.',
    { nodeSelectorTerms: required(array(nodeSelectorTermSchema, 'Required. A list of node selector terms. The terms are ORed.', ATOMIC)) },
  ),
  preferredDuringSchedulingIgnoredDuringExecution: array(
    object<PreferredSchedulingTerm>(`${CORE}.PreferredSchedulingTerm`, 'An empty preferred scheduling term matches all objects with implicit weight 0.', {
      weight: required(int32('Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.')),
      preference: required(describe(nodeSelectorTermSchema, 'A node selector term, associated with the corresponding weight.')),
    }),
    'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field.',
    ATOMIC,
  ),
})

const podAffinityTermSchema = object<PodAffinityTerm>(
  `${CORE}.PodAffinityTerm`,
  'Defines a set of pods that this pod should be co-located (affinity) or not co-located (anti-affinity) with, within a topology.',
  {
    labelSelector: describe(labelSelectorSchema, 'A label query over a set of resources, in this case pods.'),
    namespaces: array(string(), "A static list of namespace names that the term applies to. Null or empty means this pod's namespace.", ATOMIC),
    topologyKey: required(string('Co-located means running on a node whose value of the label with this key matches.')),
    namespaceSelector: describe(labelSelectorSchema, 'A label query over the set of namespaces that the term applies to.'),
    matchLabelKeys: array(string(), "Pod label keys whose values are taken from the incoming pod's labels and merged into labelSelector.", ATOMIC),
    mismatchLabelKeys: array(string(), "Pod label keys whose values are taken from the incoming pod's labels and merged into labelSelector as NotIn.", ATOMIC),
  },
)

const podAffinitySchema = (name: string, description: string) =>
  object<PodAffinity>(`${CORE}.${name}`, description, {
    requiredDuringSchedulingIgnoredDuringExecution: array(podAffinityTermSchema, 'Rules that must be met at scheduling time.', ATOMIC),
    preferredDuringSchedulingIgnoredDuringExecution: array(
      object<WeightedPodAffinityTerm>(
        `${CORE}.WeightedPodAffinityTerm`,
        'The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s).',
        {
          weight: required(int32('Weight associated with matching the corresponding podAffinityTerm, in the range 1-100.')),
          podAffinityTerm: required(describe(podAffinityTermSchema, 'Required. A pod affinity term, associated with the corresponding weight.')),
        },
      ),
      'Rules the scheduler prefers to meet.',
      ATOMIC,
    ),
  })

const affinitySchema = object<Affinity>(`${CORE}.Affinity`, 'Affinity is a group of affinity scheduling rules.', {
  nodeAffinity: describe(nodeAffinitySchema, 'Describes node affinity scheduling rules for the pod.'),
  podAffinity: podAffinitySchema('PodAffinity', 'Pod affinity is a group of inter pod affinity scheduling rules.'),
  podAntiAffinity: podAffinitySchema('PodAntiAffinity', 'Pod anti affinity is a group of inter pod anti affinity scheduling rules.'),
})

const tolerationSchema = object<Toleration>(
  `${CORE}.Toleration`,
  'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator.',
  {
    key: string('The taint key that the toleration applies to. Empty means match all taint keys; the operator must then be Exists.'),
    operator: enumOf(['Exists', 'Equal', ''], "Represents a key's relationship to the value. Defaults to Equal."),
    value: string('The taint value the toleration matches to. Empty when the operator is Exists.'),
    effect: enumOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute', ''], 'The taint effect to match. Empty means match all taint effects.'),
    tolerationSeconds: int64('How long the pod stays bound to a node with a matching NoExecute taint. Unset: forever.'),
  },
)

const topologySpreadConstraintSchema = object<TopologySpreadConstraint>(
  `${CORE}.TopologySpreadConstraint`,
  'TopologySpreadConstraint specifies how to spread matching pods among the given topology.',
  {
    maxSkew: required(int32('The degree to which pods may be unevenly distributed. Must be greater than zero.')),
    topologyKey: required(string('The key of node labels. Nodes with the same value are in the same topology domain.')),
    whenUnsatisfiable: required(enumOf(['DoNotSchedule', 'ScheduleAnyway'], 'How to deal with a pod if it doesn\'t satisfy the spread constraint.')),
    labelSelector: describe(labelSelectorSchema, 'Finds matching pods, to count the number of pods in their topology domain.'),
    minDomains: int32('A minimum number of eligible domains; only with DoNotSchedule.'),
    nodeAffinityPolicy: enumOf(['Honor', 'Ignore'], "How to treat the pod's nodeAffinity/nodeSelector when calculating skew. Defaults to Honor."),
    nodeTaintsPolicy: enumOf(['Honor', 'Ignore'], 'How to treat node taints when calculating skew. Defaults to Ignore.'),
    matchLabelKeys: array(string(), 'Pod label keys to select the pods over which spreading will be calculated.', ATOMIC),
  },
)

// --- Pod spec ----------------------------------------------------------------------------------------

const podSecurityContextSchema = object<PodSecurityContext>(
  `${CORE}.PodSecurityContext`,
  'PodSecurityContext holds pod-level security attributes and common container settings.',
  {
    windowsOptions: describe(windowsOptionsSchema, 'Windows-specific settings; ignored on Linux nodes.'),
    runAsUser: int64('The UID to run the entrypoint of the container process.'),
    runAsGroup: int64('The GID to run the entrypoint of the container process.'),
    runAsNonRoot: bool('Indicates that the container must run as a non-root user.'),
    supplementalGroups: array(int64(), 'Groups added to the first process run in each container (Docker GroupAdd).', ATOMIC),
    fsGroup: int64("A supplemental group for all containers; emptyDir volumes are owned by it."),
    fsGroupChangePolicy: enumOf(['OnRootMismatch', 'Always'], "How ownership of a volume is changed before being exposed inside the pod."),
    sysctls: array(
      object<Sysctl>(`${CORE}.Sysctl`, 'Sysctl defines a kernel parameter to be set.', {
        name: required(string('Name of a property to set.')),
        value: required(string('Value of a property to set.')),
      }),
      'Namespaced sysctls used for the pod (Docker Sysctls).',
      ATOMIC,
    ),
    seccompProfile: describe(seccompProfileSchema, 'The seccomp options to use by the containers in this pod.'),
    appArmorProfile: describe(appArmorProfileSchema, 'The AppArmor options to use by the containers in this pod.'),
  },
  {
    seLinuxOptions: SELINUX,
    seLinuxChangePolicy: unsupported('SELinux labels are not applied by Coxswain'),
    supplementalGroupsPolicy: unsupported('only the Merge policy (the Docker behaviour) is available', 'Merge'),
  },
)

const hostAliasSchema = object<HostAlias>(`${CORE}.HostAlias`, "An IP address and hostnames to add to the pod's /etc/hosts.", {
  ip: required(string('IP address of the host file entry.')),
  hostnames: array(string(), 'Hostnames for the above IP address.', ATOMIC),
})

const podDNSConfigSchema = object<PodDNSConfig>(`${CORE}.PodDNSConfig`, 'DNS parameters of a pod, merged with those dnsPolicy generates.', {
  nameservers: array(string(), 'A list of DNS name server IP addresses (at most 3 in total).', ATOMIC),
  searches: array(string(), 'A list of DNS search domains for host-name lookup.', ATOMIC),
  options: array(
    object<PodDNSConfigOption>(`${CORE}.PodDNSConfigOption`, 'PodDNSConfigOption defines DNS resolver options of a pod.', {
      name: string('Name is this DNS resolver option\'s name. Required.'),
      value: string('Value is this DNS resolver option\'s value.'),
    }),
    'A list of DNS resolver options.',
    ATOMIC,
  ),
})

const localObjectReferenceSchema = object<LocalObjectReference>(
  `${CORE}.LocalObjectReference`,
  'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
  { name: string('Name of the referent.') },
)

const NO_PRIORITY = 'pod priority and preemption are not implemented; every pod has priority 0'

const podSpecSchema = object<PodSpec>(
  `${CORE}.PodSpec`,
  'PodSpec is a description of a pod.',
  {
    volumes: array(volumeSchema, 'List of volumes that can be mounted by containers belonging to the pod.', {
      ...mergeList('name'),
      patchStrategy: 'merge,retainKeys',
    }),
    initContainers: array(
      containerSchema,
      'List of initialization containers, run in order to completion before the app containers start.',
      mergeList('name'),
    ),
    containers: required(array(containerSchema, 'List of containers belonging to the pod. There must be at least one.', mergeList('name'))),
    restartPolicy: enumOf(['Always', 'OnFailure', 'Never'], 'Restart policy for all containers within the pod. Default to Always.'),
    terminationGracePeriodSeconds: int64('Duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds.'),
    dnsPolicy: enumOf(
      ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'],
      'Set DNS policy for the pod. Defaults to "ClusterFirst".',
    ),
    nodeSelector: map(string(), "A selector which must be true for the pod to fit on a node: the node's labels must match."),
    serviceAccountName: string(
      'Name of the ServiceAccount to use to run this pod. Recorded only: Coxswain has no service accounts and mounts no API tokens.',
    ),
    serviceAccount: string('Deprecated alias for serviceAccountName.'),
    automountServiceAccountToken: bool('Recorded only: Coxswain never mounts API tokens into pods.'),
    nodeName: string('The node the pod is bound to; set by the scheduler, or directly to bypass it.'),
    hostNetwork: bool("Host networking requested for this pod: use the node's network namespace. Default to false."),
    hostPID: bool("Use the host's pid namespace. Optional: Default to false."),
    hostIPC: bool("Use the host's ipc namespace. Optional: Default to false."),
    shareProcessNamespace: bool('Share a single process namespace between all of the containers in a pod.'),
    securityContext: describe(podSecurityContextSchema, 'SecurityContext holds pod-level security attributes and common container settings.'),
    imagePullSecrets: array(
      localObjectReferenceSchema,
      'References to kubernetes.io/dockerconfigjson secrets in the same namespace to use for pulling the images.',
      mergeList('name'),
    ),
    hostname: string("Specifies the hostname of the Pod. Defaults to the pod's name."),
    subdomain: string('The pod\'s hostname will be "<hostname>.<subdomain>.<namespace>.svc.<cluster domain>".'),
    setHostnameAsFQDN: bool("The pod's hostname will be configured as the pod's FQDN."),
    affinity: describe(affinitySchema, "If specified, the pod's scheduling constraints."),
    schedulerName: string('The scheduler that dispatches the pod. Defaults to "default-scheduler".'),
    tolerations: array(tolerationSchema, "If specified, the pod's tolerations.", ATOMIC),
    hostAliases: array(hostAliasSchema, "Entries added to the pod's hosts file.", mergeList('ip')),
    dnsConfig: describe(podDNSConfigSchema, 'Specifies the DNS parameters of a pod.'),
    readinessGates: array(
      object<PodReadinessGate>(`${CORE}.PodReadinessGate`, 'PodReadinessGate contains the reference to a pod condition.', {
        conditionType: required(string("ConditionType refers to a condition in the pod's condition list with matching type.")),
      }),
      'Additional conditions that must be True for the pod to be Ready.',
      ATOMIC,
    ),
    enableServiceLinks: bool("Whether information about services should be injected into pod's environment variables. Defaults to true."),
    topologySpreadConstraints: array(
      topologySpreadConstraintSchema,
      'How a group of pods ought to spread across topology domains.',
      mergeList('topologyKey', 'topologyKey', 'whenUnsatisfiable'),
    ),
    os: object<PodOS>(`${CORE}.PodOS`, 'PodOS defines the OS parameters of a pod.', {
      name: required(enumOf(['linux'], 'The name of the operating system.', { windows: 'Coxswain nodes run Linux' })),
    }),
  },
  {
    activeDeadlineSeconds: unsupported('pod deadlines are not enforced (Coxswain has no Jobs)'),
    ephemeralContainers: unsupported('ephemeral debug containers are not supported; use exec'),
    priorityClassName: unsupported(NO_PRIORITY, ''),
    priority: unsupported(NO_PRIORITY, 0),
    preemptionPolicy: unsupported(NO_PRIORITY, 'PreemptLowerPriority', 'Never'),
    runtimeClassName: unsupported('runtime classes are not supported; pods run with the Docker default runtime', ''),
    overhead: unsupported('pod overhead comes with runtime classes, which are not supported', {}),
    hostUsers: unsupported('user namespaces are a Docker daemon setting Coxswain cannot change per pod', true),
    schedulingGates: unsupported('scheduling gates are not supported'),
    resourceClaims: unsupported('dynamic resource allocation is not supported'),
    resources: unsupported('pod-level resources are not supported; set resources on each container'),
    hostnameOverride: unsupported('hostname overrides are not supported; use hostname and subdomain'),
  },
)

// --- Pod status ----------------------------------------------------------------------------------------

const containerStateSchema = object<ContainerState>(
  `${CORE}.ContainerState`,
  'ContainerState holds a possible state of container. Only one of its members may be specified; none means waiting.',
  {
    waiting: object<ContainerStateWaiting>(`${CORE}.ContainerStateWaiting`, 'A waiting state of a container.', {
      reason: string('(brief) reason the container is not yet running.'),
      message: string('Message regarding why the container is not yet running.'),
    }),
    running: object<ContainerStateRunning>(`${CORE}.ContainerStateRunning`, 'A running state of a container.', {
      startedAt: time('Time at which the container was last (re-)started.'),
    }),
    terminated: object<ContainerStateTerminated>(`${CORE}.ContainerStateTerminated`, 'A terminated state of a container.', {
      exitCode: required(int32('Exit status from the last termination of the container.')),
      signal: int32('Signal from the last termination of the container.'),
      reason: string('(brief) reason from the last termination of the container.'),
      message: string('Message regarding the last termination of the container.'),
      startedAt: time('Time at which previous execution of the container started.'),
      finishedAt: time('Time at which the container last terminated.'),
      containerID: string("Container's ID in the format '<type>://<container_id>'."),
    }),
  },
)

const IGNORED_STATUS = 'reported by newer kubelets; Coxswain does not track it'

const containerStatusSchema = object<ContainerStatus>(
  `${CORE}.ContainerStatus`,
  'ContainerStatus contains details for the current status of this container.',
  {
    name: required(string('Name is a DNS_LABEL representing the unique name of the container.')),
    state: describe(containerStateSchema, "Details about the container's current condition."),
    lastState: describe(containerStateSchema, "Details about the container's last termination condition."),
    ready: required(bool('Whether the container is currently passing its readiness check.')),
    restartCount: required(int32('The number of times the container has been restarted.')),
    image: required(string('The name of the container image that the container is running.')),
    imageID: required(string("The image ID of the container's image.")),
    containerID: string("The ID of the container in the format '<type>://<container_id>' (docker://…)."),
    started: bool('Whether the container has finished its postStart lifecycle hook and passed its startup probe.'),
  },
  {
    allocatedResources: unsupported(IGNORED_STATUS, {}),
    allocatedResourcesStatus: unsupported(IGNORED_STATUS),
    resources: unsupported(IGNORED_STATUS, {}),
    user: unsupported(IGNORED_STATUS, {}),
    volumeMounts: unsupported(IGNORED_STATUS),
    stopSignal: unsupported(IGNORED_STATUS, ''),
  },
)

const podStatusSchema = object<PodStatus>(
  `${CORE}.PodStatus`,
  'PodStatus represents information about the status of a pod. Status may trail the actual state of a system.',
  {
    observedGeneration: int64('The .metadata.generation that the pod status was set based upon.'),
    phase: enumOf(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'], 'A simple, high-level summary of where the Pod is in its lifecycle.'),
    conditions: array(
      object<PodCondition>(`${CORE}.PodCondition`, 'PodCondition contains details for the current condition of this pod.', {
        type: required(string('Type is the type of the condition.')),
        status: required(enumOf(['True', 'False', 'Unknown'], 'Status is the status of the condition.')),
        observedGeneration: int64('The .metadata.generation that the condition was set based upon.'),
        lastProbeTime: time('Last time we probed the condition.'),
        lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
        reason: string("Unique, one-word, CamelCase reason for the condition's last transition."),
        message: string('Human-readable message indicating details about last transition.'),
      }),
      'Current service state of pod.',
      mergeList('type'),
    ),
    message: string('A human readable message indicating details about why the pod is in this condition.'),
    reason: string("A brief CamelCase message indicating details about why the pod is in this state, e.g. 'Evicted'."),
    nominatedNodeName: string('Set only when this pod preempts other pods on the node.'),
    hostIP: string('IP address of the host to which the pod is assigned.'),
    hostIPs: array(object<HostIP>(`${CORE}.HostIP`, 'HostIP represents a single IP address allocated to the host.', { ip: required(string('IP is the IP address assigned to the host.')) }), 'IP addresses allocated to the host.', mergeList('ip')),
    podIP: string('IP address allocated to the pod. Routable at least within the cluster.'),
    podIPs: array(object<PodIP>(`${CORE}.PodIP`, 'PodIP represents a single IP address allocated to the pod.', { ip: required(string('IP is the IP address assigned to the pod.')) }), 'The IP addresses allocated to the pod.', mergeList('ip')),
    startTime: time('RFC 3339 date and time at which the object was acknowledged by the node.'),
    initContainerStatuses: array(containerStatusSchema, 'Statuses of init containers in this pod.', ATOMIC),
    containerStatuses: array(containerStatusSchema, 'Statuses of containers in this pod.', ATOMIC),
    qosClass: enumOf(['Guaranteed', 'Burstable', 'BestEffort'], 'The Quality of Service (QOS) classification assigned to the pod based on resource requirements.'),
  },
  {
    ephemeralContainerStatuses: unsupported(IGNORED_STATUS),
    resize: unsupported(IGNORED_STATUS, ''),
    resourceClaimStatuses: unsupported(IGNORED_STATUS),
    extendedResourceClaimStatus: unsupported(IGNORED_STATUS),
  },
)

export const podTemplateSpecSchema = object<PodTemplateSpec>(
  `${CORE}.PodTemplateSpec`,
  'PodTemplateSpec describes the data a pod should have when created from a template.',
  {
    metadata: describe(objectMetaSchema, "Standard object's metadata."),
    spec: describe(podSpecSchema, 'Specification of the desired behavior of the pod.'),
  },
)

export const podSchema = object<Pod>(
  `${CORE}.Pod`,
  'Pod is a collection of containers that can run on a host. Coxswain runs each pod as Docker containers on one node.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata: describe(objectMetaSchema, "Standard object's metadata."),
    spec: describe(podSpecSchema, 'Specification of the desired behavior of the pod.'),
    status: describe(podStatusSchema, 'Most recently observed status of the pod. Read-only.'),
  },
  {},
  { gvk: [{ group: '', version: 'v1', kind: 'Pod' }] },
)
