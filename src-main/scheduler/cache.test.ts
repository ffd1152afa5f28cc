import { describe, expect, it } from 'vitest'
import type { Pod } from '../api/index.ts'
import { SchedulerCache } from './cache.ts'
import { podInfo } from './framework/pod-info.ts'
import { makeNode, podRequesting } from './testing.ts'

const bound = (name: string, node: string, requests: Record<string, string> = { cpu: '1' }, phase?: 'Running' | 'Succeeded' | 'Failed'): Pod => {
  const pod = podRequesting(name, requests)
  pod.metadata.uid = `uid-${name}`
  if (pod.spec) pod.spec.nodeName = node
  if (phase) pod.status = { phase }
  return pod
}
const unbound = (name: string): Pod => ({ ...bound(name, ''), spec: { containers: podRequesting(name, { cpu: '1' }).spec?.containers ?? [] } })
const cpuOn = (cache: SchedulerCache, node: string): number | undefined => cache.node(node)?.requested.milliCPU

describe('SchedulerCache', () => {
  it('counts bound pods on their node, and frees them when they finish or go', () => {
    const cache = new SchedulerCache()
    cache.setNode(makeNode('n1').obj())
    cache.setPod(bound('a', 'n1'))
    cache.setPod(bound('b', 'n1'))
    expect(cpuOn(cache, 'n1')).toBe(2000)
    cache.setPod(bound('a', 'n1', { cpu: '1' }, 'Succeeded'))
    expect(cpuOn(cache, 'n1')).toBe(1000)
    cache.removePod('uid-b')
    expect(cpuOn(cache, 'n1')).toBe(0)
  })

  it('counts an assumed pod at once and keeps it when an older, unbound version of it arrives', () => {
    const cache = new SchedulerCache()
    cache.setNode(makeNode('n1').obj())
    const pod = unbound('p')
    cache.assume(podInfo(pod), 'n1')
    expect(cpuOn(cache, 'n1')).toBe(1000)
    cache.setPod(pod)
    expect(cache.isAssumed('uid-p')).toBe(true)
    expect(cpuOn(cache, 'n1')).toBe(1000)
  })

  it('confirms an assumed pod when its binding is echoed, and forget() then leaves it', () => {
    const cache = new SchedulerCache()
    cache.setNode(makeNode('n1').obj())
    cache.assume(podInfo(unbound('p')), 'n1')
    cache.setPod(bound('p', 'n1'))
    expect(cache.isAssumed('uid-p')).toBe(false)
    cache.forget('uid-p')
    expect(cpuOn(cache, 'n1')).toBe(1000)
  })

  it('drops an assumed pod whose binding failed', () => {
    const cache = new SchedulerCache()
    cache.setNode(makeNode('n1').obj())
    cache.assume(podInfo(unbound('p')), 'n1')
    cache.forget('uid-p')
    expect(cpuOn(cache, 'n1')).toBe(0)
  })

  it('moves a pod the echo places on another node than assumed', () => {
    const cache = new SchedulerCache()
    cache.setNode(makeNode('n1').obj())
    cache.setNode(makeNode('n2').obj())
    cache.assume(podInfo(unbound('p')), 'n1')
    cache.setPod(bound('p', 'n2'))
    expect([cpuOn(cache, 'n1'), cpuOn(cache, 'n2')]).toEqual([0, 1000])
  })

  it('keeps pods of a node it does not know yet, and counts them once the node arrives', () => {
    const cache = new SchedulerCache()
    cache.setPod(bound('early', 'late-node'))
    expect(cache.nodes()).toEqual([])
    cache.setNode(makeNode('late-node').obj())
    expect(cpuOn(cache, 'late-node')).toBe(1000)
  })

  it('lists nodes by name and forgets removed ones, keeping their pods until those go', () => {
    const cache = new SchedulerCache()
    for (const n of ['b', 'c', 'a']) cache.setNode(makeNode(n).obj())
    cache.setPod(bound('p', 'c'))
    expect(cache.nodes().map((n) => n.name)).toEqual(['a', 'b', 'c'])
    cache.removeNode('c')
    expect(cache.nodes().map((n) => n.name)).toEqual(['a', 'b'])
    cache.setNode(makeNode('c').obj())
    expect(cpuOn(cache, 'c')).toBe(1000)
  })

  it('counts images per node and the topology domains, as nodes change', () => {
    const cache = new SchedulerCache()
    cache.setNode(makeNode('n1').withImage('busybox:latest', 1).withLabels({ zone: 'a' }).obj())
    cache.setNode(makeNode('n2').withImage('docker.io/library/busybox:latest', 1).withLabels({ zone: 'b' }).obj())
    expect(cache.imageNodeCount('busybox')).toBe(2)
    expect([...cache.domainValues('zone')].sort()).toEqual(['a', 'b'])
    cache.setNode(makeNode('n2').withLabels({ zone: 'a' }).obj())
    expect(cache.imageNodeCount('busybox')).toBe(1)
    expect([...cache.domainValues('zone')]).toEqual(['a'])
  })

  it('finds bound pods by label and by controller', () => {
    const cache = new SchedulerCache()
    cache.setNode(makeNode('n1').obj())
    const owned = { ...bound('x', 'n1'), metadata: { ...bound('x', 'n1').metadata, labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-1', controller: true }] } }
    cache.setPod(owned)
    expect([...cache.podIndex.withLabel('default', 'app', 'web')].map((p) => p.node)).toEqual(['n1'])
    expect([...cache.podIndex.ofController('rs-1')].map((p) => p.info.pod.metadata.name)).toEqual(['x'])
    cache.removePod('uid-x')
    expect([...cache.podIndex.ofController('rs-1')]).toEqual([])
  })

  it('finds the bound pods whose affinity terms may select a pod with given labels', () => {
    const cache = new SchedulerCache()
    cache.setNode(makeNode('n1').obj())
    const withTerm = (name: string, selector: Record<string, string> | null): Pod => {
      const pod = bound(name, 'n1')
      const labelSelector = selector ? { matchLabels: selector } : { matchExpressions: [{ key: 'app', operator: 'Exists' as const }] }
      if (pod.spec) pod.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector }] } }
      return pod
    }
    cache.setPod(withTerm('wants-web', { app: 'web' }))
    cache.setPod(withTerm('wants-db', { app: 'db' }))
    cache.setPod(withTerm('wants-any', null))
    cache.setPod(bound('plain', 'n1'))
    const names = (labels: Record<string, string>) => [...cache.podIndex.withTermsTowards(labels)].map((p) => p.info.pod.metadata.name).sort()
    expect(names({ app: 'web', tier: 'front' })).toEqual(['wants-any', 'wants-web'])
    expect(names({})).toEqual(['wants-any'])
  })
})

