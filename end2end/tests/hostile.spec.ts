import { test, expect, Page } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hydrated, logIn } from './helpers';

// scripts/e2e runs `besace demo` first: this learner exists and speaks French.
const demoEmail = 'camille.durand@example.org';
const demoPassword = 'Besace démo 2026';
// Each payload closes what it lands in (the title, an attribute, a textarea) and opens a script.
const script = "</title><script>alert('name')</script>";
const attribute = `"><img src=x onerror=alert('attribute')>`;
const textarea = "</textarea><script>alert('textarea')</script>";

/// An issuer's site on this machine serving a hosted Open Badges 2.0 badge for the demo
/// learner whose every text is markup (the e2e server may fetch from 127.0.0.1).
async function hostileIssuer(): Promise<{ url: string; close: () => void }> {
  const documents = new Map<string, string>();
  const server = createServer((request, response) => {
    const found = documents.get(request.url ?? '');
    if (!found) { response.writeHead(404).end(); return; }
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(found);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context = 'https://w3id.org/openbadges/v2';
  const stamp = Date.now();
  documents.set(`/assertions/${stamp}.json`, JSON.stringify({
    '@context': context, type: 'Assertion', id: `${base}/assertions/${stamp}.json`,
    recipient: { type: 'email', hashed: false, identity: demoEmail },
    badge: `${base}/badges/piege.json`, issuedOn: '2026-11-20T09:00:00Z', verification: { type: 'hosted' },
  }));
  documents.set('/badges/piege.json', JSON.stringify({
    '@context': context, type: 'BadgeClass', id: `${base}/badges/piege.json`, name: `Piège ${script}`,
    description: `Description ${attribute}`, image: `${base}/badges/piege.png`,
    criteria: { narrative: `Critères ${textarea}` }, issuer: `${base}/issuer.json`,
  }));
  documents.set('/issuer.json', JSON.stringify({
    '@context': context, type: 'Issuer', id: `${base}/issuer.json`, name: `Émetteur ${attribute}`,
    url: 'https://moodle.example/',
  }));
  return { url: `${base}/assertions/${stamp}.json`, close: () => server.close() };
}

/// Fails the test on any dialog, and collects what the Content-Security-Policy blocked,
/// with every document the page loaded and the policy it came with (to tell, if a script is
/// ever blocked, which answer's policy blocked it).
function watch(page: Page): { dialogs: string[]; blocked: string[]; documents: string[] } {
  const seen = { dialogs: [] as string[], blocked: [] as string[], documents: [] as string[] };
  page.on('response', async (response) => {
    if (response.request().resourceType() !== 'document') return;
    const headers = await response.allHeaders().catch(() => ({} as Record<string, string>));
    seen.documents.push(`${response.request().method()} ${response.url()} ${response.status()} ` +
      `csp=${headers['content-security-policy'] ?? '(none)'} from-cache=${response.fromServiceWorker()}`);
  });
  page.on('dialog', async (dialog) => {
    seen.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) seen.blocked.push(`${page.url()}: ${message.text()}`);
  });
  return seen;
}

test('markup in a badge and in a collection is shown as text and never runs', async ({ page }) => {
  const seen = watch(page);
  await logIn(page, demoEmail, demoPassword);
  // The backpack's own scripts run before the test leaves it (its URL shows as soon as the
  // navigation commits, while the page is still loading).
  await hydrated(page);

  const site = await hostileIssuer();
  try {
    await page.goto('/import');
    await hydrated(page);
    await page.getByText('Autres façons').click();
    await page.getByLabel('Lien vers le badge').fill(site.url);
    await page.getByRole('button', { name: 'Importer depuis ce lien' }).click();
    await expect(page.locator('.import-item').first()).toContainText(`Piège ${script}`);
  } finally {
    site.close();
  }

  // The backpack and the badge page show the text as it is (plain links: no wasm needed).
  await page.goto('/backpack');
  await page.getByRole('link', { name: `Piège ${script}` }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Piège ${script}`);
  expect(await page.title()).toBe(`Piège ${script} · Besace`);
  await expect(page.getByText(`Description ${attribute}`)).toBeVisible();

  // A collection whose name and description are markup, made with the page's islands
  // (so they hydrated under the policy: the nonce'd script ran, and nothing else did).
  await page.goto('/collections');
  await hydrated(page);
  await page.getByLabel('Nom').fill(`Piège ${script}`);
  await page.getByLabel('Description (facultative)').fill(`${attribute} ${textarea}`);
  await page.getByRole('button', { name: 'Créer la collection' }).click();
  await expect(page).toHaveURL(/\/collections\/\d+$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Piège ${script}`);
  await expect(page.getByLabel('Description (facultative)')).toHaveValue(`${attribute} ${textarea}`);

  expect(seen.dialogs, 'no script of the badge or collection ran').toEqual([]);
  expect(seen.blocked, `the pages need no inline script beyond the nonce one; documents:\n${seen.documents.join('\n')}`).toEqual([]);
});
