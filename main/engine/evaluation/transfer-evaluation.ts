/**
 * Transfer success rates as the paper measures them: adversarial examples crafted on each surrogate
 * with the audit's attack stack, from test images that every target classifies correctly, and the
 * fraction of them each target misclassifies. The denominator (`attacked`) travels with every rate.
 * Randomised stacks are repeated over seeds (seed, seed+1, …) and reported as mean ± 2 std.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { AttackSpec } from '../../contract/audit-spec'
import type { TransferCell } from '../../contract/run-record'
import { attackConfigFromSpec, isRandomised, type AttackResources } from '../attacks/attack-config'
import { runAttack } from '../attacks/attack-loop'
import { admixPool } from '../attacks/input-transformation/admix'
import { batchTensors, type ImageSplit } from '../data/dataset'
import { throwIfCancelled, yieldToEventLoop } from '../jobs/job-errors'
import type { Classifier } from '../models/classifier'
import type { AdversarialBatch } from './export-adversarial'
import { predictLabels, predictTensor, type LabelModel } from './predict'

export interface NamedModel {
  name: string
  model: Classifier
}

/** A scored target: trained (a Classifier) or imported (a black-box TargetModel). */
export interface NamedTarget {
  name: string
  model: LabelModel
}

/** Indices of the examples every model predicts correctly, given each model's predictions. */
export function commonlyCorrect(
  split: ImageSplit,
  indices: number[],
  predictions: Int32Array[]
): number[] {
  return indices.filter((k, i) => predictions.every((p) => p[i] === split.labels[k]))
}

export interface SurrogateTransfer {
  cells: TransferCell[]
  /** Mean over repeats of the surrogate's own success rate. */
  whiteBoxRate: number
}

export interface TransferOptions {
  signal?: AbortSignal
  onBatch?: (done: number, total: number) => void
  /** Seed of the first repeat; defaults to `attack.seed`, then 0. */
  seed?: number
  /** LGV members of this surrogate, when the stack has LGV. */
  lgvMembers?: Classifier[]
  /** The ensemble's members, when `surrogate` is an ensemble (`ensembleClassifier`). */
  ensembleMembers?: Classifier[]
  /** Receives every batch of the first repeat's examples with all predictions (for export). */
  onExamples?: (batch: AdversarialBatch) => void
}

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanAndStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length
  const variance =
    values.length > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1) : 0
  return { mean, std: Math.sqrt(variance) }
}

/**
 * Attacks `indices` on one surrogate, batch by batch, and scores every target on the result. In
 * targeted mode the goal class is (y + 1) mod C and a target counts as fooled when it predicts it.
 */
export async function measureTransfer(
  surrogate: NamedModel,
  targets: NamedTarget[],
  split: ImageSplit,
  indices: number[],
  attack: AttackSpec,
  options: TransferOptions
): Promise<SurrogateTransfer> {
  // Admix draws its add-ins from the clean attacked images (the evaluation set), kept for the run.
  const pool = attack.stack.admix ? admixPool(split, indices) : undefined
  try {
    return await transferOf(surrogate, targets, split, indices, attack, options, {
      ensembleMembers: options.ensembleMembers,
      pool
    })
  } finally {
    pool?.images.dispose()
  }
}

async function transferOf(
  surrogate: NamedModel,
  targets: NamedTarget[],
  split: ImageSplit,
  indices: number[],
  attack: AttackSpec,
  options: TransferOptions,
  resources: AttackResources
): Promise<SurrogateTransfer> {
  const seed = options.seed ?? attack.seed ?? 0
  const randomised = isRandomised(attackConfigFromSpec(attack, seed, options.lgvMembers, resources))
  // A stack without randomness gives the same examples for every seed (oracle E18): run it once.
  const repeats = randomised ? attack.repeats : 1
  const numClasses = surrogate.model.config.numClasses
  const fooledPerRepeat: number[][] = []
  const whiteBoxPerRepeat: number[] = []
  const total = indices.length * repeats
  for (let r = 0; r < repeats; r++) {
    const config = attackConfigFromSpec(attack, seed + r, options.lgvMembers, resources)
    const fooled = new Array<number>(targets.length).fill(0)
    let whiteBoxFooled = 0
    for (let start = 0, batchId = 0; start < indices.length; start += attack.batchSize, batchId++) {
      throwIfCancelled(options.signal)
      const { x, y } = batchTensors(split, indices.slice(start, start + attack.batchSize))
      const goal = attack.targeted
        ? tf.tidy(
            () =>
              tf.cast(
                tf.mod(tf.add(y, tf.scalar(1, 'int32')), tf.scalar(numClasses, 'int32')),
                'int32'
              ) as tf.Tensor1D
          )
        : y
      const adversarial = runAttack(surrogate.model, x, goal, config, { batchId, trueLabels: y })
      const labels = await goal.data()
      const countFooled = (pred: Int32Array): number =>
        pred.reduce(
          (n, p, i) => n + ((attack.targeted ? p === labels[i] : p !== labels[i]) ? 1 : 0),
          0
        )
      const surrogatePred = await predictTensor(surrogate.model, adversarial)
      whiteBoxFooled += countFooled(surrogatePred)
      const predictions: Record<string, Int32Array> = { [surrogate.name]: surrogatePred }
      for (let t = 0; t < targets.length; t++) {
        predictions[targets[t].name] = await predictLabels(targets[t].model, adversarial)
        fooled[t] += countFooled(predictions[targets[t].name])
      }
      if (r === 0 && options.onExamples) {
        const batchIndices = indices.slice(start, start + attack.batchSize)
        options.onExamples({
          indices: batchIndices,
          pixels: (await adversarial.data()) as Float32Array,
          labels: await y.data(),
          goals: labels,
          predictions
        })
      }
      tf.dispose([x, y, goal, adversarial])
      options.onBatch?.(
        r * indices.length + Math.min(start + attack.batchSize, indices.length),
        total
      )
      await yieldToEventLoop()
    }
    fooledPerRepeat.push(fooled)
    whiteBoxPerRepeat.push(indices.length ? whiteBoxFooled / indices.length : 0)
  }
  const attacked = indices.length
  return {
    cells: targets.map((t, i) => {
      const { mean, std } = meanAndStd(fooledPerRepeat.map((f) => (attacked ? f[i] / attacked : 0)))
      return {
        surrogate: surrogate.name,
        target: t.name,
        successRate: mean,
        fooled: fooledPerRepeat[0][i],
        attacked,
        mean,
        std,
        repeats
      }
    }),
    whiteBoxRate: meanAndStd(whiteBoxPerRepeat).mean
  }
}
