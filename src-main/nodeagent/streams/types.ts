// What the container streams (logs, exec) need from the rest of the control plane: a Docker client
// per node. The machine controller owns each node's connection and client; it hands them out
// through this resolver, which ControlPlane.runtimes holds.

import type Dockerode from 'dockerode'

export interface NodeRuntimeResolver {
  /** The Docker client of node `nodeName` while it is connected; undefined for an unknown or disconnected node. */
  dockerFor(nodeName: string): Dockerode | undefined
}
