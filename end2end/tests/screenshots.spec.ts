import { test, expect } from '@playwright/test';
import { confirmSignUp } from './helpers';

// Renders each main page at phone and desktop width into end2end/screenshots/ to look at.
const widths = [
  { name: 'phone', width: 360, height: 780 },
  { name: 'desktop', width: 1280, height: 900 },
];

test('screenshots of the main pages', async ({ page }) => {
  const email = `shots.${Date.now()}@ecole.fr`;
  const shoot = async (name: string) => {
    for (const size of widths) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.screenshot({ path: `screenshots/${name}-${size.name}.png`, fullPage: true });
    }
  };
  await page.goto('/');
  await shoot('landing');
  await page.goto('/login');
  await shoot('login');
  await page.goto('/signup');
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Your name').fill('Marie Dupont');
  await page.getByLabel('Password').fill('Mon vélo rouge a trois roues');
  await shoot('signup');
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page).toHaveURL(/\/check-your-mail$/);
  await shoot('check-your-mail');
  await confirmSignUp(page, email);
  await shoot('backpack');
  // The rest of a new learner's pages, in English (the demo learner's are in French).
  for (const path of ['/settings', '/import', '/collections', '/inbox']) {
    await page.goto(path);
    await shoot(path.slice(1));
  }
});
