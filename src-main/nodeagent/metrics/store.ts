// The latest usage sample of each node and of each pod on it, in memory (metrics-server keeps no
// history either). A node's entries go when its sampler stops (connection down, machine removed).

export interface Usage {
  cpuNanocores: number
  memoryWorkingSetBytes: number
}

export interface NodeSample {
  node: string
  /** When the sample was taken (epoch ms). */
  timestampMs: number
  /** Between the two CPU readings (ms). */
  windowMs: number
  usage: Usage
}

export interface ContainerSample {
  name: string
  usage: Usage
}

export interface PodSample {
  node: string
  namespace: string
  name: string
  /** The pod's UID, from its containers' labels: a sample of an earlier pod of the same name is not this one's. */
  uid: string
  timestampMs: number
  windowMs: number
  containers: ContainerSample[]
}

/** What the REST door reads (see apiserver/rest/metrics.ts). */
export interface MetricsSource {
  node(name: string): NodeSample | undefined
  pod(namespace: string, name: string): PodSample | undefined
}

export class MetricsStore implements MetricsSource {
  readonly #nodes = new Map<string, NodeSample>()
  /** node → "namespace/name" → sample */
  readonly #pods = new Map<string, Map<string, PodSample>>()

  setNode(sample: NodeSample): void {
    this.#nodes.set(sample.node, sample)
  }

  /** Replaces everything known about the pods of `node` (a pod no longer running there drops out). */
  setPods(node: string, samples: readonly PodSample[]): void {
    this.#pods.set(node, new Map(samples.map((s) => [`${s.namespace}/${s.name}`, s])))
  }

  forget(node: string): void {
    this.#nodes.delete(node)
    this.#pods.delete(node)
  }

  node(name: string): NodeSample | undefined {
    return this.#nodes.get(name)
  }

  /** The newest sample of the pod across nodes (a pod moved by a recreate may briefly show on two). */
  pod(namespace: string, name: string): PodSample | undefined {
    let best: PodSample | undefined
    for (const pods of this.#pods.values()) {
      const s = pods.get(`${namespace}/${name}`)
      if (s && (!best || s.timestampMs > best.timestampMs)) best = s
    }
    return best
  }
}
