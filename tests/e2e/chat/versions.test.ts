// Every version kept, in real Chromium against the built app and the wire-protocol server:
// regenerating keeps the old replies as versions, the arrows flip between them (what follows each
// comes with it), a reload keeps them all; an edited question is a new version with its own
// answer; "Branch off here" copies the path into a new session; deleting a version takes it and
// what follows it, never its siblings.
import { describe, expect, it } from 'vitest';
import { openChat, poll, useChatEnv } from './chat-env';

const env = useChatEnv();

const ready = () => openChat(env);

const textOf = async (l: { textContent(): Promise<string | null> }) =>
  (await l.textContent()) ?? '';

describe('versions of a conversation', () => {
  it('keeps every regenerated reply, flips between them with their follow-ups, and after a reload', async () => {
    const { page, tern, errors } = await ready();
    env.provider.scripts.push({ kind: 'reply', tokens: ['Answer', ' one.'] });
    await tern.send('Question A');
    await poll(() => textOf(tern.replies().last())).toContain('Answer one.');
    env.provider.scripts.push({ kind: 'reply', tokens: ['Follow-up', ' reply.'] });
    await tern.send('Question B');
    await poll(() => textOf(tern.replies().last())).toContain('Follow-up reply.');

    // Regenerating the first reply asks nothing: the old one, and what followed it, stay a version.
    for (const n of ['two', 'three', 'four']) {
      env.provider.scripts.push({ kind: 'reply', tokens: ['Answer', ` ${n}.`] });
      await tern.replies().first().getByRole('button', { name: 'Regenerate' }).click();
      await poll(() => textOf(tern.replies().first())).toContain(`Answer ${n}.`);
    }
    await poll(() => tern.messages.count()).toBe(2);
    const versions = () => tern.replies().first().getByRole('group', { name: 'Versions' });
    await poll(() => textOf(versions())).toContain('4/4');
    // What the model was sent for the last version: the question alone, not the old answers.
    const sent = env.provider.requests.at(-1)?.body as { messages: { content: string }[] };
    expect(sent.messages.map((m) => m.content)).toEqual(['Question A']);

    // Back to the first version: its own continuation (Question B and its reply) comes with it.
    for (let i = 0; i < 3; i++) {
      await versions().getByRole('button', { name: 'Previous version' }).click();
      await poll(() => textOf(versions())).toContain(`${3 - i}/4`);
    }
    await poll(() => textOf(tern.replies().first())).toContain('Answer one.');
    await poll(() => tern.messages.count()).toBe(4);
    expect(await textOf(tern.replies().last())).toContain('Follow-up reply.');

    // The arrow keys flip too, while the switcher has focus; the version flipped to keeps it, so
    // they go on flipping, one version a key, however quickly they are pressed.
    await versions().getByRole('button', { name: 'Next version' }).focus();
    await page.keyboard.press('ArrowRight');
    await poll(() => textOf(versions())).toContain('2/4');
    await page.keyboard.press('ArrowRight');
    await poll(() => textOf(versions())).toContain('3/4');
    await page.keyboard.press('ArrowLeft');
    await poll(() => textOf(versions())).toContain('2/4');
    expect(
      await page.evaluate(
        () => document.activeElement?.closest('[aria-label="Versions"]') !== null,
      ),
    ).toBe(true);
    await poll(() => textOf(tern.replies().first())).toContain('Answer two.');
    await poll(() => tern.messages.count()).toBe(2);
    // A flip is on screen before it is stored; the switcher is busy until it is.
    await poll(() => versions().getAttribute('aria-busy')).toBe('false');

    await page.reload();
    await poll(() => textOf(versions())).toContain('2/4');
    expect(await textOf(tern.replies().first())).toContain('Answer two.');
    await versions().getByRole('button', { name: 'Previous version' }).click();
    await poll(() => textOf(tern.replies().first())).toContain('Answer one.');
    await poll(() => tern.messages.count()).toBe(4);

    // A search finds a reply in a version not on screen, says so, and opens the session on it.
    await tern.searchBox.fill('three');
    const hit = tern.messageHits.filter({ hasText: 'Answer three.' });
    await expect.poll(() => textOf(hit), { timeout: 10_000 }).toContain('other version');
    await hit.getByRole('button').click();
    await poll(() => textOf(versions())).toContain('3/4');
    expect(await textOf(tern.replies().first())).toContain('Answer three.');
    await poll(() => tern.messages.count()).toBe(2);
    expect(errors).toEqual([]);
  });

  it('sends an edited question as a new version, branches off, and deletes one version only', async () => {
    const { page, tern, errors } = await ready();
    env.provider.scripts.push({ kind: 'reply', tokens: ['First', ' answer.'] });
    await tern.send('Question A');
    await poll(() => textOf(tern.replies().last())).toContain('First answer.');
    env.provider.scripts.push({ kind: 'reply', tokens: ['Second', ' answer.'] });
    await tern.send('Question B');
    await poll(() => textOf(tern.replies().last())).toContain('Second answer.');

    // While it is edited its text is in a text box, so the article is found by its place.
    const a = tern.messages.first();
    await a.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Edit message' }).fill('Question A, put better');
    env.provider.scripts.push({ kind: 'reply', tokens: ['Better', ' answer.'] });
    await a.getByRole('button', { name: 'Send as a new version' }).click();
    await poll(() => textOf(tern.replies().last())).toContain('Better answer.');
    await poll(() => tern.messages.count()).toBe(2);
    const sent = env.provider.requests.at(-1)?.body as { messages: { content: string }[] };
    expect(sent.messages.map((m) => m.content)).toEqual(['Question A, put better']);
    const question = tern.messages.first();
    await poll(() => textOf(question.getByRole('group', { name: 'Versions' }))).toContain('2/2');

    // The old question is one flip away, with both of its exchanges.
    await question.getByRole('button', { name: 'Previous version' }).click();
    await poll(() => tern.messages.count()).toBe(4);
    expect(await textOf(tern.messages.first())).toContain('Question A');
    expect(await textOf(tern.replies().last())).toContain('Second answer.');

    // Branch off at the first answer: a new session with the path up to it; the source stays.
    const title = (await tern.heading.textContent()) ?? '';
    await tern.replies().first().getByRole('button', { name: 'Branch off here' }).click();
    await poll(() => tern.heading.textContent()).toBe(`${title} (branch)`);
    await poll(() => tern.messages.count()).toBe(2);
    expect(await textOf(tern.replies().last())).toContain('First answer.');
    await tern.session(title).getByRole('button').first().click();
    await poll(() => tern.heading.textContent()).toBe(title);
    await poll(() => tern.messages.count()).toBe(4);

    // Deleting this version of the question takes it and its three followers, not its sibling.
    await tern.messages.first().getByRole('button', { name: 'Delete this version' }).click();
    await poll(() =>
      tern.messages.first().getByText('Delete this version and the 3 messages after it?').count(),
    ).toBe(1);
    await tern.messages.first().getByRole('button', { name: 'Yes, delete' }).click();
    await poll(() => tern.messages.count()).toBe(2);
    expect(await textOf(tern.messages.first())).toContain('Question A, put better');
    expect(await tern.messages.first().getByRole('group', { name: 'Versions' }).count()).toBe(0);

    await page.reload();
    await poll(() => tern.messages.count()).toBe(2);
    expect(await textOf(tern.replies().last())).toContain('Better answer.');
    expect(errors).toEqual([]);
  });
});
