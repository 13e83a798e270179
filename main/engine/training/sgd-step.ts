/**
 * The base optimizer step every recipe ends with (training spec §1.1): PyTorch SGD with momentum
 * μ, no dampening, no Nesterov, and coupled weight decay λ on every trainable tensor:
 *   d = g + λ·w;  buf = μ·buf + d;  w = w − η·buf
 * Weight decay is added to the gradient, never to the loss, so SAM-style ascent passes built on
 * top of this step never see it.
 */
import * as tf from '@tensorflow/tfjs-core'
import { registerSgdMomentumKernel, SGD_MOMENTUM_KERNEL } from '../backend/sgd-momentum-kernel'

registerSgdMomentumKernel()

export class SgdMomentum {
  private readonly buffers = new Map<tf.Variable, tf.Variable>()

  constructor(
    private readonly momentum: number,
    private readonly weightDecay: number
  ) {}

  /** Applies one step to each variable given its loss gradient. */
  step(variables: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): void {
    const weights = [...variables.entries()].map(([name, w]) => {
      const g = grads.get(name)
      if (!g) throw new Error(`Error in SgdMomentum.step: no gradient for "${name}"`)
      return { w, g, buf: this.buffer(w) }
    })
    if (tf.getKernel(SGD_MOMENTUM_KERNEL, tf.getBackend()) !== undefined)
      this.fusedStep(weights, lr)
    else for (const { w, g, buf } of weights) this.opStep(w, g, buf, lr)
  }

  private buffer(w: tf.Variable): tf.Variable {
    let buf = this.buffers.get(w)
    if (!buf) {
      const zeros = tf.zerosLike(w)
      buf = tf.variable(zeros, false) // the variable keeps the data; the initial tensor must still be freed
      zeros.dispose()
      this.buffers.set(w, buf)
    }
    return buf
  }

  /** Every weight in one kernel launch (sgd-momentum-kernel.ts). */
  private fusedStep(
    weights: { w: tf.Variable; g: tf.Tensor; buf: tf.Variable }[],
    lr: number
  ): void {
    const inputs: tf.NamedTensorMap = {}
    weights.forEach(({ w, g, buf }, i) => {
      inputs[`w${i}`] = w
      inputs[`g${i}`] = g
      inputs[`b${i}`] = buf
    })
    const attrs = {
      count: weights.length,
      lr,
      momentum: this.momentum,
      weightDecay: this.weightDecay
    }
    const out = tf
      .engine()
      .runKernel(SGD_MOMENTUM_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[]
    weights.forEach(({ w, buf }, i) => {
      w.assign(out[i])
      buf.assign(out[weights.length + i])
    })
    tf.dispose(out)
  }

  /** One weight with tfjs ops, for backends without the fused kernel. */
  private opStep(w: tf.Variable, g: tf.Tensor, b: tf.Variable, lr: number): void {
    tf.tidy(() => {
      const d = this.weightDecay > 0 ? tf.add(g, tf.mul(w, this.weightDecay)) : g
      const next = tf.add(tf.mul(b, this.momentum), d)
      b.assign(next)
      w.assign(tf.sub(w, tf.mul(next, lr)))
    })
  }

  /** The momentum buffers by weight name, for a checkpoint; borrowed (valid until the next step). */
  state(variables: Map<string, tf.Variable>): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>()
    for (const [name, w] of variables) {
      const b = this.buffers.get(w)
      if (b) out.set(name, b)
    }
    return out
  }

  /** Sets the buffers to copies of a checkpoint's (from `state`); a weight without one starts at zero as usual. */
  restore(variables: Map<string, tf.Variable>, buffers: Map<string, tf.Tensor>): void {
    for (const name of buffers.keys())
      if (!variables.has(name))
        throw new Error(
          `Error in SgdMomentum.restore: the checkpoint has a momentum buffer for "${name}", which the model does not have`
        )
    for (const [name, w] of variables) {
      const saved = buffers.get(name)
      if (!saved) continue
      if (!tf.util.arraysEqual(saved.shape, w.shape))
        throw new Error(
          `Error in SgdMomentum.restore: the momentum buffer of "${name}" has shape [${saved.shape}], the weight [${w.shape}]`
        )
      this.buffers.get(w)?.dispose()
      this.buffers.set(w, tf.variable(saved, false))
    }
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose()
    this.buffers.clear()
  }
}
