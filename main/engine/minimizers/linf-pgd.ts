/**
 * L∞ PGD from an oracle's clean batch (Madry et al. 2018): a uniform random start in the ε-box
 * (optional), then `steps` signed steps of `stepSize`, each followed by the return into
 * [x0 − ε, x0 + ε] ∩ [0, 1] (attacks/norm-step.ts). Gradients are taken in EVAL mode by the oracle
 * (running statistics, nothing updated), like SAT's. Serves adversarial training, the white-box
 * robust accuracy and the robust loss of the flatness measures.
 */
import * as tf from '@tensorflow/tfjs-core'
import { linfStep } from '../attacks/norm-step'
import type { InputGradientOracle } from './input-oracle'

export interface LinfPgdOptions {
  eps: number
  steps: number
  stepSize: number
  randomStart: boolean
}

/** The PGD examples of the oracle's batch (the caller disposes them); `seed` draws the random start. */
export async function linfPgd(
  oracle: InputGradientOracle,
  o: LinfPgdOptions,
  seed: number
): Promise<tf.Tensor4D> {
  const x0 = oracle.inputs
  const [lo, hi] = tf.tidy(() => [
    tf.maximum(tf.sub(x0, o.eps), 0) as tf.Tensor4D,
    tf.minimum(tf.add(x0, o.eps), 1) as tf.Tensor4D
  ])
  let x: tf.Tensor4D = tf.tidy(() =>
    o.randomStart
      ? (tf.minimum(
          tf.maximum(tf.add(x0, tf.randomUniform(x0.shape, -o.eps, o.eps, 'float32', seed)), lo),
          hi
        ) as tf.Tensor4D)
      : tf.clone(x0)
  )
  try {
    for (let s = 0; s < o.steps; s++) {
      const { loss, grad } = await oracle.inputGradient(x)
      const previous = x
      x = tf.tidy(() => linfStep(previous, grad, o.stepSize, lo, hi))
      tf.dispose([previous, loss, grad])
    }
    return x
  } catch (error) {
    x.dispose()
    throw error
  } finally {
    tf.dispose([lo, hi])
  }
}
