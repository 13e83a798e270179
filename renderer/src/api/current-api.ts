/**
 * The api the stores use, set once at start-up by main.ts (and by tests with a fake).
 *
 * Stores call `useApi()` instead of reading `window.api`, so the WebSocket transport and test
 * fakes plug in the same way as Electron's preload.
 */
import type { FlatlineApi } from '@contract/api'

let current: FlatlineApi | null = null

export function setApi(api: FlatlineApi | null): void {
  current = api
}

/** Returns the api set by `setApi`; throws if start-up did not set one (a bug, not a user error). */
export function useApi(): FlatlineApi {
  if (!current)
    throw new Error(
      'Flatline api not initialised: main.ts must call setApi() before the stores run'
    )
  return current
}
