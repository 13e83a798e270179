import { describe, expect, it } from 'vitest'
import { ARCHITECTURES, ARCHITECTURES_WITH_SKIPS } from '../../../main/contract/audit-spec'
import { architectures } from '../../../main/engine/models/architecture-registry'

describe('ARCHITECTURES_WITH_SKIPS', () => {
  it('lists exactly the registry architectures with skip connections, so the UI can gate GN and SGM', () => {
    const fromRegistry = ARCHITECTURES.filter((id) => architectures[id].hasSkipConnections)
    expect([...ARCHITECTURES_WITH_SKIPS].sort()).toEqual([...fromRegistry].sort())
    expect(ARCHITECTURES_WITH_SKIPS).not.toContain('small-cnn')
  })
})
