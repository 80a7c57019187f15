import { test, expect } from '@playwright/test';
import { confirmSignUp, mailDir, hydrated, linkMailedTo } from './helpers';

const password = 'Mon vélo rouge a trois roues';

test('a learner adds a second address and confirms it from the mail', async ({ page }) => {
  expect(mailDir, 'scripts/e2e starts the SMTP sink').not.toBe('');
  const stamp = `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
  const first = `lea.${stamp}@ecole.fr`;
  const second = `lea.${stamp}@entreprise.fr`;

  await page.goto('/signup');
  await hydrated(page);
  await page.getByLabel('E-mail address').fill(first);
  await page.getByLabel('Your name').fill('Léa Martin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await confirmSignUp(page, first);

  await page.getByRole('link', { name: 'Settings' }).click();
  await hydrated(page);
  const addresses = page.locator('.email-list');
  await expect(addresses.getByText(first)).toBeVisible();
  await expect(addresses.getByText('Waiting for confirmation')).toHaveCount(0);

  await page.getByLabel('Another e-mail address').fill(second);
  await page.getByRole('button', { name: 'Add this address' }).click();
  await expect(page.getByRole('status')).toContainText('We sent a confirmation link');
  await expect(addresses.getByText(second)).toBeVisible();

  // The learner opens the mail and follows its link.
  const link = await linkMailedTo(second);
  await page.goto(link);
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(page.getByRole('status')).toContainText('Your address is confirmed');
  await page.getByRole('link', { name: 'Go to my settings' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  const row = page.locator('.email-row', { hasText: second });
  await expect(row.getByText('Confirmed')).toBeVisible();

  // A link works once: used again, it is refused with what to do.
  await page.goto(link);
  await hydrated(page);
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(page.getByRole('alert')).toContainText('This link does not work');
});
