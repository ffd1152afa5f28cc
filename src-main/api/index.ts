// The API objects layer's public surface: types (shared with the renderer), the registry,
// admission (decode → default → validate), selectors, printers, quantities and OpenAPI.
// Nothing here touches Node: it runs in the main process and in the renderer alike.

export type * from './types/meta.ts'
export type * from './types/pod.ts'
export type * from './types/core.ts'
export type * from './types/apps.ts'
export type * from './types/discovery.ts'
export type * from './types/coordination.ts'
export type * from './types/coxswain.ts'

export {
  RESOURCES,
  resourceFor,
  resourceForKind,
  lookupResource,
  fieldLabels,
  apiVersionOf,
  apiResourceList,
  groupVersions,
  validateStatusUpdate,
  type ResourceType,
  type Subresource,
  type Verb,
  type APIResource,
  type APIResourceList,
} from './registry.ts'
export { admitCreate, admitUpdate, admitBody, type Admitted, type AdmitOptions, type FieldValidation } from './admission.ts'
export { decode, type DecodeResult } from './schema/decode.ts'
export { patchMetaFor, type FieldPatchMeta } from './schema/patch-meta.ts'
export { openApiV2, openApiV3, openApiV3Index, type OpenApiInfo } from './openapi.ts'

export {
  formatFieldError,
  invalidStatus,
  strictDecodingStatus,
  aggregate,
  type FieldError,
  type FieldErrorType,
} from './validation/errors.ts'
export { validateScale } from './validation/apps.ts'
export { validateBinding } from './validation/pod.ts'
export { defaultMachine, DEFAULT_DOCKER_SOCKET, DEFAULT_SSH_PORT } from './defaults/coxswain.ts'

export {
  parseLabelSelector,
  labelSelectorAsSelector,
  selectorFromSet,
  matchesLabels,
  selectorToString,
  formatLabels,
  formatLabelSelector,
  isEverything,
  EVERYTHING,
  NOTHING,
  SelectorError,
  type Selector,
  type Requirement,
  type SelectorOperator,
} from './selectors/labels.ts'
export { parseFieldSelector, checkFieldSelector, matchesFields, fieldSelectorToString, type FieldSelector, type FieldRequirement } from './selectors/fields.ts'

export { buildTable, type Column, type TableOptions, type IncludeObject } from './printers/table.ts'
export { summarizePod, podStatusReason, type PodSummary } from './printers/pod.ts'
export { nodeStatusText, nodeRoles } from './printers/columns.ts'
export { humanDuration, age } from './printers/duration.ts'

export {
  parseQuantity,
  formatQuantity,
  canonicalQuantity,
  quantityValue,
  quantityMilliValue,
  quantityToNumber,
  compareQuantities,
  QuantityError,
  type ParsedQuantity,
} from './quantity.ts'

import { buildTable, type TableOptions } from './printers/table.ts'
import type { ResourceType } from './registry.ts'
import type { KubeObject, Table } from './types/meta.ts'

/** The Table `kubectl get` asks for, for objects of one kind. */
export function toTable<T extends KubeObject>(r: ResourceType<T>, items: readonly T[], options: TableOptions): Table {
  return buildTable(r.columns, items, options, r.rowConditions ? (o) => r.rowConditions?.(o) : undefined)
}
