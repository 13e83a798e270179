/**
 * Admix (Wang et al., "Admix: Enhancing the Transferability of Adversarial Attacks", ICCV 2021,
 * https://arxiv.org/abs/2102.00436).
 *
 * Each oracle call averages the gradient over m₁·m₂ copies (z + η·x′_j) / 2^i, i < m₁, j < m₂, with
 * add-ins x′ constant (no gradient) and the original label for every copy. The add-ins come from a
 * pool of clean images of other classes than the example's label ("from other categories", as the
 * paper says; both releases shuffle the batch instead): one per example, per j, per call, from the
 * keyed stream rng("admix", t, call, j). No clipping, as in the releases. Defaults η = 0.2, m₁ = 5,
 * m₂ = 3 (15 passes per call).
 */
import * as tf from '@tensorflow/tfjs-core'
import { batchTensors, type ImageSplit } from '../../data/dataset'
import type { CleanPool } from '../attack-config'
import type { AttackRng } from '../attack-rng'
import type { CopyGenerator } from '../gradient-oracle'
import { scaleCopy } from './scale-invariance'

export interface AdmixSettings {
  eta: number
  scales: number
  mixes: number
}

/** For each example, the pool indices it may take add-ins from (labels ≠ its own); throws when one has none. */
export function admixCandidates(poolLabels: Int32Array, labels: ArrayLike<number>): number[][] {
  return Array.from(labels, (y, b) => {
    const candidates: number[] = []
    poolLabels.forEach((l, i) => l !== y && candidates.push(i))
    if (candidates.length === 0)
      throw new Error(
        `admix needs clean images of another class than ${y} (example ${b}) to mix in, but its pool holds none: ` +
          'attack more examples at once (a larger batch or evaluation set), or remove "admix"'
      )
    return candidates
  })
}

/** Pool indices of the add-ins of mix j at (t, call), one per example. */
export function drawAddIns(
  candidates: number[][],
  rng: AttackRng,
  t: number,
  call: number,
  j: number
): number[] {
  const stream = rng.at('admix', t, call, j)
  return candidates.map((c) => c[stream.int(c.length)])
}

export function admixGenerator(
  settings: AdmixSettings,
  pool: CleanPool,
  labels: ArrayLike<number>,
  rng: AttackRng
): CopyGenerator {
  const candidates = admixCandidates(pool.labels, labels)
  return {
    count: settings.scales * settings.mixes,
    copy(z, k, t, call) {
      const i = Math.floor(k / settings.mixes)
      const j = k % settings.mixes
      const addIns = tf.gather(
        pool.images,
        tf.tensor1d(drawAddIns(candidates, rng, t, call, j), 'int32')
      )
      return scaleCopy(tf.add(z, tf.mul(addIns, settings.eta)) as tf.Tensor4D, i)
    }
  }
}

/** The clean images at `indices` of a split with their labels: the evaluation set Admix mixes in. */
export function admixPool(split: ImageSplit, indices: number[]): CleanPool {
  const { x, y } = batchTensors(split, indices)
  const labels = y.dataSync() as Int32Array
  y.dispose()
  return { images: x, labels: Int32Array.from(labels) }
}
