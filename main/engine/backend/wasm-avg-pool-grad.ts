/**
 * A fast `AvgPoolGrad` for the wasm backend: one pass over dy in JavaScript on the wasm heap.
 *
 * wasm's own kernel (tfjs 4.22) took ~40–70 ms for a [64,28,28,16] input under 2×2 pooling where
 * the forward AvgPool took ~5 ms; in small-cnn it was ~7 % of a training step and ~15 % of a BIM
 * step (`npm run bench:profile`). The gradient spreads each dy entry evenly over its window:
 *
 *   dx[b, h·s + i − top, w·s + j − left, c] += dy[b, h, w, c] / n(h, w)
 *
 * where n(h, w) is the number of input pixels in the window: the forward pool (wasm and cpu alike)
 * averages over those only when 'same' padding cuts a window. tfjs's own gradient kernels divide by
 * the full window there, which finite differences reject; this one agrees with them. Non-4D or
 * non-float32 input keeps the native kernel.
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput } from './kernel-input-tensor'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

const NAME = 'wasm AvgPoolGrad'
const FAST = Symbol.for('flatline.wasm-avg-pool-grad-fast')

type MarkedKernelFunc = tf.KernelFunc & { [FAST]?: true }

function fastAvgPoolGrad(native: tf.KernelFunc): MarkedKernelFunc {
  const kernelFunc: MarkedKernelFunc = (params) => {
    const dyInfo = kernelInput(params.inputs, 'dy', NAME)
    const xInfo = kernelInput(params.inputs, 'input', NAME)
    const { filterSize, strides, pad } = params.attrs as unknown as tf.AvgPoolGradAttrs
    if (xInfo.shape.length !== 4 || dyInfo.dtype !== 'float32') return native(params)
    const info = tf.backend_util.computePool2DInfo(
      xInfo.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad
    )
    const [batch, inH, inW, channels] = xInfo.shape
    tf.util.assert(
      tf.util.arraysEqual(dyInfo.shape, [batch, info.outHeight, info.outWidth, channels]),
      () =>
        `Error in ${NAME}: dy has shape [${dyInfo.shape}] but pooling x [${xInfo.shape}] gives [${[batch, info.outHeight, info.outWidth, channels]}].`
    )
    const backend = params.backend as BackendWasm
    const out = backend.makeOutput(xInfo.shape, 'float32')
    const dx = backend.typedArrayFromHeap(out) as Float32Array
    const dy = backend.typedArrayFromHeap(dyInfo) as Float32Array
    dx.fill(0)
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info
    /** The window's rows (or columns) inside the input: [first, end). */
    const span = (
      o: number,
      stride: number,
      size: number,
      front: number,
      length: number
    ): [number, number] => [
      Math.max(0, o * stride - front),
      Math.min(length, o * stride - front + size)
    ]
    for (let b = 0; b < batch; b++) {
      for (let oh = 0; oh < info.outHeight; oh++) {
        const [h0, h1] = span(oh, sh, fh, info.padInfo.top, inH)
        for (let ow = 0; ow < info.outWidth; ow++) {
          const [w0, w1] = span(ow, sw, fw, info.padInfo.left, inW)
          const scale = 1 / ((h1 - h0) * (w1 - w0))
          const src = ((b * info.outHeight + oh) * info.outWidth + ow) * channels
          for (let ih = h0; ih < h1; ih++) {
            for (let iw = w0; iw < w1; iw++) {
              const dst = ((b * inH + ih) * inW + iw) * channels
              for (let c = 0; c < channels; c++) dx[dst + c] += dy[src + c] * scale
            }
          }
        }
      }
    }
    return out
  }
  kernelFunc[FAST] = true
  return kernelFunc
}

/** Replaces wasm's AvgPoolGrad (keeping its setup); true when this call replaced it. */
export function registerWasmAvgPoolGrad(): boolean {
  const native = tf.getKernel(tf.AvgPoolGrad, 'wasm')
  if (native === undefined || (native.kernelFunc as MarkedKernelFunc)[FAST] === true) return false
  tf.unregisterKernel(tf.AvgPoolGrad, 'wasm')
  tf.registerKernel({ ...native, kernelFunc: fastAvgPoolGrad(native.kernelFunc) })
  return true
}
