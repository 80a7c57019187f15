import { test, expect, Page } from '@playwright/test';
import { bundleRequests, confirmSignUp, hydrated, linkMailedTo } from './helpers';

const password = 'Mon vélo rouge a trois roues';

function uniqueEmail(prefix: string) {
  return `${prefix}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@ecole.fr`;
}

// A hydration mismatch or a panic in the wasm shows up as a console error; refused logins
// (HTTP 401/429 answers) are expected and only logged by the browser as failed loads.
function watchConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  return errors;
}

test('a learner signs up, logs out, logs in, switches language and deletes the account', async ({ page }) => {
  const email = uniqueEmail('marie');
  const consoleErrors = watchConsoleErrors(page);

  // The landing has no island: it loads no wasm at all (the sign-up page after it does).
  const bundle = bundleRequests(page);
  await page.goto('/');
  await page.waitForLoadState('load');
  expect(bundle, 'the landing page loads no wasm').toEqual([]);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Keep all your badges');

  await page.getByRole('link', { name: 'Create my backpack' }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await hydrated(page);
  expect(bundle.filter((path) => path.endsWith('.wasm')), 'the sign-up page has islands').toHaveLength(1);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Your name').fill('Marie Dupont');
  await page.getByLabel('Password').fill('court');
  // The browser's own minlength check would stop a too-short password; bypass it to see ours.
  await page.locator('main form').evaluate((form: HTMLFormElement) => (form.noValidate = true));
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page.getByRole('alert')).toContainText('too short');

  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await confirmSignUp(page, email);
  await expect(page.getByRole('heading', { name: 'Your backpack is empty for now' })).toBeVisible();
  await expect(page.getByText('Hello Marie Dupont')).toBeVisible();

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();

  await page.getByRole('link', { name: 'Log in' }).click();
  await hydrated(page);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill('not my password at all');
  await page.getByRole('button', { name: 'Log in' }).last().click();
  await expect(page.getByRole('alert')).toContainText('is not right');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).last().click();
  await expect(page).toHaveURL(/\/backpack$/);

  // The switch is a plain form: the same page comes back in French.
  await page.getByRole('button', { name: 'Passer en français' }).click();
  await expect(page.getByRole('heading', { name: "Votre besace est vide pour l'instant" })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await page.reload();
  await expect(page.getByRole('heading', { name: "Votre besace est vide pour l'instant" })).toBeVisible();

  await page.getByRole('link', { name: 'Réglages' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await hydrated(page);
  await page.getByLabel('Tapez votre mot de passe pour confirmer').fill(password);
  await page.getByRole('button', { name: 'Supprimer définitivement mon compte' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Se connecter' })).toBeVisible();

  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).last().click();
  await expect(page.getByRole('alert')).toContainText("n'est pas correct");
  expect(consoleErrors).toEqual([]);
});

test('forms work without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  const email = uniqueEmail('nojs');
  await page.goto('/signup');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Your name').fill('Paul');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page).toHaveURL(/\/check-your-mail$/);
  await expect(page.getByRole('status')).toContainText('We have sent an e-mail');
  await page.goto(await linkMailedTo(email));
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(page).toHaveURL(/\/backpack$/);
  await expect(page.getByRole('heading', { name: 'Your backpack is empty for now' })).toBeVisible();

  // The settings' forms, posted by the browser itself: each comes back to its section with
  // its error or its notice in place, and the next Tab goes on from that section.
  await page.goto('/settings');
  const section = page.locator('#settings-password');
  await section.getByLabel('Current password').fill('not my password');
  await section.getByLabel('New password').fill('Un autre vélo, bleu celui-là');
  await section.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/settings\?__path=%2Fapi%2Fchange_password&error=WrongPassword#settings-password$/);
  await expect(section.getByRole('alert')).toHaveText('This is not your current password.');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('section')?.id)).toBe('settings-password');
  await section.getByLabel('Current password').fill(password);
  await section.getByLabel('New password').fill('Un autre vélo, bleu celui-là');
  await section.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/settings\?__done=%2Fapi%2Fchange_password#settings-password$/);
  await expect(section.getByRole('status')).toContainText('Your password has been changed.');
  await expect(section.getByRole('alert')).toHaveCount(0);
  await page.screenshot({ path: 'screenshots/settings-without-js-phone.png', fullPage: false });
  await context.close();
});

test('pages are usable from the keyboard', async ({ page }) => {
  await page.goto('/');
  await page.waitForLoadState('load');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
});
