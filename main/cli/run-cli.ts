/** How every CLI starts and ends, and how its argument parser reports a mistake. */

/** A mistake in the command line (an empty message: `--help`). */
export class UsageError extends Error {}

/**
 * Runs `main` on the command line and exits with the code it returns. A UsageError prints the
 * usage, after the mistake, and exits 2 (0 for `--help`); any other error exits 1 with its message
 * on one line of stderr.
 */
export function runCli(main: (argv: string[]) => Promise<number>, usage: string): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      if (error instanceof UsageError) {
        process.stderr.write((error.message ? `error: ${error.message}\n\n` : '') + usage + '\n')
        process.exit(error.message ? 2 : 0)
      }
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exit(1)
    }
  )
}
