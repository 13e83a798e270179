/**
 * Training state at an epoch boundary, beyond the weights: what `trainClassifier` needs to continue
 * a cancelled or crashed run as if it had never stopped. That is the SGD momentum buffers, the
 * minimizer's own state (LookSAM's g_v, SWA/WASAM's running average and count), the positions of
 * the shuffle and augmentation random streams, and the metrics of the epochs done. Batch-norm
 * running statistics are model buffers, so they travel with the weights (model-io).
 *
 * On disk it sits next to the epoch's weights checkpoint: `training-state.json` (format, epoch,
 * metrics, RNG positions, minimizer id and numbers, tensor specs, sha256) and `training-state.bin`
 * (tensors in the tfjs weights format). The bin is written first, each file atomically, and the
 * hash is checked on load, so a state cut short by a crash is refused rather than half-used.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { EpochMetrics } from '../../contract/job-events'
import { MINIMIZER_IDS, type MinimizerId } from '../../contract/minimizer-spec'
import type { MinimizerState } from '../minimizers/minimizer'
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from '../workspace/atomic-write'

export const TRAINING_STATE_FORMAT = 'flatline-training-state/1'
export const TRAINING_STATE_FILE = 'training-state.json'
const BIN_FILE = 'training-state.bin'
const MOMENTUM = 'momentum/'
const MINIMIZER = 'minimizer/'

export interface TrainingState {
  /** The last finished epoch (1-based); training continues with the next one. */
  epoch: number
  /** Metrics of epochs 1..epoch. */
  history: EpochMetrics[]
  /** `Rng.position` of the shuffle and augmentation streams after `epoch`. */
  rng: { shuffle: number; augment: number }
  /** SGD momentum buffers by trainable weight name. */
  momentum: Map<string, tf.Tensor>
  minimizer: MinimizerState & { id: MinimizerId }
}

const StateFile = z.object({
  format: z.literal(TRAINING_STATE_FORMAT),
  epoch: z.number().int().nonnegative(),
  history: z.array(EpochMetrics),
  rng: z.object({
    shuffle: z.number().int().nonnegative(),
    augment: z.number().int().nonnegative()
  }),
  minimizer: z.object({ id: z.enum(MINIMIZER_IDS), numbers: z.record(z.string(), z.number()) }),
  weightSpecs: z.array(
    z.object({ name: z.string(), shape: z.array(z.number().int()), dtype: z.string() })
  ),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  savedAt: z.string()
})

/** Writes the state into `dir` (tensors are only read). */
export async function saveTrainingState(dir: string, state: TrainingState): Promise<void> {
  await mkdir(dir, { recursive: true })
  const named: tf.NamedTensorMap = {}
  for (const [name, t] of state.momentum) named[MOMENTUM + name] = t
  for (const [name, t] of state.minimizer.tensors) named[MINIMIZER + name] = t
  const { data, specs } = await tf.io.encodeWeights(named)
  const bytes = new Uint8Array(data)
  const file: z.infer<typeof StateFile> = {
    format: TRAINING_STATE_FORMAT,
    epoch: state.epoch,
    history: state.history,
    rng: state.rng,
    minimizer: { id: state.minimizer.id, numbers: state.minimizer.numbers },
    weightSpecs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype })),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    savedAt: new Date().toISOString()
  }
  await writeFileAtomic(join(dir, BIN_FILE), bytes)
  await writeJsonAtomic(join(dir, TRAINING_STATE_FILE), file)
}

/** Reads a state written by `saveTrainingState`; the caller owns (and disposes) its tensors. */
export async function loadTrainingState(dir: string): Promise<TrainingState> {
  const path = join(dir, TRAINING_STATE_FILE)
  const parsed = StateFile.safeParse(await readJsonFile(path))
  if (!parsed.success)
    throw new Error(
      `${path} is not a valid training state (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}).`
    )
  const file = parsed.data
  if (file.history.length !== file.epoch)
    throw new Error(
      `${path} holds ${file.history.length} epochs of metrics for epoch ${file.epoch}.`
    )
  const bytes = new Uint8Array(await readFile(join(dir, BIN_FILE)))
  if (createHash('sha256').update(bytes).digest('hex') !== file.sha256)
    throw new Error(
      `${join(dir, BIN_FILE)} does not match the hash in ${TRAINING_STATE_FILE}: the file was changed or is incomplete.`
    )
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const tensors = tf.io.decodeWeights(buffer, file.weightSpecs as tf.io.WeightsManifestEntry[])
  const momentum = new Map<string, tf.Tensor>()
  const minimizer = new Map<string, tf.Tensor>()
  for (const [name, t] of Object.entries(tensors)) {
    if (name.startsWith(MOMENTUM)) momentum.set(name.slice(MOMENTUM.length), t)
    else if (name.startsWith(MINIMIZER)) minimizer.set(name.slice(MINIMIZER.length), t)
    else t.dispose()
  }
  return {
    epoch: file.epoch,
    history: file.history,
    rng: file.rng,
    momentum,
    minimizer: { id: file.minimizer.id, numbers: file.minimizer.numbers, tensors: minimizer }
  }
}

/** Deletes the state saved in `dir` (the weights stay); nothing happens when there is none. */
export async function removeTrainingState(dir: string): Promise<void> {
  // The json goes first: a state without its json is never read, one without its bin is refused.
  await rm(join(dir, TRAINING_STATE_FILE), { force: true })
  await rm(join(dir, BIN_FILE), { force: true })
}

/** Frees the tensors of a loaded state. */
export function disposeTrainingState(state: TrainingState): void {
  tf.dispose([...state.momentum.values(), ...state.minimizer.tensors.values()])
}
