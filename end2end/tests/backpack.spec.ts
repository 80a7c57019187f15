import { test, expect, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { confirmSignUp, mailDir, hydrated, linkMailedTo } from './helpers';

const fixtures = '../badges/fixtures/ob3';
// The address the OB 3.0 fixtures are issued to (made by @digitalbazaar/vc, see badges/).
// Verified addresses are unique across accounts: only this test may verify it.
const learner = 'ana.martin@example.org';
const password = 'Mon vélo rouge a trois roues';

// An issuer's web site on 127.0.0.1 (the e2e server runs with BESACE_ALLOW_PRIVATE_NETWORK).
async function issuerSite(files: Record<string, Buffer>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const body = files[request.url ?? ''];
    response.writeHead(body ? 200 : 404);
    response.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function screenshots(page: Page, name: string) {
  for (const size of [{ name: 'phone', width: 360, height: 780 }, { name: 'desktop', width: 1280, height: 900 }]) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.screenshot({ path: `screenshots/${name}-${size.name}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('a learner imports badges by picker, drop and link, checks one again and deletes it', async ({ page, context }) => {
  expect(mailDir, 'scripts/e2e starts the SMTP sink').not.toBe('');
  const stamp = `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
  const schoolAddress = `ana.${stamp}@ecole.fr`;
  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('E-mail address').fill(schoolAddress);
  await page.getByLabel('Your name').fill('Ana Martin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await confirmSignUp(page, schoolAddress);

  // The badge was issued to another address: refused, with what to do.
  await page.goto('/backpack');
  await hydrated(page);
  await page.getByRole('link', { name: 'Import a badge' }).first().click();
  await expect(page).toHaveURL(/\/import$/);
  await hydrated(page);
  // One big button; the results come right under it, with a summary line, and take focus.
  await page.getByLabel('Choose my badges').setInputFiles([`${fixtures}/baked-di.png`, '../public/favicon.svg']);
  await expect(page.locator('.import-summary')).toHaveText('Not added: 2');
  await expect(page.locator('#results')).toBeFocused();
  const picture = page.locator('.import-item', { hasText: 'favicon.svg' });
  await expect(picture).toContainText('This is an ordinary picture, with no badge inside.');
  await expect(picture.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  const item = page.locator('.import-item', { hasText: 'baked-di.png' });
  await expect(item).toContainText('This badge was not added');
  await expect(item).toContainText('issued to someone else');
  await expect(item).toContainText('not verified in your account');
  await screenshots(page, 'import-refused');

  // In another tab: add the address the badge was sent to, and confirm it from the mail.
  const settings = await context.newPage();
  await settings.goto('/settings');
  await hydrated(settings);
  await settings.getByLabel('Another e-mail address').fill(learner);
  await settings.getByRole('button', { name: 'Add this address' }).click();
  await expect(settings.getByRole('status')).toContainText('We sent a confirmation link');
  await settings.goto(await linkMailedTo(learner));
  await settings.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(settings.getByRole('status')).toContainText('Your address is confirmed');
  await settings.close();

  // Back on the import page: try again, and it goes in.
  await item.getByRole('button', { name: 'Try again' }).click();
  await expect(item).toContainText('Added to your backpack');
  await expect(item.getByRole('link', { name: 'Parler en public' })).toBeVisible();

  // Drop the same credential as an SVG: recognised, not duplicated.
  const svg = readFileSync(`${fixtures}/baked-di.svg`).toString('base64');
  const dataTransfer = await page.evaluateHandle((content) => {
    const transfer = new DataTransfer();
    const bytes = Uint8Array.from(atob(content), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], 'baked-di.svg', { type: 'image/svg+xml' }));
    return transfer;
  }, svg);
  await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer });
  await expect(page.locator('.import-item').first()).toContainText('already in your backpack');

  // An expired badge by the picker, and another one by its link on the issuer's site.
  await page.getByLabel('Choose my badges').setInputFiles(`${fixtures}/di-expired.json`);
  await expect(page.locator('.import-item').first()).toContainText('Expired');
  const site = await issuerSite({ '/badges/precision.jwt': readFileSync(`${fixtures}/jwt-eddsa.jwt`) });
  try {
    await page.getByText('Other ways').click();
    await page.getByLabel('Link to the badge').fill(`${site.url}/badges/precision.jwt`);
    await page.getByRole('button', { name: 'Import from this link' }).click();
    await expect(page.locator('.import-item').first()).toContainText('Précision');
  } finally {
    site.server.close();
  }
  await screenshots(page, 'import-done');

  // The backpack: three cards with their pictures and statuses; filter by status.
  await page.getByRole('link', { name: 'See my backpack' }).click();
  await expect(page.locator('.badge-card')).toHaveCount(3);
  await screenshots(page, 'backpack-badges');
  // The filters wait folded under one button, so the badges come first on a phone.
  await expect(page.getByLabel('Status')).toBeHidden();
  await page.getByText('Search, filter, sort').click();
  await page.getByLabel('Status').selectOption('expired');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/status=expired/);
  await expect(page.locator('.badge-card')).toHaveCount(1);

  // The badge page: everything it says, check again, then delete it.
  await page.locator('.badge-card a', { hasText: 'Parler en public' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Parler en public');
  await expect(page.getByText('Centre de formation Démo').first()).toBeVisible();
  // One line for people first; the checks, format and fingerprint wait in a disclosure.
  await expect(page.locator('.verdict')).toHaveText(/^Genuine, but expired — checked by Besace on \d{1,2}\u00a0\w+ \d{4} at \d\d:\d\d$/);
  await expect(page.getByText('The badge was issued to you.')).toBeHidden();
  await screenshots(page, 'badge-page');
  await hydrated(page);
  // Checked again, the page loads again with a second line in the history.
  await page.getByRole('button', { name: 'Check again now' }).click();
  await expect(page.locator('.history li')).toHaveCount(2);
  await hydrated(page);
  await page.getByText('Technical details').click();
  await expect(page.getByText('The badge was issued to you.')).toBeVisible();
  await expect(page.locator('.history li').last()).toBeVisible();
  // The confirmation takes the focus, and gives it back when the learner keeps the badge.
  await page.getByRole('button', { name: 'Delete this badge' }).click();
  await expect(page.getByRole('button', { name: 'Yes, delete it' })).toBeFocused();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Delete this badge' })).toBeFocused();
  await page.getByRole('button', { name: 'Delete this badge' }).click();
  await page.getByRole('button', { name: 'Yes, delete it' }).click();
  await expect(page).toHaveURL(/\/backpack$/);
  await expect(page.locator('.badge-card')).toHaveCount(2);
});

test('without JavaScript, the import page posts its files and shows what became of them', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'fr-FR' });
  const page = await context.newPage();
  const address = `nojs.import.${Date.now()}.${Math.floor(Math.random() * 1e6)}@ecole.fr`;
  await page.goto('/signup');
  await page.getByLabel('Adresse e-mail').fill(address);
  await page.getByLabel('Votre nom').fill('Léa');
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await page.goto(await linkMailedTo(address));
  await page.getByRole('button', { name: 'Confirmer mon adresse' }).click();
  await expect(page).toHaveURL(/\/backpack$/);

  await page.goto('/import');
  // Nothing chosen: the page says what to do.
  await page.getByRole('button', { name: 'Importer ces badges' }).click();
  await expect(page.getByRole('alert')).toContainText("Choisissez d'abord un badge");
  await page.getByLabel('Choisir mes badges').setInputFiles(['../public/favicon.svg', `${fixtures}/di-tampered-name.json`]);
  await page.getByRole('button', { name: 'Importer ces badges' }).click();
  await expect(page).toHaveURL(/\/import\?done=\w+#results$/);
  await expect(page.locator('.import-summary')).toHaveText('Non ajoutés\u00a0: 2');
  await expect(page.locator('.import-item', { hasText: 'favicon.svg' })).toContainText("C'est une image ordinaire");
  await expect(page.locator('.import-item', { hasText: 'di-tampered-name.json' })).toContainText('il a peut-être été modifié');
  await screenshots(page, 'import-without-js');
  await context.close();
});
