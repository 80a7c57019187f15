import { test, expect, chromium, BrowserContext, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confirmSignUp, hydrated, logIn } from './helpers';

// scripts/e2e runs `besace demo` first: this learner has 14 real badges and chose French.
const demoEmail = 'camille.durand@example.org';
const demoPassword = 'Besace démo 2026';

/// Chromium with a profile of its own on disk, as a phone's browser has: installability
/// is not checked in an incognito-like context (Playwright's usual one).
async function normalProfile(): Promise<{ context: BrowserContext; done: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'besace-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    baseURL: process.env.BESACE_E2E_URL ?? 'http://127.0.0.1:3000',
    locale: 'en-GB',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  return { context, done: async () => { await context.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/// The service worker is running and answers this page's requests.
async function controlled(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
    await page.reload();
  }
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

/// Every URL the service worker keeps, whatever its cache.
async function keptUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
}

test('Besace installs, opens the backpack offline, and forgets it at logout', async () => {
  const { context, done } = await normalProfile();
  const page = context.pages()[0] ?? await context.newPage();
  await logIn(page, demoEmail, demoPassword);
  await controlled(page);

  // Installable, by Chromium's own check (DevTools protocol), with a manifest it reads whole.
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);
  const manifest = await cdp.send('Page.getAppManifest');
  expect(manifest.errors).toEqual([]);
  expect(JSON.parse(manifest.data!).short_name).toBe('Besace');

  // Online: the backpack, from the network, kept on the way; then one badge's page.
  await page.goto('/backpack');
  // The demo's 14 badges, and whatever the earlier tests imported.
  const cards = await page.locator('.badge-card').count();
  expect(cards).toBeGreaterThanOrEqual(14);
  const badge = page.locator('.badge-card .badge-name a').first();
  const name = (await badge.textContent())!;
  const href = (await badge.getAttribute('href'))!;
  await page.goto(href);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await page.goto('/backpack');
  await expect(page.locator('.offline-notice')).toHaveCount(0);

  // Offline: the backpack and that badge still open, saying since when.
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('.offline-notice')).toContainText('Hors ligne');
  await expect(page.locator('.offline-notice')).toContainText(/\d{4}/);
  await expect(page.locator('.badge-card')).toHaveCount(cards);
  await page.screenshot({ path: 'screenshots/app-offline-phone.png', fullPage: false });
  await page.goto(href);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.locator('.offline-notice')).toBeVisible();
  // A page never opened here says so, and leads back to the backpack.
  await page.goto('/settings');
  await expect(page.locator('.offline-notice')).toContainText(/not been opened|pas encore été ouverte/);
  await page.getByRole('link', { name: /backpack|sac à badges/ }).click();
  await expect(page.locator('.badge-card')).toHaveCount(cards);
  await context.setOffline(false);

  // Online again, a private page comes from the network, never from what was kept.
  await page.goto('/backpack');
  await expect(page.locator('.offline-notice')).toHaveCount(0);
  expect(await keptUrls(page)).toContain('/backpack');

  // Logging out forgets the learner's pages and pictures.
  await hydrated(page);
  await page.locator('.nav-phone summary').click();
  await page.locator('.nav-phone').getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect.poll(async () => (await keptUrls(page)).filter((url) => !/^\/(pkg\/|favicon|badge-placeholder|empty-backpack|icon-|time-zone|web-app)/.test(url))).toEqual([]);

  // Another learner on this browser never sees the first one's badges, online or offline.
  const email = `autre.${Date.now()}@example.org`;
  await page.goto('/signup');
  await hydrated(page);
  // This one reads English: the first learner's French stays with the first learner.
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('button', { name: 'Create my account' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Your name').fill('Léa Martin');
  await page.getByLabel('Password').fill('un mot de passe assez long');
  await page.getByRole('button', { name: 'Create my account' }).click();
  await confirmSignUp(page, email);
  await expect(page.locator('.badge-card')).toHaveCount(0);
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('.badge-card')).toHaveCount(0);
  expect(await page.content()).not.toContain(name);
  await context.setOffline(false);
  await done();
});

