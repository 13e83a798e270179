/**
 * Resize (and its opset-10 form): every mode (nearest with its rounding rules, linear, cubic) and
 * coordinate transformation, as one interpolation matrix per resized axis applied with a matmul.
 * The matrix holds the same weights ONNX's reference computes, so gradients come for free and
 * any axis can be resized; an NHWC image tensor is resized along its NHWC height and width.
 */
import * as tf from '@tensorflow/tfjs-core'
import { GraphValue, nhwcAxis } from '../graph-value'
import { required, type OpNode, type OpTable } from '../op-types'

interface AxisPlan {
  inLen: number
  outLen: number
  scale: number
  roiStart: number
  roiEnd: number
}

function sourceCoordinate(i: number, p: AxisPlan, mode: string): number {
  const { inLen, scale } = p
  // As ONNX's reference: the resized length in these formulas is in·scale, not its floor.
  const outLen = inLen * scale
  switch (mode) {
    case 'align_corners':
      return outLen === 1 ? 0 : (i * (inLen - 1)) / (outLen - 1)
    case 'asymmetric':
      return i / scale
    case 'tf_half_pixel_for_nn':
      return (i + 0.5) / scale
    case 'pytorch_half_pixel':
      return outLen > 1 ? (i + 0.5) / scale - 0.5 : 0
    case 'tf_crop_and_resize':
      return outLen > 1
        ? p.roiStart * (inLen - 1) + (i * (p.roiEnd - p.roiStart) * (inLen - 1)) / (outLen - 1)
        : 0.5 * (p.roiStart + p.roiEnd) * (inLen - 1)
    case 'half_pixel_symmetric': {
      const adjustment = outLen / (scale * inLen)
      const center = inLen / 2
      return center * (1 - adjustment) + (i + 0.5) / scale - 0.5
    }
    default:
      return (i + 0.5) / scale - 0.5 // half_pixel
  }
}

function nearestIndex(x: number, rule: string): number {
  switch (rule) {
    case 'floor':
      return Math.floor(x)
    case 'ceil':
      return Math.ceil(x)
    case 'round_prefer_ceil':
      return Math.floor(x + 0.5)
    default:
      return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x) // round_prefer_floor
  }
}

function cubicCoefficients(t: number, a: number): number[] {
  const far = (d: number): number => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a
  const near = (d: number): number => ((a + 2) * d - (a + 3)) * d * d + 1
  return [far(t + 1), near(t), near(1 - t), far(2 - t)]
}

/** Row-major [outLen, inLen] weights and, for tf_crop_and_resize, which rows fall outside. */
function interpolationMatrix(
  p: AxisPlan,
  node: OpNode
): { weights: Float32Array; outside: boolean[] } {
  const mode = node.attrs.string('mode', 'nearest')
  const transform = node.attrs.string(
    'coordinate_transformation_mode',
    node.opset < 11 ? 'asymmetric' : 'half_pixel'
  )
  const nearestRule = node.attrs.string('nearest_mode', 'round_prefer_floor')
  const a = node.attrs.float('cubic_coeff_a', -0.75)
  const excludeOutside = node.attrs.int('exclude_outside', 0) === 1
  const { inLen, outLen } = p
  const weights = new Float32Array(outLen * inLen)
  const outside: boolean[] = []
  const clamp = (k: number): number => Math.max(0, Math.min(inLen - 1, k))
  for (let i = 0; i < outLen; i++) {
    const x = sourceCoordinate(i, p, transform)
    const off = transform === 'tf_crop_and_resize' && (x < 0 || x > inLen - 1)
    outside.push(off)
    if (off) continue
    const row = i * inLen
    if (mode === 'nearest') {
      weights[row + clamp(nearestIndex(x, nearestRule))] = 1
    } else if (mode === 'linear') {
      const xc = Math.max(0, Math.min(inLen - 1, x))
      const lo = Math.floor(xc)
      const t = xc - lo
      weights[row + clamp(lo)] += 1 - t
      weights[row + clamp(lo + 1)] += t
    } else {
      const base = Math.floor(x)
      const coefficients = cubicCoefficients(x - base, a)
      let total = 0
      coefficients.forEach((c, k) => {
        const idx = base - 1 + k
        if (excludeOutside && (idx < 0 || idx >= inLen)) return
        weights[row + clamp(idx)] += c
        total += c
      })
      if (excludeOutside && total !== 0) for (let k = 0; k < inLen; k++) weights[row + k] /= total
    }
  }
  return { weights, outside }
}

