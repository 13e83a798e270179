/**
 * Softmax cross-entropy from logits and integer labels in one launch, and its gradient in one.
 *
 * The op form (logSoftmax, oneHot, multiply, sum, mean or sum, negate) is ~11 launches forward and
 * ~16 backward for a [64, 10] batch: pure engine dispatch, a tenth of a small net's training step.
 * Per example b with label l: loss_b = log Σ_k e^{x_bk} − x_bl (shifted by the row's maximum), and
 *   ∂loss/∂x_bk = w_b · (softmax_bk − [k = l]),   w_b = dy_b, dy or dy/B for 'none', 'sum', 'mean'.
 * A label outside [0, K) picks nothing, as tfjs's oneHot gives it an all-zero row: its loss and
 * gradient are 0. Sums run in float64. Registered for wasm and cpu; `hasSoftmaxCrossEntropyKernel`
 * tells the callers (training/cross-entropy.ts) when to use the op form instead.
 */
import * as tf from '@tensorflow/tfjs-core'
import { registerArrayKernel, type KernelArrays } from './kernel-arrays'

export const SOFTMAX_CE = 'FlatlineSoftmaxCrossEntropy'
export const SOFTMAX_CE_GRAD = 'FlatlineSoftmaxCrossEntropyGrad'

/** Per-example losses ([B]), or their sum or mean (a scalar). */
export type CrossEntropyReduction = 'none' | 'sum' | 'mean'

interface Params {
  inputs: tf.NamedTensorInfoMap
  attrs?: tf.NamedAttrMap
}

function input(params: Params, name: string, kernel: string): tf.TensorInfo {
  const info = params.inputs[name]
  if (!info) throw new Error(`Error in ${kernel}: input '${name}' is missing`)
  return info
}

/** Batch and classes of the logits, checked against the labels. */
function shapes(params: Params, kernel: string): { batch: number; classes: number } {
  const logits = input(params, 'logits', kernel)
  const labels = input(params, 'labels', kernel)
  if (logits.shape.length !== 2 || labels.shape.length !== 1 || labels.shape[0] !== logits.shape[0])
    throw new Error(
      `Error in ${kernel}: logits must be [batch, classes] and labels [batch]; got [${logits.shape}] and [${labels.shape}]`
    )
  if (logits.shape[1] < 1)
    throw new Error(`Error in ${kernel}: logits [${logits.shape}] have no classes to predict`)
  return { batch: logits.shape[0], classes: logits.shape[1] }
}

/** Labels are int32; the heap view reads them with their own type whatever `read` is typed as. */
const readLabels = (arrays: KernelArrays, info: tf.TensorInfo): ArrayLike<number> =>
  arrays.read(info) as ArrayLike<number>

/** log Σ_k e^{x_k} of one row, shifted by its maximum. */
function logSumExp(x: Float32Array, start: number, classes: number): number {
  let max = -Infinity
  for (let k = 0; k < classes; k++) max = Math.max(max, x[start + k])
  let sum = 0
  for (let k = 0; k < classes; k++) sum += Math.exp(x[start + k] - max)
  return max + Math.log(sum)
}

const picks = (label: number, classes: number): boolean =>
  Number.isInteger(label) && label >= 0 && label < classes

function forward(arrays: KernelArrays, params: Params): tf.TensorInfo {
  const { batch, classes } = shapes(params, SOFTMAX_CE)
  const reduction = params.attrs?.reduction as CrossEntropyReduction
  const out = arrays.alloc(reduction === 'none' ? [batch] : [])
  const x = arrays.read(input(params, 'logits', SOFTMAX_CE))
  const labels = readLabels(arrays, input(params, 'labels', SOFTMAX_CE))
  const values = out.values()
  let total = 0
  for (let b = 0; b < batch; b++) {
    const start = b * classes
    const loss = picks(labels[b], classes) ? logSumExp(x, start, classes) - x[start + labels[b]] : 0
    if (reduction === 'none') values[b] = loss
    total += loss
  }
  if (reduction !== 'none') values[0] = reduction === 'mean' ? total / batch : total
  return out.info
}

function gradient(arrays: KernelArrays, params: Params): tf.TensorInfo {
  const { batch, classes } = shapes(params, SOFTMAX_CE_GRAD)
  const reduction = params.attrs?.reduction as CrossEntropyReduction
  const out = arrays.alloc([batch, classes])
  const x = arrays.read(input(params, 'logits', SOFTMAX_CE_GRAD))
  const labels = readLabels(arrays, input(params, 'labels', SOFTMAX_CE_GRAD))
  const dy = arrays.read(input(params, 'dy', SOFTMAX_CE_GRAD))
  const dx = out.values()
  for (let b = 0; b < batch; b++) {
    const start = b * classes
    const label = labels[b]
    if (!picks(label, classes)) {
      dx.fill(0, start, start + classes)
      continue
    }
    const weight = reduction === 'none' ? dy[b] : reduction === 'mean' ? dy[0] / batch : dy[0]
    const lse = logSumExp(x, start, classes)
    for (let k = 0; k < classes; k++)
      dx[start + k] = weight * (Math.exp(x[start + k] - lse) - (k === label ? 1 : 0))
  }
  return out.info
}

let registered = false

/** Registers both kernels (wasm and cpu) and the forward kernel's gradient, once. */
export function registerSoftmaxCrossEntropyKernels(): void {
  if (registered) return
  registered = true
  registerArrayKernel(SOFTMAX_CE, forward)
  registerArrayKernel(SOFTMAX_CE_GRAD, gradient)
  if (tf.getGradient(SOFTMAX_CE) !== undefined) return
  tf.registerGradient({
    kernelName: SOFTMAX_CE,
    inputsToSave: ['logits', 'labels'],
    gradFunc: (dy, saved, attrs) => {
      const [logits, labels] = saved
      return {
        logits: () =>
          tf
            .engine()
            .runKernel(
              SOFTMAX_CE_GRAD,
              { logits, labels, dy: dy as tf.Tensor },
              attrs
            ) as tf.Tensor,
        // Labels are data, never differentiated; a float zero keeps the tape's dtype check happy.
        labels: () => tf.zeros(labels.shape)
      }
    }
  })
}

/** Whether the active backend has the kernels (wasm and cpu do). */
export function hasSoftmaxCrossEntropyKernel(): boolean {
  registerSoftmaxCrossEntropyKernels()
  return tf.getKernel(SOFTMAX_CE, tf.getBackend()) !== undefined
}

/** Softmax cross-entropy of float32 logits [B, K] against int32 labels [B], in one launch. */
export function softmaxCrossEntropy(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  reduction: CrossEntropyReduction
): tf.Tensor {
  registerSoftmaxCrossEntropyKernels()
  return tf.engine().runKernel(SOFTMAX_CE, { logits, labels }, { reduction }) as tf.Tensor
}
