/**
 * What the native convolution kernels share: tfjs's conv attributes and geometry (forward and
 * both gradients compute the same `Conv2DInfo`), and the check that a gradient's dy fits it.
 */
import * as tf from '@tensorflow/tfjs-core'

export interface ConvAttrs {
  strides: number | [number, number]
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding
  dataFormat?: 'NHWC' | 'NCHW'
  dilations?: number | [number, number]
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}

/** tfjs's own geometry of a channels-last conv of `xShape` by `filterShape`. */
export function convInfo(
  xShape: number[],
  filterShape: number[],
  attrs: ConvAttrs,
  depthwise: boolean
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast'
  )
}

/** Throws, naming the shapes, when a gradient's dy is not the forward conv's output shape. */
export function assertDyFits(
  kernelName: string,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  forward: string
): void {
  tf.util.assert(
    tf.util.arraysEqual(dy.shape, info.outShape),
    () =>
      `Error in native ${kernelName}: dy has shape [${dy.shape}] but a conv of ${forward} gives [${info.outShape}].`
  )
}
