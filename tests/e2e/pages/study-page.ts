/** Page object for the study views: the New study form and a study's page. */
import type { Locator, Page } from 'playwright-core'

export class StudyPage {
  constructor(readonly page: Page) {}

  get newStudyButton(): Locator {
    return this.page.getByTestId('new-study')
  }
  preset(name: string): Locator {
    return this.page.getByTestId(`preset-${name}`)
  }
  get specEditor(): Locator {
    return this.page.getByTestId('study-spec')
  }
  get problems(): Locator {
    return this.page.getByTestId('study-errors')
  }
  get estimate(): Locator {
    return this.page.getByTestId('study-estimate')
  }
  get startButton(): Locator {
    return this.page.getByTestId('start-study')
  }
  get view(): Locator {
    return this.page.getByTestId('study-view')
  }
  get status(): Locator {
    return this.page.getByTestId('study-status')
  }
  get live(): Locator {
    return this.page.getByTestId('study-live')
  }
  get verdicts(): Locator {
    return this.page.getByTestId('study-verdicts')
  }
  table3(arch: string): Locator {
    return this.page.getByTestId(`table3-${arch}`)
  }
  table4(arch: string): Locator {
    return this.page.getByTestId(`table4-${arch}`)
  }
  figure(n: 4 | 5, arch: string): Locator {
    return this.page.getByTestId(`figure${n}-${arch}`)
  }
  get exportPdfButton(): Locator {
    return this.page.getByTestId('export-study-pdf')
  }
}
