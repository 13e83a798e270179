/**
 * SGM: Skip Gradient Method (Wu et al., "Skip Connections Matter: On the Transferability of Adversarial
 * Examples Generated with ResNets", ICLR 2020, https://arxiv.org/abs/2002.05990).
 *
 * In every block with an identity shortcut, the gradient flowing back through the residual branch is
 * multiplied by γ while the forward pass is unchanged: `out = act(x + scaleGrad(F(x), γ))`, so
 * ∂out/∂x = act'·(I + γ·∂F/∂x). Default γ = 0.2 for ResNets with iterative attacks (0.5 DenseNets);
 * γ = 1 is the identity. Projection-shortcut blocks are left alone (spec §4.2).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ForwardContext } from '../../models/forward-context'

/** Identity forward, gradient × γ backward. */
export function scaleGrad(gamma: number): (x: tf.Tensor4D) => tf.Tensor4D {
  if (gamma === 1) return (x) => x
  const op = tf.customGrad((...inputs) => ({
    value: tf.clone(inputs[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.mul(dy, gamma)
  }))
  return (x) => op(x) as tf.Tensor4D
}

/** A `transformResidual` that applies `scaleGrad(γ)` to the residual branch of identity-shortcut blocks. */
export function skipGradientResidual(
  gamma: number
): NonNullable<ForwardContext['transformResidual']> {
  const scale = scaleGrad(gamma)
  return (_blockName, residual, identityShortcut) => (identityShortcut ? scale(residual) : residual)
}
