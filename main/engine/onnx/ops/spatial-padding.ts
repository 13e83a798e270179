/**
 * Padding and window arithmetic shared by Conv, ConvTranspose and the pools: ONNX's `auto_pad`,
 * explicit `pads` [x1_begin, x2_begin, …, x1_end, x2_end, …] and `ceil_mode`, resolved to
 * per-axis (begin, end) pairs for a given input size.
 */
import type { OpNode } from '../op-types'

export interface WindowAttributes {
  kernel: number[]
  strides: number[]
  dilations: number[]
  /** Per spatial axis [begin, end], including `ceilExtra`. */
  pads: [number, number][]
  /** End padding added by ceil_mode beyond `pads` (never counted as input by AveragePool). */
  ceilExtra: number[]
}

/** The window attributes of a conv or pool node over `spatial` input sizes. */
export function windowAttributes(
  node: OpNode,
  spatial: number[],
  kernel: number[],
  ceilMode = false
): WindowAttributes {
  const n = spatial.length
  const strides = node.attrs.ints('strides') ?? new Array(n).fill(1)
  const dilations = node.attrs.ints('dilations') ?? new Array(n).fill(1)
  const autoPad = node.attrs.string('auto_pad', 'NOTSET')
  const explicit = node.attrs.ints('pads') ?? new Array(2 * n).fill(0)
  const pads: [number, number][] = []
  const ceilExtra: number[] = new Array(n).fill(0)
  for (let i = 0; i < n; i++) {
    const effective = (kernel[i] - 1) * dilations[i] + 1
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const out = Math.ceil(spatial[i] / strides[i])
      const total = Math.max(0, (out - 1) * strides[i] + effective - spatial[i])
      const small = Math.floor(total / 2)
      pads.push(autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small])
    } else if (autoPad === 'VALID') {
      pads.push([0, 0])
    } else {
      pads.push([explicit[i], explicit[i + n]])
    }
    if (ceilMode) {
      const [b, e] = pads[i]
      const span = spatial[i] + b + e - effective
      let out = Math.ceil(span / strides[i]) + 1
      // As PyTorch: the last window must start inside the input or the begin padding.
      if ((out - 1) * strides[i] >= spatial[i] + b) out--
      const extra = (out - 1) * strides[i] + effective - (spatial[i] + b + e)
      if (extra > 0) {
        pads[i] = [b, e + extra]
        ceilExtra[i] = extra
      }
    }
  }
  return { kernel, strides, dilations, pads, ceilExtra }
}

export function hasPadding(pads: [number, number][]): boolean {
  return pads.some(([b, e]) => b !== 0 || e !== 0)
}
