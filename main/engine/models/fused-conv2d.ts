/**
 * Conv2D + bias + optional ReLU as one kernel launch (`FusedConv2D`, which wasm runs through
 * XNNPACK in one pass), with a gradient computed only for the inputs a backward pass needs.
 *
 * tfjs's own `tf.fused.conv2d` wraps the kernel in `customGrad`, whose gradient computes the input,
 * filter and bias gradients together whatever is asked: an attack, which wants only the input
 * gradient, would pay a filter gradient (our slowest kernel) per layer per step. Calling the
 * kernel directly and registering its gradient with one lazy function per input, as tfjs does for
 * `Conv2D`, keeps the attack's backward pass to Conv2DBackpropInput (plus the ReLU mask).
 */
import * as tf from '@tensorflow/tfjs-core'
import { RELU_GRAD } from '../backend/native/native-relu-grad'

interface FusedConvAttrs {
  strides: [number, number]
  pad: 'same'
  dataFormat: 'NHWC'
  dilations: [number, number]
  activation: 'relu' | 'linear'
}

const attrsOf = (stride: number, relu: boolean): FusedConvAttrs => ({
  strides: [stride, stride],
  pad: 'same',
  dataFormat: 'NHWC',
  dilations: [1, 1],
  activation: relu ? 'relu' : 'linear'
})

/** relu(conv2d(x, filter, stride, 'same') + bias) (or without the ReLU) in one launch. */
export function fusedConv2d(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  stride: number,
  relu: boolean
): tf.Tensor4D {
  registerFusedConv2DGradient()
  return tf
    .engine()
    .runKernel(
      tf.FusedConv2D,
      { x, filter, bias },
      attrsOf(stride, relu) as unknown as tf.NamedAttrMap
    ) as tf.Tensor4D
}

/** dy where y > 0, else 0: one native launch where the native kernels run, else tfjs's two. */
function reluGradient(dy: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor4D {
  if (tf.getKernel(RELU_GRAD, tf.getBackend()) === undefined) return tf.mul(dy, tf.step(y))
  return tf.engine().runKernel(RELU_GRAD, { dy, y }) as tf.Tensor4D
}

let registered = false

/** Registers the lazy gradient once, unless tfjs (a later version) ships one. */
export function registerFusedConv2DGradient(): void {
  if (registered) return
  registered = true
  if (tf.getGradient(tf.FusedConv2D) !== undefined) return
  tf.registerGradient({
    kernelName: tf.FusedConv2D,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dyOut, saved, attrs) => {
      const dy = dyOut as tf.Tensor4D
      const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]
      const { strides, pad, activation } = attrs as unknown as FusedConvAttrs
      if (activation !== 'relu' && activation !== 'linear')
        throw new Error(
          `FusedConv2D gradient: activation '${activation}' is not supported (relu or linear)`
        )
      const dyActive = (): tf.Tensor4D => (activation === 'relu' ? reluGradient(dy, y) : dy)
      return {
        x: () =>
          tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: dyActive(), filter }, {
            strides,
            pad,
            dataFormat: 'NHWC',
            inputShape: x.shape
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
        filter: () =>
          tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: dyActive() }, {
            strides,
            pad,
            dataFormat: 'NHWC',
            filterShape: filter.shape
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
        bias: () => tf.sum(dyActive(), [0, 1, 2])
      }
    }
  })
}
