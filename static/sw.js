// MQTT Deck's service worker: keeps the app shell (index.html and this build's files) in a
// cache, so the app opens offline and repeat visits start from the cache instead of the network.
// It answers only for the shell's own files; everything else, above all the broker's WebSocket
// (which service workers cannot see anyway), goes to the network untouched.
//
// tests/e2e/release.mjs fills in the two constants below for each release build. The new
// VERSION makes every deploy a different sw.js byte for byte, which is what makes browsers
// install it; it then waits until the page's "Reload" offer (pwa.js) tells it to take over,
// so a running session is never swapped under the user. Unfilled (debug builds) it keeps nothing.
const VERSION = 'dev';
const SHELL = [];

// Several deployments may share an origin under different path prefixes: each keeps its own caches.
const PREFIX = `mqtt-deck ${self.registration.scope} `;
const CACHE = PREFIX + VERSION;

// Trunk's hashed names (`style-<hash>.css`) change with their content, so the copy the page has
// just loaded into the HTTP cache is the right one; other files come fresh from the server.
const HASHED = /-[0-9a-f]{16}(_bg)?\.[a-z]+$/;

self.addEventListener('install', (event) => {
  const requests = SHELL.map((f) => new Request(f, { cache: HASHED.test(f) ? 'default' : 'reload' }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k)))),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const key = shellFile(event.request);
  if (key) event.respondWith(caches.open(CACHE).then((c) => c.match(key)).then((hit) => hit || fetch(event.request)));
});

/** The shell file that answers `request`, or null when the network should. */
function shellFile(request) {
  if (request.method !== 'GET' || SHELL.length === 0) return null;
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return null;
  const file = url.pathname.slice(scope.pathname.length);
  // Opening the app: its address carries the connection in the query string (?url=…&connect=1),
  // and every such address is the same page.
  if (request.mode === 'navigate') return file === '' || file === 'index.html' ? 'index.html' : null;
  return !url.search && SHELL.includes(file) ? file : null;
}
