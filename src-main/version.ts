// The version users see (dashboard, `serve`'s banner, `/version` later), taken from package.json
// at build time so a built bundle never reads package.json from disk.
import pkg from '../package.json' with { type: 'json' }

export const COXSWAIN_VERSION: string = pkg.version
