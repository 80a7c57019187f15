import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';

const mailDir = process.env.BESACE_E2E_MAIL_DIR ?? '';
const fixtures = '../server/badges/fixtures/ob3';
// The address the OB 3.0 fixtures are issued to (made by @digitalbazaar/vc, see server/badges).
const learner = 'ana.martin@example.org';

function verificationLink(address: string): string {
  for (const file of readdirSync(mailDir).sort().reverse()) {
    const mail = JSON.parse(readFileSync(`${mailDir}/${file}`, 'utf8'));
    if (mail.to.includes(address)) {
      return mail.text.match(/https?:\/\/\S+\/verify-email\?token=\S+/)?.[0] ?? '';
    }
  }
  return '';
}

test('imported badges appear in the backpack with their status', async ({ page }) => {
  await page.goto('/signup');
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  await page.getByLabel('E-mail address').fill(learner);
  await page.getByLabel('Your name').fill('Ana Martin');
  await page.getByLabel('Password').fill('Mon vélo rouge a trois roues');
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page).toHaveURL(/\/backpack$/);
  await expect.poll(() => verificationLink(learner)).not.toBe('');
  await page.goto(verificationLink(learner));
  await expect(page.getByRole('status')).toContainText('is confirmed');

  // The import page is still to come: the files go through the same HTTP API it will use.
  const file = (name: string, mimeType: string) => ({
    name,
    mimeType,
    buffer: readFileSync(`${fixtures}/${name}`),
  });
  for (const [name, type] of [['baked-di.png', 'image/png'], ['di-expired.json', 'application/json']]) {
    const response = await page.request.post('/api/badges/import', { multipart: { file: file(name, type) } });
    expect(response.ok()).toBeTruthy();
    expect((await response.json()).results[0].outcome).toBe('added');
  }

  await page.goto('/backpack');
  const cards = page.locator('.badge-card');
  await expect(cards).toHaveCount(2);
  await expect(cards.filter({ hasText: 'Parler en public' }).first()).toBeVisible();
  await expect(page.getByText('Verified', { exact: true })).toBeVisible();
  await expect(page.getByText('Expired', { exact: true })).toBeVisible();
  for (const size of [{ name: 'phone', width: 360, height: 780 }, { name: 'desktop', width: 1280, height: 900 }]) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.screenshot({ path: `screenshots/backpack-badges-${size.name}.png`, fullPage: true });
  }
});
