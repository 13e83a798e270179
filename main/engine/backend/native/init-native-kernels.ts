/**
 * `initNativeKernels({ threads })`: loads the oneDNN addon and puts its kernels in front of the
 * wasm backend's for the heavy ops (convolutions and their gradients, matmuls, pooling, training
 * batch norm, the SGD-momentum update, the ReLU gradient, the residual add + ReLU).
 *
 * The wasm backend stays the tensor store: every other op, and every case a native kernel does
 * not handle, runs on wasm as before. Call it after the wasm backend is initialised; calling it
 * again only changes the thread count.
 */
import * as tf from '@tensorflow/tfjs-core'
import { registerNativeAddRelu } from './native-add-relu'
import { loadNativeAddon, type NativeAddonInfo } from './native-addon'
import { registerNativeBatchMatMul } from './native-batch-matmul'
import { registerNativeBatchNorm } from './native-batch-norm'
import { registerNativeConv2D } from './native-conv2d'
import { registerNativeConv2DBackpropFilter } from './native-conv2d-backprop-filter'
import { registerNativeConv2DBackpropInput } from './native-conv2d-backprop-input'
import { registerNativePool } from './native-pool'
import { registerNativeReluGrad } from './native-relu-grad'
import { registerNativeSgdMomentum } from './native-sgd-momentum'

export interface NativeKernelsOptions {
  /** Threads oneDNN's kernels use (an integer ≥ 1). */
  threads: number
}

export interface NativeKernelsInfo extends NativeAddonInfo {
  /** The tfjs kernels that now run natively. */
  kernels: string[]
}

let registered: string[] = []

export function initNativeKernels(options: NativeKernelsOptions): NativeKernelsInfo {
  const { threads } = options
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`initNativeKernels: threads must be an integer ≥ 1; got ${threads}`)
  }
  if (tf.findBackend('wasm') === null) {
    throw new Error(
      'initNativeKernels: initialise the wasm backend first; the native kernels work on its memory'
    )
  }
  const addon = loadNativeAddon()
  const info = addon.init(threads)
  registered = [
    ...registered,
    ...registerNativeConv2D(addon),
    ...registerNativeConv2DBackpropInput(addon),
    ...registerNativeConv2DBackpropFilter(addon),
    ...registerNativeBatchMatMul(addon),
    ...registerNativePool(addon),
    ...registerNativeBatchNorm(addon),
    ...registerNativeSgdMomentum(addon),
    ...registerNativeReluGrad(addon),
    ...registerNativeAddRelu(addon)
  ]
  return { ...info, kernels: [...registered] }
}

/** The native part of the backend line, short enough for the app header: "native oneDNN 2.6.3 (2 threads)". */
export function describeNativeKernels(info: NativeAddonInfo): string {
  return `native oneDNN ${info.onednnVersion} (${info.threads} thread${info.threads === 1 ? '' : 's'})`
}
