/**
 * Picks the fastest tensor backend this machine can load, once per process.
 *
 * The ladder, best first: `tfjs-node-gpu` (native TensorFlow with CUDA), `tfjs-node` (native
 * TensorFlow on the CPU), `wasm-native` (the wasm backend with our oneDNN kernels in front of its
 * heavy ones, see native/init-native-kernels.ts), `wasm` (XNNPACK, SIMD when the runtime has it),
 * `cpu` (plain JavaScript). Both tfjs-node packages are optionalDependencies and the oneDNN addon
 * is built apart (`npm run build:native`): a missing package or library falls through to the next
 * rung, reported only through `options.debug`.
 *
 * `FLATLINE_KERNELS` (native/kernel-path.ts) picks the kernels on wasm: `wasm` skips the native
 * rung; `native` asks for it, and when it cannot load the run goes on on the next rung with a
 * warning naming the cause and the fallback, like an unavailable `FLATLINE_BACKEND`.
 *
 * The `FLATLINE_BACKEND` environment variable (one of the names) asks for a backend. If that one
 * cannot load (its package or native library is not installed), the run goes on with the best
 * backend that does load, and says so: a warning naming the requested backend, why it failed and
 * the fallback, and the same note in `backendDescription()`, which logs and run records carry. A
 * name that is not a backend is an error (a typo should not quietly measure something else).
 *
 * The thread count (`options.threads`, else `FLATLINE_THREADS`, else every core; see
 * thread-count.ts) is fixed here: wasm starts its threaded SIMD build for more than one thread,
 * unless the native kernels take the threads (loadWasmNative).
 *
 * tfjs-node imports the `@tensorflow/tfjs` umbrella, which re-exports tfjs-core and, on import,
 * registers a backend named 'tensorflow' (and all gradients) and switches to it. tfjs keeps its
 * engine and its kernel and gradient registries on the global object, so that backend is visible
 * through our `@tensorflow/tfjs-core` import even if npm did not dedupe the two tfjs-core copies.
 */
import * as tf from '@tensorflow/tfjs-core'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describeNativeKernels, initNativeKernels } from './native/init-native-kernels'
import { loadNativeAddon, StaleNativeAddonError } from './native/native-addon'
import { KERNELS_ENV_VAR, requestedKernelPath, type KernelPath } from './native/kernel-path'
import { registerWasmTrainingKernels } from './register-wasm-training-kernels'
import { shareSavedTensors } from './shared-saved-tensors'
import { resolveThreads } from './thread-count'
import { startThreadedWasm } from './wasm-threads'

export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm-native' | 'wasm' | 'cpu'

/** Every backend name, best first. */
export const BACKEND_LADDER: readonly BackendName[] = [
  'tfjs-node-gpu',
  'tfjs-node',
  'wasm-native',
  'wasm',
  'cpu'
]

/** The environment variable that forces one backend. */
export const BACKEND_ENV_VAR = 'FLATLINE_BACKEND'

export interface InitBackendOptions {
  /** Backends to try, in this order, instead of the whole ladder. `FLATLINE_BACKEND` overrides it. */
  prefer?: BackendName[]
  /** Receives one line per backend that could not load, and the one chosen. */
  debug?: (message: string) => void
  /** Receives what a user must see: a requested backend that fell back (default: console.warn). */
  warn?: (message: string) => void
  /** Threads to compute on (1 to the machine's cores); default `FLATLINE_THREADS`, else all cores. */
  threads?: number
}

interface ActiveBackend {
  name: BackendName
  description: string
  threads: number
}

/** What a loader reports: its one-line description and the threads it really runs on. */
interface Loaded {
  description: string
  threads: number
}

let active: ActiveBackend | undefined
let pending: Promise<BackendName> | undefined

/**
 * Loads and activates the best available backend; resolves with its name.
 *
 * Idempotent: once a backend is active, later calls return its name whatever their options
 * (concurrent first calls share one attempt). A failed attempt is not remembered, so a caller may
 * fix the cause (e.g. the environment variable) and call again.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendName> {
  if (active !== undefined) return Promise.resolve(active.name)
  if (pending === undefined) {
    pending = select(options).finally(() => {
      pending = undefined
    })
  }
  return pending
}

/** The backend `initBackend` activated, or undefined before it has succeeded. */
export function activeBackendName(): BackendName | undefined {
  return active?.name
}

/** A one-line description for logs and run records, e.g. "wasm (SIMD, 2 threads)". */
export function backendDescription(): string {
  return active?.description ?? 'none (initBackend has not run)'
}

/** The threads the active backend computes on (the native kernels read it), or undefined before `initBackend`. */
export function activeThreads(): number | undefined {
  return active?.threads
}

