// Schemas for the core/v1 kinds other than Pod.

import type {
  Binding,
  ConfigMap,
  ContainerImage,
  Eviction,
  EndpointAddress,
  EndpointPort,
  Endpoints,
  EndpointSubset,
  Event,
  EventSeries,
  EventSource,
  LoadBalancerIngress,
  Namespace,
  NamespaceCondition,
  Node,
  NodeAddress,
  NodeCondition,
  NodeSpec,
  NodeStatus,
  NodeSystemInfo,
  ObjectReference,
  PortStatus,
  Secret,
  Service,
  ServicePort,
  ServiceSpec,
  ServiceStatus,
  SessionAffinityConfig,
  Taint,
} from '../types/core.ts'
import {
  array,
  ATOMIC,
  bool,
  bytes,
  describe,
  enumOf,
  int32,
  int64,
  intOrString,
  map,
  mergeList,
  microTime,
  object,
  quantity,
  required,
  string,
  time,
  unsupported,
} from './dsl.ts'
import { apiVersionField, conditionSchema, deleteOptionsSchema, kindField, objectMetaSchema } from './meta.ts'

const CORE = 'io.k8s.api.core.v1'
const gvk = (kind: string) => ({ gvk: [{ group: '', version: 'v1', kind }] })
const metadata = describe(objectMetaSchema, "Standard object's metadata.")
const protocolSchema = enumOf(['TCP', 'UDP', 'SCTP'], 'The IP protocol for this port: "TCP", "UDP" or "SCTP". Default is TCP.')

export const objectReferenceSchema = object<ObjectReference>(
  `${CORE}.ObjectReference`,
  'ObjectReference contains enough information to let you inspect or modify the referred object.',
  {
    kind: string('Kind of the referent.'),
    namespace: string('Namespace of the referent.'),
    name: string('Name of the referent.'),
    uid: string('UID of the referent.'),
    apiVersion: string('API version of the referent.'),
    resourceVersion: string('Specific resourceVersion to which this reference is made, if any.'),
    fieldPath: string('If referring to a piece of an object instead of an entire object, a path into it, e.g. "spec.containers{name}".'),
  },
)

// --- Namespace -----------------------------------------------------------------------------------

export const namespaceSchema = object<Namespace>(
  `${CORE}.Namespace`,
  'Namespace provides a scope for Names.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata,
    spec: object<NonNullable<Namespace['spec']>>(`${CORE}.NamespaceSpec`, 'NamespaceSpec describes the attributes on a Namespace.', {
      finalizers: array(string(), 'An opaque list of values that must be empty to permanently remove the object from storage.', ATOMIC),
    }),
    status: object<NonNullable<Namespace['status']>>(`${CORE}.NamespaceStatus`, 'NamespaceStatus is information about the current status of a Namespace.', {
      phase: enumOf(['Active', 'Terminating'], 'Phase is the current lifecycle phase of the namespace.'),
      conditions: array(
        object<NamespaceCondition>(`${CORE}.NamespaceCondition`, 'NamespaceCondition contains details about state of namespace.', {
          type: required(string('Type of namespace controller condition.')),
          status: required(enumOf(['True', 'False', 'Unknown'], 'Status of the condition, one of True, False, Unknown.')),
          lastTransitionTime: time('Last time the condition transitioned from one status to another.'),
          reason: string('Unique, one-word, CamelCase reason for the condition\'s last transition.'),
          message: string('Human-readable message indicating details about last transition.'),
        }),
        "Represents the latest available observations of a namespace's current state.",
        mergeList('type'),
      ),
    }),
  },
  {},
  gvk('Namespace'),
)

// --- Node ------------------------------------------------------------------------------------------

const taintSchema = object<Taint>(`${CORE}.Taint`, 'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.', {
  key: required(string('Required. The taint key to be applied to a node.')),
  value: string('The taint value corresponding to the taint key.'),
  effect: required(enumOf(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], 'Required. The effect of the taint on pods that do not tolerate the taint.')),
  timeAdded: time('The time at which the taint was added.'),
})

