import { test, expect } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hydrated } from './helpers';

// scripts/e2e runs `besace demo` first: this learner exists, speaks French, and has badges.
const demoEmail = 'camille.durand@example.org';
const demoPassword = 'Besace démo 2026';
const callback = 'http://127.0.0.1:9/admin/oauth2callback.php';
const scopes = [
  'https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly',
  'https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create',
  'https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.readonly',
];

/// A training platform's site on this machine serving an Open Badges 2.0 hosted badge for
/// the demo learner (the e2e server may fetch from 127.0.0.1).
async function issuerSite(): Promise<{ assertion: object; close: () => void }> {
  const documents = new Map<string, [string, Buffer]>();
  const server = createServer((request, response) => {
    const found = documents.get(request.url ?? '');
    if (!found) { response.writeHead(404).end(); return; }
    response.writeHead(200, { 'Content-Type': found[0] }).end(found[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context = 'https://w3id.org/openbadges/v2';
  const assertion = {
    '@context': context, type: 'Assertion', id: `${base}/assertions/42.json`,
    recipient: { type: 'email', hashed: false, identity: demoEmail },
    badge: `${base}/badges/securite.json`, issuedOn: '2026-11-20T09:00:00Z', verification: { type: 'hosted' },
  };
  const json = (value: object): [string, Buffer] => ['application/json', Buffer.from(JSON.stringify(value))];
  documents.set('/assertions/42.json', json(assertion));
  documents.set('/badges/securite.json', json({
    '@context': context, type: 'BadgeClass', id: `${base}/badges/securite.json`, name: "Sécurité à l'atelier",
    description: "Applique les règles de sécurité de l'atelier.", image: `${base}/badges/securite.png`,
    criteria: { narrative: 'Observé pendant trois séances.' }, issuer: `${base}/issuer.json`,
  }));
  documents.set('/issuer.json', json({
    '@context': context, type: 'Issuer', id: `${base}/issuer.json`, name: 'Moodle du centre', url: 'https://moodle.example/',
  }));
  documents.set('/badges/securite.png', ['image/png', Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')]);
  return { assertion, close: () => server.close() };
}

test('a platform asks to connect; the learner logs in, consents in a real browser, then disconnects it', async ({ page, baseURL }) => {
  // The platform's side, as Moodle does it: discovery, registration, PKCE.
  const manifest = await (await fetch(`${baseURL}/.well-known/badgeconnect.json`)).json();
  const api = manifest.badgeConnectAPI.at(-1);
  const registered = await (await fetch(api.registrationUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Moodle du centre', client_uri: 'https://moodle.example/',
      redirect_uris: [callback], token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: scopes.join(' '),
    }),
  })).json();
  const verifier = randomBytes(43).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const login = new URL(api.authorizationUrl);
  for (const [key, value] of Object.entries({
    client_id: registered.client_id, response_type: 'code', redirect_uri: callback, state: 'sesskey42',
    scope: scopes.join(' '), code_challenge: challenge, code_challenge_method: 'S256',
  })) login.searchParams.set(key, value);

  // Moodle's callback is not running here: catch the browser's arrival there.
  let arrived = '';
  await page.route('http://127.0.0.1:9/**', async (route) => {
    arrived = route.request().url();
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>Moodle</p>' });
  });

  // The learner is sent to Besace, logs in, and comes back to the request.
  await page.goto(login.toString());
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  await page.getByLabel(/E-mail/).fill(demoEmail);
  await page.getByLabel(/Password|Mot de passe/).fill(demoPassword);
  await page.locator('main form button[type=submit]').click();
  await expect(page).toHaveURL(/\/connect$/);
  // The demo learner's account speaks French.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Moodle du centre demande à se connecter à votre besace');
  await expect(page.getByText('vous envoyer des badges')).toBeVisible();
  await expect(page.getByText(demoEmail)).toBeVisible();
  for (const size of [{ name: 'phone', width: 360, height: 780 }, { name: 'desktop', width: 1280, height: 900 }]) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.screenshot({ path: `screenshots/consent-${size.name}.png`, fullPage: true });
  }
  await page.getByRole('button', { name: 'Autoriser' }).click();
  await expect.poll(() => arrived).toContain(callback);
  const answer = new URL(arrived);
  expect(answer.searchParams.get('state')).toBe('sesskey42');
  const code = answer.searchParams.get('code')!;

  // The platform exchanges the code (Basic auth, PKCE) and reads the learner's profile.
  const basic = Buffer.from(`${registered.client_id}:${registered.client_secret}`).toString('base64');
  const tokens = await (await fetch(api.tokenUrl, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callback, code_verifier: verifier }),
  })).json();
  expect(tokens.token_type).toBe('Bearer');
  const profile = await (await fetch(`${api.apiBase}/profile`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).json();
  expect(profile.status.statusCode).toBe(200);
  expect(profile.profile.name).toBe('Camille Durand');

  // The platform pushes a badge; it waits in the inbox until the learner accepts it.
  const site = await issuerSite();
  const pushed = await (await fetch(`${api.apiBase}/assertions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokens.access_token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ assertion: site.assertion }),
  })).json();
  expect(pushed.status.statusCode, JSON.stringify(pushed)).toBe(200);
  await page.goto('/backpack');
  await page.getByRole('link', { name: /Badges en attente dans votre boîte de réception\s: 1/ }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  const item = page.locator('.inbox-item').filter({ hasText: "Sécurité à l'atelier" });
  await expect(item).toContainText('Envoyé par Moodle du centre');
  for (const size of [{ name: 'phone', width: 360, height: 780 }, { name: 'desktop', width: 1280, height: 900 }]) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.screenshot({ path: `screenshots/inbox-${size.name}.png`, fullPage: true });
  }
  await item.getByRole('button', { name: 'Accepter' }).click();
  await expect(page).toHaveURL(/\/inbox\?accepted=\d+$/);
  await page.getByRole('link', { name: 'Le voir' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Sécurité à l'atelier");

  // Settings list the platform; disconnecting it stops its token at once.
  await page.goto('/settings#platforms');
  const platform = page.locator('.platform').filter({ hasText: 'Moodle du centre' });
  await expect(platform).toContainText('lire les badges de votre besace');
  await expect(platform).toContainText("Sécurité à l'atelier");
  await page.locator('#platforms').screenshot({ path: 'screenshots/platforms-desktop.png' });
  await platform.getByRole('button', { name: 'Déconnecter Moodle du centre' }).click();
  await expect(page.locator('.platform').filter({ hasText: 'Moodle du centre' })).toHaveCount(0);
  const refused = await fetch(`${api.apiBase}/profile`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
  expect(refused.status).toBe(401);
  site.close();
});

// Moodle's default backpack signs in with an address and a password: the learner makes one
// for that site in settings, sees it once, and Moodle's sign-in then lists the published
// collections. The e-portfolio switch lets Mahara find them. Plain forms: no wasm needed.
for (const javaScriptEnabled of [true, false]) {
  test.describe(`platform password and e-portfolio switch, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled });
    test('a platform password is shown once and works; Mahara finds the collections once allowed', async ({ page, baseURL }) => {
      await page.goto('/login');
      if (javaScriptEnabled) await hydrated(page);
      await page.getByLabel('E-mail address').fill(demoEmail);
      await page.getByLabel('Password').fill(demoPassword);
      await page.getByRole('button', { name: 'Log in' }).last().click();
      await expect(page).toHaveURL(/\/backpack$/);
      await page.goto('/settings');
      const section = page.locator('#platform-password');
      const site = `Moodle GRETA ${javaScriptEnabled ? 'A' : 'B'}`;
      await section.getByLabel('Nom du site').fill(site);
      await section.getByLabel('Seulement mes collections publiées').check();
      await section.getByRole('button', { name: 'Créer le mot de passe' }).click();
      await expect(page).toHaveURL(/\/settings#new-platform-password$/);
      const shown = page.locator('#new-platform-password code');
      await expect(shown).toHaveText(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
      const password = (await shown.textContent()) ?? '';
      if (javaScriptEnabled) {
        for (const size of [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1280, height: 900 }]) {
          await page.setViewportSize({ width: size.width, height: size.height });
          await section.screenshot({ path: `screenshots/platform-password-${size.name}.png` });
          await page.locator('#remote').screenshot({ path: `screenshots/remote-${size.name}.png` });
        }
      }
      // Moodle's sign-in (multipart, as its curl sends a PHP array), then its collections.
      const form = new FormData();
      form.append('username', demoEmail);
      form.append('password', password);
      const tokens = await (await fetch(`${baseURL}/o/token`, { method: 'POST', body: form, headers: { Accept: 'application/json' } })).json();
      expect(tokens.access_token, JSON.stringify(tokens)).toBeTruthy();
      const listed = await (await fetch(`${baseURL}/v2/backpack/collections`, {
        headers: { Authorization: `Bearer ${tokens.access_token}`, Accept: 'application/json' },
      })).json();
      expect(listed.status.success).toBe(true);
      expect(listed.result.length).toBeGreaterThan(0);
      await page.reload();
      await expect(page.locator('#new-platform-password')).toHaveCount(0);
      await expect(page.locator('.platform').filter({ hasText: site })).toContainText('Connecté avec son propre mot de passe.');

      // The e-portfolio switch, on then off again.
      const eportfolio = page.locator('#eportfolio');
      await eportfolio.getByRole('button', { name: 'Les laisser me trouver' }).click();
      await expect(page).toHaveURL(/\/settings#eportfolio$/);
      await expect(eportfolio).toContainText(demoEmail);
      const converted = await (await fetch(`${baseURL}/displayer/convert/email`, {
        method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `email=${encodeURIComponent(demoEmail)}`,
      })).json();
      expect(converted.status).toBe('okay');
      if (javaScriptEnabled) {
        await eportfolio.screenshot({ path: 'screenshots/eportfolio-phone.png' });
      }
      await eportfolio.getByRole('button', { name: 'Arrêter' }).click();
      await expect(eportfolio).toContainText('ne peuvent pas vous trouver');
    });
  });
}
