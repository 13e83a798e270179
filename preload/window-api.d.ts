/**
 * `window.api` for the renderer's type checking.
 *
 * The preload builds `api` with the contract's `createApi`, so `typeof api` (`FlatlineWindowApi`
 * in preload/index.ts) is exactly `FlatlineApi`; this file names the contract type directly so
 * the renderer's tsconfig does not have to type-check Electron's preload imports. Optional because
 * browser mode has no preload: the page then builds the same API over its WebSocket.
 */
import type { FlatlineApi } from '../main/contract/api'

declare global {
  interface Window {
    api?: FlatlineApi
  }
}

export {}
