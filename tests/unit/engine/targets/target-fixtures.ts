/** Paths of the committed target-model fixtures (made by tests/fixtures/make-*-fixtures.*). */
import type { TargetPreprocessingInput } from '../../../../main/engine/targets/target-preprocessing'
import { fileURLToPath } from 'node:url'

const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url))
export const onnxFixture = (name: string) => `${fixtures}onnx/${name}.onnx`
export const tfjsFixture = (name: string) => `${fixtures}tfjs/${name}/model.json`

/** The preprocessing the ONNX fixtures were trained with (Fashion-MNIST mean/std on [0,1] pixels). */
export const FMNIST_ONNX_PREP: TargetPreprocessingInput = {
  layout: 'NCHW',
  mean: [0.286],
  std: [0.353]
}
