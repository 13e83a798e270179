/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships none (tfjs 4.22).
 *
 * Without it the wasm backend can run a conv net forward and take gradients with respect to the
 * input (attacks), but not with respect to the filters (training). The filter gradient of an NHWC
 * convolution with stride s is itself a convolution:
 *
 *   dW[kh, kw, ci, co] = Σ_b,h,w  xpad[b, h·s + kh, w·s + kw, ci] · dy[b, h, w, co]
 *
 * Read x transposed to [Ci, H, W, B] as a batch of Ci single images with B channels, and dy
 * transposed to [Ho, Wo, B, Co] as a filter: a stride-1 convolution whose filter taps are spaced
 * s apart (dilation = the forward stride), on x padded like the forward pass, gives
 * [Ci, ≥kh, ≥kw, Co]. Slicing to [kh, kw] and transposing to [kh, kw, Ci, Co] gives dW. All of it
 * runs on wasm's own XNNPACK kernels (Transpose, Conv2D, Slice).
 *
 * Limits: NHWC only; the forward conv's dilation must be 1, which tfjs-core's `Conv2D` gradient
 * already demands, and the kernel's attributes carry no dilation to check.
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput, kernelInputTensor } from './kernel-input-tensor'

const NAME = 'wasm Conv2DBackpropFilter'

function conv2DBackpropFilter(params: {
  inputs: tf.NamedTensorInfoMap
  backend: object
  attrs?: tf.NamedAttrMap
}): tf.TensorInfo {
  const backend = params.backend as tf.KernelBackend
  const xInfo = kernelInput(params.inputs, 'x', NAME)
  const dyInfo = kernelInput(params.inputs, 'dy', NAME)
  const attrs = params.attrs as unknown as tf.Conv2DBackpropFilterAttrs
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs

  tf.util.assert(
    dataFormat === undefined || dataFormat === 'NHWC',
    () =>
      `Error in ${NAME}: dataFormat '${dataFormat}' is not supported; use 'NHWC' (channels last).`
  )
  tf.util.assert(
    xInfo.shape.length === 4 && dyInfo.shape.length === 4 && filterShape.length === 4,
    () =>
      `Error in ${NAME}: x, dy and filterShape must be rank 4 (NHWC); got x [${xInfo.shape}], ` +
      `dy [${dyInfo.shape}], filterShape [${filterShape}].`
  )
  const [batch, inH, inW, inC] = xInfo.shape
  const [kh, kw, filterInC, outC] = filterShape
  tf.util.assert(
    filterInC === inC,
    () =>
      `Error in ${NAME}: filterShape [${filterShape}] has ${filterInC} input channels but x has ${inC}.`
  )

  const info = tf.backend_util.computeConv2DInfo(
    [batch, inH, inW, inC],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast'
  )
  const expected = [batch, info.outHeight, info.outWidth, outC]
  tf.util.assert(
    tf.util.arraysEqual(dyInfo.shape, expected),
    () =>
      `Error in ${NAME}: dy has shape [${dyInfo.shape}] but a conv of x [${xInfo.shape}] with filter ` +
      `[${filterShape}], strides ${JSON.stringify(strides)}, pad ${JSON.stringify(pad)} gives [${expected}].`
  )

  const sh = info.strideHeight
  const sw = info.strideWidth
  const { top, left } = info.padInfo
  // Rows/columns the dilated dy filter must cover so the output has at least kh × kw taps. Padding
  // beyond what the forward pass used would only add taps we slice off, so never pad more than needed.
  const bottom = Math.max(0, (info.outHeight - 1) * sh + kh - inH - top)
  const right = Math.max(0, (info.outWidth - 1) * sw + kw - inW - left)

  return tf.tidy(() => {
    const x = kernelInputTensor(xInfo, backend) as tf.Tensor4D
    const dy = kernelInputTensor(dyInfo, backend) as tf.Tensor4D
    const xT = tf.transpose(x, [3, 1, 2, 0])
    const dyT = tf.transpose(dy, [1, 2, 0, 3])
    const full = tf.conv2d(
      xT,
      dyT,
      1,
      [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0]
      ],
      'NHWC',
      [sh, sw]
    )
    const taps =
      full.shape[1] === kh && full.shape[2] === kw
        ? full
        : tf.slice(full, [0, 0, 0, 0], [inC, kh, kw, outC])
    return tf.transpose(taps, [1, 2, 0, 3])
  })
}

/**
 * Registers the kernel for 'wasm' unless wasm already has one (a later tfjs may ship its own).
 *
 * Returns true when this call registered it. Safe to call any number of times.
 */
export function registerWasmConv2DBackpropFilter(): boolean {
  if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm') !== undefined) return false
  tf.registerKernel({
    kernelName: tf.Conv2DBackpropFilter,
    backendName: 'wasm',
    kernelFunc: conv2DBackpropFilter
  })
  return true
}
