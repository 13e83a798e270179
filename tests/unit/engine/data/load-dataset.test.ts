import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { AuditSpec, DatasetSpec } from '../../../../main/contract/audit-spec'
import { loadDataset } from '../../../../main/engine/data/load-dataset'

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../fixtures/datasets/${name}`, import.meta.url))

describe('loadDataset', () => {
  it('reads CIFAR binary and image-folder datasets a spec names, with its limits', async () => {
    const cifar = await loadDataset(
      DatasetSpec.parse({ source: 'cifar-binary', path: fixture('cifar-10'), trainLimit: 4 })
    )
    expect([cifar.name, cifar.train.count, cifar.test.count, cifar.train.channels]).toEqual([
      'cifar-10',
      4,
      4,
      3
    ])
    const folder = await loadDataset(
      DatasetSpec.parse({ source: 'image-folder', path: fixture('image-folder'), testLimit: 1 })
    )
    expect([folder.classNames.length, folder.train.count, folder.test.count]).toEqual([2, 7, 1])
  })

  it('asks for a path for every dataset read from disk', () => {
    const result = AuditSpec.safeParse({
      dataset: { source: 'image-folder' },
      surrogates: [{ name: 's', arch: 'resnet-18' }],
      targets: [{ name: 't', arch: 'vgg-11' }]
    })
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toContain(
      'dataset.path: a "image-folder" dataset needs a path (the folder to read)'
    )
  })
})