const NODE_STATUS_IGNORED = 'reported by kubelets; Coxswain nodes have no kubelet'

export const nodeSchema = object<Node>(
  `${CORE}.Node`,
  'Node is a worker node: for Coxswain, a Docker machine reached over SSH.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata,
    spec: object<NodeSpec>(
      `${CORE}.NodeSpec`,
      'NodeSpec describes the attributes that a node is created with.',
      {
        podCIDR: string('PodCIDR represents the pod IP range assigned to the node.'),
        podCIDRs: array(string(), 'The IP ranges assigned to the node for pod IPs; the first equals podCIDR.', { type: 'set', patchStrategy: 'merge' }),
        providerID: string('ID of the node assigned by the cloud provider.'),
        unschedulable: bool('Unschedulable controls node schedulability of new pods. By default, node is schedulable.'),
        taints: array(taintSchema, "If specified, the node's taints.", ATOMIC),
      },
      {
        configSource: unsupported('dynamic kubelet configuration was removed from Kubernetes'),
        externalID: unsupported('deprecated and unused', ''),
      },
    ),
    status: object<NodeStatus>(
      `${CORE}.NodeStatus`,
      'NodeStatus is information about the current status of a node.',
      {
        capacity: map(quantity(), 'Capacity represents the total resources of a node.'),
        allocatable: map(quantity(), 'Allocatable represents the resources of a node that are available for scheduling. Defaults to Capacity.'),
        phase: enumOf(['Pending', 'Running', 'Terminated'], 'Deprecated: NodePhase is the recently observed lifecycle phase of the node.'),
        conditions: array(
          object<NodeCondition>(`${CORE}.NodeCondition`, 'NodeCondition contains condition information for a node.', {
            type: required(string('Type of node condition.')),
            status: required(enumOf(['True', 'False', 'Unknown'], 'Status of the condition, one of True, False, Unknown.')),
            lastHeartbeatTime: time('Last time we got an update on a given condition.'),
            lastTransitionTime: time('Last time the condition transit from one status to another.'),
            reason: string("(brief) reason for the condition's last transition."),
            message: string('Human readable message indicating details about last transition.'),
          }),
          'Conditions is an array of current observed node conditions.',
          mergeList('type'),
        ),
        addresses: array(
          object<NodeAddress>(`${CORE}.NodeAddress`, "NodeAddress contains information for the node's address.", {
            type: required(enumOf(['Hostname', 'InternalIP', 'ExternalIP', 'InternalDNS', 'ExternalDNS'], 'Node address type.')),
            address: required(string('The node address.')),
          }),
          'List of addresses reachable to the node.',
          mergeList('type'),
        ),
        daemonEndpoints: object<NonNullable<NodeStatus['daemonEndpoints']>>(
          `${CORE}.NodeDaemonEndpoints`,
          'NodeDaemonEndpoints lists ports opened by daemons running on the Node.',
          {
            kubeletEndpoint: object<{ Port: number }>(`${CORE}.DaemonEndpoint`, 'DaemonEndpoint contains information about a single Daemon endpoint.', {
              Port: required(int32('Port number of the given endpoint.')),
            }),
          },
        ),
        nodeInfo: object<NodeSystemInfo>(`${CORE}.NodeSystemInfo`, 'NodeSystemInfo is a set of ids/uuids to uniquely identify the node.', {
          machineID: required(string('MachineID reported by the node.')),
          systemUUID: required(string('SystemUUID reported by the node.')),
          bootID: required(string('Boot ID reported by the node.')),
          kernelVersion: required(string("Kernel Version reported by the node from 'uname -r'.")),
          osImage: required(string('OS Image reported by the node from /etc/os-release.')),
          containerRuntimeVersion: required(string('ContainerRuntime Version reported by the node (docker://…).')),
          kubeletVersion: required(string('The version of Coxswain driving the node, in the kubelet version slot.')),
          kubeProxyVersion: required(string('Deprecated: empty.')),
          operatingSystem: required(string('The Operating System reported by the node.')),
          architecture: required(string('The Architecture reported by the node.')),
        }, { swap: unsupported(NODE_STATUS_IGNORED, {}) }),
        images: array(
          object<ContainerImage>(`${CORE}.ContainerImage`, 'Describe a container image.', {
            names: array(string(), 'Names by which this image is known.', ATOMIC),
            sizeBytes: int64('The size of the image in bytes.'),
          }),
          'List of container images on this node.',
          ATOMIC,
        ),
      },
      {
        volumesInUse: unsupported(NODE_STATUS_IGNORED),
        volumesAttached: unsupported(NODE_STATUS_IGNORED),
        config: unsupported(NODE_STATUS_IGNORED, {}),
        runtimeHandlers: unsupported(NODE_STATUS_IGNORED),
        features: unsupported(NODE_STATUS_IGNORED, {}),
        declaredFeatures: unsupported(NODE_STATUS_IGNORED),
      },
    ),
  },
  {},
  gvk('Node'),
)

