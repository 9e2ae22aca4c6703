import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from '../harness';
import { openFresh } from '../pages/app';
import { makePng } from '../pages/png';

const env = useApp();

const fresh = () => openFresh(env);

/** Natural size of a loaded image, once it has loaded. */
async function naturalSize(page: Page, name: string): Promise<string> {
  const img = page.getByRole('img', { name, exact: true }).first();
  return img.evaluate(async (el) => {
    const i = el as HTMLImageElement;
    if (!i.complete || i.naturalWidth === 0) await i.decode();
    return `${i.naturalWidth}×${i.naturalHeight}`;
  });
}

describe('images', () => {
  it('attaches through the picker, keeps the image after a reload, scales it, and deletes it from the gallery', async () => {
    const { context, page, tern, errors } = await fresh();
    await tern.newSession();
    const png = await makePng(page, 3000, 1500);

    await page
      .getByLabel('Choose images', { exact: true })
      .setInputFiles({ name: 'wide.png', mimeType: 'image/png', buffer: png });
    const attached = page.getByRole('list', { name: 'Attached images' });
    await expect.poll(() => attached.getByRole('img', { name: 'Attached image' }).count()).toBe(1);
    await tern.send('Here is the picture');

    const message = tern.message('Here is the picture');
    await expect.poll(() => message.getByRole('img', { name: 'Attached image' }).count()).toBe(1);
    await expect.poll(() => attached.count()).toBe(0);
    await expect.poll(() => tern.session('New chat').getByText('1 image').count()).toBe(1);

    // The Blob survived: the thumbnail shows again after a reload, with real pixels.
    await page.reload();
    await expect.poll(() => message.getByRole('img', { name: 'Attached image' }).count()).toBe(1);
    expect(await naturalSize(page, 'Attached image')).toBe('2048×1024');
    await expect.poll(() => tern.session('New chat').getByText('1 image').count()).toBe(1);

    // The gallery lists it and opens it full size, scaled to at most 2048 px on its long side.
    await page.getByRole('main').getByRole('button', { name: 'Session menu' }).click();
    await page.getByRole('menuitem', { name: 'Images', exact: true }).click();
    const gallery = tern.dialog('Images');
    await expect
      .poll(() => gallery.getByRole('button', { name: 'Open Original image' }).count())
      .toBe(1);
    await gallery.getByRole('button', { name: 'Open Original image' }).click();
    await expect.poll(() => gallery.getByText(/Original · 2048×1024 ·/).count()).toBe(1);
    expect(await naturalSize(page, 'Original image')).toBe('2048×1024');
    await gallery.getByRole('button', { name: 'Back to all images' }).click();

    await gallery.getByRole('button', { name: 'Delete original image' }).click();
    await gallery.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect
      .poll(() => gallery.getByText('No images in this session yet.', { exact: false }).count())
      .toBe(1);
    await expect.poll(() => tern.session('New chat').getByText('image').count()).toBe(0);
    await expect.poll(() => message.getByText('Image removed').count()).toBe(1);

    await page.reload();
    await expect.poll(() => tern.message('Here is the picture').count()).toBe(1);
    await expect.poll(() => message.getByText('Image removed').count()).toBe(1);
    await expect.poll(() => tern.session('New chat').getByText('image').count()).toBe(0);
    expect(errors.filter((e) => e.startsWith('pageerror')).join('\n')).toBe('');
    await context.close();
  });

  it('attaches a pasted image, and keeps a small one at its own size', async () => {
    const { context, page, tern } = await fresh();
    await tern.newSession();
    const png = await makePng(page, 40, 30);
    await tern.composer.focus();
    await tern.composer.evaluate((el, base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
      el.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, png.toString('base64'));
    const attached = page.getByRole('list', { name: 'Attached images' });
    await expect.poll(() => attached.getByRole('img', { name: 'Attached image' }).count()).toBe(1);

    // The attachment is part of the draft: it is still there after a reload.
    await page.reload();
    await expect.poll(() => attached.getByRole('img', { name: 'Attached image' }).count()).toBe(1);
    await tern.composer.press('Enter');
    await expect
      .poll(() => tern.messages.getByRole('img', { name: 'Attached image' }).count())
      .toBe(1);
    expect(await naturalSize(page, 'Attached image')).toBe('40×30');

    // Something that is not an image is refused with a clear message.
    await page
      .getByLabel('Choose images', { exact: true })
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('“notes.txt” is not an image');
    await expect.poll(() => attached.count()).toBe(0);
    await context.close();
  });
});
