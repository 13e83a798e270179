/**
 * electron-vite build of the Electron shell: main (+ the engine process), preload, renderer.
 *
 * Entries are explicit because electron-vite only auto-discovers `src/main|preload|renderer`.
 * - main: `main/index.ts` → `out/main/index.js` (ESM, package.json has "type": "module"). The
 *   engine process is bundled as a second entry through the `?modulePath` import in
 *   `main/electron/utility-engine-client.ts`. Dependencies stay in node_modules (electron-vite's
 *   default `externalizeDeps`), including the optional native tfjs-node packages, which must never
 *   be bundled and may not be installed at all.
 * - preload: one CommonJS file, `out/preload/index.cjs`: sandboxed preloads can neither load ES
 *   modules nor require from node_modules, so zod is bundled in (`externalizeDeps: false`).
 * - renderer: the same page as `npm run build:renderer`, from renderer/vite.config.ts's exports.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import { rendererAlias, rendererOutDir, rendererRoot } from './renderer/vite.config'

const root = fileURLToPath(new URL('.', import.meta.url))
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  optionalDependencies?: Record<string, string>
}
/** tfjs-node(-gpu): optional, native, loaded at runtime only if installed. */
const optionalDeps = Object.keys(pkg.optionalDependencies ?? {})

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: { include: optionalDeps },
      sourcemap: true,
      rollupOptions: {
        input: { index: resolve(root, 'main/index.ts') }
      }
    }
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true }
      }
    }
  },
  renderer: {
    root: rendererRoot,
    plugins: [vue()],
    resolve: { alias: rendererAlias },
    build: {
      outDir: rendererOutDir,
      emptyOutDir: true,
      chunkSizeWarningLimit: 1500,
      rollupOptions: {
        input: resolve(rendererRoot, 'index.html')
      }
    }
  }
})