// --- Service -------------------------------------------------------------------------------------

const servicePortSchema = object<ServicePort>(`${CORE}.ServicePort`, "ServicePort contains information on service's port.", {
  name: string('The name of this port within the service. Must be a DNS_LABEL; required when there is more than one port.'),
  protocol: protocolSchema,
  appProtocol: string('The application protocol for this port. Informational.'),
  port: required(int32('The port that will be exposed by this service.')),
  targetPort: intOrString("Number or name of the port to access on the pods targeted by the service. Defaults to the service port."),
  nodePort: int32('The port on each node on which this service is exposed when type is NodePort or LoadBalancer. Allocated when unset.'),
})

const serviceSpecSchema = object<ServiceSpec>(
  `${CORE}.ServiceSpec`,
  'ServiceSpec describes the attributes that a user creates on a service.',
  {
    ports: array(servicePortSchema, 'The list of ports that are exposed by this service.', mergeList('port', 'port', 'protocol')),
    selector: map(string(), 'Route service traffic to pods with label keys and values matching this selector.'),
    clusterIP: string('The IP address of the service, allocated when unset; "None" makes a headless service. Cannot be changed.'),
    clusterIPs: array(string(), 'The IP addresses of the service; the first equals clusterIP.', ATOMIC),
    type: enumOf(
      ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
      'How the Service is exposed. Defaults to ClusterIP. Without a cloud, LoadBalancer behaves as NodePort with a pending external IP.',
    ),
    externalIPs: array(string(), 'IP addresses for which nodes in the cluster will also accept traffic for this service.', ATOMIC),
    sessionAffinity: enumOf(['ClientIP', 'None'], 'Supports "ClientIP" and "None". Used to maintain session affinity. Defaults to None.'),
    loadBalancerIP: string('Deprecated. Recorded only: Coxswain has no cloud load balancer.'),
    loadBalancerSourceRanges: array(string(), 'Recorded only: Coxswain has no cloud load balancer.', ATOMIC),
    externalName: string('The external reference that discovery mechanisms will return as an alias for this service (a CNAME).'),
    externalTrafficPolicy: enumOf(['Cluster', 'Local'], 'How nodes distribute service traffic they receive on externally-facing addresses.'),
    healthCheckNodePort: int32('The healthcheck nodePort for the service, for LoadBalancer services with externalTrafficPolicy Local.'),
    publishNotReadyAddresses: bool('Publish the addresses of pods that are not ready in the service endpoints.'),
    sessionAffinityConfig: object<SessionAffinityConfig>(
      `${CORE}.SessionAffinityConfig`,
      'SessionAffinityConfig represents the configurations of session affinity.',
      {
        clientIP: object<NonNullable<SessionAffinityConfig['clientIP']>>(`${CORE}.ClientIPConfig`, 'ClientIPConfig represents the configurations of Client IP based session affinity.', {
          timeoutSeconds: int32('The seconds of ClientIP type session sticky time: 0 < x <= 86400 (1 day). Default 10800 (3 hours).'),
        }),
      },
    ),
    ipFamilies: array(
      enumOf(['IPv4'], 'An IP family.', { IPv6: 'the Coxswain pod and service networks are IPv4' }),
      'The IP families assigned to this service.',
      ATOMIC,
    ),
    ipFamilyPolicy: enumOf(['SingleStack', 'PreferDualStack'], 'The dual-stack-ness requested or required by this Service.', {
      RequireDualStack: 'the Coxswain pod and service networks are IPv4 only',
    }),
    allocateLoadBalancerNodePorts: bool('Whether NodePorts will be automatically allocated for services with type LoadBalancer. Default is true.'),
    loadBalancerClass: string('Recorded only: Coxswain has no cloud load balancer.'),
    internalTrafficPolicy: enumOf(['Cluster', 'Local'], 'How nodes distribute service traffic they receive on the ClusterIP.'),
    trafficDistribution: string('A preference for how traffic is distributed to endpoints (a hint, as in Kubernetes).'),
  },
)

