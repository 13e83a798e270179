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

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose()
    this.buffers.clear()
  }
}
