/**
 * Saving and loading a classifier: `manifest.json` (architecture, config, dataset, recipe, seed,
 * metrics, content hash) next to `weights.bin` in the tfjs weights format (`tf.io.encodeWeights`,
 * the manifest keeps its weight specs). The hash is the sha256 of weights.bin, checked on load.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { ArchitectureId, TrainingRecipe } from '../../contract/audit-spec'
import { EpochMetrics } from '../../contract/job-events'
import { Rng } from '../data/rng'
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from '../workspace/atomic-write'
import { buildClassifier } from './architecture-registry'
import { ONNX_ARCH, type Classifier } from './classifier'
import { TargetPreprocessing } from '../../contract/target-preprocessing'
import { loadSavedOnnxClassifier } from '../onnx/load-onnx-classifier'

export const MANIFEST_FORMAT = 'flatline-model/1'

export const ModelManifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  name: z.string(),
  config: z.object({
    arch: z.union([ArchitectureId, z.literal(ONNX_ARCH)]),
    width: z.number().int().positive(),
    inputShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
    numClasses: z.number().int().positive(),
    normalization: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }),
    /** An imported ONNX surrogate (fine-tuned or not): its graph file beside the weights and how it is fed. */
    onnx: z
      .object({
        graphFile: z.string(),
        preprocessing: TargetPreprocessing,
        layout: z.enum(['NCHW', 'NHWC']),
        graphInputShape: z.tuple([z.number().int(), z.number().int(), z.number().int()]),
        batchNorm: z.enum(['update', 'freeze'])
      })
      .optional()
  }),
  dataset: z.string(),
  recipe: TrainingRecipe,
  seed: z.number().int(),
  params: z.number().int(),
  metrics: z.array(EpochMetrics),
  weightsFile: z.string(),
  weightSpecs: z.array(
    z.object({ name: z.string(), shape: z.array(z.number().int()), dtype: z.string() })
  ),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  savedAt: z.string()
})
export type ModelManifest = z.infer<typeof ModelManifest>

export type ManifestFields = Omit<
  ModelManifest,
  'format' | 'config' | 'params' | 'weightsFile' | 'weightSpecs' | 'sha256' | 'savedAt'
>

/** Writes weights then manifest (each atomically) into `dir`; returns the manifest. */
export async function saveClassifier(
  model: Classifier,
  dir: string,
  fields: ManifestFields
): Promise<ModelManifest> {
  await mkdir(dir, { recursive: true })
  const named: tf.NamedTensorMap = {}
  for (const [name, v] of model.params.all()) named[name] = v
  const { data, specs } = await tf.io.encodeWeights(named)
  const bytes = new Uint8Array(data)
  const manifest: ModelManifest = {
    format: MANIFEST_FORMAT,
    ...fields,
    config: model.config,
    params: model.params.countTrainable(),
    weightsFile: 'weights.bin',
    weightSpecs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype })),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    savedAt: new Date().toISOString()
  }
  for (const file of model.structureFiles?.() ?? [])
    await writeFileAtomic(join(dir, file.name), file.bytes)
  await writeFileAtomic(join(dir, manifest.weightsFile), bytes)
  await writeJsonAtomic(join(dir, 'manifest.json'), manifest)
  return manifest
}

/** Rebuilds the architecture from the manifest and loads its weights, checking the hash. */
export async function loadClassifier(
  dir: string
): Promise<{ model: Classifier; manifest: ModelManifest }> {
  const manifestPath = join(dir, 'manifest.json')
  const parsed = ModelManifest.safeParse(await readJsonFile(manifestPath))
  if (!parsed.success)
    throw new Error(
      `${manifestPath} is not a valid model manifest (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}).`
    )
  const manifest = parsed.data
  const bytes = new Uint8Array(await readFile(join(dir, manifest.weightsFile)))
  const hash = createHash('sha256').update(bytes).digest('hex')
  if (hash !== manifest.sha256)
    throw new Error(
      `${join(dir, manifest.weightsFile)} does not match its manifest's hash: the file was changed or is incomplete. Retrain or restore the model.`
    )
  const model = manifest.config.onnx
    ? await loadSavedOnnxClassifier(dir, manifest.config)
    : buildClassifier(manifest.config, new Rng(manifest.seed))
  const weights = tf.io.decodeWeights(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    manifest.weightSpecs as tf.io.WeightsManifestEntry[]
  )
  for (const [name, v] of model.params.all()) {
    const w = weights[name]
    if (!w || !tf.util.arraysEqual(w.shape, v.shape))
      throw new Error(
        `${manifestPath}: tensor "${name}" is missing or has the wrong shape; the weights do not fit the architecture.`
      )
    v.assign(w)
  }
  tf.dispose(Object.values(weights))
  return { model, manifest }
}
