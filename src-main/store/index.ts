// The store's public surface: the contract, its errors, and the two implementations.

export type { Store, Watch } from './store.ts'
export * from './types.ts'
export * from './errors.ts'
export { keyOf } from './keys.ts'
export { SqliteStore, type SqliteStoreOptions, type SynchronousLevel } from './sqlite-store.ts'
export { MemoryStore } from './memory-store.ts'
export { DEFAULT_BOOKMARK_INTERVAL_MS, DEFAULT_HISTORY_MAX_EVENTS, DEFAULT_WATCH_BUFFER_SIZE, type StoreOptions } from './versioned-store.ts'
