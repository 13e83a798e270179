/**
 * An in-house target model behind one interface, whatever its format (ONNX, TensorFlow.js, or a
 * model trained in Flatline).
 *
 * Targets are black boxes to the audit: it only asks for the predicted class of [0,1] NHWC
 * images, in the dataset's class indices.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { ImageShape, TargetPreprocessing } from './target-preprocessing'

export type TargetFormat = 'onnx' | 'tfjs-layers' | 'tfjs-graph' | 'flatline'

export interface TargetModel {
  readonly format: TargetFormat
  /** The model's own input image shape [height, width, channels]. */
  readonly inputShape: ImageShape
  readonly layout: 'NCHW' | 'NHWC'
  /** Number of scores the model outputs per image. */
  readonly outputClasses: number
  readonly preprocessing: TargetPreprocessing
  /** Predicted dataset class of each image of a [0,1] NHWC batch. */
  predict(x: tf.Tensor4D): Promise<Int32Array>
  /** Raw output scores ([batch, outputClasses], logits or probabilities as the model gives them). */
  scores(x: tf.Tensor4D): Promise<Float32Array>
  /** The same loaded model read with another preprocessing (same layout); shares the model, so its dispose does nothing. */
  withPreprocessing(preprocessing: TargetPreprocessing): TargetModel
  /** Frees the model (the one the loader returned; views from `withPreprocessing` free nothing). */
  dispose(): Promise<void>
}

/** A problem with a model file the user picked: the message names the file and what to do. */
export class TargetImportError extends Error {
  constructor(
    readonly file: string,
    problem: string
  ) {
    super(`${file}: ${problem}`)
    this.name = 'TargetImportError'
  }
}
