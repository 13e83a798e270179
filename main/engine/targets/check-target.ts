/**
 * The check of an in-house model (engine query `check-target`, the zoo wizard, `npm run
 * check-target`, and audits before anything trains): loads it with the preprocessing the user
 * stated (detecting the layout when left out), checks it fits the dataset, scores it on a seeded
 * sample of the test split, then always tries the usual preprocessing mistakes on the same images
 * and warns when one is clearly better, or when the model is near chance
 * (diagnose-preprocessing.ts). A model trained in Flatline has no preprocessing to get wrong, so
 * near chance it is called under-trained instead. Nothing is stored.
 *
 * A stated layout the model's input shape cannot be read with fails like any bad file, but the
 * message also says whether the other layout loads and what it scores, so the fix is named.
 */
import { batchTensors, range, type ImageDataset, type ImageSplit } from '../data/dataset'
import type { TargetCheckRequest, TargetCheckResult } from '../../contract/target-zoo'
import { Rng } from '../data/rng'
import { checkTargetFits } from './check-target-fits'
import {
  accuracyOf,
  judgePreprocessing,
  pct,
  predictSplit,
  tryPreprocessingCandidates
} from './diagnose-preprocessing'
import { loadFlatlineTarget } from './flatline-target'
import { hashModel, modelFiles } from './model-files'
import { loadOnnxTarget } from './onnx-target'
import { TargetImportError, type TargetModel } from './target-model'
import { TargetPreprocessing } from './target-preprocessing'
import { loadTfjsTarget } from './tfjs-target'
import { describeSpecIssues } from '../../contract/strict-keys'

type Layout = 'NCHW' | 'NHWC'
const other = (layout: Layout): Layout => (layout === 'NCHW' ? 'NHWC' : 'NCHW')

export function loadTarget(
  format: 'onnx' | 'tfjs' | 'flatline',
  path: string,
  preprocessing: TargetPreprocessing
): Promise<TargetModel> {
  if (format === 'flatline') return loadFlatlineTarget(path, preprocessing)
  return format === 'onnx'
    ? loadOnnxTarget(path, preprocessing)
    : loadTfjsTarget(path, preprocessing)
}

/** `count` test images drawn without replacement with `seed` (all of them, shuffled, when fewer). */
export function seededSample(split: ImageSplit, count: number, seed: number): ImageSplit {
  const n = Math.min(count, split.count)
  const picked = new Rng(seed)
    .fork('target-check')
    .shuffle(Array.from({ length: split.count }, (_, i) => i))
    .slice(0, n)
  const size = split.height * split.width * split.channels
  const images = new Uint8Array(n * size)
  const labels = new Uint8Array(n)
  picked.forEach((k, i) => {
    images.set(split.images.subarray(k * size, (k + 1) * size), i * size)
    labels[i] = split.labels[k]
  })
  return { ...split, images, labels, count: n }
}

async function loadFitting(
  request: TargetCheckRequest,
  prep: TargetPreprocessing,
  dataset: ImageDataset
): Promise<TargetModel> {
  const model = await loadTarget(request.format, request.path, prep)
  try {
    checkTargetFits(request.path, model, dataset.test, dataset.classNames)
    return model
  } catch (err) {
    await model.dispose()
    throw err
  }
}

