import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DatasetSpec } from '../../../main/contract/audit-spec'
import type { DatasetInspection } from '../../../main/contract/dataset-inspection'
import { answerQuery } from '../../../main/engine-host/answer-query'

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/datasets/${name}`, import.meta.url))

describe('engine answers to the dataset queries', () => {
  it('detects and inspects a folder as the engine process would', async () => {
    expect(
      await answerQuery({ kind: 'detect-dataset', path: fixture('image-folder') })
    ).toMatchObject({ source: 'image-folder' })
    const inspection = (await answerQuery({
      kind: 'inspect-dataset',
      dataset: DatasetSpec.parse({ source: 'image-folder', path: fixture('image-folder') })
    })) as DatasetInspection
    expect(inspection.train.perClass).toEqual([3, 4])
  })
})
