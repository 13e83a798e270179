/**
 * Vite config for the renderer (browser mode and `npm run build:renderer`).
 *
 * electron-vite builds the same page for the Electron shell; `electron.vite.config.ts` reuses the
 * exports below (`rendererRoot`, `rendererAlias`, `rendererOutDir`) so both builds cannot drift.
 */
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

/** The folder holding index.html. */
export const rendererRoot = fileURLToPath(new URL('.', import.meta.url))

/** `@contract` → main/contract: the only code outside renderer/ the page may import. */
export const rendererAlias = {
  '@contract': fileURLToPath(new URL('../main/contract', import.meta.url))
}

/** Where the built page goes: `<repo>/out/renderer`. */
export const rendererOutDir = fileURLToPath(new URL('../out/renderer', import.meta.url))

export default defineConfig({
  root: rendererRoot,
  // Relative asset URLs: the page is loaded from a custom protocol in Electron and from `/` in browser mode.
  base: './',
  plugins: [vue()],
  resolve: { alias: rendererAlias },
  build: {
    outDir: rendererOutDir,
    emptyOutDir: true,
    // ECharts on its own is ~500 kB minified even with on-demand imports; the page is local, not downloaded.
    chunkSizeWarningLimit: 1500
  }
})