/** Applies an [out, in] matrix along `axis`: a batched matmul over the axes before and after it. */
function applyAlongAxis(
  t: tf.Tensor,
  axis: number,
  weights: Float32Array,
  outLen: number
): tf.Tensor {
  const inLen = t.shape[axis]
  const outer = t.shape.slice(0, axis).reduce((x, y) => x * y, 1)
  const inner = t.shape.slice(axis + 1).reduce((x, y) => x * y, 1)
  const matrix = tf.tensor3d(weights, [1, outLen, inLen])
  const y = tf.matMul(tf.tile(matrix, [outer, 1, 1]), t.reshape([outer, inLen, inner]))
  const shape = [...t.shape]
  shape[axis] = outLen
  return y.reshape(shape)
}

function resizeCheck(node: OpNode): string | undefined {
  if (node.attrs.int('antialias', 0) === 1) return 'antialias = 1'
  const policy = node.attrs.string('keep_aspect_ratio_policy', 'stretch')
  if (policy !== 'stretch') return `keep_aspect_ratio_policy="${policy}"`
  const mode = node.attrs.string('mode', 'nearest')
  return ['nearest', 'linear', 'cubic'].includes(mode) ? undefined : `mode="${mode}"`
}

export const RESIZE_OPS: OpTable = {
  Resize: {
    staticInputs: [1, 2, 3],
    check: resizeCheck,
    run(inputs, { node }) {
      const x = required(inputs, 0, node)
      const shape = x.shape
      const rank = shape.length
      const axes = (node.attrs.ints('axes') ?? shape.map((_, i) => i)).map((ax) =>
        ax < 0 ? ax + rank : ax
      )
      const scalesInput = node.opset < 11 ? inputs[1] : inputs[2]
      const scales = scalesInput?.numbers() ?? []
      const sizes = node.opset >= 11 ? inputs[3]?.numbers() : undefined
      const roi = node.opset >= 11 ? (inputs[1]?.numbers() ?? []) : []
      const extrapolation = node.attrs.float('extrapolation_value', 0)
      let t = x.nhwc ? x.tensor : x.onnx()
      const masks: { axis: number; outside: boolean[] }[] = []
      axes.forEach((axis, k) => {
        const inLen = shape[axis]
        const outLen = sizes && sizes.length ? sizes[k] : Math.floor(inLen * scales[k])
        const scale = sizes && sizes.length ? outLen / inLen : scales[k]
        const plan: AxisPlan = {
          inLen,
          outLen,
          scale,
          roiStart: roi.length ? roi[k] : 0,
          roiEnd: roi.length ? roi[k + axes.length] : 1
        }
        const { weights, outside } = interpolationMatrix(plan, node)
        const identity =
          inLen === outLen && weights.every((w, i) => w === (i % (inLen + 1) === 0 ? 1 : 0))
        const tensorAxis = x.nhwc ? nhwcAxis(axis) : axis
        if (!identity) t = applyAlongAxis(t, tensorAxis, weights, outLen)
        if (outside.some(Boolean)) masks.push({ axis: tensorAxis, outside })
      })
      if (masks.length) {
        // Output positions whose source lies outside the crop take extrapolation_value.
        let inside: tf.Tensor = tf.ones(t.shape.map(() => 1))
        for (const m of masks) {
          const vshape = t.shape.map((d, i) => (i === m.axis ? d : 1))
          inside = tf.mul(
            inside,
            tf.tensor(
              m.outside.map((o) => (o ? 0 : 1)),
              vshape
            )
          )
        }
        t = tf.add(tf.mul(t, inside), tf.mul(tf.sub(1, inside), extrapolation))
      }
      return [new GraphValue(t, x.nhwc)]
    }
  }
}
