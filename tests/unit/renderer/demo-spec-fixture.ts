/**
 * The shipped demo spec (examples/demo-audit.json), which the New audit form starts from in the app.
 */
import { AuditSpec, type AuditSpecInput } from '@contract/audit-spec'
import { createPinia, setActivePinia } from 'pinia'
import demo from '../../../examples/demo-audit.json'
import { setApi } from '../../../renderer/src/api/current-api'
import { useAuditFormStore } from '../../../renderer/src/stores/audit-form'
import { createFakeApi, type FakeApi } from './fake-api'

export function loadDemoSpec(): AuditSpecInput {
  // Parsed only to check it; the form gets the file's own (sparse) input, as the service sends it.
  AuditSpec.parse(demo)
  return structuredClone(demo) as AuditSpecInput
}

/** A fresh Pinia and a fake api whose demo spec is `demo`, installed as the page's api; for form tests. */
export function installFakeApiWithDemo(demo: AuditSpecInput): FakeApi {
  const fake = createFakeApi()
  fake.api.audit.demoSpec = async () => demo
  setApi(fake.api)
  setActivePinia(createPinia())
  return fake
}

/** Opens the New audit form on the demo spec; fails the test if it did not load. */
export async function openDemoForm() {
  const form = useAuditFormStore()
  await form.openForm()
  if (!form.draft) throw new Error(`form did not load: ${form.loadError}`)
  return { form, draft: form.draft }
}
