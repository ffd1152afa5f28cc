// Schema for discovery.k8s.io/v1 EndpointSlice.

import type { Endpoint, EndpointConditions, EndpointHints, EndpointSlice, EndpointSlicePort } from '../types/discovery.ts'
import { array, ATOMIC, bool, describe, enumOf, int32, map, object, required, string } from './dsl.ts'
import { objectReferenceSchema } from './core.ts'
import { apiVersionField, kindField, objectMetaSchema } from './meta.ts'

const DISCOVERY = 'io.k8s.api.discovery.v1'
const forZone = object<{ name: string }>(`${DISCOVERY}.ForZone`, 'ForZone provides information about which zones should consume this endpoint.', {
  name: required(string('Name represents the name of the zone.')),
})
const forNode = object<{ name: string }>(`${DISCOVERY}.ForNode`, 'ForNode provides information about which nodes should consume this endpoint.', {
  name: required(string('Name represents the name of the node.')),
})

export const endpointSliceSchema = object<EndpointSlice>(
  `${DISCOVERY}.EndpointSlice`,
  'EndpointSlice represents a set of service endpoints.',
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata: describe(objectMetaSchema, "Standard object's metadata."),
    addressType: required(enumOf(['IPv4', 'IPv6', 'FQDN'], 'The type of address carried by this EndpointSlice. Immutable.')),
    endpoints: required(
      array(
        object<Endpoint>(`${DISCOVERY}.Endpoint`, 'Endpoint represents a single logical "backend" implementing a service.', {
          addresses: required(array(string(), 'Addresses of this endpoint, interpreted according to addressType.', { type: 'set' })),
          conditions: object<EndpointConditions>(`${DISCOVERY}.EndpointConditions`, 'EndpointConditions represents the current condition of an endpoint.', {
            ready: bool('Ready indicates that this endpoint is ready to receive traffic.'),
            serving: bool('Serving indicates that this endpoint is able to receive traffic, even while terminating.'),
            terminating: bool('Terminating indicates that this endpoint is terminating.'),
          }),
          hostname: string('Hostname of this endpoint.'),
          targetRef: describe(objectReferenceSchema, 'A reference to a Kubernetes object that represents this endpoint.'),
          deprecatedTopology: map(string(), 'Deprecated topology information.'),
          nodeName: string('The name of the Node hosting this endpoint.'),
          zone: string('The name of the Zone this endpoint exists in.'),
          hints: object<EndpointHints>(`${DISCOVERY}.EndpointHints`, 'EndpointHints provides hints describing how an endpoint should be consumed.', {
            forZones: array(forZone, 'The zone(s) this endpoint should be consumed by.', ATOMIC),
            forNodes: array(forNode, 'The node(s) this endpoint should be consumed by.', ATOMIC),
          }),
        }),
        'A list of unique endpoints in this slice (at most 1000).',
        ATOMIC,
      ),
    ),
    ports: array(
      object<EndpointSlicePort>(`${DISCOVERY}.EndpointPort`, 'EndpointPort represents a Port used by an EndpointSlice.', {
        name: string('The name of this port.'),
        protocol: enumOf(['TCP', 'UDP', 'SCTP'], 'The IP protocol for this port. Defaults to "TCP".'),
        port: int32('The port number of the endpoint. Unset means all ports.'),
        appProtocol: string('The application protocol for this port.'),
      }),
      'The network ports exposed by each endpoint in this slice (at most 100).',
      ATOMIC,
    ),
  },
  {},
  { gvk: [{ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' }] },
)