export async function checkTarget(
  request: TargetCheckRequest,
  dataset: ImageDataset
): Promise<TargetCheckResult> {
  const started = performance.now()
  const { path } = request
  const files = await modelFiles(request.format, path)
  const { sha256 } = await hashModel(request.format, files)
  const parsed = TargetPreprocessing.safeParse(request.preprocessing)
  if (!parsed.success)
    throw new TargetImportError(
      path,
      `invalid preprocessing (${describeSpecIssues(parsed.error).join('; ')}).`
    )
  const stated = parsed.data.layout
  const first: Layout = stated ?? (request.format === 'onnx' ? 'NCHW' : 'NHWC')
  const sample = seededSample(dataset.test, request.sampleSize, request.seed)
  const classes = dataset.classNames.length

  let model: TargetModel
  try {
    model = await loadFitting(request, { ...parsed.data, layout: first }, dataset)
  } catch (err) {
    const layoutProblem =
      err instanceof TargetImportError &&
      /layout|channels|expects \d+×\d+×\d+ images/.test(err.message)
    if (!layoutProblem || /preprocessing\.(mean|std) has/.test(err.message)) throw err
    // The input shape cannot be read with this layout: is it the other one?
    const alt = await loadFitting(request, { ...parsed.data, layout: other(first) }, dataset).catch(
      () => undefined
    )
    if (!alt) throw err
    if (!stated) {
      model = alt
    } else {
      const accuracy = accuracyOf(await predictSplit(alt, sample), sample.labels)
      const [h, w, c] = alt.inputShape
      await alt.dispose()
      throw new TargetImportError(
        path,
        `${err.message.slice(path.length + 2)} With layout ${alt.layout} it takes ${h}×${w}×${c} images ` +
          `and scores ${pct(accuracy)} on ${sample.count} test images: ` +
          `the model probably expects ${alt.layout}.`
      )
    }
  }

  try {
    const predictions = await predictSplit(model, sample)
    const accuracy = accuracyOf(predictions, sample.labels)
    const chance = 1 / classes
    const nearChance = accuracy < 2 * chance
    const notes: string[] = []
    if (model.preprocessing.output === 'probabilities') {
      const off = await probabilityRowsOff(model, sample)
      if (off > 0)
        notes.push(
          `output says probabilities but ${off} of ${Math.min(sample.count, 100)} output rows do not sum to 1: ` +
            'the model probably outputs logits (the accuracy is the same).'
        )
    }
    const correct = Math.round(accuracy * sample.count)
    const result: TargetCheckResult = {
      detected: {
        modelFormat: model.format,
        inputShape: model.inputShape,
        layout: model.layout,
        layoutDetected: !stated,
        outputs: model.outputClasses
      },
      preprocessing: model.preprocessing,
      accuracy,
      correct,
      sampled: sample.count,
      chance,
      nearChance,
      notes,
      candidates: [],
      sha256,
      datasetName: dataset.name,
      seconds: 0
    }
    if (nearChance && request.format === 'flatline') {
      // Its preprocessing is built in (it normalises inside): no input mistake to look for, the model itself is weak.
      result.warning = {
        likelyCause: 'unknown',
        message:
          `accuracy ${pct(accuracy)} (${correct}/${sample.count}) is near chance (${pct(chance)}); a model trained in Flatline ` +
          'takes its input as it was trained, so it is under-trained (too few epochs or images): train it longer.'
      }
    } else if (request.format !== 'flatline') {
      const layout = model.layout
      const candidates = await tryPreprocessingCandidates({
        target: model,
        sample,
        predictions,
        classes,
        loadOtherLayout: () =>
          loadFitting(request, { ...model.preprocessing, layout: other(layout) }, dataset)
      })
      result.candidates = candidates.map(({ change, likelyCause, fix, accuracy, correct }) => ({
        change,
        likelyCause,
        fix,
        accuracy,
        correct
      }))
      result.warning = judgePreprocessing({
        accuracy,
        correct,
        total: sample.count,
        chance,
        candidates,
        predictions
      })
    }
    result.seconds = (performance.now() - started) / 1000
    return result
  } finally {
    await model.dispose()
  }
}

async function probabilityRowsOff(model: TargetModel, sample: ImageSplit): Promise<number> {
  const { x, y } = batchTensors(sample, range(Math.min(sample.count, 100)))
  y.dispose()
  try {
    const scores = await model.scores(x)
    const k = model.outputClasses
    let off = 0
    for (let i = 0; i < scores.length / k; i++) {
      let sum = 0
      for (let j = 0; j < k; j++) sum += scores[i * k + j]
      if (Math.abs(sum - 1) > 1e-3) off++
    }
    return off
  } finally {
    x.dispose()
  }
}
