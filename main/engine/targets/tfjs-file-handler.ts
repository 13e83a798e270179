/**
 * A tfjs `IOHandler` that reads `model.json` and its weight shards from disk.
 *
 * tfjs-node's `file://` handler is not available on the wasm backend, so this reads the files
 * itself and checks every shard the manifest names exists before loading, so a missing shard is
 * reported by name instead of as a decode error.
 */
import { access, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { TargetImportError } from './target-model'

/** Reads and checks model.json; returns it with the absolute shard paths it references. */
export async function readModelJson(
  file: string
): Promise<{ json: tf.io.ModelJSON; shards: string[] }> {
  let json: tf.io.ModelJSON
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as tf.io.ModelJSON
  } catch (err) {
    throw new TargetImportError(
      file,
      `cannot read it as JSON (${err instanceof Error ? err.message : String(err)}).`
    )
  }
  if (typeof json !== 'object' || json === null || !json.modelTopology)
    throw new TargetImportError(file, 'not a TensorFlow.js model.json: it has no "modelTopology".')
  const manifest = json.weightsManifest ?? []
  const shards = manifest.flatMap((group) => group.paths.map((p) => join(dirname(file), p)))
  const missing: string[] = []
  for (const shard of shards) await access(shard).catch(() => missing.push(shard))
  if (missing.length > 0)
    throw new TargetImportError(
      file,
      `weight shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing; ` +
        `copy every file the model.json lists in weightsManifest next to it.`
    )
  return { json, shards }
}

export function fileHandler(file: string): tf.io.IOHandler {
  return {
    load: async () => {
      const { json, shards } = await readModelJson(file)
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers = await Promise.all(
          shards.map(async (s) => new Uint8Array(await readFile(s)).slice().buffer)
        )
        return [tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(buffers)]
      })
    }
  }
}
