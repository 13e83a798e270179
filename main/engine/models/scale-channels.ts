/**
 * Channel counts of a paper's architecture scaled by a width multiplier.
 *
 * Every family is written with its paper's channel numbers and a `base` width (64 for ResNet and
 * VGG, the growth rate for DenseNet…); `width` replaces `base`, so width = base builds the paper's
 * net and width 4 a tiny one with the same depth and topology for tests.
 */
export function scaleChannels(channels: number, width: number, base: number): number {
  return Math.max(1, Math.round((channels * width) / base))
}
