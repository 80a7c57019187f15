import { expect, Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';

/// Where scripts/e2e's SMTP sink writes each delivered mail as JSON.
export const mailDir = process.env.BESACE_E2E_MAIL_DIR ?? '';

/// Clicks before hydration would be lost: the layout sets this marker once the wasm runs.
/// On a busy two-core machine the first compile of the wasm in a fresh browser can take
/// over ten seconds (seen once in CI), hence the longer wait.
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
}

/// What the page fetches of the wasm bundle (`/pkg/…` scripts and wasm) from now on: a page
/// with no island fetches none.
export function bundleRequests(page: Page): string[] {
  const fetched: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/pkg/') && /\.(js|wasm)$/.test(path)) fetched.push(path);
  });
  return fetched;
}

/// The verification link of the latest mail delivered to `address`.
export async function linkMailedTo(address: string): Promise<string> {
  let link = '';
  await expect
    .poll(() => {
      for (const file of readdirSync(mailDir).sort().reverse()) {
        const mail = JSON.parse(readFileSync(`${mailDir}/${file}`, 'utf8'));
        if (mail.to.includes(address)) {
          link = mail.text.match(/https?:\/\/\S+\/verify-email\?token=\S+/)?.[0] ?? '';
          return link;
        }
      }
      return '';
    }, { message: `a mail to ${address}` })
    .not.toBe('');
  return link;
}

/// Logs in through the login page, as a learner would, and waits for the backpack.
export async function logIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).last().click();
  await expect(page).toHaveURL(/\/backpack$/);
}


/// After the sign-up form: the "check your mail" page, then the mailed link and its
/// button, which log the learner in to the backpack.
export async function confirmSignUp(page: Page, address: string) {
  await expect(page).toHaveURL(/\/check-your-mail$/);
  await expect(page.getByRole('status')).toContainText('We have sent an e-mail');
  await page.goto(await linkMailedTo(address));
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(page).toHaveURL(/\/backpack$/);
}
