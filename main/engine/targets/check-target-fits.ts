/**
 * Checks an imported target against the dataset it will be audited on: image shape (unless the
 * preprocessing allows resizing), class count or class map, and mean/std lengths.
 */
import type { ImageSplit } from '../data/dataset'
import { checkChannelValues } from './check-channel-values'
import { TargetImportError, type TargetModel } from './target-model'

export function checkTargetFits(
  file: string,
  target: TargetModel,
  images: Pick<ImageSplit, 'height' | 'width' | 'channels'>,
  classNames: string[]
): void {
  const [h, w, c] = target.inputShape
  const { preprocessing: prep } = target
  if (!prep.resize && (h !== images.height || w !== images.width || c !== images.channels))
    throw new TargetImportError(
      file,
      `the model expects ${h}×${w}×${c} images (${target.layout}) but the dataset's are ${images.height}×${images.width}×${images.channels}; ` +
        `pick a dataset of that size, or set preprocessing.resize to true to resize (bilinear) and convert channels.`
    )
  checkChannelValues(file, prep, c)
  const classes = classNames.length
  if (prep.classMap) {
    if (prep.classMap.length !== target.outputClasses)
      throw new TargetImportError(
        file,
        `preprocessing.classMap has ${prep.classMap.length} entries but the model outputs ${target.outputClasses} scores; give one dataset class per output.`
      )
    const bad = prep.classMap.find((k) => k >= classes)
    if (bad !== undefined)
      throw new TargetImportError(
        file,
        `preprocessing.classMap names class ${bad} but the dataset has classes 0–${classes - 1}.`
      )
  } else if (target.outputClasses !== classes) {
    throw new TargetImportError(
      file,
      `the model outputs ${target.outputClasses} class scores but the dataset has ${classes} classes (${classNames.join(', ')}); ` +
        `import it against a dataset with the same classes, or give preprocessing.classMap (the dataset class of each output).`
    )
  }
}
