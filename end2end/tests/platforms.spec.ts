import { test, expect } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
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

  // Settings list the platform; disconnecting it stops its token at once.
  await page.goto('/settings#platforms');
  const platform = page.locator('.platform').filter({ hasText: 'Moodle du centre' });
  await expect(platform).toContainText('lire les badges de votre besace');
  await page.locator('#platforms').screenshot({ path: 'screenshots/platforms-desktop.png' });
  await platform.getByRole('button', { name: 'Déconnecter Moodle du centre' }).click();
  await expect(page.locator('.platform').filter({ hasText: 'Moodle du centre' })).toHaveCount(0);
  const refused = await fetch(`${api.apiBase}/profile`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
  expect(refused.status).toBe(401);
});
