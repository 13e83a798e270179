/**
 * Picks the fastest tensor backend this machine can load, once per process.
 *
 * The ladder, best first: `tfjs-node-gpu` (native TensorFlow with CUDA), `tfjs-node` (native
 * TensorFlow on the CPU), `wasm` (XNNPACK, SIMD when the runtime has it), `cpu` (plain JavaScript).
 * Both tfjs-node packages are optionalDependencies: a missing package or a native library that
 * fails to load falls through to the next rung, reported only through `options.debug`.
 *
 * The `FLATLINE_BACKEND` environment variable (one of the names) forces a backend; if that one
 * cannot load, `initBackend` fails with the reason instead of falling back, so a benchmark or a
 * bug report never silently runs on something else.
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
import { registerWasmTrainingKernels } from './register-wasm-training-kernels'

export type BackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu'

/** Every backend name, best first. */
export const BACKEND_LADDER: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']

/** The environment variable that forces one backend. */
export const BACKEND_ENV_VAR = 'FLATLINE_BACKEND'

export interface InitBackendOptions {
  /** Backends to try, in this order, instead of the whole ladder. `FLATLINE_BACKEND` overrides it. */
  prefer?: BackendName[]
  /** Receives one line per backend that could not load, and the one chosen. */
  debug?: (message: string) => void
}

interface ActiveBackend {
  name: BackendName
  description: string
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

/** A one-line description for logs and run records, e.g. "wasm (SIMD, 1 thread)". */
export function backendDescription(): string {
  return active?.description ?? 'none (initBackend has not run)'
}

async function select(options: InitBackendOptions): Promise<BackendName> {
  const debug = options.debug ?? (() => {})
  const forced = forcedBackend()
  const ladder = forced !== undefined ? [forced] : preferredLadder(options.prefer)
  const failures: string[] = []
  for (const name of ladder) {
    try {
      const description = await LOADERS[name]()
      active = { name, description }
      debug(`tensor backend: ${description}`)
      return name
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      if (forced !== undefined) {
        throw new Error(
          `${BACKEND_ENV_VAR}=${forced} but that backend could not be loaded: ${reason}. ` +
            `Install what it needs, or unset ${BACKEND_ENV_VAR} to use the best available backend.`
        )
      }
      debug(`tensor backend ${name} unavailable: ${reason}`)
      failures.push(`${name}: ${reason}`)
    }
  }
  throw new Error(`No tensor backend could be loaded (tried ${ladder.join(', ')}). ${failures.join('; ')}`)
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

const LOADERS: Record<BackendName, () => Promise<string>> = {
  'tfjs-node-gpu': () => loadTfjsNode('@tensorflow/tfjs-node-gpu', 'tfjs-node-gpu (native TensorFlow, CUDA)'),
  'tfjs-node': () => loadTfjsNode('@tensorflow/tfjs-node', 'tfjs-node (native TensorFlow, CPU)'),
  wasm: loadWasm,
  cpu: loadCpu
}

async function loadTfjsNode(specifier: string, description: string): Promise<string> {
  // A plain string, not a literal, so neither tsc nor the bundler tries to resolve a package
  // that is usually not installed. Importing it loads the native binding and registers and
  // activates the 'tensorflow' backend; a missing package or library throws here.
  const moduleName: string = specifier
  await import(/* @vite-ignore */ moduleName)
  if (!(await tf.setBackend('tensorflow'))) {
    throw new Error(`${specifier} loaded but its 'tensorflow' backend did not initialise`)
  }
  return description
}

async function loadWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm')
  // setWasmPaths only matters before the backend's first initialisation.
  if (!('wasm' in tf.engine().registry)) wasm.setWasmPaths(wasmBinaryDir())
  if (!(await tf.setBackend('wasm'))) {
    throw new Error('the wasm backend failed to initialise (tfjs logged the cause just before)')
  }
  registerWasmTrainingKernels()
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true
  const threads = wasm.getThreadsCount()
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`
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

async function loadCpu(): Promise<string> {
  await import('@tensorflow/tfjs-backend-cpu')
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise')
  // The cpu backend prints a banner urging tfjs-node on its first tensor under Node. The ladder
  // has already tried tfjs-node, so the advice is noise in our logs; the flag is its own switch.
  const cpu = tf.backend() as tf.KernelBackend & { firstUse?: boolean }
  if (typeof cpu.firstUse === 'boolean') cpu.firstUse = false
  return 'cpu (plain JavaScript)'
}
