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
    const { value, grads, hits } = tf.tidy(() => {
      let hits: tf.Scalar | undefined
      const { value, grads } = tf.variableGrads(() => {
        const logits = this.model.forward(this.x, { training: true, statUpdates })
        // variableGrads frees intermediates on return; keep the accuracy count it computes.
        if (statUpdates)
          hits = tf.keep(
            tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), this.labels), 'int32')) as tf.Scalar
          )
        return crossEntropy(logits, this.labels)
      }, [...trainable.values()])
      return { value, grads, hits }
    })
    this.passes++
    const byName: TensorMap = new Map()
    for (const [name, v] of trainable) byName.set(name, grads[v.name])
    try {
      if (statUpdates) {
        const [loss] = await value.data()
        this.loss = loss
        this.hits = hits ? (await hits.data())[0] : 0
        if (!Number.isFinite(loss)) {
          tf.dispose(Object.values(grads))
          throw this.nonFinite()
        }
        applyStatUpdates(statUpdates)
      }
      return byName
    } finally {
      tf.dispose([value, ...(hits ? [hits] : [])])
      for (const u of statUpdates ?? []) tf.dispose([u.batchMean, u.batchVariance])
    }
  }
}
