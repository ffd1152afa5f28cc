// A container that cannot be configured from its spec and what the node knows: the kubelet reports
// it as `waiting: { reason: CreateContainerConfigError, message }` and tries again on the next sync.

export const CREATE_CONTAINER_CONFIG_ERROR = 'CreateContainerConfigError'

export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError'
  readonly reason = CREATE_CONTAINER_CONFIG_ERROR
}
