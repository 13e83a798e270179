/**
 * A faster `Conv2DBackpropInput` for the wasm backend, built on its XNNPACK forward convolution.
 *
 * wasm's native kernel (tfjs 4.22) is a plain loop: for x [128,28,28,16] and a 3×3×16×32 'same'
 * filter it took ~600 ms where the forward conv took ~60 ms, and it runs once per conv layer in
 * every training step and every attack iteration. The input gradient of a stride-s convolution is
 * a stride-1 correlation of dy, spread out with s − 1 zeros between entries, with the filter
 * rotated 180° and its channel axes swapped:
 *
 *   dx[b, i, j, ci] = Σ_kh,kw,co  dyz[b, i + top − kh, j + left − kw, co] · W[kh, kw, ci, co]
 *
 * where dyz[ho·s] = dy[ho]. Shifting to the rotated filter turns the offsets into front padding of
 * kh − 1 − top (and kw − 1 − left); rows or columns that no output can reach are cropped instead
 * of padded, so explicit paddings larger than the filter work too.
 *
 * The native kernel stays in charge of what we do not handle (NCHW), so behaviour there is unchanged.
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput, kernelInputTensor } from './kernel-input-tensor'

const NAME = 'wasm Conv2DBackpropInput'
const FAST = Symbol.for('flatline.wasm-conv2d-backprop-input-fast')

type MarkedKernelFunc = tf.KernelFunc & { [FAST]?: true }

/** Spreads dy's rows and columns s apart: [B, Ho, Wo, C] → [B, Ho·sh, Wo·sw, C], zeros between. */
function spread(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy
  const [b, ho, wo, c] = dy.shape
  const grid = tf.pad(tf.reshape(dy, [b, ho, 1, wo, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0]
  ])
  return tf.reshape(grid, [b, ho * sh, wo * sw, c])
}

/** Front/back padding (negative = crop) along one axis so a length-`len` signal yields `out` taps. */
function axisPadding(front: number, len: number, kernel: number, out: number): [number, number] {
  return [front, out + kernel - 1 - front - len]
}

function fastBackpropInput(native: tf.KernelFunc): MarkedKernelFunc {
  const kernelFunc: MarkedKernelFunc = (params) => {
    const attrs = params.attrs as unknown as tf.Conv2DBackpropInputAttrs
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs
    if (dataFormat !== undefined && dataFormat !== 'NHWC') return native(params)
    const backend = params.backend as tf.KernelBackend
    const dyInfo = kernelInput(params.inputs, 'dy', NAME)
    const filterInfo = kernelInput(params.inputs, 'filter', NAME)
    tf.util.assert(
      dyInfo.shape.length === 4 && filterInfo.shape.length === 4 && inputShape.length === 4,
      () =>
        `Error in ${NAME}: dy, filter and inputShape must be rank 4 (NHWC); got dy [${dyInfo.shape}], ` +
        `filter [${filterInfo.shape}], inputShape [${inputShape}].`
    )
    const [kh, kw, inC, outC] = filterInfo.shape
    const [, inH, inW] = inputShape
    tf.util.assert(
      inputShape[3] === inC,
      () =>
        `Error in ${NAME}: inputShape [${inputShape}] has ${inputShape[3]} channels but filter has ${inC}.`
    )
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      [kh, kw, inC, outC],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast'
    )
    const expected = [inputShape[0], info.outHeight, info.outWidth, outC]
    tf.util.assert(
      tf.util.arraysEqual(dyInfo.shape, expected),
      () =>
        `Error in ${NAME}: dy has shape [${dyInfo.shape}] but a conv of inputShape [${inputShape}] with ` +
        `filter [${filterInfo.shape}], strides ${JSON.stringify(strides)}, pad ${JSON.stringify(pad)} ` +
        `gives [${expected}].`
    )
    const sh = info.strideHeight
    const sw = info.strideWidth

    return tf.tidy(() => {
      const dy = kernelInputTensor(dyInfo, backend) as tf.Tensor4D
      const filter = kernelInputTensor(filterInfo, backend) as tf.Tensor4D
      let dyz = spread(dy, sh, sw)
      const [top, bottom] = axisPadding(kh - 1 - info.padInfo.top, dyz.shape[1], kh, inH)
      const [left, right] = axisPadding(kw - 1 - info.padInfo.left, dyz.shape[2], kw, inW)
      if (top < 0 || bottom < 0 || left < 0 || right < 0) {
        const r0 = Math.max(0, -top)
        const c0 = Math.max(0, -left)
        dyz = tf.slice(
          dyz,
          [0, r0, c0, 0],
          [
            -1,
            dyz.shape[1] - r0 - Math.max(0, -bottom),
            dyz.shape[2] - c0 - Math.max(0, -right),
            -1
          ]
        )
      }
      const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D
      return tf.conv2d(dyz, rotated, 1, [
        [0, 0],
        [Math.max(0, top), Math.max(0, bottom)],
        [Math.max(0, left), Math.max(0, right)],
        [0, 0]
      ])
    })
  }
  kernelFunc[FAST] = true
  return kernelFunc
}

/**
 * Replaces wasm's Conv2DBackpropInput with the fast one, keeping the native kernel's setup.
 *
 * Returns true when this call replaced it; false if it was already replaced or wasm has none.
 */
export function registerWasmConv2DBackpropInput(): boolean {
  const native = tf.getKernel(tf.Conv2DBackpropInput, 'wasm')
  if (native === undefined || (native.kernelFunc as MarkedKernelFunc)[FAST] === true) return false
  tf.unregisterKernel(tf.Conv2DBackpropInput, 'wasm')
  tf.registerKernel({ ...native, kernelFunc: fastBackpropInput(native.kernelFunc) })
  return true
}
