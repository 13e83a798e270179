import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packagedResourcesDir, workspaceRootFor } from '../../../../main/electron/app-environment'

describe('workspaceRootFor', () => {
  it('puts the workspace under userData by default', () => {
    expect(workspaceRootFor('/home/ana/.config/Flatline', {})).toBe(
      join('/home/ana/.config/Flatline', 'workspace')
    )
    expect(workspaceRootFor('/u', { FLATLINE_WORKSPACE: '   ' })).toBe(join('/u', 'workspace'))
  })

  it('lets FLATLINE_WORKSPACE override it, resolved to an absolute path', () => {
    expect(workspaceRootFor('/u', { FLATLINE_WORKSPACE: '/data/audits' })).toBe(
      resolve('/data/audits')
    )
    expect(workspaceRootFor('/u', { FLATLINE_WORKSPACE: 'rel/ws' })).toBe(resolve('rel/ws'))
  })
})

describe('packagedResourcesDir', () => {
  it('points at <resourcesPath>/resources only when packaged', () => {
    expect(packagedResourcesDir(true, '/opt/Flatline/resources')).toBe(
      join('/opt/Flatline/resources', 'resources')
    )
    expect(packagedResourcesDir(false, '/whatever')).toBeUndefined()
  })
})
