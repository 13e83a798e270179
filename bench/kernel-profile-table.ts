/**
 * Times a step plainly, then with every kernel timed (kernel-profiler.ts), and prints per kernel:
 * launches per step, ms per step, share and µs per launch; then the kernel total and the time
 * outside kernels (dispatch, tape, gradient functions, disposal, our JS). Launch counts do not
 * depend on the machine's load; the milliseconds do (compare shares).
 */
import * as tf from '@tensorflow/tfjs-core'
import { KernelProfiler, type KernelStat } from './kernel-profiler'

export interface ProfiledStep {
  plainMs: number
  profiledMs: number
  /** Top-level kernel launches per step. */
  launches: number
  kernels: KernelStat[]
}

async function timeSteps(step: () => Promise<void>, steps: number): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < steps; i++) await step()
  return (performance.now() - started) / steps
}

/** Profiles `step` over `steps` runs (after 2 warm-ups) on tfjs's backend `backendName`; prints the table. */
export async function profileStep(
  label: string,
  step: () => Promise<void>,
  options: { backendName: string; steps: number; rows?: number; warmUps?: number }
): Promise<ProfiledStep> {
  const { backendName, steps } = options
  const rows = options.rows ?? 14
  const profiler = new KernelProfiler()
  for (let i = 0; i < (options.warmUps ?? 2); i++) await step() // kernel setup, operator caches
  const tensorsBefore = tf.memory().numTensors
  const plainMs = await timeSteps(step, steps)
  profiler.install(backendName)
  profiler.reset()
  const profiledMs = await timeSteps(step, steps)
  profiler.uninstall()
  const top = profiler.topLevel()
  const kernelMs = top.reduce((s, k) => s + k.ms, 0) / steps
  const launches = top.reduce((s, k) => s + k.launches, 0) / steps
  const nestedLaunches = profiler.nestedStats().reduce((s, k) => s + k.launches, 0) / steps
  const outside = profiledMs - kernelMs
  console.log(
    `\n## ${label}: ${plainMs.toFixed(1)} ms/step (${profiledMs.toFixed(1)} ms with the timers)`
  )
  console.log(`| kernel | launches/step | ms/step | share | µs/launch |`)
  console.log(`|---|---|---|---|---|`)
  const row = (k: KernelStat, prefix = ''): void =>
    console.log(
      `| ${prefix}${k.name} | ${(k.launches / steps).toFixed(1)} | ${(k.ms / steps).toFixed(2)} | ${((100 * k.ms) / steps / profiledMs).toFixed(1)} % | ${((1000 * k.ms) / k.launches).toFixed(0)} |`
    )
  for (const k of top.slice(0, rows)) row(k)
  const rest = top.slice(rows)
  if (rest.length > 0)
    row({
      name: `${rest.length} other kernels`,
      launches: rest.reduce((s, k) => s + k.launches, 0),
      ms: rest.reduce((s, k) => s + k.ms, 0)
    })
  for (const k of profiler.nestedStats().slice(0, 6)) row(k, '↳ inside: ')
  console.log(
    `kernels: ${kernelMs.toFixed(1)} ms/step (${((100 * kernelMs) / profiledMs).toFixed(0)} %) in ${launches.toFixed(0)} top-level launches ` +
      `(+${nestedLaunches.toFixed(0)} nested), ${((1000 * kernelMs) / launches).toFixed(0)} µs per launch on average`
  )
  console.log(
    `outside kernels (dispatch, tape, gradient functions, disposal, our JS): ${outside.toFixed(1)} ms/step (${((100 * outside) / profiledMs).toFixed(0)} %), ` +
      `${((1000 * outside) / launches).toFixed(0)} µs per launch; tensors alive before/after: ${tensorsBefore}/${tf.memory().numTensors}`
  )
  return { plainMs, profiledMs, launches, kernels: top }
}
