// Registers the service worker (sw.js) that keeps MQTT Deck's files for offline use, and offers
// to reload when a new version has been installed in the background. A file rather than an inline
// script: the page's Content-Security-Policy runs scripts from the app's own origin only.
(function () {
  var sw = navigator.serviceWorker;
  // No service worker (an old browser, a file:// page, some private modes): the app still works online.
  if (!sw) return;
  var reloading = false;

  // Once the app has started (Trunk's start-up script says so): filling the cache then does not
  // compete with the app's own start, and an offer is not lost when the app takes over the page's
  // body (Yew empties it when it mounts).
  if (window.wasmBindings) start();
  else addEventListener('TrunkApplicationStarted', start, { once: true });

  function start() {
    sw.register('sw.js').then(watch, function () {
      // Registration refused (e.g. storage disabled): nothing to cache, the app works as before.
    });
  }

  // Only the tab whose button was pressed reloads; other tabs keep their session and their offer.
  sw.addEventListener('controllerchange', function () {
    if (reloading) location.reload();
  });

  function watch(reg) {
    // A first install has no controller yet: nothing to replace, so nothing to offer.
    if (reg.waiting && sw.controller) offer(reg);
    reg.addEventListener('updatefound', function () {
      var next = reg.installing;
      if (!next) return;
      next.addEventListener('statechange', function () {
        if (next.state === 'installed' && sw.controller) offer(reg);
      });
    });
  }

  function offer(reg) {
    if (document.querySelector('.update-offer')) return;
    var box = document.createElement('aside');
    box.className = 'update-offer';
    box.setAttribute('aria-label', 'New version');
    // Live before it has content, so screen readers announce the text when it arrives.
    box.setAttribute('aria-live', 'polite');
    document.body.appendChild(box);
    var text = document.createElement('p');
    text.textContent = 'A new version of MQTT Deck is ready.';
    var reload = document.createElement('button');
    reload.type = 'button';
    reload.className = 'primary';
    reload.textContent = 'Reload into the new version';
    reload.addEventListener('click', function () {
      reload.disabled = true;
      if (reg.waiting) {
        reloading = true;
        reg.waiting.postMessage('skip-waiting');
      } else {
        // Another tab already switched to it: this tab only has to load it.
        location.reload();
      }
    });
    var later = document.createElement('button');
    later.type = 'button';
    later.textContent = 'Not now';
    later.setAttribute('aria-label', 'Not now: keep this version until the next visit');
    later.addEventListener('click', function () {
      box.remove();
    });
    box.append(text, reload, later);
  }
})();
