/** Page object for a run page's example gallery: examples, their images and per-target calls. */
import type { Locator, Page } from 'playwright-core'

export class RunGallery {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('gallery')
  }
  /** The gallery's whole card (heading included), for the screenshot. */
  get card(): Locator {
    return this.page.locator('section.card', { has: this.root })
  }
  get examples(): Locator {
    return this.page.getByTestId('gallery-example')
  }
  /** Each target's prediction on the adversarial images, one line per shown example. */
  calls(target: string): Locator {
    return this.page.getByTestId(`gallery-call-${target}`)
  }
  /** How many gallery images have decoded to a real picture (naturalWidth > 0), out of how many. */
  async loadedImages(): Promise<{ loaded: number; total: number }> {
    const widths = await this.examples
      .locator('img')
      .evaluateAll((imgs) =>
        imgs.map((img) => (img as unknown as { naturalWidth: number }).naturalWidth)
      )
    return { loaded: widths.filter((w) => w > 0).length, total: widths.length }
  }
}
