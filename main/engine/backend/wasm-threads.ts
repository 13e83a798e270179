/**
 * Starts tfjs-backend-wasm's threaded SIMD build under Node (and Electron's utilityProcess).
 *
 * tfjs 4.22 never picks that build under Node, for three reasons, each undone here for the time
 * of one `tf.setBackend('wasm')`:
 * - the flag `WASM_HAS_MULTITHREAD_SUPPORT` reads false whenever `IS_NODE`: we set it true;
 * - the emscripten pthread worker is created from a `blob:` URL (`URL.createObjectURL` of the
 *   worker source), which Node's `worker_threads` refuses (`ERR_WORKER_PATH`), and the worker then
 *   loads the main script from another Blob: we write both scripts as files into a private temp
 *   folder (the package's own `wasm-out/…threaded-simd.worker.js` source, pointed at its own
 *   `wasm-out/…threaded-simd.js`), and hand Node the worker's file path instead of a blob URL;
 * - the C++ side caps the pool at `emscripten_num_logical_cores() / 2` (it assumes hyper-threads),
 *   which is 1 on a 2-core machine whatever `setThreadsCount` asked: Node answers that call with
 *   `os.cpus().length`, so we report twice the requested count while the module starts.
 *
 * Files, not blobs, also suit Electron: the utilityProcess is a Node process with worker_threads
 * and SharedArrayBuffer, and the scripts are copied out of app.asar (read through Electron's asar
 * fs in the main thread, written to a real temp folder), so the workers never read inside asar.
 */
import * as tf from '@tensorflow/tfjs-core'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

/** The emscripten worker's branch that loads the main script from `urlOrBlob`; replaced by a file path. */
const LOAD_BRANCH = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}'

let workerFile: string | undefined

/** Writes the pthread worker and main script once per process; returns the worker's path. */
function writeWorkerScripts(wasmOutDir: string): string {
  if (workerFile !== undefined) return workerFile
  const require = createRequire(import.meta.url)
  const source = (
    require(path.join(wasmOutDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
      wasmWorkerContents: string
    }
  ).wasmWorkerContents
  if (!source.includes(LOAD_BRANCH)) {
    throw new Error(
      'the threaded wasm worker script is not the one tfjs-backend-wasm 4.22 ships (its script-loading branch ' +
        'changed); use threads = 1, or update main/engine/backend/wasm-threads.ts for this tfjs version'
    )
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flatline-wasm-threads-'))
  const mainScript = path.join(dir, 'tfjs-backend-wasm-threaded-simd.cjs')
  writeFileSync(
    mainScript,
    readFileSync(path.join(wasmOutDir, 'tfjs-backend-wasm-threaded-simd.js'))
  )
  // tfjs escapes newlines the same way before making its Blob: the source holds "\n" inside string literals.
  const worker = source
    .replace(/\n/g, '\\n')
    .replace(LOAD_BRANCH, `if(true){importScripts(${JSON.stringify(mainScript)})}`)
  const file = path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.cjs')
  writeFileSync(file, worker)
  workerFile = file
  return file
}

/**
 * Runs `start` (which calls `tf.setBackend('wasm')`) with the threaded build enabled for `threads`
 * threads; restores Node's `os.cpus` afterwards. The blob-URL hook stays, because emscripten makes
 * a new worker whenever its pool runs dry; it answers only for the worker's own script.
 */
export async function startThreadedWasm<T>(
  wasm: typeof import('@tensorflow/tfjs-backend-wasm'),
  wasmOutDir: string,
  threads: number,
  start: () => Promise<T>
): Promise<T> {
  const worker = writeWorkerScripts(wasmOutDir)
  installWorkerUrlHook(worker)
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true)
  wasm.setThreadsCount(threads)
  const cpus = os.cpus
  os.cpus = () => {
    const real = cpus()
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length])
  }
  try {
    const result = await start()
    unrefPoolWorkers()
    return result
  } finally {
    os.cpus = cpus
  }
}

/**
 * Lets the process exit while XNNPACK's pool threads wait for work. emscripten `ref()`s each
 * running pthread's worker, and the pool's threads run for the life of the backend, so without
 * this a script or CLI run would never end after its last line.
 */
function unrefPoolWorkers(): void {
  const backend = tf.findBackend('wasm') as unknown as {
    wasm?: { PThread?: { runningWorkers?: { unref(): void }[] } }
  } | null
  for (const worker of backend?.wasm?.PThread?.runningWorkers ?? []) worker.unref()
}

let hooked = false

function installWorkerUrlHook(worker: string): void {
  if (hooked) return
  hooked = true
  const createObjectURL = URL.createObjectURL.bind(URL)
  URL.createObjectURL = (object: Blob) =>
    // tfjs's locateFile makes exactly one kind of JavaScript blob: the pthread worker's source.
    object instanceof Blob && object.type === 'application/javascript'
      ? worker
      : createObjectURL(object)
}
