// Owning objects by selector, as pkg/controller's ControllerRefManager: an owner claims the objects
// of its namespace that its selector matches and nobody controls (adoption), lets go of those it
// controls that no longer match (release), and leaves alone those another controller owns.
// Adoption and release are strategic-merge patches of ownerReferences (merge key uid), so a
// concurrent writer's other references survive.

import type { KubeObject, LabelSelector, OwnerReference } from '../../api/index.ts'
import { labelSelectorAsSelector, matchesLabels, type Selector } from '../../api/selectors/labels.ts'
import { ApiError } from '../../apiserver/errors.ts'
import type { ApiServerVerbs, RequestContext, ResourceRef } from '../../apiserver/types.ts'
import { resourceRef } from '../../apiserver/resources.ts'

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true)
}

/** The reference an owner's dependents carry (controller, blocking foreground deletion). */
export function controllerReference(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  }
}

export type ClaimAction = 'keep' | 'adopt' | 'release' | 'ignore'

/**
 * What an owner does with one candidate (pure). A deleting owner adopts nothing and releases
 * nothing (its dependents are about to go with it); a deleting object is never adopted.
 */
export function claimAction(owner: KubeObject, selector: LabelSelector | Selector | undefined, obj: KubeObject): ClaimAction {
  const ref = controllerOf(obj)
  const parsed = selector === undefined || 'requirements' in selector ? selector : labelSelectorAsSelector(selector)
  const matches = parsed !== undefined && matchesLabels(parsed, obj.metadata.labels)
  if (ref) {
    if (ref.uid !== owner.metadata.uid) return 'ignore'
    if (matches || owner.metadata.deletionTimestamp) return 'keep'
    return 'release'
  }
  if (!matches || owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp) return 'ignore'
  return 'adopt'
}

export interface ClaimOptions {
  api: ApiServerVerbs
  ctx: RequestContext
  /** The candidates' resource (pods, replicasets). */
  resource: ResourceRef
  owner: KubeObject
  selector: LabelSelector | undefined
  /**
   * Re-reads the owner before the first adoption: an owner deleted or replaced (new uid) since the
   * cache saw it must not adopt (client-go's canAdopt).
   */
  recheckOwner: () => Promise<KubeObject | undefined>
}

/** Claims from `candidates`; returns the objects the owner controls afterwards (cached or patched copies). */
export async function claimObjects<T extends KubeObject>(options: ClaimOptions, candidates: readonly T[]): Promise<T[]> {
  const { api, ctx, resource, owner } = options
  // Parsed once: a sync may look at every object of a namespace.
  const selector = options.selector && labelSelectorAsSelector(options.selector)
  const claimed: T[] = []
  let ownerChecked: boolean | undefined
  for (const obj of candidates) {
    const action = claimAction(owner, selector, obj)
    const ref = resourceRef(resource, obj.metadata.namespace, obj.metadata.name)
    if (action === 'keep') claimed.push(obj)
    if (action === 'adopt') {
      if (ownerChecked === undefined) {
        const fresh = await options.recheckOwner()
        ownerChecked = !!fresh && fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp
      }
      if (!ownerChecked) continue
      try {
        const { object } = await api.patch(ref, 'application/strategic-merge-patch+json', { metadata: { ownerReferences: [controllerReference(owner)] } }, ctx)
        if (controllerOf(object)?.uid === owner.metadata.uid) claimed.push(object as T)
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err
      }
    }
    if (action === 'release') {
      try {
        await api.patch(ref, 'application/strategic-merge-patch+json', { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid }] } }, ctx)
      } catch (err) {
        // Gone, or no longer referencing the owner: released either way.
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 422))) throw err
      }
    }
  }
  return claimed
}
