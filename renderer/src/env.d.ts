/// <reference types="vite/client" />
import type { FlatlineApi } from '@contract/api'

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in browser mode, where the page builds its own. */
    api?: FlatlineApi
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
