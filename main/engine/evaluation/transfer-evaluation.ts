/**
 * Transfer success rates as the paper measures them: BIM examples crafted on each surrogate, from
 * test images that every target classifies correctly, and the fraction of them each target
 * misclassifies. The denominator (`attacked`) travels with every rate.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { AttackSpec } from '../../contract/audit-spec'
import type { TransferCell } from '../../contract/run-record'
import { bimAttack } from '../attacks/bim'
import { batchTensors, type ImageSplit } from '../data/dataset'
import { throwIfCancelled, yieldToEventLoop } from '../jobs/job-errors'
import type { Classifier } from '../models/classifier'
import { predictTensor } from './predict'

export interface NamedModel {
  name: string
  model: Classifier
}

/** Indices of the examples every model predicts correctly, given each model's predictions. */
export function commonlyCorrect(split: ImageSplit, indices: number[], predictions: Int32Array[]): number[] {
  return indices.filter((k, i) => predictions.every((p) => p[i] === split.labels[k]))
}

export interface SurrogateTransfer {
  cells: TransferCell[]
  whiteBoxRate: number
}

/** Attacks `indices` on one surrogate, batch by batch, and scores every target on the result. */
export async function measureTransfer(
  surrogate: NamedModel,
  targets: NamedModel[],
  split: ImageSplit,
  indices: number[],
  attack: AttackSpec,
  options: { signal?: AbortSignal; onBatch?: (done: number, total: number) => void }
): Promise<SurrogateTransfer> {
  const fooled = new Array<number>(targets.length).fill(0)
  let whiteBoxFooled = 0
  for (let start = 0; start < indices.length; start += attack.batchSize) {
    throwIfCancelled(options.signal)
    const { x, y } = batchTensors(split, indices.slice(start, start + attack.batchSize))
    const adversarial = bimAttack(surrogate.model, x, y, { eps: attack.eps, stepSize: attack.stepSize, steps: attack.steps })
    const labels = await y.data()
    const countWrong = (pred: Int32Array) => pred.reduce((n, p, i) => n + (p !== labels[i] ? 1 : 0), 0)
    whiteBoxFooled += countWrong(await predictTensor(surrogate.model, adversarial))
    for (let t = 0; t < targets.length; t++) fooled[t] += countWrong(await predictTensor(targets[t].model, adversarial))
    tf.dispose([x, y, adversarial])
    options.onBatch?.(Math.min(start + attack.batchSize, indices.length), indices.length)
    await yieldToEventLoop()
  }
  const attacked = indices.length
  return {
    cells: targets.map((t, i) => ({
      surrogate: surrogate.name,
      target: t.name,
      successRate: attacked ? fooled[i] / attacked : 0,
      fooled: fooled[i],
      attacked
    })),
    whiteBoxRate: attacked ? whiteBoxFooled / attacked : 0
  }
}
