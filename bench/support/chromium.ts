// Chromium for the benchmarks that drive a page: Debian's Chromium (Playwright's own download is not reachable here),
// headless, with the flags every such benchmark uses; and the product's workbench opened in it against an engine.
import { type Browser, chromium, type Page } from '@playwright/test';

/** The flags every benchmark's Chromium gets; a benchmark adds its own after them. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run'];

export const BENCH_VIEWPORT = { width: 1400, height: 900 };

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.PA_CHROMIUM ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/** A new page on the workbench served by `engine` (browser mode), once it says the engine is connected. */
export async function openWorkbench(browser: Browser, engine: { port: number; token: string }): Promise<Page> {
  const page = await browser.newPage({ viewport: BENCH_VIEWPORT });
  await page.goto(`http://127.0.0.1:${engine.port}/#token=${engine.token}`);
  await page.getByText('Engine connected').waitFor({ timeout: 60_000 });
  return page;
}
