// What every node's network needs to know, watched once for the whole cluster: Nodes (routes),
// Services and Endpoints (proxy rules). Each node's component reads the latest snapshot and is
// told when anything changed.

import type { Endpoints, Node, Service } from '../api/types/core.ts'
import { systemContext } from '../apiserver/api-server.ts'
import { RESOURCES } from '../apiserver/resources.ts'
import type { ApiServerVerbs } from '../apiserver/types.ts'
import { InformerFactory, type Informer } from '../controllers/informer.ts'
import type { Logger } from '../util/log.ts'
import { peerNodes, servicePortRules } from './proxy-model.ts'
import type { PeerNode } from './routes.ts'
import type { ServicePortRule } from './service-rules.ts'
import { dnsTable, type DnsTable } from './dns/records.ts'

export interface NetworkSnapshot {
  peers: PeerNode[]
  services: ServicePortRule[]
  dns: DnsTable
}

export class ClusterNetworkView {
  readonly #factory: InformerFactory
  readonly #nodes: Informer<Node>
  readonly #services: Informer<Service>
  readonly #endpoints: Informer<Endpoints>
  readonly #listeners = new Set<() => void>()
  #snapshot: NetworkSnapshot | null = null
  #started: Promise<void> | null = null

  constructor(options: { api: ApiServerVerbs; log: Logger }) {
    this.#factory = new InformerFactory({ api: options.api, ctx: systemContext('coxswain-proxy'), log: options.log })
    this.#nodes = this.#factory.informer<Node>(RESOURCES.nodes)
    this.#services = this.#factory.informer<Service>(RESOURCES.services)
    this.#endpoints = this.#factory.informer<Endpoints>(RESOURCES.endpoints)
    const changed = (): void => {
      this.#snapshot = null
      for (const l of [...this.#listeners]) l()
    }
    for (const informer of [this.#nodes, this.#services, this.#endpoints] as Informer[]) {
      informer.addHandlers({ add: changed, update: (a, b) => a !== b && changed(), delete: changed })
    }
  }

  /** Starts the watches; resolves when all have listed. Idempotent. */
  start(): Promise<void> {
    this.#started ??= this.#factory.start()
    return this.#started
  }

  async stop(): Promise<void> {
    this.#listeners.clear()
    await this.#factory.stop()
  }

  get synced(): Promise<void> {
    return this.start()
  }

  snapshot(): NetworkSnapshot {
    this.#snapshot ??= {
      peers: peerNodes(this.#nodes.list()),
      services: servicePortRules(this.#services.list(), this.#endpoints.list()),
      dns: dnsTable(this.#services.list(), this.#endpoints.list()),
    }
    return this.#snapshot
  }

  /** Calls `listener` after every change; returns the disposer. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
