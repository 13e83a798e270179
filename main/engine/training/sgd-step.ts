/**
 * The base optimizer step every recipe ends with (training spec §1.1): PyTorch SGD with momentum
 * μ, no dampening, no Nesterov, and coupled weight decay λ on every trainable tensor:
 *   d = g + λ·w;  buf = μ·buf + d;  w = w − η·buf
 * Weight decay is added to the gradient, never to the loss, so SAM-style ascent passes built on
 * top of this step never see it.
 */
import * as tf from '@tensorflow/tfjs-core'

export class SgdMomentum {
  private readonly buffers = new Map<tf.Variable, tf.Variable>()

  constructor(
    private readonly momentum: number,
    private readonly weightDecay: number
  ) {}

  /** Applies one step to each variable given its loss gradient. */
  step(variables: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): void {
    for (const [name, w] of variables) {
      const g = grads.get(name)
      if (!g) throw new Error(`Error in SgdMomentum.step: no gradient for "${name}"`)
      let buf = this.buffers.get(w)
      if (!buf) {
        const zeros = tf.zerosLike(w)
        buf = tf.variable(zeros, false) // the variable keeps the data; the initial tensor must still be freed
        zeros.dispose()
        this.buffers.set(w, buf)
      }
      const b = buf
      tf.tidy(() => {
        const d = this.weightDecay > 0 ? tf.add(g, tf.mul(w, this.weightDecay)) : g
        const next = tf.add(tf.mul(b, this.momentum), d)
        b.assign(next)
        w.assign(tf.sub(w, tf.mul(next, lr)))
      })
    }
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
      if (!variables.has(name)) throw new Error(`Error in SgdMomentum.restore: the checkpoint has a momentum buffer for "${name}", which the model does not have`)
    for (const [name, w] of variables) {
      const saved = buffers.get(name)
      if (!saved) continue
      if (!tf.util.arraysEqual(saved.shape, w.shape))
        throw new Error(`Error in SgdMomentum.restore: the momentum buffer of "${name}" has shape [${saved.shape}], the weight [${w.shape}]`)
      this.buffers.get(w)?.dispose()
      this.buffers.set(w, tf.variable(saved, false))
    }
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose()
    this.buffers.clear()
  }
}
