/**
 * Named model tensors: trainable weights (`w` of the training spec) and buffers (batch-norm
 * running statistics), kept apart so optimizers never decay, perturb or average the buffers.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'

export class ModelParams {
  readonly trainable = new Map<string, tf.Variable>()
  readonly buffers = new Map<string, tf.Variable>()

  constructor(private readonly rng: Rng) {}

  /** He-normal weights (fan-in), the usual init for ReLU nets. */
  heNormal(name: string, shape: number[], fanIn: number): tf.Variable {
    const std = Math.sqrt(2 / fanIn)
    return this.add(name, tf.randomNormal(shape, 0, std, 'float32', this.rng.seed()), true)
  }

  /** Uniform in ±1/sqrt(fanIn), PyTorch's default for linear layers. */
  uniformFanIn(name: string, shape: number[], fanIn: number): tf.Variable {
    const bound = 1 / Math.sqrt(fanIn)
    return this.add(name, tf.randomUniform(shape, -bound, bound, 'float32', this.rng.seed()), true)
  }

  constant(name: string, shape: number[], value: number, trainable: boolean): tf.Variable {
    return this.add(name, tf.fill(shape, value), trainable)
  }

  /** Takes `initial` as a new variable (weights read from a file); the tensor is disposed. */
  adopt(name: string, initial: tf.Tensor, trainable: boolean): tf.Variable {
    return this.add(name, initial, trainable)
  }

  /** Every tensor by name, trainable first; the order is the save order. */
  all(): Map<string, tf.Variable> {
    return new Map([...this.trainable, ...this.buffers])
  }

  countTrainable(): number {
    let n = 0
    for (const v of this.trainable.values()) n += v.size
    return n
  }

  dispose(): void {
    for (const v of this.all().values()) v.dispose()
    this.trainable.clear()
    this.buffers.clear()
  }

  private add(name: string, initial: tf.Tensor, trainable: boolean): tf.Variable {
    if (this.trainable.has(name) || this.buffers.has(name))
      throw new Error(`Error in ModelParams: duplicate tensor name "${name}"`)
    const v = tf.variable(initial, trainable, name + '_' + Math.random().toString(36).slice(2))
    initial.dispose()
    ;(trainable ? this.trainable : this.buffers).set(name, v)
    return v
  }
}
