/**
 * Softmax cross-entropy from logits and int labels (no label smoothing): mean, sum or per example.
 * One launch each way where the backend has our kernel (wasm, cpu; softmax-cross-entropy-kernel.ts),
 * else the op form.
 */
import * as tf from '@tensorflow/tfjs-core'
import './register-gradients'
import {
  hasSoftmaxCrossEntropyKernel,
  softmaxCrossEntropy,
  type CrossEntropyReduction
} from '../backend/softmax-cross-entropy-kernel'

function reduced(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  reduction: CrossEntropyReduction
): tf.Tensor {
  if (labels.dtype === 'int32' && logits.dtype === 'float32' && hasSoftmaxCrossEntropyKernel())
    return softmaxCrossEntropy(logits, labels, reduction)
  // The op form (also what gives a clear error for float labels: oneHot wants int32).
  const logProbs = tf.logSoftmax(logits)
  const picked = tf.mul(logProbs, tf.oneHot(labels, logits.shape[1]))
  if (reduction === 'none') return tf.neg(tf.sum(picked, 1))
  if (reduction === 'sum') return tf.neg(tf.sum(picked))
  return tf.neg(tf.mean(tf.sum(picked, 1)))
}

/** Mean cross-entropy over the batch: the training loss. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return reduced(logits, labels, 'mean') as tf.Scalar
}

/** Summed cross-entropy: the attack loss (its scale does not change a sign step). */
export function crossEntropySum(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return reduced(logits, labels, 'sum') as tf.Scalar
}

/** Per-example cross-entropy (the loss SAT's PGD ascends and compares for use-best). */
export function perExampleCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return reduced(logits, labels, 'none') as tf.Tensor1D
}
