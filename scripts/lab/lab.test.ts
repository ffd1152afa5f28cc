import { describe, expect, it } from 'vitest'
import { LAN_PREFIX, NETNS_PREFIX, VETH_PREFIX, labIdFromEnv, planNode, settingsFromEnv } from './config.ts'
import { fingerprint } from './keys.ts'
import { deletionsFor } from './network.ts'
import { daemonJson, shadowFile, sshdConfig } from './node-config.ts'
import { isFaultAction } from './faults.ts'

const settings = settingsFromEnv({ LAB_STATE_DIR: '/state' }, '/repo')

describe('lab settings', () => {
  it('defaults to 3 nodes, state outside the checkout, facts in .lab', () => {
    expect(settings).toEqual({ nodeCount: 3, nodeCountChosen: false, stateDir: '/state', labDir: '/repo/.lab' })
  })

  it('notes when the node count was chosen, so a running lab of another size is rebuilt only then', () => {
    expect(settingsFromEnv({ LAB_NODES: '5' }).nodeCountChosen).toBe(true)
  })

  it.each(['0', '-1', '2.5', 'three', '51'])('rejects LAB_NODES=%s naming the variable', (value) => {
    expect(() => settingsFromEnv({ LAB_NODES: value })).toThrow(/LAB_NODES must be a whole number from 1 to 50/)
  })

  // The names and the LAN shift with LAB_ID (a second lab on the machine): expected from the same constants.
  it('plans a node: names, addresses and paths follow its index', () => {
    expect(planNode(settings, 2)).toEqual({
      name: 'node-2',
      index: 2,
      netns: `${NETNS_PREFIX}node-2`,
      veth: `${VETH_PREFIX}node-2`,
      address: `${LAN_PREFIX}.12`,
      dir: '/state/nodes/node-2',
      hostKeyPath: '/state/keys/host_node-2',
    })
  })

  it.each(['', 'x', '10', '-1'])('rejects LAB_ID=%j naming the variable', (value) => {
    expect(() => labIdFromEnv({ LAB_ID: value })).toThrow(/LAB_ID must be a digit from 0 to 9/)
  })

  it('keeps interface names within the kernel limit of 15 characters at the largest node count', () => {
    expect(planNode(settings, 50).veth.length).toBeLessThanOrEqual(15)
  })
})

describe('node files', () => {
  const plan = planNode(settings, 1)

  it('sshd listens on the node address only, keys and the lab root password, forwarding for the Docker socket', () => {
    const config = sshdConfig(plan)
    expect(config).toContain(`ListenAddress ${LAN_PREFIX}.11:22\n`)
    expect(config).toContain('HostKey /state/keys/host_node-1\n')
    expect(config).toContain('PermitRootLogin yes\n')
    expect(config).toContain('PasswordAuthentication yes\n')
    expect(config).toContain('PermitEmptyPasswords no\n')
    expect(config).toContain('UsePAM no\n')
    expect(config).toContain('AllowStreamLocalForwarding yes\n')
    expect(config).toContain('MaxSessions 64\n')
  })

  it.each([
    ['root first, others locked', 'root:x:0:0::/root:/bin/bash\ndaemon:x:1:1::/:/bin/false\n', 'root:$6$s$h:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n'],
    ['root added when passwd lacks it', 'sshd:x:100:65534::/run/sshd:/usr/sbin/nologin', 'root:$6$s$h:19000:0:99999:7:::\nsshd:*:19000:0:99999:7:::\n'],
    ['duplicates, comments and blank lines skipped', 'root:x:0:0\n\n# note\nbin:x:2\nbin:x:2\n', 'root:$6$s$h:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n'],
  ])('the node shadow file: %s', (_, passwd, expected) => {
    expect(shadowFile(passwd, '$6$s$h')).toBe(expected)
  })

  it.each(['', 'plain-password', '$6$salt$hash:with-colon', '$6$salt$has h'])('refuses %j as the root hash', (hash) => {
    expect(() => shadowFile('root:x:0:0', hash)).toThrow(/crypt string/)
  })

  it('dockerd keeps its data per node and puts containers under the node cgroup', () => {
    expect(JSON.parse(daemonJson(plan, { cgroupParent: '/coxswain-lab/node-1' }))).toMatchObject({
      'data-root': '/state/nodes/node-1/docker',
      'cgroup-parent': '/coxswain-lab/node-1',
      'shutdown-timeout': 2,
    })
  })
})

describe('iptables clean-up', () => {
  const listing = [
    '-P FORWARD DROP',
    '-A FORWARD -i cxlab0 -o cxlab0 -m comment --comment coxswain-lab -j ACCEPT',
    '-A FORWARD -i docker0 -j ACCEPT',
    '-A INPUT -i eth0 -m comment --comment coxswain-lab-partition -j DROP',
  ].join('\n')

  it('deletes exactly the rules carrying the tag', () => {
    expect(deletionsFor(listing, 'coxswain-lab')).toEqual([
      ['-D', 'FORWARD', '-i', 'cxlab0', '-o', 'cxlab0', '-m', 'comment', '--comment', 'coxswain-lab', '-j', 'ACCEPT'],
    ])
    expect(deletionsFor(listing, 'coxswain-lab-partition')).toEqual([
      ['-D', 'INPUT', '-i', 'eth0', '-m', 'comment', '--comment', 'coxswain-lab-partition', '-j', 'DROP'],
    ])
  })
})

describe('keys', () => {
  it('fingerprints a public key as OpenSSH prints it', () => {
    // `ssh-keygen -lf` printed this fingerprint for this key.
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM2Jo2K1tH6gX5a6GAAnQCgRJt1rHKsI6Il2Xqit/HzF root@vm'
    expect(fingerprint(key)).toBe('SHA256:NaAz00J1V5hs1pGIWF2T7zJdpu/g6iH/FEnOpCp3w+k')
  })

  it('refuses something that is not a key line', () => {
    expect(() => fingerprint('garbage')).toThrow(/not an OpenSSH public key/)
  })
})

describe('fault actions', () => {
  it('knows the actions the issue names and nothing else', () => {
    for (const action of ['link-down', 'partition', 'heal', 'freeze', 'poweroff', 'crash', 'stop-docker', 'start-sshd']) {
      expect(isFaultAction(action)).toBe(true)
    }
    expect(isFaultAction('explode')).toBe(false)
  })
})