export const serviceSchema = object<Service>(
  `${CORE}.Service`,
  'Service is a named abstraction of software service (for example, mysql) consisting of a local port that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata,
    spec: describe(serviceSpecSchema, 'Spec defines the behavior of a service.'),
    status: object<ServiceStatus>(`${CORE}.ServiceStatus`, 'ServiceStatus represents the current status of a service.', {
      loadBalancer: object<NonNullable<ServiceStatus['loadBalancer']>>(`${CORE}.LoadBalancerStatus`, 'LoadBalancerStatus represents the status of a load-balancer.', {
        ingress: array(
          object<LoadBalancerIngress>(`${CORE}.LoadBalancerIngress`, 'LoadBalancerIngress represents the status of a load-balancer ingress point.', {
            ip: string('IP is set for load-balancer ingress points that are IP based.'),
            hostname: string('Hostname is set for load-balancer ingress points that are DNS based.'),
            ipMode: enumOf(['VIP', 'Proxy'], 'IPMode specifies how the load-balancer IP behaves.'),
            ports: array(
              object<PortStatus>(`${CORE}.PortStatus`, 'PortStatus represents the error condition of a service port.', {
                port: required(int32('Port is the port number of the service port of which status is recorded here.')),
                protocol: required(protocolSchema),
                error: string('Error is to record the problem with the service port.'),
              }),
              'Ports is a list of records of service ports.',
              ATOMIC,
            ),
          }),
          'Ingress is a list containing ingress points for the load-balancer.',
          ATOMIC,
        ),
      }),
      conditions: array(conditionSchema, 'Current service state.', mergeList('type')),
    }),
  },
  {},
  gvk('Service'),
)

// --- Endpoints -------------------------------------------------------------------------------------

const endpointAddressSchema = object<EndpointAddress>(`${CORE}.EndpointAddress`, 'EndpointAddress is a tuple that describes single IP address.', {
  ip: required(string('The IP of this endpoint.')),
  hostname: string('The Hostname of this endpoint.'),
  nodeName: string('Optional: Node hosting this endpoint.'),
  targetRef: describe(objectReferenceSchema, 'Reference to object providing the endpoint.'),
})

