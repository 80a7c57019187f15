import { test, expect, Page } from '@playwright/test';
import { hydrated, logIn } from './helpers';

// scripts/e2e runs `besace demo` first: this learner has 14 real badges and chose French.
const demoEmail = 'camille.durand@example.org';
const demoPassword = 'Besace démo 2026';

async function screenshots(page: Page, name: string) {
  for (const size of [{ name: 'phone', width: 360, height: 780 }, { name: 'desktop', width: 1280, height: 900 }]) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.screenshot({ path: `screenshots/${name}-${size.name}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

// Polled while the page loads again after a change: a read during the load counts as "not yet".
async function badgeNames(page: Page): Promise<string[]> {
  try {
    return await page.locator('.ordered-badges .pick-name a').allTextContents();
  } catch {
    return [];
  }
}

test('a learner fills a collection, orders it, publishes it, and a recruiter opens the link', async ({ page, browser }) => {
  await logIn(page, demoEmail, demoPassword);

  // The demo learner's account speaks French.
  await page.goto('/collections');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mes collections');
  const name = `Pour le garage ${Date.now()}`;
  await page.getByLabel('Nom').fill(name);
  await page.getByLabel('Description (facultative)').fill('Mes savoir-être pour un poste de mécanicien.');
  await page.getByRole('button', { name: 'Créer la collection' }).click();
  await expect(page).toHaveURL(/\/collections\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await hydrated(page);

  // Three badges from the backpack. Each change loads the page again: the new content
  // shows first, then its islands come alive.
  // From the keyboard: after each add the page loads again with the focus on the next
  // badge's button, so Enter again adds the next one.
  await page.locator('.pick-list li').first().getByRole('button', { name: /^Ajouter/ }).focus();
  for (let added = 1; added <= 3; added++) {
    await page.keyboard.press('Enter');
    await expect(page.locator('.ordered-badges li')).toHaveCount(added);
    await hydrated(page);
    await expect(page.locator('.pick-list li').first().getByRole('button', { name: /^Ajouter/ })).toBeFocused();
  }
  const [first, second, third] = await badgeNames(page);

  // Keyboard-friendly order: the third goes up one, and the focus stays on its arrow.
  await page.getByRole('button', { name: `Monter : ${third}` }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => badgeNames(page)).toEqual([first, third, second]);
  await hydrated(page);
  await expect(page.getByRole('button', { name: `Monter : ${third}` })).toBeFocused();
  // At the top its "up" is off: the focus goes to its "down".
  await page.keyboard.press('Enter');
  await expect.poll(() => badgeNames(page)).toEqual([third, first, second]);
  await hydrated(page);
  await expect(page.getByRole('button', { name: `Descendre : ${third}` })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(() => badgeNames(page)).toEqual([first, third, second]);
  await hydrated(page);
  // Drag and drop: the last one onto the first place.
  await page.locator('.ordered-badges li').nth(2).dragTo(page.locator('.ordered-badges li').nth(0));
  await expect.poll(() => badgeNames(page)).toEqual([second, first, third]);
  await hydrated(page);

  // Private until published; then a link to copy and share.
  await expect(page.getByText('Vous seul voyez cette collection.')).toBeVisible();
  await page.getByRole('button', { name: 'Publier et obtenir un lien' }).click();
  const link = await page.getByLabel('Lien public').inputValue();
  expect(link).toMatch(/\/g\/[A-Za-z0-9_-]{32}$/);
  await expect(page.getByRole('link', { name: 'LinkedIn', exact: true })).toHaveAttribute('href', /linkedin\.com/);
  await screenshots(page, 'collection-published');
  await hydrated(page);

  // On paper: the portfolio's link, and the Europass panel's texts, each copied by its button.
  await expect(page.getByRole('link', { name: 'Télécharger en PDF' })).toHaveAttribute('href', `${link}/portfolio.pdf`);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const europass = page.locator('.europass');
  await europass.locator('summary').click();
  await expect(europass.locator('.europass-list > li')).toHaveCount(3);
  // The first badge's English text: its second button, named for the badge and language.
  const copyEnglish = europass.locator('.europass-list > li').first().getByRole('button').last();
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await expect(copyEnglish).toHaveAccessibleName(new RegExp(`^Copier\\s+:\\s${literal(second)} \\(En anglais\\)$`));
  await copyEnglish.click();
  await expect(europass.getByText('Texte copié.')).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const [title, organisation, ...rest] = copied.split('\n');
  expect(title).toBe(second);
  expect(organisation).toMatch(/^Organisation: \S/);
  expect(rest.at(-1)!.startsWith(`Link: ${link}/badges/`)).toBe(true);
  await europass.screenshot({ path: 'screenshots/europass-desktop.png' });

  // A recruiter: another browser, no cookies, no account, no JavaScript needed.
  const recruiter = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
  const visitor = await recruiter.newPage();
  const response = await visitor.goto(link);
  expect(response?.status()).toBe(200);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(visitor.getByText('Badges of Camille Durand')).toBeVisible();
  await expect(visitor.locator('.badge-card')).toHaveCount(3);
  await expect(visitor.locator('.badge-card h2').first()).toHaveText(second);
  expect(await visitor.content()).not.toContain('@');
  await screenshots(visitor, 'gallery');
  // Its PDF, and on paper its address and QR code instead of buttons.
  await expect(visitor.getByRole('link', { name: 'Download as PDF' })).toHaveAttribute('href', /\/portfolio\.pdf$/);
  const portfolio = await visitor.request.get(`${link}/portfolio.pdf`);
  expect(portfolio.status()).toBe(200);
  expect(portfolio.headers()['content-type']).toBe('application/pdf');
  await visitor.emulateMedia({ media: 'print' });
  await expect(visitor.getByRole('link', { name: 'Download as PDF' })).toBeHidden();
  await expect(visitor.locator('.print-check')).toBeVisible();
  await expect(visitor.locator('.print-check')).toContainText(link);
  await visitor.pdf({ path: 'screenshots/gallery-print.pdf', format: 'A4' });
  await visitor.emulateMedia({ media: 'screen' });
  await expect(visitor.locator('.print-check')).toBeHidden();
  await visitor.locator('.badge-card a').first().click();
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(second);
  // Whose badge it is, and one line on its check, in the reader's words.
  await expect(visitor.getByText('Awarded to Camille Durand')).toBeVisible();
  await expect(visitor.locator('.verdict')).toHaveText(/ — checked by Besace on \d{1,2}\u00a0\w+ \d{4}$/);
  await expect(visitor.getByText('Centre de formation Démo').first()).toBeVisible();
  await screenshots(visitor, 'gallery-badge');
  await expect(visitor.getByRole('link', { name: 'Download the certificate (PDF)' })).toHaveAttribute('href', /\/certificate\.pdf$/);
  await visitor.emulateMedia({ media: 'print' });
  await expect(visitor.locator('.print-check')).toContainText(visitor.url());
  await visitor.pdf({ path: 'screenshots/gallery-badge-print.pdf', format: 'A4' });
  await visitor.emulateMedia({ media: 'screen' });

  // Unpublished: the same link is dead at once.
  await page.getByRole('button', { name: 'Rendre privée' }).click();
  await expect(page.getByText('Vous seul voyez cette collection.')).toBeVisible();
  const gone = await visitor.goto(link);
  expect(gone?.status()).toBe(404);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText('This link leads nowhere');
  await recruiter.close();
});

test('a learner ticks badges in the backpack and adds them to a collection at once', async ({ page }) => {
  await logIn(page, demoEmail, demoPassword);
  await hydrated(page);

  await page.getByLabel('Sélectionner Précision').check();
  await page.getByLabel('Sélectionner Discrétion').check();
  await expect(page.getByText('Badges sélectionnés\u00a0: 2')).toBeVisible();
  await page.getByLabel('Les ajouter à').selectOption({ label: 'Communication' });
  await page.getByRole('button', { name: 'Ajouter à la collection' }).click();
  await expect(page.getByText('Ajoutés à la collection.')).toBeVisible();

  await page.goto('/collections');
  await page.getByRole('link', { name: 'Communication' }).click();
  await expect(page).toHaveURL(/\/collections\/\d+$/);
  await expect(page.locator('.ordered-badges li')).toHaveCount(5);
  await expect(page.locator('.ordered-badges .pick-name a').last()).toHaveText('Discrétion');
});

test('a learner shares one badge on its own, changes its link, then stops sharing it', async ({ page, browser }) => {
  await logIn(page, demoEmail, demoPassword);
  await page.goto('/backpack');
  const badge = await page.locator('.badge-card .badge-name a').nth(1).getAttribute('href');
  await page.goto(badge!);
  await hydrated(page);
  const name = await page.getByRole('heading', { level: 1 }).textContent();
  await expect(page.getByText('Privé', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Obtenir un lien pour ce badge' }).click();
  await expect(page.getByLabel('Lien public')).toBeVisible();
  await hydrated(page);
  const link = await page.getByLabel('Lien public').inputValue();
  expect(link).toMatch(/\/s\/[A-Za-z0-9_-]{32}$/);
  await screenshots(page, 'badge-shared');

  // A recruiter without JavaScript opens it: the badge, whose it is, and its check.
  const recruiter = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
  const visitor = await recruiter.newPage();
  expect((await visitor.goto(link))?.status()).toBe(200);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(name!);
  await expect(visitor.getByText('Awarded to Camille Durand')).toBeVisible();
  expect(await visitor.content()).not.toContain('@example.org');
  await screenshots(visitor, 'badge-link');

  // A new link retires the old one; stopping retires the new one.
  await page.getByRole('button', { name: 'Changer de lien' }).click();
  await expect(page.getByLabel('Lien public')).not.toHaveValue(link);
  await hydrated(page);
  const second = await page.getByLabel('Lien public').inputValue();
  expect((await visitor.goto(link))?.status()).toBe(404);
  expect((await visitor.goto(second))?.status()).toBe(200);
  await page.getByRole('button', { name: 'Ne plus partager' }).click();
  await expect(page.getByText('Privé', { exact: true })).toBeVisible();
  expect((await visitor.goto(second))?.status()).toBe(404);
  await recruiter.close();
});
