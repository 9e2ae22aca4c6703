// A sidebar with a thousand sessions (an import brings that many): the most recent are listed at
// once, the rest on request, and the title filter still finds every one of them.
import { describe, expect, it } from 'vitest';
import { newContext, useApp, watchErrors } from '../harness';
import { seed, TernPage } from '../pages/app';

const env = useApp();

describe('a sidebar with many sessions', () => {
  it('lists a page of sessions, more on request, and filters across all of them', async () => {
    const context = await newContext(env.browser);
    const page = await context.newPage();
    const errors = watchErrors(page);
    const sessions = Array.from({ length: 1000 }, (_, i) => ({
      id: `s${String(i).padStart(4, '0')}`,
      title: `Imported chat ${String(i).padStart(4, '0')}`,
      messages: [{ content: `Hello ${i}` }],
    }));
    await seed(page, env.server.url, sessions);
    const tern = new TernPage(page, env.server.url);
    await tern.open();

    const ws = tern.workspace('My workspace');
    const listed = () => ws.getByRole('listitem').count();
    const more = ws.getByRole('button', { name: /^Show \d+ more/ });
    await expect.poll(listed).toBe(100);
    expect(await more.textContent()).toContain('Show 100 more (900 not shown)');

    await more.click();
    await expect.poll(listed).toBe(200);

    // The filter looks at every session, not only those listed.
    const search = tern.sidebar.getByRole('searchbox', { name: /Search/ });
    const shown = new Set(await ws.getByRole('listitem').allTextContents());
    const hiddenOnes = sessions
      .map((s) => s.title)
      .filter((t) => ![...shown].some((text) => text.includes(t)))
      .slice(-3);
    expect(hiddenOnes.length).toBe(3);
    for (const title of hiddenOnes) {
      await search.fill(title);
      await expect.poll(() => tern.session(title).count()).toBe(1);
    }
    // Opened from the filter, a session stays listed when the filter is cleared.
    const last = hiddenOnes[2] ?? '';
    await tern.session(last).getByText(last, { exact: true }).click();
    await expect.poll(() => tern.heading.textContent()).toBe(last);
    await search.fill('');
    await expect.poll(listed).toBe(201);
    expect(await tern.session(last).count()).toBe(1);
    expect(errors.join('\n')).toBe('');
    await context.close();
  });
});
