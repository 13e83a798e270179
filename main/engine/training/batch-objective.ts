/**
 * The gradient oracle of one training iteration: one augmented mini-batch, fixed for every pass of
 * the iteration (spec §1.3). `update` passes collect and apply batch-norm running-statistic
 * updates and record the loss and hits the trainer logs; `probe` passes leave `statUpdates` out,
 * which is the TRAIN-NOUPDATE mode (batch statistics, running statistics untouched).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { PassMode } from '../minimizers/gradient-oracle'
import type { InputGradientOracle } from '../minimizers/input-oracle'
import type { TensorMap } from '../minimizers/tensor-map'
import type { Classifier } from '../models/classifier'
import { EVAL, type StatUpdate } from '../models/forward-context'
import { crossEntropy, perExampleCrossEntropy } from './cross-entropy'
import { applyStatUpdates } from './apply-stat-updates'

export class BatchObjective implements InputGradientOracle {
  /** Loss and correct predictions of the last `update` pass. */
  loss = Number.NaN
  hits = 0
  passes = 0

  private x: tf.Tensor4D

  constructor(
    private readonly model: Classifier,
    readonly inputs: tf.Tensor4D,
    readonly labels: tf.Tensor1D,
    /** The error to throw when the update pass's loss is NaN or infinite (no running statistic moves then). */
    private readonly nonFinite: () => Error
  ) {
    this.x = inputs
  }

  get weights(): Map<string, tf.Variable> {
    return this.model.params.trainable
  }

  useInputs(x: tf.Tensor4D): void {
    this.x = x
  }

  inputLoss(x: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => perExampleCrossEntropy(this.model.forward(x, EVAL), this.labels))
  }

  async inputGradient(x: tf.Tensor4D): Promise<{ loss: tf.Tensor1D; grad: tf.Tensor4D }> {
    // The summed loss is separable per example in EVAL mode, so its input gradient is per example.
    let loss: tf.Tensor1D | undefined
    const grad = tf.tidy(() =>
      tf.grad((input: tf.Tensor) => {
        const perExample = perExampleCrossEntropy(
          this.model.forward(input as tf.Tensor4D, EVAL),
          this.labels
        )
        loss = tf.keep(perExample)
        return tf.sum(perExample) as tf.Scalar
      })(x)
    ) as tf.Tensor4D
    this.passes++
    return { loss: loss!, grad }
  }

  async gradient(mode: PassMode): Promise<TensorMap> {
    const statUpdates: StatUpdate[] | undefined = mode === 'update' ? [] : undefined
    const trainable = this.weights
    const { value, grads, logits } = tf.tidy(() => {
      let logits: tf.Tensor2D | undefined
      const { value, grads } = tf.variableGrads(() => {
        const output = this.model.forward(this.x, { training: true, statUpdates })
        // variableGrads frees intermediates on return; keep the logits the hits are counted from.
        if (statUpdates) logits = tf.keep(output)
        return crossEntropy(output, this.labels)
      }, [...trainable.values()])
      return { value, grads, logits }
    })
    this.passes++
    const byName: TensorMap = new Map()
    for (const [name, v] of trainable) byName.set(name, grads[v.name])
    try {
      if (statUpdates) {
        const [loss] = await value.data()
        this.loss = loss
        this.hits = logits ? countHits(await logits.data(), await this.labels.data()) : 0
        if (!Number.isFinite(loss)) {
          tf.dispose(Object.values(grads))
          throw this.nonFinite()
        }
        applyStatUpdates(statUpdates)
      }
      return byName
    } finally {
      tf.dispose([value, ...(logits ? [logits] : [])])
      for (const u of statUpdates ?? []) tf.dispose([u.batchMean, u.batchVariance])
    }
  }
}

/**
 * Examples whose largest logit (the first, on ties, as tf.argMax) is their label. Counted here from
 * the read-back logits: as ops (argMax, equal, cast, sum) it was four launches recorded on the tape.
 */
function countHits(logits: ArrayLike<number>, labels: ArrayLike<number>): number {
  const classes = logits.length / labels.length
  let hits = 0
  for (let b = 0; b < labels.length; b++) {
    let best = 0
    for (let k = 1; k < classes; k++)
      if (logits[b * classes + k] > logits[b * classes + best]) best = k
    if (best === labels[b]) hits++
  }
  return hits
}
