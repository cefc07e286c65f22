/**
 * The playground in a real browser (Debian's Chromium, driven by
 * playwright-core): the test hook trains 1 epoch on 5,000 images, then the
 * test checks the accuracy, the frame rate during training, every figure,
 * and that a downloaded model loads back with the same predictions; it takes
 * the screenshots at 1280×800 and at a phone's size.
 *
 * The screenshots go to .cache/screenshots/; with UPDATE_SCREENSHOTS=1 they
 * replace docs/playground.png and docs/playground-phone.png (the README's).
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Page } from 'playwright-core';
import { startPlayground, type Playground } from '../../playground/serve.js';
import { useTempDir } from '../support/helpers.js';
import { launchChromium } from '../browser/chromium.js';

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs' : join('.cache', 'screenshots');

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Runs before the page's own scripts: counts animation frames, and notes when
 * the progress bar first and last changed (the span of training).
 */
function recordFramesAndTraining(): void {
  const w = window as unknown as { frames: number[]; progressTimes: number[] };
  w.frames = [];
  w.progressTimes = [];
  const tick = (time: number) => {
    w.frames.push(time);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  document.addEventListener('DOMContentLoaded', () => {
    const progress = document.getElementById('progress')!;
    new MutationObserver(() => w.progressTimes.push(performance.now())).observe(progress, { childList: true, characterData: true, subtree: true });
  });
}

/** How many pixels of a canvas are not blank (neither transparent nor white). */
function inkedPixels(canvas: HTMLCanvasElement): number {
  const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  let count = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (data[i]! < 245 || data[i + 1]! < 245 || data[i + 2]! < 245)) count++;
  return count;
}

/** The frames drawn per second between the progress bar's first and last change (recordFramesAndTraining's records), and that span. */
function trainingFrameRate(page: Page): Promise<{ fps: number; seconds: number }> {
  return page.evaluate(() => {
    const w = window as unknown as { frames: number[]; progressTimes: number[] };
    const [start, end] = [w.progressTimes[0]!, w.progressTimes[w.progressTimes.length - 1]!];
    const frames = w.frames.filter((t) => t >= start && t <= end).length;
    return { fps: frames / ((end - start) / 1000), seconds: (end - start) / 1000 };
  });
}

async function inked(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (canvases, fn) => canvases.map((c) => new Function(`return (${fn})`)()(c) as number), inkedPixels.toString());
}

/**
 * Downloads the page's model (two files), scrambles the shown scores, loads
 * the files back through the file picker, and checks the loaded model scores
 * and predicts exactly as the trained one did.
 */
async function downloadAndLoadBack(page: Page, folder: string): Promise<void> {
  const before = {
    accuracy: await page.locator('[data-testid="test-accuracy"]').textContent(),
    loss: await page.locator('[data-testid="test-loss"]').textContent(),
    captions: await page.locator('#grid button span').allTextContents(),
  };
  const saved: string[] = [];
  let onDownload: (download: Download) => Promise<void> = async () => {};
  const twoDownloads = new Promise<void>((resolve) => {
    onDownload = async (download) => {
      const path = join(folder, download.suggestedFilename());
      await download.saveAs(path);
      saved.push(path);
      if (saved.length === 2) resolve();
    };
    page.on('download', onDownload);
  });
  await page.locator('#download').click();
  await twoDownloads;
  page.off('download', onDownload);
  expect(saved.map((p) => p.split('/').pop()).sort()).toEqual(['fashion-mnist-playground.json', 'fashion-mnist-playground.weights.bin']);

  // Scramble the page's numbers first, so equal numbers afterwards come from the loaded model.
  await page.evaluate(() => {
    for (const id of ['test-accuracy', 'test-loss']) document.getElementById(id)!.textContent = '–';
  });
  await page.locator('#load-files').setInputFiles(saved);
  await expect.poll(() => page.locator('#files-status').textContent(), { timeout: 60_000 }).toContain('test accuracy');
  expect(await page.locator('[data-testid="test-accuracy"]').textContent()).toBe(before.accuracy);
  expect(await page.locator('[data-testid="test-loss"]').textContent()).toBe(before.loss);
  expect(await page.locator('#grid button span').allTextContents()).toEqual(before.captions);
}

