import { createLogger } from '../util/log.ts'
import { MemoryStore } from './memory-store.ts'
import { describeStoreContract } from './store-contract.ts'

const quiet = createLogger({}, () => {})

describeStoreContract('MemoryStore', (options) => new MemoryStore({ ...options, log: quiet }))