async function select(options: InitBackendOptions): Promise<BackendName> {
  const debug = options.debug ?? (() => {})
  const warn = options.warn ?? ((message: string) => console.warn(message))
  const threads = resolveThreads(options.threads)
  const kernelPath = requestedKernelPath()
  const forced = forcedBackend()
  const rest = preferredLadder(options.prefer).filter((name) => name !== forced)
  const ladder = forced !== undefined ? [forced, ...rest] : rest
  const failures: string[] = []
  let fallbackNote = ''
  for (const name of ladder) {
    try {
      const loaded = await LOADERS[name](threads, warn, kernelPath, debug)
      const description = loaded.description + fallbackNote
      active = { name, description, threads: loaded.threads }
      if (fallbackNote) warn(`tensor backend: ${description}`)
      debug(`tensor backend: ${description}`)
      return name
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      if (name === forced) {
        fallbackNote = ` [${BACKEND_ENV_VAR}=${forced} requested but not available: ${reason}; fell back]`
        warn(
          `${BACKEND_ENV_VAR}=${forced} requested, but that backend could not be loaded: ${reason}. ` +
            `Falling back to the best available backend (install what ${forced} needs, or unset ${BACKEND_ENV_VAR}).`
        )
      } else if (name === 'wasm-native' && err instanceof StaleNativeAddonError) {
        // Not quiet: the run would silently be several times slower than the user's last one.
        fallbackNote = ` [native kernels not used: stale build, run npm run build:native]`
        warn(`Native oneDNN kernels not used: ${reason} Running on wasm's own kernels meanwhile.`)
      } else if (name === 'wasm-native' && kernelPath === 'native') {
        fallbackNote = ` [${KERNELS_ENV_VAR}=native requested but not available: ${reason}; fell back]`
        warn(
          `${KERNELS_ENV_VAR}=native requested, but the native oneDNN kernels could not be loaded: ${reason} ` +
            `Falling back to wasm's own kernels (build the addon, or unset ${KERNELS_ENV_VAR}).`
        )
      }
      debug(`tensor backend ${name} unavailable: ${reason}`)
      failures.push(`${name}: ${reason}`)
    }
  }
  throw new Error(
    `No tensor backend could be loaded (tried ${ladder.join(', ')}). ${failures.join('; ')}`
  )
}

function isBackendName(value: string): value is BackendName {
  return (BACKEND_LADDER as readonly string[]).includes(value)
}

function forcedBackend(): BackendName | undefined {
  const raw = process.env[BACKEND_ENV_VAR]?.trim()
  if (raw === undefined || raw === '') return undefined
  if (!isBackendName(raw)) {
    throw new Error(
      `${BACKEND_ENV_VAR}='${raw}' is not a backend name; use one of ${BACKEND_LADDER.join(', ')}, ` +
        `or unset it to use the best available backend.`
    )
  }
  return raw
}

function preferredLadder(prefer: BackendName[] | undefined): readonly BackendName[] {
  if (prefer === undefined) return BACKEND_LADDER
  const unknown = prefer.filter((name) => !isBackendName(name))
  if (prefer.length === 0 || unknown.length > 0) {
    throw new Error(
      `initBackend: options.prefer must list one or more of ${BACKEND_LADDER.join(', ')}; ` +
        `got [${prefer.join(', ')}].`
    )
  }
  return prefer
}

type Loader = (
  threads: number,
  warn: (message: string) => void,
  kernelPath: KernelPath | undefined,
  debug: (message: string) => void
) => Promise<Loaded>

const LOADERS: Record<BackendName, Loader> = {
  'tfjs-node-gpu': (threads) =>
    loadTfjsNode('@tensorflow/tfjs-node-gpu', 'tfjs-node-gpu (native TensorFlow, CUDA', threads),
  'tfjs-node': (threads) =>
    loadTfjsNode('@tensorflow/tfjs-node', 'tfjs-node (native TensorFlow, CPU', threads),
  'wasm-native': loadWasmNative,
  wasm: loadWasm,
  cpu: loadCpu
}

const plural = (threads: number): string => `${threads} thread${threads === 1 ? '' : 's'}`

async function loadTfjsNode(specifier: string, label: string, threads: number): Promise<Loaded> {
  // TensorFlow reads its intra-op pool size from this variable when its library loads.
  process.env.TF_NUM_INTRAOP_THREADS ??= String(threads)
  // A plain string, not a literal, so neither tsc nor the bundler tries to resolve a package
  // that is usually not installed. Importing it loads the native binding and registers and
  // activates the 'tensorflow' backend; a missing package or library throws here.
  const moduleName: string = specifier
  await import(/* @vite-ignore */ moduleName)
  if (!(await tf.setBackend('tensorflow'))) {
    throw new Error(`${specifier} loaded but its 'tensorflow' backend did not initialise`)
  }
  return { description: `${label}, ${plural(threads)})`, threads }
}

