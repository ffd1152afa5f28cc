// Pod IPs on this node: a pod keeps the IP in its status; a pod without one gets the one its
// containers already carry (after a restart of the agent), else a fresh one from the node's pod
// CIDR, avoiding every IP bound on the node — in pod statuses, in container labels, and handed out
// but not yet visible anywhere (concurrent syncs). Allocation has no await in it, so two pods
// synced at once never get the same address.

import type { Pod } from '../../api/types/pod.ts'
import { allocatePodIP } from '../pods/ip-allocator.ts'

export class PodIPs {
  /** IPs handed out by this agent, by pod UID. */
  readonly #reserved = new Map<string, string>()
  /** IPs on containers of the node (io.coxswain.pod.ip), by pod UID, from the last full listing. */
  #labelled = new Map<string, string>()
  #last: string | undefined

  /** The IPs the node's containers carry, from a listing of all of them. */
  setLabelled(byUid: Map<string, string>): void {
    this.#labelled = byUid
  }

  /**
   * The IP of `pod`: its status', its containers' (`observed`), what was handed to it, or a new
   * one from `cidr` that none of `bound` (the pods bound to this node) holds. Null when none is left.
   */
  pick(pod: Pod, cidr: string, observed: string | undefined, bound: Iterable<Pod>): string | null {
    const uid = pod.metadata.uid ?? ''
    const known = pod.status?.podIP || observed || this.#labelled.get(uid)
    if (known) {
      this.#reserved.set(uid, known)
      return known
    }
    const inUse = new Set<string>()
    for (const p of bound) if (p.metadata.uid !== uid && p.status?.podIP) inUse.add(p.status.podIP)
    for (const [other, ip] of this.#reserved) if (other !== uid) inUse.add(ip)
    for (const [other, ip] of this.#labelled) if (other !== uid) inUse.add(ip)
    const mine = this.#reserved.get(uid)
    if (mine && !inUse.has(mine)) return mine
    const ip = allocatePodIP(cidr, inUse, this.#last ? { after: this.#last } : {})
    if (!ip) return null
    this.#reserved.set(uid, ip)
    this.#last = ip
    return ip
  }

  /** Someone else holds the pod's IP (Docker said "address already in use"): pick again next time. */
  conflict(uid: string, ip: string): void {
    if (this.#reserved.get(uid) === ip) this.#reserved.delete(uid)
    this.#labelled.set(`conflict:${ip}`, ip)
  }

  release(uid: string): void {
    this.#reserved.delete(uid)
    this.#labelled.delete(uid)
  }
}
