// Schema for coxswain.dev/v1alpha1 Machine (docs/machines.md).

import type { Machine, MachineAuth, MachineCondition, MachineSpec, MachineStatus } from '../types/coxswain.ts'
import { array, bool, describe, enumOf, int32, int64, mergeList, object, required, string, time } from './dsl.ts'
import { apiVersionField, kindField, objectMetaSchema } from './meta.ts'

const COXSWAIN = 'dev.coxswain.v1alpha1'

export const machineSchema = object<Machine>(
  `${COXSWAIN}.Machine`,
  "Machine is a Linux machine with Docker Engine that Coxswain drives as a node, over one SSH connection (or this machine's own Docker socket). Its name is the name of the Node it registers.",
  {
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata: describe(objectMetaSchema, "Standard object's metadata. The name is the node's name."),
    spec: object<MachineSpec>(
      `${COXSWAIN}.MachineSpec`,
      'MachineSpec says how to reach the machine.',
      {
        address: string("Host name or IP address of the machine's SSH server. Required unless local."),
        port: int32("The SSH server's port. Defaults to 22."),
        user: string('The SSH user: root, or a user with passwordless sudo for network features. Required unless local.'),
        auth: object<MachineAuth>(`${COXSWAIN}.MachineAuth`, 'MachineAuth says which key proves who Coxswain is.', {
          type: required(
            enumOf(['ClusterKey', 'Agent', 'KeyFile'], "ClusterKey: the cluster's ed25519 key; Agent: the user's ssh-agent; KeyFile: a private key file on the control plane's machine."),
          ),
          path: string('KeyFile only: absolute path of an unencrypted OpenSSH private key.'),
        }),
        hostKeyFingerprint: string("The host key the machine must present, as `ssh-keygen -lf` prints it (SHA256:…). Required unless trustOnFirstUse."),
        trustOnFirstUse: bool('Accept and pin whatever host key the machine presents on the first connection.'),
        dockerSocket: string('The Docker socket on the machine. Defaults to /var/run/docker.sock.'),
        local: bool("This machine's own Docker engine over its unix socket, without SSH."),
        unschedulable: bool('Registers the node cordoned; changing it cordons or uncordons the node.'),
      },
    ),
    status: object<MachineStatus>(
      `${COXSWAIN}.MachineStatus`,
      'MachineStatus is how the connection to the machine stands, as the control plane sees it.',
      {
        phase: enumOf(['Connecting', 'Connected', 'Unreachable', 'Refused'], 'Connecting, Connected, Unreachable (retrying) or Refused (needs a person: host key or authentication).'),
        reason: string('A CamelCase reason for the phase.'),
        message: string('What happened and what to do, for people.'),
        hostKeyFingerprint: string('The fingerprint of the host key the machine presented.'),
        privilege: enumOf(['root', 'sudo', 'none'], 'What the SSH user may do: root, passwordless sudo, or neither.'),
        dockerVersion: string("The Docker engine's version."),
        conditions: array(
          object<MachineCondition>(`${COXSWAIN}.MachineCondition`, 'MachineCondition is one aspect of the machine.', {
            type: required(string('Connected or DockerReachable.')),
            status: required(enumOf(['True', 'False', 'Unknown'], 'True, False or Unknown.')),
            lastTransitionTime: time('When the condition last changed status.'),
            reason: string('A CamelCase reason.'),
            message: string('Details for people.'),
          }),
          'The machine conditions.',
          mergeList('type'),
        ),
        lastProbeTime: time('When the machine was last probed successfully.'),
        observedGeneration: int64('The generation of the spec the controller last acted on.'),
      },
    ),
  },
  {},
  { gvk: [{ group: 'coxswain.dev', version: 'v1alpha1', kind: 'Machine' }] },
)
