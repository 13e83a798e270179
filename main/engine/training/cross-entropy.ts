/** Mean softmax cross-entropy over a batch, from logits and int labels (no label smoothing). */
import * as tf from '@tensorflow/tfjs-core'
import './register-gradients'

export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const logProbs = tf.logSoftmax(logits)
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(labels, logits.shape[1])), 1)
  return tf.neg(tf.mean(picked)) as tf.Scalar
}

/** Summed cross-entropy: the attack loss (its scale does not change a sign step). */
export function crossEntropySum(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const logProbs = tf.logSoftmax(logits)
  return tf.neg(tf.sum(tf.mul(logProbs, tf.oneHot(labels, logits.shape[1])))) as tf.Scalar
}

/** Per-example cross-entropy (the loss SAT's PGD ascends and compares for use-best). */
export function perExampleCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const logProbs = tf.logSoftmax(logits)
  return tf.neg(tf.sum(tf.mul(logProbs, tf.oneHot(labels, logits.shape[1])), 1)) as tf.Tensor1D
}
