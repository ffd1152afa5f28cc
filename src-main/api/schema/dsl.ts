// A small schema language: one schema per kind is the single source of truth from which
// structural decoding (decode.ts) and the OpenAPI documents (openapi.ts) are derived.
//
// Schemas are plain data. Each builder also carries, at compile time only, the TypeScript type
// it describes: `object<Container>(…)` must list every field of `Container` — no more, no
// fewer, each with a schema of the right type — so the hand-written types in types/ and the
// schemas cannot drift apart. Fields Kubernetes has but Coxswain cannot honour are listed
// separately with `unsupported(reason)`: they are rejected by name, never silently dropped.

declare const described: unique symbol

/** Compile-time only: the TypeScript type a schema describes. Never present at run time. */
interface Typed<T> {
  readonly [described]?: T
}

export interface GroupVersionKind {
  group: string
  version: string
  kind: string
}

interface NodeBase {
  description?: string
  /** The parent object must carry this field (OpenAPI `required`). */
  required?: boolean
}

export interface StringNode extends NodeBase {
  kind: 'string'
  /** "byte": base64 data. */
  format?: 'byte'
}

export interface IntNode extends NodeBase {
  kind: 'int'
  format: 'int32' | 'int64'
}

export interface NumberNode extends NodeBase {
  kind: 'number'
}

export interface BoolNode extends NodeBase {
  kind: 'bool'
}

export interface QuantityNode extends NodeBase {
  kind: 'quantity'
}

export interface IntOrStringNode extends NodeBase {
  kind: 'intOrString'
}

export interface TimeNode extends NodeBase {
  kind: 'time'
  micro: boolean
}

export interface EnumNode extends NodeBase {
  kind: 'enum'
  /** The values Coxswain accepts. "" always means "not set" and is left to defaulting. */
  values: readonly string[]
  /** Values Kubernetes accepts but Coxswain cannot honour, with the reason. */
  refused: Readonly<Record<string, string>>
}

export interface ListInfo {
  /** x-kubernetes-list-type. */
  type?: 'atomic' | 'set' | 'map'
  /** x-kubernetes-list-map-keys. */
  mapKeys?: readonly string[]
  /** Strategic merge patch: the key merging items (x-kubernetes-patch-merge-key). */
  patchMergeKey?: string
  /** Strategic merge patch: "merge", "retainKeys" or "merge,retainKeys". */
  patchStrategy?: string
}

export interface ArrayNode extends NodeBase {
  kind: 'array'
  items: SchemaNode
  list?: ListInfo
}

export interface MapNode extends NodeBase {
  kind: 'map'
  values: SchemaNode
}

export interface Unsupported {
  reason: string
  /** Values that change nothing and are accepted (then dropped): e.g. `priority: 0`. */
  harmless: readonly unknown[]
}

export interface ObjectNode extends NodeBase {
  kind: 'object'
  /** The OpenAPI definition name, as Kubernetes names it: "io.k8s.api.core.v1.Pod". */
  name: string
  /** The definition's own description (a field using it may describe itself differently). */
  typeDescription: string
  fields: Readonly<Record<string, SchemaNode>>
  unsupported: Readonly<Record<string, Unsupported>>
  /** Set on top-level kinds: x-kubernetes-group-version-kind. */
  gvk?: readonly GroupVersionKind[]
  /** Strategic merge patch on the object itself, e.g. "retainKeys" for a strategy. */
  patchStrategy?: string
}

/** Free-form JSON (managedFields' fieldsV1). */
export interface AnyNode extends NodeBase {
  kind: 'any'
}

export type SchemaNode =
  | StringNode
  | IntNode
  | NumberNode
  | BoolNode
  | QuantityNode
  | IntOrStringNode
  | TimeNode
  | EnumNode
  | ArrayNode
  | MapNode
  | ObjectNode
  | AnyNode

/** A schema node that describes values of type T. */
export type Schema<T, N extends SchemaNode = SchemaNode> = N & Typed<T>