test('a badge file shared from the phone lands in the backpack through the import', async () => {
  const { context, done } = await normalProfile();
  const page = context.pages()[0] ?? await context.newPage();
  // One of the learner's badges as its issuer's file (the original she once imported),
  // taken out of the backpack, as if it had just come by mail.
  await logIn(page, demoEmail, demoPassword);
  const cards = await page.locator('.badge-card').count();
  const card = page.locator('.badge-card .badge-name a').last();
  const name = (await card.textContent())!;
  const id = (await card.getAttribute('href'))!.split('/').pop()!;
  const original = await page.request.get(`/api/badges/${id}/original`);
  expect(original.status()).toBe(200);
  const file = {
    base64: (await original.body()).toString('base64'),
    type: original.headers()['content-type'].split(';')[0],
    name: `${name}.${original.headers()['content-type'].includes('svg') ? 'svg' : 'png'}`,
  };
  expect((await page.request.post('/api/delete_badge', { form: { id } })).ok()).toBe(true);
  expect((await page.request.post('/api/logout', { form: {} })).ok()).toBe(true);

  // The share sheet posts as the manifest's share_target says: a navigation, multipart,
  // the file under `files`, the mail's subject as `title`.
  async function share() {
    await page.evaluate(async (file) => {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = '/share-target';
      form.enctype = 'multipart/form-data';
      const files = document.createElement('input');
      files.type = 'file';
      files.name = 'files';
      const picked = new DataTransfer();
      picked.items.add(new File([bytes], file.name, { type: file.type }));
      files.files = picked.files;
      const title = document.createElement('input');
      title.name = 'title';
      title.value = 'Votre badge';
      form.append(files, title);
      document.body.append(form);
      form.submit();
    }, file);
  }

  // Logged out: the share waits for the login, then goes on by itself.
  await page.goto('/');
  await share();
  await expect(page).toHaveURL(/\/login\?next=%2Fshare-target$/);
  await hydrated(page);
  // In French: the learner's language stays on this browser after she logged out.
  await page.getByLabel('Adresse e-mail').fill(demoEmail);
  await page.getByLabel('Mot de passe').fill(demoPassword);
  await page.getByRole('button', { name: 'Se connecter' }).last().click();
  await expect(page).toHaveURL(/\/import\?done=\w+#results$/);
  await expect(page.locator('.import-summary')).toHaveText('Ajoutés\u00a0: 1');
  await expect(page.locator('#results').getByText(name).first()).toBeVisible();
  await page.screenshot({ path: 'screenshots/app-shared-phone.png', fullPage: false });
  await page.goto('/backpack');
  await expect(page.locator('.badge-card')).toHaveCount(cards);

  // Logged in, straight to the results: this one is there already.
  await share();
  await expect(page).toHaveURL(/\/import\?done=\w+#results$/);
  await expect(page.locator('.import-summary')).toHaveText('Déjà dans votre besace\u00a0: 1');
  await done();
});

test('where the phone has a share sheet, the sharing panel opens it with the public link', async ({ page }) => {
  // Chromium on Linux has no share sheet: this one records what it is given, as a phone's
  // would show it.
  await page.addInitScript(() => {
    (navigator as any).share = async (data: ShareData) => { (window as any).shared = data; };
  });
  await logIn(page, demoEmail, demoPassword);
  await page.goto('/collections');
  await page.locator('.collection-card', { hasText: 'Publique depuis' }).first().getByRole('link').click();
  const link = await page.getByLabel('Lien public').inputValue();
  const share = page.getByRole('button', { name: 'Partager…' });
  await expect(share).toBeVisible();
  await share.click();
  expect(await page.evaluate(() => (window as any).shared)).toEqual({ title: expect.any(String), url: link });
});