export const endpointsSchema = object<Endpoints>(
  `${CORE}.Endpoints`,
  'Endpoints is a collection of endpoints that implement the actual service.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata,
    subsets: array(
      object<EndpointSubset>(`${CORE}.EndpointSubset`, 'EndpointSubset is a group of addresses with a common set of ports.', {
        addresses: array(endpointAddressSchema, 'IP addresses which offer the related ports that are marked as ready.', ATOMIC),
        notReadyAddresses: array(endpointAddressSchema, 'IP addresses which offer the related ports but are not currently marked as ready.', ATOMIC),
        ports: array(
          object<EndpointPort>(`${CORE}.EndpointPort`, 'EndpointPort is a tuple that describes a single port.', {
            name: string('The name of this port. This must match the name field in the corresponding ServicePort.'),
            port: required(int32('The port number of the endpoint.')),
            protocol: protocolSchema,
            appProtocol: string('The application protocol for this port.'),
          }),
          'Port numbers available on the related IP addresses.',
          ATOMIC,
        ),
      }),
      'The set of all endpoints is the union of all subsets.',
      ATOMIC,
    ),
  },
  {},
  gvk('Endpoints'),
)

// --- Event -----------------------------------------------------------------------------------------

export const eventSchema = object<Event>(
  `${CORE}.Event`,
  'Event is a report of an event somewhere in the cluster.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata,
    involvedObject: required(describe(objectReferenceSchema, 'The object that this event is about.')),
    reason: string('This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    message: string('A human-readable description of the status of this operation.'),
    source: object<EventSource>(`${CORE}.EventSource`, 'EventSource contains information for an event.', {
      component: string('Component from which the event is generated.'),
      host: string('Node name on which the event is generated.'),
    }),
    firstTimestamp: time('The time at which the event was first recorded.'),
    lastTimestamp: time('The time at which the most recent occurrence of this event was recorded.'),
    count: int32('The number of times this event has occurred.'),
    type: string('Type of this event (Normal, Warning).'),
    eventTime: microTime('Time when this Event was first observed.'),
    series: object<EventSeries>(`${CORE}.EventSeries`, 'EventSeries contain information on series of events.', {
      count: int32('Number of occurrences in this series up to the last heartbeat time.'),
      lastObservedTime: microTime('Time of the last occurrence observed.'),
    }),
    action: string('What action was taken/failed regarding to the Regarding object.'),
    related: describe(objectReferenceSchema, 'Optional secondary object for more complex actions.'),
    reportingComponent: string('Name of the controller that emitted this Event.'),
    reportingInstance: string('ID of the controller instance.'),
  },
  {},
  gvk('Event'),
)

// --- ConfigMap and Secret ----------------------------------------------------------------------------

export const configMapSchema = object<ConfigMap>(
  `${CORE}.ConfigMap`,
  'ConfigMap holds configuration data for pods to consume.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata,
    data: map(string(), "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'."),
    binaryData: map(bytes(), 'BinaryData contains the binary data, base64 in JSON. Keys may not overlap with data.'),
    immutable: bool('If set to true, ensures that data stored in the ConfigMap cannot be updated.'),
  },
  {},
  gvk('ConfigMap'),
)

export const secretSchema = object<Secret>(
  `${CORE}.Secret`,
  'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than 1 MiB.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata,
    data: map(bytes(), 'Data contains the secret data, base64 in JSON.'),
    stringData: map(string(), 'Write-only convenience: non-binary secret data in string form, merged into data on write.'),
    type: string('Used to facilitate programmatic handling of secret data. Defaults to Opaque.'),
    immutable: bool('If set to true, ensures that data stored in the Secret cannot be updated.'),
  },
  {},
  gvk('Secret'),
)

export const bindingSchema = object<Binding>(
  `${CORE}.Binding`,
  'Binding ties one object to another; for example, a pod is bound to a node by a scheduler.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata,
    target: required(describe(objectReferenceSchema, 'The target object that you want to bind to the standard object.')),
  },
  {},
  gvk('Binding'),
)

export const evictionSchema = object<Eviction>(
  'io.k8s.api.policy.v1.Eviction',
  'Eviction evicts a pod from its node subject to certain policies and safety constraints.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata: describe(objectMetaSchema, 'ObjectMeta describes the pod that is being evicted.'),
    deleteOptions: describe(deleteOptionsSchema, 'DeleteOptions may be provided.'),
  },
  {},
  { gvk: [{ group: 'policy', version: 'v1', kind: 'Eviction' }] },
)
