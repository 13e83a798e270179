/**
 * Finding the intermediate layer ILA and FIA tap, on any model that lists `featureLayers` (built-in
 * architectures list their block or stage outputs; a graph model lists its node names). 'auto' is the
 * layer nearest half depth: the end of stage 2 of a four-stage ResNet, the second stage of a small CNN.
 */
import type { Classifier } from '../models/classifier'

export function autoFeatureLayer(layers: readonly string[]): string {
  return layers[Math.floor(layers.length / 2)]
}

/** The layer `requested` names on `model`, with a message naming the technique and the field otherwise. */
export function resolveFeatureLayer(
  model: Classifier,
  requested: string,
  technique: string
): string {
  const layers = model.featureLayers ?? []
  if (layers.length === 0)
    throw new Error(
      `${technique}.layer: ${technique} needs an intermediate layer of the surrogate, but architecture "${model.config.arch}" exposes none: remove "${technique}" or use another surrogate`
    )
  if (requested === 'auto') return autoFeatureLayer(layers)
  if (!layers.includes(requested))
    throw new Error(
      `${technique}.layer: "${requested}" is not a layer of architecture "${model.config.arch}": use "auto" or one of ${layers.join(', ')}`
    )
  return requested
}
