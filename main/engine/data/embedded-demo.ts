/**
 * The Fashion-MNIST subset shipped with the app (6,000 training and 1,000 test images).
 *
 * Parsed once per process and shared: callers must treat the returned arrays as read-only.
 * `scripts/make-demo-subset.ts` made the files; `resources/demo/fashion-mnist/README.md` says how.
 */
import path from 'node:path'
import type { ImageDataset } from './dataset'
import { loadIdxFolder } from './load-idx-folder'
import { resourcesDir } from './resources-dir'

export const EMBEDDED_DEMO_NAME = 'fashion-mnist-demo'

let cached: Promise<ImageDataset> | undefined

/** The embedded demo dataset, loaded on first call and cached for the life of the process. */
export function loadEmbeddedDemo(): Promise<ImageDataset> {
  if (!cached) {
    // Deferred so a missing resources/ folder rejects the promise instead of throwing here.
    const loading = Promise.resolve().then(() =>
      loadIdxFolder(embeddedDemoDir(), { name: EMBEDDED_DEMO_NAME, flipPreservesLabel: true })
    )
    // Forget a failed load so a later call (after the files are restored) can try again.
    loading.catch(() => {
      if (cached === loading) cached = undefined
    })
    cached = loading
  }
  return cached
}

/** Folder of the embedded demo's idx files. */
export function embeddedDemoDir(): string {
  return path.join(resourcesDir(), 'demo', 'fashion-mnist')
}
