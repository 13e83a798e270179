/**
 * A tensor flowing through an imported graph, in ONNX's axis order or, for rank-4 image tensors,
 * in tfjs's NHWC order.
 *
 * ONNX image models are NCHW; tfjs's convolutions and pools are NHWC. Converting around every conv
 * would cost two transposes per layer, so layout-aware ops (conv, pool, batch norm, element-wise)
 * keep NHWC values NHWC and every other op asks for ONNX order: a transpose happens only where the
 * graph leaves the image part (e.g. Flatten after the last pool). Conv weights are held as tfjs
 * filters ([kh, kw, in, out]) so no pass re-lays them out. `shape` is always ONNX's.
 */
import * as tf from '@tensorflow/tfjs-core'

export class GraphValue {
  private converted?: tf.Tensor
  /** The ONNX element type where it matters beyond float32/int32 (uint8 arithmetic wraps). */
  onnxType?: number

  constructor(
    readonly tensor: tf.Tensor,
    /** True when `tensor` is the NHWC form of a rank-4 NCHW ONNX value. */
    readonly nhwc = false,
    /** True when `tensor` is the [kh, kw, in, out] form of an ONNX [out, in, kh, kw] conv weight. */
    readonly filter = false
  ) {}

  get rank(): number {
    return this.tensor.rank
  }

  get dtype(): tf.DataType {
    return this.tensor.dtype
  }

  /** The value's ONNX shape. */
  get shape(): number[] {
    const s = this.tensor.shape
    if (this.filter) return [s[3], s[2], s[0], s[1]] as number[]
    return this.nhwc ? ([s[0], s[3], s[1], s[2]] as number[]) : s
  }

  /** The tensor in ONNX axis order. */
  onnx(): tf.Tensor {
    if (this.filter) return (this.converted ??= tf.transpose(this.tensor, [3, 2, 0, 1]))
    if (!this.nhwc) return this.tensor
    return (this.converted ??= tf.transpose(this.tensor, [0, 3, 1, 2]))
  }

  /** A rank-4 value in NHWC order. */
  nhwcTensor(): tf.Tensor4D {
    if (this.nhwc) return this.tensor as tf.Tensor4D
    if (this.rank !== 4 || this.filter)
      throw new Error(`expected a rank-4 image tensor, got shape [${this.shape.join(', ')}]`)
    return (this.converted ??= tf.transpose(this.tensor, [0, 2, 3, 1])) as tf.Tensor4D
  }

  /** A rank-4 ONNX conv weight as tfjs's [kh, kw, in, out] filter. */
  convFilter(): tf.Tensor4D {
    if (this.filter) return this.tensor as tf.Tensor4D
    return tf.transpose(this.onnx(), [2, 3, 1, 0]) as tf.Tensor4D
  }

  /** Small integer or float data read back to the host (shapes, indices, scales). */
  numbers(): number[] {
    return Array.from(this.onnx().dataSync())
  }
}

/** ONNX axis (possibly negative) of a rank-`rank` value → the axis of its NHWC tensor. */
export function nhwcAxis(axis: number, rank = 4): number {
  const a = axis < 0 ? axis + rank : axis
  return [0, 3, 1, 2][a]
}

/**
 * `other` broadcast against a rank-4 NHWC value: ONNX broadcasting aligns trailing axes, so
 * a [C,1,1] bias becomes [1,C,1,1] and then NHWC [1,1,1,C].
 */
export function broadcastNhwc(other: GraphValue): tf.Tensor {
  if (other.nhwc) return other.tensor
  const t = other.tensor
  if (t.rank === 0) return t
  if (t.rank > 4)
    throw new Error(`cannot broadcast shape [${t.shape.join(', ')}] against a rank-4 tensor`)
  const shape4 = [...new Array(4 - t.rank).fill(1), ...t.shape]
  if (shape4[1] === 1 && shape4[2] === 1 && shape4[3] === 1) return t.reshape([shape4[0], 1, 1, 1])
  return tf.transpose(t.reshape(shape4), [0, 2, 3, 1])
}
