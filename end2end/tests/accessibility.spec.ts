import { test, expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { hydrated, logIn } from './helpers';

// scripts/e2e runs `besace demo` first: this learner has 14 real badges, a published
// collection, and chose French.
const demoEmail = 'camille.durand@example.org';
const demoPassword = 'Besace démo 2026';

// WCAG 2.2 AA, every impact: axe-core's own rules for those levels.
const levels = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/// The page as it is now has no axe-core violation of any impact; `state` names it.
async function accessible(page: Page, state: string, checked: string[]) {
  await page.waitForLoadState('load');
  const started = Date.now();
  const results = await new AxeBuilder({ page }).withTags(levels).analyze();
  if (process.env.BESACE_E2E_DEBUG) console.log(state, Date.now() - started, 'ms');
  const found = results.violations.map((violation) =>
    `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}`);
  expect(found, `${state} at ${page.viewportSize()?.width} px`).toEqual([]);
  // Nothing is wider than the screen, whatever the badges say.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${state}: wider than the screen`).toBeLessThanOrEqual(0);
  checked.push(state);
}

// The phone and desktop widths. axe-core runs inside the page, so it needs JavaScript: the
// pages without the wasm are covered by the no-JavaScript runs of accounts and platforms.
for (const [width, javaScript] of [[360, true], [1280, true]] as [number, boolean][]) {
  {
    test(`every page and state passes axe-core at ${width} px, JavaScript ${javaScript ? 'on' : 'off'}`, async ({ browser }) => {
      // About 21 axe-core runs of a few seconds each on two cores.
      test.setTimeout(240_000);
      const context = await browser.newContext({ viewport: { width, height: 800 }, javaScriptEnabled: javaScript });
      const page = await context.newPage();
      const checked: string[] = [];

      // A visitor, in English.
      for (const path of ['/', '/login', '/signup', '/forgot-password', '/reset-password?token=unknown', '/no/such/page']) {
        await page.goto(path);
        await accessible(page, path, checked);
      }

      // The demo learner, in French. Logging in needs the wasm's form or the plain one: both post.
      if (javaScript) {
        await logIn(page, demoEmail, demoPassword);
      } else {
        await page.goto('/login');
        await page.getByLabel('E-mail address').fill(demoEmail);
        await page.getByLabel('Password').fill(demoPassword);
        await page.getByRole('button', { name: 'Log in' }).last().click();
        await expect(page).toHaveURL(/\/backpack$/);
      }
      await accessible(page, 'backpack', checked);
      // From the keyboard (at 360 px Playwright's pointer check finds the root island's
      // inline wrapper over the summary, though the page's own hit test finds the summary).
      await page.getByText('Chercher, filtrer, trier').focus();
      await page.keyboard.press('Enter');
      await expect(page.getByLabel('État')).toBeVisible();
      await accessible(page, 'backpack, filters open', checked);
      await page.goto('/backpack?q=etre&sort=name');
      await accessible(page, 'backpack, a search', checked);

      await page.goto('/backpack');
      const badge = await page.locator('.badge-card .badge-name a').first().getAttribute('href');
      await page.goto(badge!);
      await accessible(page, 'badge page', checked);
      await page.getByText('Détails techniques').focus();
      await page.keyboard.press('Enter');
      await accessible(page, 'badge page, technical details open', checked);
      // Shared on its own (the other width's run may have shared it already).
      await hydrated(page);
      if (!(await page.getByLabel('Lien public').isVisible())) {
        await page.getByRole('button', { name: 'Obtenir un lien pour ce badge' }).click();
      }
      const shared = await page.getByLabel('Lien public').inputValue();
      await accessible(page, 'badge page, shared on its own', checked);

      for (const path of ['/import', '/collections', '/settings', '/inbox']) {
        await page.goto(path);
        await accessible(page, path, checked);
      }
      // The import page with a refusal in its results (by the picker, or by the plain form).
      await page.goto('/import');
      if (javaScript) {
        await hydrated(page);
      }
      await page.getByLabel('Choisir mes badges').setInputFiles('../public/favicon.svg');
      if (!javaScript) {
        await page.getByRole('button', { name: 'Importer ces badges' }).click();
      }
      await expect(page.locator('.import-summary')).toHaveText('Non ajoutés\u00a0: 1');
      await page.getByText('Autres façons').click();
      await accessible(page, 'import results, other ways open', checked);
      await page.goto('/collections');
      await page.locator('.collection-card', { hasText: 'Publique depuis' }).first().getByRole('link').click();
      await accessible(page, 'a published collection', checked);
      await page.locator('.europass summary').click();
      await expect(page.locator('.europass-list')).toBeVisible();
      await accessible(page, 'a published collection, its Europass panel open', checked);
      const gallery = await page.getByRole('link', { name: 'Ouvrir la page publique' }).getAttribute('href');

      // The recruiter, in English, without an account: the gallery and one of its badges.
      const recruiter = await browser.newContext({ viewport: { width, height: 800 }, javaScriptEnabled: javaScript });
      const visitor = await recruiter.newPage();
      await visitor.goto(gallery!);
      await expect(visitor.locator('.gallery-summary')).toContainText('checked by Besace on');
      await accessible(visitor, 'public gallery', checked);
      await visitor.locator('.badge-card a').first().click();
      await expect(visitor.getByText(/^Awarded to /)).toBeVisible();
      await accessible(visitor, 'public badge page', checked);
      await visitor.goto(shared);
      await expect(visitor.getByText(/^Awarded to /)).toBeVisible();
      await accessible(visitor, 'one badge shared on its own', checked);
      await recruiter.close();
      await context.close();
      expect(checked).toHaveLength(22);
    });
  }
}