/** Every field of T, each with a schema for its (non-optional) type. */
export type Fields<T> = { [K in keyof T]-?: Schema<NonNullable<T[K]>> }

const withDescription = <N extends SchemaNode>(node: N, description: string | undefined): N =>
  description === undefined ? node : { ...node, description }

// --- Builders ------------------------------------------------------------------------------------

export function string(description?: string): Schema<string, StringNode> {
  return withDescription({ kind: 'string' }, description)
}

/** Base64-encoded bytes (Secret data, ConfigMap binaryData). */
export function bytes(description?: string): Schema<string, StringNode> {
  return withDescription({ kind: 'string', format: 'byte' }, description)
}

export function int32(description?: string): Schema<number, IntNode> {
  return withDescription({ kind: 'int', format: 'int32' }, description)
}

export function int64(description?: string): Schema<number, IntNode> {
  return withDescription({ kind: 'int', format: 'int64' }, description)
}

export function bool(description?: string): Schema<boolean, BoolNode> {
  return withDescription({ kind: 'bool' }, description)
}

export function quantity(description?: string): Schema<string, QuantityNode> {
  return withDescription({ kind: 'quantity' }, description)
}

export function intOrString(description?: string): Schema<number | string, IntOrStringNode> {
  return withDescription({ kind: 'intOrString' }, description)
}

export function time(description?: string): Schema<string, TimeNode> {
  return withDescription({ kind: 'time', micro: false }, description)
}

export function microTime(description?: string): Schema<string, TimeNode> {
  return withDescription({ kind: 'time', micro: true }, description)
}

export function enumOf<const V extends string>(
  values: readonly V[],
  description?: string,
  refused: Readonly<Record<string, string>> = {},
): Schema<V, EnumNode> {
  return withDescription({ kind: 'enum', values, refused }, description)
}

export function array<T>(items: Schema<T>, description?: string, list?: ListInfo): Schema<T[], ArrayNode> {
  return withDescription(list ? { kind: 'array', items, list } : { kind: 'array', items }, description)
}

export function map<T>(values: Schema<T>, description?: string): Schema<Record<string, T>, MapNode> {
  return withDescription({ kind: 'map', values }, description)
}

export function freeform(description?: string): Schema<Record<string, unknown>, AnyNode> {
  return withDescription({ kind: 'any' }, description)
}

export interface ObjectOptions {
  gvk?: readonly GroupVersionKind[]
  patchStrategy?: string
}

/**
 * An object type. `fields` must name every field of T; `unsupported` names the fields
 * Kubernetes has that Coxswain rejects.
 */
export function object<T>(
  name: string,
  description: string,
  fields: Fields<T>,
  unsupported: Readonly<Record<string, Unsupported>> = {},
  options: ObjectOptions = {},
): Schema<T, ObjectNode> {
  const node: ObjectNode = { kind: 'object', name, typeDescription: description, description, fields, unsupported }
  if (options.gvk) node.gvk = options.gvk
  if (options.patchStrategy) node.patchStrategy = options.patchStrategy
  return node
}

/** A field Kubernetes has that Coxswain rejects, with why; `harmless` values are accepted. */
export function unsupported(reason: string, ...harmless: unknown[]): Unsupported {
  return { reason, harmless }
}

/** Marks a field as required by its parent object. */
export function required<T, N extends SchemaNode>(schema: Schema<T, N>): Schema<T, N> {
  return { ...schema, required: true } as Schema<T, N>
}

/** The same schema with a description for this use of it. */
export function describe<T, N extends SchemaNode>(schema: Schema<T, N>, description: string): Schema<T, N> {
  return { ...schema, description } as Schema<T, N>
}

/** Merge list semantics for strategic merge patch and server-side apply: items keyed by `key`. */
export function mergeList(key: string, ...mapKeys: string[]): ListInfo {
  return { type: 'map', mapKeys: mapKeys.length ? mapKeys : [key], patchMergeKey: key, patchStrategy: 'merge' }
}

export const ATOMIC: ListInfo = { type: 'atomic' }
export const SET: ListInfo = { type: 'set' }