async function loadWasm(threads: number, warn: (message: string) => void): Promise<Loaded> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm')
  const dir = wasmBinaryDir()
  // setWasmPaths only matters before the backend's first initialisation.
  if (!('wasm' in tf.engine().registry)) wasm.setWasmPaths(dir)
  let note = ''
  let started = false
  if (threads > 1) {
    try {
      started = await startThreadedWasm(wasm, wasmScriptDir(), threads, () => tf.setBackend('wasm'))
      if (!started) throw new Error('tfjs logged the cause just before')
    } catch (err) {
      // The single-threaded build still works: say so, and go on with it.
      const reason = err instanceof Error ? err.message : String(err)
      note = ` [threaded build failed: ${reason}; running on 1 thread]`
      warn(
        `wasm: the threaded build for ${threads} threads did not start (${reason}); going on with 1 thread.`
      )
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false)
    }
  }
  if (!started && !(await tf.setBackend('wasm'))) {
    throw new Error('the wasm backend failed to initialise (tfjs logged the cause just before)')
  }
  registerWasmTrainingKernels()
  shareSavedTensors()
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true
  const actual = wasm.getThreadsCount()
  return {
    description: `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${plural(actual)})${note}`,
    threads: actual
  }
}

/**
 * The wasm backend (the tensor store) with our oneDNN kernels in front of its heavy ones.
 *
 * Only the native kernels use the threads: wasm runs its single-threaded build, whatever the
 * count. What is left on wasm is element-wise work too small to split, and the threaded build's
 * pthread pool spins on the second core that OpenMP needs; with it, two threads ran slower than
 * one (docs/native-kernels.md, "Threads"). The addon loads first, so a missing one leaves wasm
 * free to start its threaded build on the next rung.
 */
async function loadWasmNative(
  threads: number,
  warn: (message: string) => void,
  kernelPath: KernelPath | undefined,
  debug: (message: string) => void
): Promise<Loaded> {
  if (kernelPath === 'wasm') throw new Error(`switched off by ${KERNELS_ENV_VAR}=wasm`)
  loadNativeAddon()
  const wasm = await loadWasm(1, warn)
  const native = initNativeKernels({ threads })
  debug(
    `native kernels: oneDNN ${native.onednnVersion}, ${native.threadingRuntime}, ${native.isa}; ${native.kernels.join(', ')}`
  )
  return { description: `${wasm.description} + ${describeNativeKernels(native)}`, threads }
}

/**
 * tfjs-backend-wasm's emscripten scripts (`wasm-out/`), for the threaded build. Read from the
 * package where it is, also inside app.asar (Electron reads asar in the engine's main thread;
 * wasm-threads.ts copies them to a real folder for the workers), so they need no asarUnpack entry.
 */
function wasmScriptDir(): string {
  return path.join(
    path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')),
    '..',
    'wasm-out'
  )
}

/**
 * The folder holding tfjs-backend-wasm's .wasm binaries, with a trailing separator.
 *
 * Resolved from this module, so it works under tsx and vitest (source tree) and in the bundled
 * Electron utility process (node_modules beside the bundle). In a packaged app the package sits
 * in app.asar, whose files the wasm loader cannot read as plain files; electron-builder's
 * asarUnpack puts them in app.asar.unpacked, which we prefer when it exists.
 */
function wasmBinaryDir(): string {
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')
  let dir = path.dirname(entry)
  const unpacked = dir.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2')
  if (unpacked !== dir && existsSync(unpacked)) dir = unpacked
  if (!existsSync(path.join(dir, 'tfjs-backend-wasm.wasm'))) {
    throw new Error(
      `tfjs-backend-wasm's binaries (tfjs-backend-wasm*.wasm) are not in ${dir}; reinstall the ` +
        `package, or when packaging unpack node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm from asar`
    )
  }
  return dir + path.sep
}

async function loadCpu(): Promise<Loaded> {
  await import('@tensorflow/tfjs-backend-cpu')
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise')
  // The cpu backend prints a banner urging tfjs-node on its first tensor under Node. The ladder
  // has already tried tfjs-node, so the advice is noise in our logs; the flag is its own switch.
  const cpu = tf.backend() as tf.KernelBackend & { firstUse?: boolean }
  if (typeof cpu.firstUse === 'boolean') cpu.firstUse = false
  return { description: 'cpu (plain JavaScript, 1 thread)', threads: 1 }
}
