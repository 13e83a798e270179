/**
 * SI: Scale-Invariant copies (Lin et al., "Nesterov Accelerated Gradient and Scale Invariance for
 * Adversarial Attacks", ICLR 2020, https://arxiv.org/abs/1908.06281).
 *
 * The oracle averages the gradient over copies z / 2^i, i = 0 … m−1, in [0,1] pixel space (copies move
 * toward black, as in torchattacks). Default m = 5. The derivative is taken with respect to z, so
 * each term carries its 2^−i factor; m = 1 is the plain oracle.
 */
import * as tf from '@tensorflow/tfjs-core'

/** Copy k of z: z / 2^k (multiplying by a power of two is exact in float32). Copy 0 is z itself. */
export function scaleCopy(z: tf.Tensor4D, k: number): tf.Tensor4D {
  return k === 0 ? z : tf.mul(z, 2 ** -k)
}