describe('the playground in Chromium', () => {
  const downloads = useTempDir('playground');
  let server: Playground;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // Without Chromium this fails, saying how to install it (launchChromium).
    browser = await launchChromium();
    server = await startPlayground(await freePort());
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await context.addInitScript(recordFramesAndTraining);
    page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('trains from the URL hook, stays smooth, and shows every figure', async () => {
    await page.goto(`${server.url}?autostart=1&epochs=1&samples=5000`);
    const accuracyText = await page.locator('[data-testid="test-accuracy"]').textContent({ timeout: 300_000 });
    expect(accuracyText).toMatch(/^\d\.\d+$/);
    const accuracy = Number(accuracyText);
    expect(accuracy).toBeGreaterThanOrEqual(0.75);
    expect(await page.locator('#error').isHidden()).toBe(true);

    const { fps, seconds } = await trainingFrameRate(page);
    const perEpoch = await page.locator('[data-testid="seconds-per-epoch"]').textContent();
    console.log(`playground: test accuracy ${accuracy}, ${fps.toFixed(1)} frames/s over ${seconds.toFixed(1)} s of training, ${perEpoch} s per epoch (5,000 images)`);
    expect(fps).toBeGreaterThanOrEqual(30);

    // Every figure drew something: the charts, the 24 test images, the selected one, one weight image per hidden unit.
    for (const selector of ['#curves canvas', '#bars canvas', '#confusion canvas', '#selected-image']) {
      const ink = await inked(page, selector);
      expect(ink.length, selector).toBe(1);
      expect(ink[0], selector).toBeGreaterThan(50);
    }
    const grid = await inked(page, '#grid canvas');
    expect(grid.length).toBe(24);
    expect(Math.min(...grid)).toBeGreaterThan(20);
    const weights = await inked(page, '#weights canvas');
    expect(weights.length).toBe(128);
    expect(Math.min(...weights)).toBeGreaterThan(100);
    expect(await page.locator('#program').textContent()).toContain("new keras.layers.Dense(128, { activation: 'relu' })");

    // A click on a test image shows its probabilities.
    await page.locator('#grid button').nth(4).click();
    await expect.poll(() => page.locator('#selected-heading').textContent()).toContain('Test image 5');
  }, 400_000);

  it('takes the screenshots at 1280×800 and at a phone size', async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.locator('#grid button').first().click();
    await page.screenshot({ path: join(SCREENSHOTS, 'playground.png'), fullPage: true, timeout: 120_000 });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(600); // the charts redraw 200 ms after a resize
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'playground-phone.png'), fullPage: true, timeout: 120_000 });
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 300_000);

  it('downloads the model and loads it back with the same predictions', () => downloadAndLoadBack(page, downloads()), 120_000);

  it('trains the CNN from the URL hook with SIMD, stays smooth, and shows its filters and feature maps', async () => {
    await page.goto(`${server.url}?autostart=1&model=cnn&epochs=1&samples=5000`);
    const accuracyText = await page.locator('[data-testid="test-accuracy"]').textContent({ timeout: 300_000 });
    const accuracy = Number(accuracyText);
    expect(accuracy).toBeGreaterThanOrEqual(0.75);
    expect(await page.locator('#error').isHidden()).toBe(true);
    const { fps, seconds } = await trainingFrameRate(page);
    const perEpoch = await page.locator('[data-testid="seconds-per-epoch"]').textContent();
    console.log(`playground CNN (SIMD): test accuracy ${accuracy}, ${fps.toFixed(1)} frames/s over ${seconds.toFixed(1)} s of training, ${perEpoch} s per epoch (5,000 images)`);
    expect(fps).toBeGreaterThanOrEqual(30);

    const program = await page.locator('#program').textContent();
    expect(program).toContain("await keras.config.setKernels('simd');");
    expect(program).toContain("new keras.layers.Conv2D(16, 3, { activation: 'relu' }),");
    expect(await page.locator('#weights-heading').textContent()).toBe('What the filters look for');
    // Sixteen 3×3 filters, each with some colour; sixteen 26×26 maps of the selected image, each with some ink.
    const filters = await inked(page, '#weights canvas');
    expect(filters.length).toBe(16);
    expect(Math.min(...filters)).toBeGreaterThan(0);
    const maps = await inked(page, '#feature-maps canvas');
    expect(maps.length).toBe(16);
    expect(maps.filter((ink) => ink > 20).length).toBeGreaterThan(8);
    // Another test image, other maps.
    const before = await page.locator('#feature-maps canvas').first().evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    await page.locator('#grid button').nth(2).click();
    await expect.poll(() => page.locator('#maps-heading').textContent()).toBe('What the filters find in test image 3');
    expect(await page.locator('#feature-maps canvas').first().evaluate((c) => (c as HTMLCanvasElement).toDataURL())).not.toBe(before);

    // The CNN, too, downloads and loads back, and the page knows it for a CNN.
    await downloadAndLoadBack(page, downloads());
    expect(await page.locator('#model').inputValue()).toBe('cnn');
    expect(await page.locator('#feature-maps canvas').count()).toBe(16);
  }, 400_000);
});
