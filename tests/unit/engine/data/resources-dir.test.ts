import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RESOURCES_ENV, resourcesDir } from '../../../../main/engine/data/resources-dir'
import { tempFolder } from './idx-fixture'

const saved = process.env[RESOURCES_ENV]
afterEach(() => {
  if (saved === undefined) delete process.env[RESOURCES_ENV]
  else process.env[RESOURCES_ENV] = saved
})

describe('resourcesDir', () => {
  it('finds the repository resources/ folder by walking up from the module', () => {
    delete process.env[RESOURCES_ENV]
    const dir = resourcesDir()
    expect(path.basename(dir)).toBe('resources')
    expect(existsSync(path.join(dir, 'demo', 'fashion-mnist'))).toBe(true)
  })

  it(`prefers ${RESOURCES_ENV} when it is set`, () => {
    const folder = tempFolder('flatline-resources-')
    try {
      process.env[RESOURCES_ENV] = folder
      expect(resourcesDir()).toBe(folder)
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })

  it(`names ${RESOURCES_ENV} when it points at no folder`, () => {
    const folder = tempFolder('flatline-resources-')
    const missing = path.join(folder, 'absent')
    process.env[RESOURCES_ENV] = missing
    try {
      expect(() => resourcesDir()).toThrow(
        `${RESOURCES_ENV} is set to ${missing}, which is not a folder`
      )
    } finally {
      rmSync(folder, { recursive: true, force: true })
    }
  })
})
