/**
 * Times every kernel launch of the active backend, for `npm run bench:profile`.
 *
 * Wraps each kernel registered for the backend: a launch's wall time is the time inside its
 * kernelFunc (wasm kernels run synchronously, so that is the kernel, its JavaScript glue and its
 * output allocation). Kernels that are themselves built from other kernels (our Conv2DBackprop*
 * on wasm) count once at the top level; the launches inside them are counted separately as
 * nested, so the top-level sum never counts a millisecond twice. What a step spends outside
 * top-level kernels is the engine's share: dispatch, the gradient tape and gradient functions,
 * tidy and disposal, and our own JavaScript.
 */
import * as tf from '@tensorflow/tfjs-core'

export interface KernelStat {
  name: string
  launches: number
  ms: number
}

export class KernelProfiler {
  private depth = 0
  private readonly top = new Map<string, KernelStat>()
  private readonly nested = new Map<string, KernelStat>()
  private readonly originals: tf.KernelConfig[] = []

  /** Wraps every kernel of `backendName`; `uninstall` puts the originals back. */
  install(backendName: string): void {
    for (const config of tf.getKernelsForBackend(backendName)) {
      const inner = config.kernelFunc
      const name = config.kernelName
      const wrapped: tf.KernelFunc = (params) => {
        const stats = this.depth === 0 ? this.top : this.nested
        this.depth++
        const started = performance.now()
        try {
          return inner(params)
        } finally {
          const ms = performance.now() - started
          this.depth--
          const stat = stats.get(name) ?? { name, launches: 0, ms: 0 }
          stat.launches++
          stat.ms += ms
          stats.set(name, stat)
        }
      }
      // Marks on the kernel function (the native kernels' own) stay visible through the wrapper.
      for (const mark of Object.getOwnPropertySymbols(inner))
        Object.assign(wrapped, { [mark]: (inner as unknown as Record<symbol, unknown>)[mark] })
      this.originals.push(config)
      tf.unregisterKernel(name, backendName)
      tf.registerKernel({ ...config, kernelFunc: wrapped })
    }
  }

  uninstall(): void {
    for (const config of this.originals.splice(0)) {
      tf.unregisterKernel(config.kernelName, config.backendName)
      tf.registerKernel(config)
    }
  }

  reset(): void {
    this.top.clear()
    this.nested.clear()
  }

  /** Top-level kernels, most expensive first. */
  topLevel(): KernelStat[] {
    return [...this.top.values()].sort((a, b) => b.ms - a.ms)
  }

  nestedStats(): KernelStat[] {
    return [...this.nested.values()].sort((a, b) => b.ms - a.ms)
  }
}
