/**
 * Memory budget of a dataset: the uint8 pixels of every split a reader is about to allocate.
 *
 * Datasets stay in memory as uint8 (one byte per pixel) for the whole audit and become float32 only
 * per batch, so this budget bounds the dataset's share of the engine's memory. Readers check it
 * before allocating, so a folder that is too large is refused in a second with a message saying
 * how to make it fit, instead of the engine process running out of memory minutes later.
 */

/** Default budget: CIFAR-10 whole (184 MB as uint8) fits five times over. */
export const DEFAULT_DATASET_MEMORY_MB = 1024

/** The budget in bytes: `FLATLINE_DATASET_MEMORY_MB` when set to a positive number, else the default. */
export function datasetMemoryBudgetBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FLATLINE_DATASET_MEMORY_MB
  const mb = raw === undefined || raw.trim() === '' ? NaN : Number(raw)
  return (Number.isFinite(mb) && mb > 0 ? mb : DEFAULT_DATASET_MEMORY_MB) * 1024 * 1024
}

/** Bytes of `count` images of height × width × channels as uint8, plus one label byte each. */
export function splitBytes(count: number, height: number, width: number, channels: number): number {
  return count * (height * width * channels + 1)
}

/** 184.3 MB, 25.3 kB: what the refusal prints. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1)} MB`
    : `${(bytes / 1024).toFixed(1)} kB`
}

/**
 * Throws when `bytes` exceed the budget. `what` names the dataset (its folder) and `hint` says
 * which knob shrinks it for this format (limits; for image folders also the image size).
 */
export function checkDatasetMemory(
  bytes: number,
  what: string,
  hint: string,
  budget = datasetMemoryBudgetBytes()
): void {
  if (bytes <= budget) return
  throw new Error(
    `${what}: needs ${formatBytes(bytes)} as uint8 but the dataset memory budget is ${formatBytes(budget)}; ${hint}, ` +
      `or raise the budget with FLATLINE_DATASET_MEMORY_MB if the machine has the memory.`
  )
}

/** The usual hint: the limits every format has. */
export const LIMIT_HINT = 'set dataset.trainLimit / dataset.testLimit to use fewer images'
