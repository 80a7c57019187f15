// Besace's service worker: the learner's backpack opens offline, read-only. The server
// writes BUILD (one per build: a new release keeps nothing of the old cache) and WORDS (the
// offline notices, from app/locales) in place of their markers (server/src/web_app.rs).
//
// - The learner's own pages and badge pictures come from the network; each good answer is
//   kept, and served only when the network fails, under a notice saying since when.
// - Public pages (/g/, /u/, /s/) and everything else are never kept; offline, a page that
//   was not kept says so.
// - Everything kept is forgotten when anyone logs in (a mailed sign-up link too), logs out,
//   signs up or deletes the account, and when the server says the session is over (401, or
//   a redirect instead of a private page): another learner on this browser never sees the
//   first one's badges.
// - The site's own files (/pkg/, icons) are kept for the build they belong to.
const BUILD = "__BESACE_BUILD__";
const WORDS = __BESACE_WORDS__;
const CACHE = 'besace-' + BUILD;
const KEPT_AT = 'x-besace-kept-at';

const PRIVATE_PAGE = /^\/(backpack|badges\/\d+|collections(\/\d+)?|inbox)$/;
const PICTURE = /^\/api\/badges\/\d+\/image\/[0-9a-f]+$/;
const SITE_FILE = /^\/(pkg\/|favicon\.svg$|badge-placeholder\.svg$|empty-backpack\.svg$|icon-[\w-]+\.png$|time-zone\.js$|web-app\.js$)/;
const ENDS_SESSION = /^\/api\/(login|logout|logout_everywhere|signup|confirm_email|delete_account|reset_password)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(['/pkg/besace.css', '/favicon.svg', '/badge-placeholder.svg', '/time-zone.js', '/web-app.js']))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

/** Forgets the learner's pages and pictures (the site's files stay). */
async function forgetLearner() {
  const cache = await caches.open(CACHE);
  const requests = await cache.keys();
  await Promise.all(
    requests
      .filter((request) => !SITE_FILE.test(new URL(request.url).pathname))
      .map((request) => cache.delete(request))
  );
}

self.addEventListener('message', (event) => {
  if (event.data === 'forget') {
    event.waitUntil(forgetLearner());
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== 'GET') {
    if (ENDS_SESSION.test(url.pathname)) {
      event.respondWith(forgetLearner().then(() => fetch(request)));
    }
    return;
  }
  if (SITE_FILE.test(url.pathname)) {
    event.respondWith(siteFile(request));
  } else if (PICTURE.test(url.pathname) || (PRIVATE_PAGE.test(url.pathname) && request.mode === 'navigate')) {
    event.respondWith(learnerOwn(request));
  } else if (request.mode === 'navigate') {
    // Any other page straight from the network; offline, a page saying so.
    event.respondWith(fetch(request).catch(() => missingPage(request)));
  }
});

async function siteFile(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) {
    return kept;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}

/** The network's answer, kept for later; the kept one only when the network fails. */
async function learnerOwn(request) {
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    const kept = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (kept) {
      return request.mode === 'navigate' ? withNotice(kept) : kept;
    }
    if (request.mode === 'navigate') {
      return missingPage(request);
    }
    throw offline;
  }
  // A navigation is answered its redirect as it is (to the login page, when the session is
  // over); a picture's fetch follows it.
  const loggedOut = response.status === 401 || response.type === 'opaqueredirect' ||
    (response.redirected && new URL(response.url).pathname === '/login');
  if (loggedOut) {
    await forgetLearner();
  } else if (response.ok && !response.redirected) {
    const headers = new Headers(response.headers);
    headers.set(KEPT_AT, new Date().toISOString());
    // The body kept is the decoded one.
    headers.delete('content-encoding');
    headers.delete('content-length');
    const body = await response.clone().arrayBuffer();
    await cache.put(request, new Response(body, { status: response.status, statusText: response.statusText, headers }));
  }
  return response;
}

function wordsFor(lang) {
  return WORDS[lang] || WORDS.en;
}

/** A kept page, with a notice at the top of its main part saying it is offline and since when. */
async function withNotice(kept) {
  const html = await kept.text();
  const lang = (/<html[^>]*\blang="([a-z]{2})/.exec(html) || [])[1] || 'en';
  const words = wordsFor(lang);
  const at = new Date(kept.headers.get(KEPT_AT) || Date.now());
  const when = at.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' });
  const notice = '<p class="offline-notice" role="status">' + escapeHtml(words.offline.replace('{when}', when)) + '</p>';
  const marked = html.replace(/(<main\b[^>]*>)/, '$1' + notice);
  const headers = new Headers(kept.headers);
  headers.delete('content-length');
  return new Response(marked, { status: 200, headers });
}

/** Offline, a page never opened here: say so, and lead to the backpack if it was kept. */
async function missingPage(request) {
  const cache = await caches.open(CACHE);
  const backpack = await cache.match('/backpack', { ignoreSearch: true });
  const lang = (navigator.language || 'en').slice(0, 2) === 'fr' ? 'fr' : 'en';
  const words = wordsFor(lang);
  const link = backpack ? '<p><a href="/backpack">' + escapeHtml(words.back) + '</a></p>' : '';
  const html = '<!DOCTYPE html><html lang="' + lang + '"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Besace</title>' +
    '<link rel="stylesheet" href="/pkg/besace.css"></head><body><main id="main"><section class="panel">' +
    '<p class="offline-notice" role="status">' + escapeHtml(words.missing) + '</p>' + link +
    '</section></main></body></html>';
  return new Response(html, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
